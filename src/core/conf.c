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
enum key_type { KEY_STRING, KEY_URLS, KEY_UINT, KEY_ULONG, KEY_MODE, KEY_BOOL, KEY_SIZE, KEY_LEVEL };

struct conf_key {
	const char *name;
	enum key_type type;
	size_t offset;
	unsigned long min, max;
	const char *help;
};

#define KEY(field, type, min, max, help) \
	{#field, type, offsetof(struct conf, field), min, max, help}

static const struct conf_key keys[] = {
	KEY(listen, KEY_STRING, 0, 0,
	    "unix socket path, or host:port for TCP (ignored under socket activation)"),
	KEY(socket_mode, KEY_MODE, 0, 0777, "permissions of the unix socket (octal)"),
	KEY(socket_group, KEY_STRING, 0, 0,
	    "group owning the unix socket: one only nginx's user is in, e.g. rbdapi-web"),
	KEY(listen_remote, KEY_BOOL, 0, 0,
	    "allow a TCP listen address other hosts can reach (needs FCGI_WEB_SERVER_ADDRS)"),
	KEY(workers, KEY_UINT, 1, 1024, "worker processes, one cluster connection each (default: CPUs)"),
	KEY(threads, KEY_UINT, 1, SCOREBOARD_THREADS,
	    "request threads per worker, sharing its connection (default 16)"),
	KEY(max_requests, KEY_ULONG, 0, ULONG_MAX,
	    "requests a worker serves before it is replaced; 0 = never"),
	KEY(shutdown_timeout, KEY_UINT, 1, 3600,
	    "seconds in-flight requests get to finish on stop or reload"),
	KEY(request_timeout, KEY_UINT, 0, 86400,
	    "seconds a request may run before its worker is killed and replaced; 0 = no limit"),
	KEY(max_tasks, KEY_UINT, 1, 1024,
	    "copy and rollback tasks (runner processes) this service runs at once"),
	KEY(ceph_conf, KEY_STRING, 0, 0, "ceph.conf path; empty = $CEPH_CONF or /etc/ceph/ceph.conf"),
	KEY(ceph_id, KEY_STRING, 0, 0, "cephx user name without \"client.\""),
	KEY(keyring, KEY_STRING, 0, 0, "keyring path; empty = what ceph.conf says"),
	KEY(rados_timeout, KEY_UINT, 1, 3600,
	    "seconds before a cluster operation or connection attempt gives up"),
	KEY(max_body, KEY_SIZE, 1, 64ul << 20, "largest request body accepted, e.g. 64K"),
	KEY(sync_max_size, KEY_SIZE, 0, ULONG_MAX,
	    "largest image copied, flattened or rolled back without ?async=true; 0 = any"),
	KEY(max_sync_data_ops, KEY_UINT, 1, 1024,
	    "synchronous copies, flattens and rollbacks one worker runs at once; more wait"),
	KEY(max_transfers, KEY_UINT, 1, SCOREBOARD_THREADS,
	    "image content downloads and uploads one worker runs at once; more get 429"),
	KEY(allow_pool_delete, KEY_BOOL, 0, 0, "whether DELETE /api/v1/pools/{pool} may delete pools"),
	KEY(allow_root, KEY_BOOL, 0, 0, "allow running as root (not recommended)"),
	KEY(import_url_allow, KEY_URLS, 0, 0,
	    "URLs images may be imported from: SCHEME://HOST[:PORT]/PATH globs, space-separated; empty = none"),
	KEY(log_level, KEY_LEVEL, 0, 0, "error, warn, info or debug"),
	KEY(log_file, KEY_STRING, 0, 0,
	    "append logs to this file instead of stderr; SIGUSR1 reopens it (logrotate)"),
	KEY(policy, KEY_STRING, 0, 0,
	    "authorization policy file (users, roles, scopes); empty = every user is admin"),
	KEY(snapshot_scheduler, KEY_BOOL, 0, 0,
	    "run the snapshot-schedule process here (one instance of all is active at a time)"),
	KEY(schedule_tick_ms, KEY_UINT, 100, 60000,
	    "milliseconds between the scheduler's looks at the schedules (its lease is 6 ticks, at least 3 s)"),
	KEY(schedule_min_interval, KEY_UINT, 1, 86400,
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

int conf_init(struct conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->listen = strdup("/run/rbd-rest-api/rbd-rest-api.sock");
	conf->socket_group = strdup("");
	conf->ceph_conf = strdup("");
	/* The least-privilege user the README makes, not client.admin: an
	 * install that forgets to choose does not quietly get every power. */
	conf->ceph_id = strdup("rbdapi");
	conf->keyring = strdup("");
	conf->log_file = strdup("");
	conf->policy = strdup("");
	/* The service fetches these on a user's behalf: none until the
	 * administrator names them (url_allow.h). */
	conf->import_url_allow = strdup("");
	conf->socket_mode = 0660;
	conf->workers = default_workers();
	/* Enough for a burst of slow requests (copies, snapshot changes) to
	 * leave threads for the rest; see t/bench/README.md. */
	conf->threads = 16;
	conf->shutdown_timeout = 30;
	/* nginx's fastcgi_read_timeout: past it nobody waits for the answer. */
	conf->request_timeout = 120;
	conf->max_tasks = 4;
	conf->max_sync_data_ops = 2;
	/* Each holds up to 64 MiB of buffers (rbd/image_stream.h), and
	 * four of them fill what one worker's connection moves. */
	conf->max_transfers = 4;
	conf->rados_timeout = 30;
	conf->max_body = 64 * 1024;
	/* Copy, flatten and rollback move up to the whole image: at a few
	 * hundred MB/s, 32G is about request_timeout. */
	conf->sync_max_size = 32ull << 30;
	conf->log_level = LOG_LEVEL_INFO;
	conf->snapshot_scheduler = true;
	conf->schedule_tick_ms = 5000;
	conf->schedule_min_interval = 60;
	if (!conf->listen || !conf->socket_group || !conf->ceph_conf || !conf->ceph_id ||
	    !conf->keyring || !conf->log_file || !conf->policy || !conf->import_url_allow) {
		conf_free(conf);
		return -ENOMEM;
	}
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
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		fprintf(out, "  --%-18s %s\n", keys[i].name, keys[i].help);
}

int conf_load_policy(struct conf *conf, char *err, size_t errlen)
{
	if (!*conf->policy)
		return 0;
	return policy_load_file(conf->policy, &conf->authz, err, errlen);
}
