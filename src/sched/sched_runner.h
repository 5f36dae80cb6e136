/* SPDX-License-Identifier: Apache-2.0 */
/* sched_runner.h - the snapshot-schedule process (see sched_runner.c). */
#ifndef RBD_REST_API_SCHED_RUNNER_H
#define RBD_REST_API_SCHED_RUNNER_H

/* The first argument that makes rbd-rest-api the scheduler. */
#define SCHED_RUNNER_FLAG "--run-scheduler"
/* Its process name (comm), as ps and the master see it. */
#define SCHED_RUNNER_NAME "rbd-api-sched"

/* main() for "rbd-rest-api --run-scheduler [--key=value]...". Returns
 * the exit code. */
int sched_runner_main(int argc, char **argv);

#endif
