/* SPDX-License-Identifier: Apache-2.0 */
/* task_procs.h - the master's children that are not workers: task
 * runners.
 *
 * The master is a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so the
 * task runners that workers start (task_runner.c) become its children when
 * they detach. It does not track them one by one: on stop it finds them in
 * /proc, asks them to stop (they cancel cleanly on SIGTERM) and waits. */
#ifndef RBD_REST_API_TASK_PROCS_H
#define RBD_REST_API_TASK_PROCS_H

#include <sys/types.h>

/* Sends sig to every child of this process whose name (comm) is name.
 * Returns how many were signalled, or a negative errno when /proc cannot
 * be read. */
int task_procs_signal(const char *name, int sig);

/* How many children of process parent are named name; a negative errno
 * when /proc cannot be read. */
int task_procs_count(pid_t parent, const char *name);

/* Does this process still have children (running, or not yet reaped)? */
int task_procs_remain(void);

#endif
