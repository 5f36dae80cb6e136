/* SPDX-License-Identifier: Apache-2.0 */
/* sched_spawn.c - the master starts the scheduler (see sched_spawn.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "sched_runner.h"
#include "sched_spawn.h"
#include "self_spawn.h"

int sched_spawn(const struct conf *conf, pid_t *pid)
{
	char *tick = NULL;
	int r;

	if (asprintf(&tick, "--schedule_tick_ms=%u", conf->schedule_tick_ms) < 0)
		return -ENOMEM;
	r = self_spawn(conf, (const char *const[]){SCHED_RUNNER_FLAG, tick, NULL}, pid);
	free(tick);
	return r;
}
