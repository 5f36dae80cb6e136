/* SPDX-License-Identifier: Apache-2.0 */
/* self_spawn.c - starting this program again (see self_spawn.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "log.h"
#include "self_spawn.h"

/* The settings every spawned process gets from its parent's conf. */
#define SETTINGS 6

static int spawn_argv(const char *const *argv, pid_t *pid)
{
	extern char **environ;
	posix_spawn_file_actions_t files;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int r;

	posix_spawn_file_actions_init(&files);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	/* Not the parent's blocked or ignored signals, nor its sockets
	 * (FastCGI, Ceph): stdin and stdout are /dev/null, stderr the log. */
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&files, 3);
	r = -posix_spawn(pid, "/proc/self/exe", &files, &attr, (char *const *)argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&files);
	return r;
}

/* asprintf that leaves *out NULL when it fails (asprintf leaves it
 * undefined), so the caller frees what was made and nothing else. */
static int setting(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int setting(char **out, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(out, fmt, ap);
	va_end(ap);
	if (r < 0)
		*out = NULL;
	return r;
}

int self_spawn(const struct conf *conf, const char *const *args, pid_t *pid)
{
	char *settings[SETTINGS] = {NULL};
	const char **argv;
	size_t nargs = 0, n = 0;
	int r;

	while (args[nargs])
		nargs++;
	argv = calloc(1 + nargs + SETTINGS + 1, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	if (setting(&settings[0], "--ceph_conf=%s", conf->ceph_conf) < 0 ||
	    setting(&settings[1], "--ceph_id=%s", conf->ceph_id) < 0 ||
	    setting(&settings[2], "--keyring=%s", conf->keyring) < 0 ||
	    setting(&settings[3], "--rados_timeout=%u", conf->rados_timeout) < 0 ||
	    setting(&settings[4], "--log_level=%s", log_level_name(conf->log_level)) < 0 ||
	    setting(&settings[5], "--log_file=%s", conf->log_file) < 0) {
		r = -ENOMEM;
		goto out;
	}
	argv[n++] = "rbd-rest-api";
	for (size_t i = 0; i < nargs; i++)
		argv[n++] = args[i];
	for (size_t i = 0; i < SETTINGS; i++)
		argv[n++] = settings[i];
	argv[n] = NULL;
	r = spawn_argv(argv, pid);
out:
	for (size_t i = 0; i < SETTINGS; i++)
		free(settings[i]);
	free(argv);
	return r;
}
