/* SPDX-License-Identifier: Apache-2.0 */
/* sched_spawn.h - how the master starts the scheduler process: a fresh
 * exec of this program (sched_runner.h), so the master itself never
 * touches Ceph and the scheduler inherits none of its sockets. */
#ifndef RBD_REST_API_SCHED_SPAWN_H
#define RBD_REST_API_SCHED_SPAWN_H

#include <sys/types.h>

struct conf;

/* Starts "rbd-rest-api --run-scheduler" with conf's connection, log and
 * schedule settings. Returns 0 with *pid, or a negative errno. */
int sched_spawn(const struct conf *conf, pid_t *pid);

#endif
