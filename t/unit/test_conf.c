/* SPDX-License-Identifier: Apache-2.0 */
/* Configuration keys: defaults, values, and the errors that stop start-up. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/core/conf.h"
#include "tap.h"

static int load_text(struct conf *conf, const char *text, char *err, size_t errlen)
{
	char path[] = "/tmp/rbd-rest-api-conf-XXXXXX";
	int fd = mkstemp(path);
	int r;

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		return -errno;
	close(fd);
	r = conf_load_file(conf, path, err, errlen);
	unlink(path);
	return r;
}

/* The sample configuration agrees with the key table: it loads, names
 * every key (set, or commented out as "#key = value"), and each value it
 * shows is the default, except the keys an installation is meant to set
 * differently (the sysusers file makes the socket's group). */
static void check_sample(void)
{
	static const char *const chosen[] = {"socket_group", NULL};
	const char *srcdir = getenv("RBD_REST_API_SRCDIR");
	char path[4096], err[512], *line = NULL;
	size_t cap = 0, nkeys = conf_key_count();
	int *seen = calloc(nkeys, sizeof(*seen));
	struct conf conf;
	FILE *file;

	snprintf(path, sizeof(path), "%s/src/rbd-rest-api.conf.sample", srcdir ? srcdir : ".");
	is_int(conf_init(&conf), 0, "defaults load again");
	is_int(conf_load_file(&conf, path, err, sizeof(err)), 0, "the sample configuration loads (%s)",
	       err);
	conf_free(&conf);
	file = fopen(path, "r");
	ok(file != NULL && seen != NULL, "the sample configuration can be read");
	while (file && seen && getline(&line, &cap, file) >= 0) {
		char key[64], value[256] = "";
		const char *dflt;
		int chosen_here = 0;

		if (sscanf(line, "#%63[a-z_] = %255[^\n]", key, value) < 1 &&
		    sscanf(line, "%63[a-z_] = %255[^\n]", key, value) < 1)
			continue;
		if (conf_default(key, &dflt) < 0)
			continue; /* a comment's prose, not a key */
		for (size_t i = 0; i < nkeys; i++)
			if (strcmp(conf_key_name(i), key) == 0)
				seen[i] = 1;
		for (size_t i = 0; chosen[i]; i++)
			chosen_here |= strcmp(chosen[i], key) == 0;
		if (dflt && !chosen_here)
			is_str(value, dflt, "the sample shows %s's default", key);
	}
	for (size_t i = 0; seen && i < nkeys; i++)
		ok(seen[i], "the sample names %s", conf_key_name(i));
	free(line);
	free(seen);
	if (file)
		fclose(file);
}

int main(void)
{
	struct conf conf;
	char err[512];

	is_int(conf_init(&conf), 0, "defaults load");
	ok(conf.workers >= 2, "workers default to at least 2");
	is_int(conf.max_body, 65536, "max_body defaults to 64 KiB");
	ok(!conf.allow_pool_delete, "pool deletion is off by default");
	is_str(conf.ceph_id, "rbdapi", "ceph_id defaults to rbdapi, not admin");
	ok(!conf.listen_remote, "a remote TCP listen is refused by default");
	is_int(conf.request_timeout, 120, "request_timeout defaults to 120 s");
	is_int(conf.max_tasks, 4, "max_tasks defaults to 4");
	is_int(conf.max_sync_data_ops, 2, "max_sync_data_ops defaults to 2");
	is_int(conf.max_transfers, 4, "max_transfers defaults to 4");
	ok(conf.sync_max_size == 32ull << 30, "sync_max_size defaults to 32G");

	is_int(load_text(&conf, "# comment\n\nworkers = 3\n  max_body=1M \nceph_id = admin\n"
				"allow_pool_delete = true\nsocket_mode = 0600\n",
			 err, sizeof(err)),
	       0, "a good file loads");
	is_int(conf.workers, 3, "workers = 3");
	is_int(conf.max_body, 1 << 20, "max_body = 1M");
	is_str(conf.ceph_id, "admin", "ceph_id = admin");
	ok(conf.allow_pool_delete, "allow_pool_delete = true");
	is_int(conf.socket_mode, 0600, "socket_mode is octal");

	is_int(load_text(&conf, "workers = 2\nwokers = 3\n", err, sizeof(err)), -ENOENT,
	       "an unknown key stops loading");
	ok(strstr(err, ":2:") && strstr(err, "wokers"), "naming the line and key (%s)", err);
	is_int(load_text(&conf, "workers = many\n", err, sizeof(err)), -EINVAL,
	       "a bad value stops loading");
	ok(strstr(err, ":1:") && strstr(err, "many"), "naming the line and value (%s)", err);
	is_int(load_text(&conf, "workers = 0\n", err, sizeof(err)), -EINVAL, "workers = 0 is refused");
	is_int(load_text(&conf, "max_sync_data_ops = 0\n", err, sizeof(err)), -EINVAL,
	       "max_sync_data_ops = 0 is refused: no copy could ever run");
	is_int(load_text(&conf, "just words\n", err, sizeof(err)), -EINVAL, "a line without = is refused");
	is_int(load_text(&conf, "allow_root = maybe\n", err, sizeof(err)), -EINVAL,
	       "a bad boolean is refused");
	is_int(load_text(&conf, "log_level = loud\n", err, sizeof(err)), -EINVAL,
	       "a bad log level is refused");
	is_int(conf_set(&conf, "max-requests", "500", err, sizeof(err)), 0,
	       "command-line style key with dashes works");
	is_int(conf.max_requests, 500, "max_requests = 500");
	is_int(conf_load_file(&conf, "/nonexistent/rbd-rest-api.conf", err, sizeof(err)), -ENOENT,
	       "a missing file is ENOENT");
	conf_free(&conf);
	check_sample();
	return done_testing();
}
