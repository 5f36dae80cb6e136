/* SPDX-License-Identifier: Apache-2.0 */
/* self_spawn.h - starting this program again as a process of its own
 * (the task runner a worker starts, the scheduler the master starts): a
 * fresh exec of /proc/self/exe, so the new process builds its own Ceph
 * connection and inherits none of its parent's sockets, blocked or
 * ignored signals. */
#ifndef RBD_REST_API_SELF_SPAWN_H
#define RBD_REST_API_SELF_SPAWN_H

#include <sys/types.h>

struct conf;

/* Starts "rbd-rest-api ARGS... --ceph_conf=... --ceph_id=... --keyring=...
 * --rados_timeout=... --log_level=... --log_file=..." with conf's
 * connection and log settings; args (NULL-terminated) are the mode flag,
 * its arguments and any settings of its own. stdin and stdout are
 * /dev/null, stderr is the parent's (the log). Returns 0 with *pid, or a
 * negative errno. */
int self_spawn(const struct conf *conf, const char *const *args, pid_t *pid);

#endif
