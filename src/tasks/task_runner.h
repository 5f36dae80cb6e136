/* SPDX-License-Identifier: Apache-2.0 */
/* task_runner.h - the process that runs one of this service's own tasks
 * (see task_runner.c). */
#ifndef RBD_REST_API_TASK_RUNNER_H
#define RBD_REST_API_TASK_RUNNER_H

/* The first argument that makes rbd-rest-api a task runner. */
#define TASK_RUNNER_FLAG "--run-task"
/* Its process name (comm), as ps and the master's shutdown see it. */
#define TASK_RUNNER_NAME "rbd-api-task"

/* main() for "rbd-rest-api --run-task POOL ID [--key=value]...": runs the
 * task whose record is in POOL. Returns the exit code. */
int task_runner_main(int argc, char **argv);

#endif
