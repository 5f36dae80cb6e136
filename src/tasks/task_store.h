/* SPDX-License-Identifier: Apache-2.0 */
/* task_store.h - where the tasks this service runs itself (copy and
 * rollback, which Ceph's manager cannot run) keep their state.
 *
 * Each task is one omap entry, keyed by its id, in the object
 * "rbd_rest_api.tasks" of the pool it works on (default namespace); the
 * value is the task's record, a JSON object. Being in the cluster, a
 * record outlives the process that wrote it and reads the same from every
 * worker and every replica of the service. A cancel request is a second
 * entry, "<id>.cancel", so the runner's own updates never overwrite it.
 *
 * Which comes first, the cancel or the end of the work, is settled in the
 * object itself: "<id>.cancel" is only written while "<id>.done" is
 * absent, and "<id>.done" only while "<id>.cancel" is absent (each one
 * write operation guarded by an omap compare, which the OSD applies
 * atomically). So a cancel that was answered 204 always wins over work
 * that was about to finish, and one that comes after is refused. */
#ifndef RBD_REST_API_TASK_STORE_H
#define RBD_REST_API_TASK_STORE_H

#include <stdint.h>

#include <json-c/json.h>
#include <rados/librados.h>

#define TASK_STORE_OBJECT "rbd_rest_api.tasks"
/* Task ids are UUID strings, as the manager's: 8-4-4-4-12 hex digits.
 * The manager's are version 4 (random). Ours are version 8 (RFC 9562's
 * custom layout) with the pool id in the first 48 bits, so a lookup goes
 * straight to the pool that holds the record:
 * PPPPPPPP-PPPP-8rrr-vrrr-rrrrrrrrrrrr (P pool id, r random, v variant). */
#define TASK_ID_LEN 36

/* Is id a UUID (either case)? */
int task_id_valid(const char *id);

/* A new task id naming pool_id (0 to 2^48-1), in lower case. Returns 0,
 * -ERANGE for a pool id that does not fit, or -errno. */
int task_id_new(char id[TASK_ID_LEN + 1], int64_t pool_id);

/* The pool id a task id names: 0 and *pool_id for our version-8 ids,
 * -ENOENT for any other UUID (the manager's, or one of ours from before
 * ids named their pool). */
int task_id_pool(const char *id, int64_t *pool_id);

/* An io context on pool's default namespace, owned by the caller. */
int task_store_open(rados_t cluster, const char *pool, rados_ioctx_t *ioctx);

/* Writes (creates or replaces) the record of task id. */
int task_store_put(rados_ioctx_t ioctx, const char *id, struct json_object *record);

/* The record of task id (owned by the caller), with "cancel_requested":
 * true added when a cancel was asked for. -ENOENT when there is none. */
int task_store_get(rados_ioctx_t ioctx, const char *id, struct json_object **record);

/* Appends every record of the pool to the array records (the same
 * "cancel_requested" marking as task_store_get). */
int task_store_list(rados_ioctx_t ioctx, struct json_object *records);

/* Asks the runner of task id to stop. -ECANCELED when the task's work
 * is already done (task_store_mark_done came first): too late. */
int task_store_request_cancel(rados_ioctx_t ioctx, const char *id);

/* Says the work of task id is done, for good: what the runner calls
 * before it makes its work visible (a copy's rename) or records an
 * outcome. -ECANCELED when a cancel was requested first: the runner
 * then undoes what it can and ends the task canceled. Idempotent. */
int task_store_mark_done(rados_ioctx_t ioctx, const char *id);

/* Removes the record of task id, its cancel request and done mark. */
int task_store_remove(rados_ioctx_t ioctx, const char *id);

/* The record of task id (the caller's): read from the pool the id names,
 * or for an id that names none (tasks started before ids did) looked for
 * in every pool this client can read. -ENOENT when there is none. */
int task_store_find(rados_t cluster, const char *id, struct json_object **record);

/* Calls visit for every pool this client can read the tasks of. Stops at
 * the first negative answer of visit and returns it. */
int task_store_each_pool(rados_t cluster, int (*visit)(rados_ioctx_t ioctx, void *arg),
			 void *arg);

#endif
