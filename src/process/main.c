/* SPDX-License-Identifier: Apache-2.0 */
/* main.c - command line, configuration, start.
 *
 *   rbd-rest-api [-c FILE] [--KEY=VALUE | --KEY VALUE]... [-t] [-h] [-V]
 *   rbd-rest-api --routes | --route-rules | --surface
 *
 * Every configuration key can be given on the command line, where it wins
 * over the file; a reload (SIGHUP) re-reads the file and applies the same
 * command-line values again. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "listen.h"
#include "log.h"
#include "master.h"
#include "policy.h"
#include "routes.h"
#include "sched_runner.h"
#include "surface.h"
#include "task_runner.h"

struct command_line {
	const char *conf_path;   /* NULL = the default path, if it exists */
	int test_only;
	char **overrides;        /* argv entries: "--key=value" or "--key", "value" */
	int noverrides;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rbd-rest-api [-c FILE] [--KEY=VALUE]... [-t] [-h] [-V]\n"
		"\n"
		"REST API for Ceph RBD images, served over FastCGI to nginx.\n"
		"\n"
		"  -c FILE   configuration file (default %s)\n"
		"  -t        check the configuration and exit\n"
		"  -h        this help\n"
		"  -V        print the version\n"
		"  --routes  print the route table (METHOD PATH per line) and exit\n"
		"  --route-rules  the same with each route's verb and scope (policy)\n"
		"  --surface the routes as JSON, with query parameters and body fields\n"
		"\n"
		"Configuration keys (file: \"key = value\"; command line: --key=value):\n",
		CONF_DEFAULT_PATH);
	conf_print_help(out);
}

/* Builds a configuration from defaults, the file and the command line. */
static int load_conf(void *arg, struct conf *conf, char *err, size_t errlen)
{
	const struct command_line *cl = arg;
	const char *path = cl->conf_path ? cl->conf_path : CONF_DEFAULT_PATH;
	char why[512];
	int r;

	r = conf_init(conf);
	if (r < 0) {
		snprintf(err, errlen, "out of memory");
		return r;
	}
	if (cl->conf_path || access(path, F_OK) == 0) {
		r = conf_load_file(conf, path, err, errlen);
		if (r < 0)
			goto fail;
	}
	for (int i = 0; i < cl->noverrides; i++) {
		char *arg_text = cl->overrides[i] + 2;
		char *eq = strchr(arg_text, '=');
		char key[64];
		const char *value;

		if (eq) {
			snprintf(key, sizeof(key), "%.*s", (int)(eq - arg_text), arg_text);
			value = eq + 1;
		} else {
			snprintf(key, sizeof(key), "%s", arg_text);
			value = cl->overrides[++i];
		}
		r = conf_set(conf, key, value, why, sizeof(why));
		if (r < 0) {
			snprintf(err, errlen, "command line: %s", why);
			goto fail;
		}
	}
	r = conf_load_policy(conf, err, errlen);
	if (r < 0)
		goto fail;
	return 0;
fail:
	conf_free(conf);
	return r;
}

static int parse_command_line(int argc, char **argv, struct command_line *cl)
{
	memset(cl, 0, sizeof(*cl));
	cl->overrides = argv + 1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "-c") == 0 && i + 1 < argc) {
			cl->conf_path = argv[++i];
		} else if (strcmp(arg, "-t") == 0) {
			cl->test_only = 1;
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(arg, "--routes") == 0) {
			/* For the test that holds the OpenAPI document to the table. */
			for (size_t r = 0; r < api_nroutes; r++)
				printf("%s %s\n", http_method_name(api_routes[r].method),
				       api_routes[r].pattern);
			exit(0);
		} else if (strcmp(arg, "--route-rules") == 0) {
			/* For t/15-authz.t: every route with its authorization rule. */
			for (size_t r = 0; r < api_nroutes; r++)
				printf("%s %s %s %s\n", http_method_name(api_routes[r].method),
				       api_routes[r].pattern,
				       policy_verb_name(api_routes[r].verb) ? policy_verb_name(api_routes[r].verb) : "none",
				       route_scope_name(api_routes[r].scope));
			exit(0);
		} else if (strcmp(arg, "--surface") == 0) {
			/* For t/01-surface.t: what the OpenAPI document must describe. */
			exit(surface_print(stdout) < 0 ? 1 : 0);
		} else if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
			printf("rbd-rest-api %s\n", PACKAGE_VERSION);
			exit(0);
		} else if (strncmp(arg, "--", 2) == 0 && arg[2]) {
			/* Kept in place; load_conf applies them in order. */
			if (!strchr(arg, '=')) {
				if (i + 1 >= argc) {
					fprintf(stderr, "rbd-rest-api: %s needs a value\n", arg);
					return -EINVAL;
				}
				i++;
			}
		} else {
			fprintf(stderr, "rbd-rest-api: unexpected argument \"%s\"\n", arg);
			usage(stderr);
			return -EINVAL;
		}
	}
	return 0;
}

/* Only the "--key" arguments, in order, for load_conf. */
static char **collect_overrides(int argc, char **argv, int *count)
{
	char **list = calloc((size_t)argc, sizeof(*list));
	int n = 0;

	if (!list)
		return NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0) {
			i++;
		} else if (strncmp(argv[i], "--", 2) == 0) {
			list[n++] = argv[i];
			if (!strchr(argv[i], '='))
				list[n++] = argv[++i];
		}
	}
	*count = n;
	return list;
}

int main(int argc, char **argv)
{
	struct command_line cl;
	struct listener listener = {.fd = -1};
	struct conf *conf = NULL;
	char err[1024];
	int r, status = 1;

	/* Started by a worker for an async copy or rollback (api_local_tasks.c). */
	if (argc > 1 && strcmp(argv[1], TASK_RUNNER_FLAG) == 0)
		return task_runner_main(argc, argv);
	/* Started by the master (sched_spawn.c). */
	if (argc > 1 && strcmp(argv[1], SCHED_RUNNER_FLAG) == 0)
		return sched_runner_main(argc, argv);
	if (parse_command_line(argc, argv, &cl) < 0)
		return 2;
	cl.overrides = collect_overrides(argc, argv, &cl.noverrides);
	conf = calloc(1, sizeof(*conf));
	if (!cl.overrides || !conf) {
		fprintf(stderr, "rbd-rest-api: out of memory\n");
		goto out;
	}
	r = load_conf(&cl, conf, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "rbd-rest-api: %s\n", err);
		free(conf);
		conf = NULL;
		status = 2;
		goto out;
	}
	if (cl.test_only) {
		printf("rbd-rest-api: configuration ok\n");
		status = 0;
		goto out_conf;
	}
	if (geteuid() == 0 && !conf->allow_root) {
		fprintf(stderr,
			"rbd-rest-api: refusing to run as root; run as an unprivileged user (e.g. rbdapi) or set allow_root = true\n");
		status = 2;
		goto out_conf;
	}
	log_set_threshold(conf->log_level);
	r = log_to_file(conf->log_file);
	if (r < 0) {
		fprintf(stderr, "rbd-rest-api: cannot open log_file %s: %s\n", conf->log_file,
			strerror(-r));
		goto out_conf;
	}
	/* client.admin can do anything to the cluster, which a compromised
	 * service then could too. */
	if (strcmp(conf->ceph_id, "admin") == 0)
		log_warn("event=config.admin_user msg=\"ceph_id = admin: the service runs as client.admin; give it a least-privilege user (README)\"");

	r = listener_open(&listener, conf, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "rbd-rest-api: %s\n", err);
		goto out_conf;
	}
	/* master_run owns conf from here on (a reload replaces it). */
	status = master_run(conf, &listener, load_conf, &cl);
	conf = NULL;
	listener_close(&listener);
out_conf:
	if (conf)
		conf_free(conf);
	free(conf);
out:
	free(cl.overrides);
	return status;
}
