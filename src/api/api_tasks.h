/* SPDX-License-Identifier: Apache-2.0 */
/* api_tasks.h - long-running work answered with 202 and a Task.
 *
 * Handlers that accept ?async=true do their own checks first. Image
 * delete, flatten and trash removal then call api_task_add: the manager's
 * rbd_support module runs the work (also a migration's execute). Copy,
 * rollback and trash purge, which the manager cannot run, call api_local_task_start: a runner process of ours does
 * (api_local_tasks.c). /api/v1/tasks reports on both kinds. */
#ifndef RBD_REST_API_API_TASKS_H
#define RBD_REST_API_API_TASKS_H

#include <json-c/json.h>
#include <rados/librados.h>

#include "api.h"
#include "request.h"
#include "response.h"

/* Sends {"prefix": prefix, arg_name: arg_value} to the manager (e.g.
 * "rbd task add remove", "image_spec", "rbd/vol1") and answers 202 with
 * the queued Task and Location: /api/v1/tasks/{id}. When the manager
 * refuses, the answer carries its own words: 404 for a missing image,
 * 409 for a busy one, 503 when the module is not ready, and so on.
 * Returns 0 or a negative errno (the error is already in resp). */
int api_task_add(struct request *req, struct response *resp, const char *prefix,
		 const char *arg_name, const char *arg_value);

struct mgr_reply;

/* The answer for a manager command that failed, in the manager's words:
 * 503 when the manager or its rbd_support module is not ready, 403 when
 * it refuses our cephx user, else the errno's status. about names the
 * object ("rbd/vol1", "task ...") or is NULL. Returns r. */
int api_mgr_fail(struct response *resp, int r, const char *command, const char *about,
		 const struct mgr_reply *reply);

/* The manager's queued or running task doing action ("migrate execute",
 * "remove", ...) on image pool/ns/image, as a Task's fields into task.
 * Returns 0, -ENOENT when there is none, or another negative errno. */
int api_task_find_queued(rados_t cluster, const char *action, const char *pool, const char *ns,
			 const char *image, struct json_object *task);

/* Adds {pool, namespace, name} of an image under key to a local task's
 * record. Returns 0 or -ENOMEM. */
int api_local_task_add_image(struct json_object *record, const char *key,
			     const struct image_ref *ref);

/* A new record {operation, message, image} for a task of our own on
 * image; NULL when out of memory. The caller adds what the operation
 * needs: "target" (api_local_task_add_image) and "deep" for a copy,
 * "snapshot" for a rollback. */
struct json_object *api_local_task_record(const char *operation, const struct image_ref *image,
					  const char *message_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Starts a task of our own and answers 202 with it. record is taken over.
 * Returns 0 or a negative errno (the error is already in resp). */
int api_local_task_start(struct request *req, struct response *resp, struct json_object *record);

/* For /api/v1/tasks/{id}: answer about task id if it is one of ours, or
 * return -ENOENT without answering. */
int api_local_task_get(struct response *resp, rados_t cluster, const char *id);
int api_local_task_cancel(struct response *resp, rados_t cluster, const char *id);

/* The 409 for canceling a task that has already ended; outcome is
 * "succeeded", "failed" or "been canceled". In api_tasks.c. */
int api_task_cancel_too_late(struct response *resp, const char *id, const char *outcome);

/* The 404 that GET or DELETE of /api/v1/tasks/{id} gives when no task
 * has that id, made the same way (the id's kind, the manager's history),
 * for a task the user may not see (authz.c): the two cannot be told
 * apart. Returns -ENOENT, or another negative errno (answered too). */
int api_task_missing(struct request *req, struct response *resp);

/* Appends our tasks, oldest first, to the items of a TaskList. */
int api_local_tasks_append(rados_t cluster, struct json_object *items);

#endif
