/* SPDX-License-Identifier: Apache-2.0 */
/* conf.c - configuration keys, file and command line (see conf.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "policy.h"
#include "scoreboard.h"
#include "size.h"
#include "url_allow.h"

/* KEY_URLS: a string holding import_url_allow patterns, checked when set. */
enum key_type {
	KEY_STRING, KEY_URLS, KEY_UINT, KEY_ULONG, KEY_MODE, KEY_BOOL, KEY_SIZE, KEY_LEVEL
};

struct conf_key {
	const char *name;
	enum key_type type;
	size_t offset;
	unsigned long min, max;
	const char *dflt;   /* the default, as the file would say it; NULL: computed (workers) */
	const char *help;
};

#define KEY(field, type, min, max, dflt, help) \
	{#field, type, offsetof(struct conf, field), min, max, dflt, help}

static const struct conf_key keys[] = {
	KEY(listen, KEY_STRING, 0, 0, "/run/rbd-rest-api/rbd-rest-api.sock",
	    "unix socket path, or host:port for TCP (ignored under socket activation)"),
	KEY(socket_mode, KEY_MODE, 0, 0777, "0660", "permissions of the unix socket (octal)"),
	KEY(socket_group, KEY_STRING, 0, 0, "",
	    "group owning the unix socket: one only nginx's user is in, e.g. rbdapi-web"),
	KEY(listen_remote, KEY_BOOL, 0, 0, "false",
	    "allow a TCP listen address other hosts can reach (needs FCGI_WEB_SERVER_ADDRS)"),
	KEY(workers, KEY_UINT, 1, 1024, NULL,
	    "worker processes, one cluster connection each (default: CPUs)"),
	/* Enough for a burst of slow requests (copies, snapshot changes) to
	 * leave threads for the rest; see t/bench/README.md. */
	KEY(threads, KEY_UINT, 1, SCOREBOARD_THREADS, "16",
	    "request threads per worker, sharing its connection (default 16)"),
	KEY(max_requests, KEY_ULONG, 0, ULONG_MAX, "0",
	    "requests a worker serves before it is replaced; 0 = never"),
	KEY(shutdown_timeout, KEY_UINT, 1, 3600, "30",
	    "seconds in-flight requests get to finish on stop or reload"),
	/* nginx's fastcgi_read_timeout: past it nobody waits for the answer. */
	KEY(request_timeout, KEY_UINT, 0, 86400, "120",
	    "seconds a request may run before its worker is killed and replaced; 0 = no limit"),
	KEY(max_tasks, KEY_UINT, 1, 1024, "4",
	    "copy and rollback tasks (runner processes) this service runs at once"),
	KEY(ceph_conf, KEY_STRING, 0, 0, "", "ceph.conf path; empty = $CEPH_CONF or /etc/ceph/ceph.conf"),
	/* The least-privilege user the README makes, not client.admin: an
	 * install that forgets to choose does not quietly get every power. */
	KEY(ceph_id, KEY_STRING, 0, 0, "rbdapi", "cephx user name without \"client.\""),
	KEY(keyring, KEY_STRING, 0, 0, "", "keyring path; empty = what ceph.conf says"),
	KEY(rados_timeout, KEY_UINT, 1, 3600, "30",
	    "seconds before a cluster operation or connection attempt gives up"),
	KEY(max_body, KEY_SIZE, 1, 64ul << 20, "64K", "largest request body accepted, e.g. 64K"),
	/* Copy, flatten and rollback move up to the whole image: at a few
	 * hundred MB/s, 32G is about request_timeout. */
	KEY(sync_max_size, KEY_SIZE, 0, ULONG_MAX, "32G",
	    "largest image copied, flattened or rolled back without ?async=true; 0 = any"),
	KEY(max_sync_data_ops, KEY_UINT, 1, 1024, "2",
	    "synchronous copies, flattens and rollbacks one worker runs at once; more wait"),
	/* Each holds up to 64 MiB of buffers (rbd/image_stream.h), and
	 * four of them fill what one worker's connection moves. */
	KEY(max_transfers, KEY_UINT, 1, SCOREBOARD_THREADS, "4",
	    "image content downloads and uploads one worker runs at once; more get 429"),
	KEY(allow_pool_delete, KEY_BOOL, 0, 0, "false",
	    "whether DELETE /api/v1/pools/{pool} may delete pools"),
	KEY(allow_root, KEY_BOOL, 0, 0, "false", "allow running as root (not recommended)"),
	/* The service fetches these on a user's behalf: none until the
	 * administrator names them (url_allow.h). */
	KEY(import_url_allow, KEY_URLS, 0, 0, "",
	    "URLs images may be imported from: SCHEME://HOST[:PORT]/PATH globs, "
	    "space-separated; empty = none"),
	KEY(log_level, KEY_LEVEL, 0, 0, "info", "error, warn, info or debug"),
	KEY(log_file, KEY_STRING, 0, 0, "",
	    "append logs to this file instead of stderr; SIGUSR1 reopens it (logrotate)"),
	KEY(policy, KEY_STRING, 0, 0, "",
	    "authorization policy file (users, roles, scopes); empty = every user is admin"),
	KEY(snapshot_scheduler, KEY_BOOL, 0, 0, "true",
	    "run the snapshot-schedule process here (one instance of all is active at a time)"),
	KEY(schedule_tick_ms, KEY_UINT, 100, 60000, "5000",
	    "milliseconds between the scheduler's looks at the schedules "
	    "(its lease is 6 ticks, at least 3 s)"),
	KEY(schedule_min_interval, KEY_UINT, 1, 86400, "60",
	    "seconds: the shortest interval a snapshot schedule may have (tests use 1)"),
};

/* Most of a request is waiting on the cluster, which the request threads
 * of a worker do side by side on its one connection; librados' own
 * threads do the work, so a worker per CPU is enough, and each costs a
 * cluster connection and ~30 MiB. */
static unsigned default_workers(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus >= 1 ? (unsigned)cpus : 1;
}

static int set_value(struct conf *conf, const struct conf_key *key, const char *value,
		     char *err, size_t errlen);

int conf_init(struct conf *conf)
{
	char err[256];

	memset(conf, 0, sizeof(*conf));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!keys[i].dflt)
			continue;
		/* The table's defaults pass the parser a file goes through;
		 * only memory can fail here (t/unit/test_conf.c). */
		if (set_value(conf, &keys[i], keys[i].dflt, err, sizeof(err)) < 0) {
			conf_free(conf);
			return -ENOMEM;
		}
	}
	conf->workers = default_workers();
	return 0;
}

void conf_free(struct conf *conf)
{
	policy_free(conf->authz);
	conf->authz = NULL;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (keys[i].type == KEY_STRING || keys[i].type == KEY_URLS) {
			char **field = (char **)((char *)conf + keys[i].offset);

			free(*field);
			*field = NULL;
		}
	}
}

static int parse_unsigned(const char *value, int base, unsigned long *out)
{
	char *end;

	if (!*value || *value == '-' || isspace((unsigned char)*value))
		return -EINVAL;
	errno = 0;
	*out = strtoul(value, &end, base);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

static int set_value(struct conf *conf, const struct conf_key *key, const char *value,
		     char *err, size_t errlen)
{
	void *field = (char *)conf + key->offset;
	unsigned long number = 0;
	uint64_t bytes;
	char *copy, why[256];

	switch (key->type) {
	case KEY_URLS:
		if (url_allow_patterns_check(value, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s: %s", key->name, why);
			return -EINVAL;
		}
		/* fall through */
	case KEY_STRING:
		copy = strdup(value);
		if (!copy)
			return -ENOMEM;
		free(*(char **)field);
		*(char **)field = copy;
		return 0;
	case KEY_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 || strcmp(value, "1") == 0)
			*(bool *)field = true;
		else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 ||
			 strcmp(value, "0") == 0)
			*(bool *)field = false;
		else
			break;
		return 0;
	case KEY_LEVEL:
		if (log_level_parse(value, (enum log_level *)field) < 0)
			break;
		return 0;
	case KEY_SIZE:
		if (size_parse(value, &bytes) < 0 || bytes < key->min || bytes > key->max)
			break;
		*(uint64_t *)field = bytes;
		return 0;
	case KEY_MODE:
	case KEY_UINT:
	case KEY_ULONG:
		if (parse_unsigned(value, key->type == KEY_MODE ? 8 : 10, &number) < 0 ||
		    number < key->min || number > key->max)
			break;
		if (key->type == KEY_ULONG)
			*(unsigned long *)field = number;
		else
			*(unsigned *)field = (unsigned)number;
		return 0;
	}

	switch (key->type) {
	case KEY_BOOL:
		snprintf(err, errlen, "%s must be true or false, not \"%s\"", key->name, value);
		break;
	case KEY_LEVEL:
		snprintf(err, errlen, "%s must be error, warn, info or debug, not \"%s\"",
			 key->name, value);
		break;
	case KEY_MODE:
		snprintf(err, errlen, "%s must be an octal mode such as 0660, not \"%s\"",
			 key->name, value);
		break;
	case KEY_SIZE:
		snprintf(err, errlen, "%s must be a size between %lu and %lu bytes (e.g. 64K), not \"%s\"",
			 key->name, key->min, key->max, value);
		break;
	default:
		snprintf(err, errlen, "%s must be an integer between %lu and %lu, not \"%s\"",
			 key->name, key->min, key->max, value);
		break;
	}
	return -EINVAL;
}

int conf_set(struct conf *conf, const char *key, const char *value, char *err, size_t errlen)
{
	char name[64];
	size_t len = strlen(key);

	if (len >= sizeof(name)) {
		snprintf(err, errlen, "unknown key \"%.40s...\"", key);
		return -ENOENT;
	}
	for (size_t i = 0; i <= len; i++)
		name[i] = key[i] == '-' ? '_' : key[i];
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return set_value(conf, &keys[i], value, err, errlen);
	snprintf(err, errlen, "unknown key \"%s\" (see rbd-rest-api --help for the list)", key);
	return -ENOENT;
}

static char *trim(char *text)
{
	char *end;

	while (isspace((unsigned char)*text))
		text++;
	end = text + strlen(text);
	while (end > text && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return text;
}

int conf_load_file(struct conf *conf, const char *path, char *err, size_t errlen)
{
	FILE *file = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	char why[512];
	int r = 0;

	if (!file) {
		r = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return r;
	}
	while (getline(&line, &cap, file) >= 0) {
		char *text, *eq, *key, *value;

		lineno++;
		text = trim(line);
		if (*text == '\0' || *text == '#')
			continue;
		eq = strchr(text, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: expected \"key = value\", got \"%.80s\"", path,
				 lineno, text);
			r = -EINVAL;
			goto out;
		}
		*eq = '\0';
		key = trim(text);
		value = trim(eq + 1);
		r = conf_set(conf, key, value, why, sizeof(why));
		if (r < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			goto out;
		}
	}
	if (ferror(file)) {
		r = -EIO;
		snprintf(err, errlen, "%s: read error", path);
	}
out:
	free(line);
	fclose(file);
	return r;
}

void conf_print_help(FILE *out)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		fprintf(out, "  --%-18s %s\n", keys[i].name, keys[i].help);
		if (keys[i].dflt)
			fprintf(out, "  %-20s default: %s\n", "", *keys[i].dflt ? keys[i].dflt : "(empty)");
	}
}

int conf_default(const char *key, const char **dflt)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].name, key) == 0) {
			*dflt = keys[i].dflt;
			return 0;
		}
	}
	return -ENOENT;
}

size_t conf_key_count(void)
{
	return sizeof(keys) / sizeof(keys[0]);
}

const char *conf_key_name(size_t i)
{
	return i < conf_key_count() ? keys[i].name : NULL;
}

int conf_load_policy(struct conf *conf, char *err, size_t errlen)
{
	if (!*conf->policy)
		return 0;
	return policy_load_file(conf->policy, &conf->authz, err, errlen);
}
