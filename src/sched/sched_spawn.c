/* sched_spawn.c - the master starts the scheduler (see sched_spawn.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "log.h"
#include "sched_runner.h"
#include "sched_spawn.h"

#define SETTINGS 7

int sched_spawn(const struct conf *conf, pid_t *pid)
{
	extern char **environ;
	char *settings[SETTINGS] = {NULL};
	char *argv[SETTINGS + 3] = {"rbd-rest-api", SCHED_RUNNER_FLAG};
	posix_spawn_file_actions_t files;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int r;

	if (asprintf(&settings[0], "--ceph_conf=%s", conf->ceph_conf) < 0 ||
	    asprintf(&settings[1], "--ceph_id=%s", conf->ceph_id) < 0 ||
	    asprintf(&settings[2], "--keyring=%s", conf->keyring) < 0 ||
	    asprintf(&settings[3], "--rados_timeout=%u", conf->rados_timeout) < 0 ||
	    asprintf(&settings[4], "--log_level=%s", log_level_name(conf->log_level)) < 0 ||
	    asprintf(&settings[5], "--log_file=%s", conf->log_file) < 0 ||
	    asprintf(&settings[6], "--schedule_tick_ms=%u", conf->schedule_tick_ms) < 0) {
		r = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < SETTINGS; i++)
		argv[2 + i] = settings[i];

	posix_spawn_file_actions_init(&files);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	/* Not the master's blocked signals or its sockets: stdin and stdout
	 * are /dev/null, stderr is the log. */
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&files, 3);
	r = -posix_spawn(pid, "/proc/self/exe", &files, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&files);
out:
	for (int i = 0; i < SETTINGS; i++)
		free(settings[i]);
	return r;
}
