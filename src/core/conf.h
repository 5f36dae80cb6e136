/* SPDX-License-Identifier: Apache-2.0 */
/* conf.h - the service configuration: defaults, file, command line.
 *
 * One table describes every key (name, type, limits, default, help), so
 * the file parser, the command-line parser, --help and the sample config
 * cannot drift apart. A bad key or value stops start-up (and a reload
 * keeps the old configuration) with a message naming the line. */
#ifndef RBD_REST_API_CONF_H
#define RBD_REST_API_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "log.h"

#define CONF_DEFAULT_PATH SYSCONFDIR "/rbd-rest-api/rbd-rest-api.conf"

struct conf {
	char *listen;             /* unix socket path, or host:port */
	unsigned socket_mode;     /* permission bits of a unix socket */
	char *socket_group;       /* group owning the unix socket ("" = ours) */
	bool listen_remote;       /* a non-loopback TCP listen address is allowed */
	unsigned workers;
	unsigned threads;            /* request threads per worker */
	unsigned long max_requests;  /* recycle a worker after this many; 0 = never */
	unsigned shutdown_timeout;   /* seconds in-flight requests get on stop/reload */
	unsigned request_timeout;    /* seconds before a stuck request's worker is killed; 0 = never */
	unsigned max_tasks;          /* task runners running at once */
	unsigned max_sync_data_ops;  /* synchronous data moves per worker at once */
	unsigned max_transfers;      /* image content transfers per worker at once */
	char *ceph_conf;          /* "" = librados' own search (CEPH_CONF, /etc/ceph) */
	char *ceph_id;            /* cephx user without "client." */
	char *keyring;            /* "" = what ceph.conf says */
	unsigned rados_timeout;   /* seconds for mon/osd ops and mount */
	uint64_t max_body;        /* bytes */
	uint64_t sync_max_size;   /* bytes; larger images need ?async=true for copy/flatten/rollback; 0 = any */
	bool allow_pool_delete;
	bool allow_root;
	enum log_level log_level;
	char *log_file;           /* "" = stderr (journald); else appended to, reopened on SIGUSR1 */
	char *policy;             /* policy file path; "" = every authenticated user is admin */
	char *import_url_allow;   /* URL patterns imports may fetch (url_allow.h); "" = none */
	struct policy *authz;     /* the policy file read (conf_load_policy); NULL = none */
	bool snapshot_scheduler;        /* run the snapshot-schedule process on this instance */
	unsigned schedule_tick_ms;      /* how often it looks for schedules and renews its lease */
	unsigned schedule_min_interval; /* seconds: the shortest interval a schedule may have */
};

/* Fills every key with its default. Returns 0 or -ENOMEM. */
int conf_init(struct conf *conf);
void conf_free(struct conf *conf);

/* Sets one key from text; key may use '-' for '_'. Returns 0, -ENOENT for
 * an unknown key or -EINVAL for a bad value, with a message in err. */
int conf_set(struct conf *conf, const char *key, const char *value, char *err, size_t errlen);

/* Reads "key = value" lines ('#' comments, blank lines). Returns 0, or a
 * negative errno with "path:line: ..." in err. */
int conf_load_file(struct conf *conf, const char *path, char *err, size_t errlen);

/* Reads the file the policy key names into conf->authz (nothing when the
 * key is empty). Returns 0, or a negative errno with "path:line: ..." in
 * err: a bad policy stops start-up and a reload keeps the old one. */
int conf_load_policy(struct conf *conf, char *err, size_t errlen);

/* Writes the key table (name, help, default) for --help. */
void conf_print_help(FILE *out);

/* The key table, for the check of the sample configuration
 * (t/unit/test_conf.c): how many keys, the name of the i-th (NULL past
 * the end), and a key's default as the file would write it (NULL when
 * computed at start-up: workers). conf_default: 0 or -ENOENT. */
size_t conf_key_count(void);
const char *conf_key_name(size_t i);
int conf_default(const char *key, const char **dflt);

#endif
