/* tasks.h - handing long-running work to the manager's task queue.
 *
 * Handlers that accept ?async=true (image delete, flatten, trash removal)
 * do their own checks first, then call api_task_add; the manager's
 * rbd_support module runs the work and /api/v1/tasks reports on it. */
#ifndef RBD_REST_API_TASKS_H
#define RBD_REST_API_TASKS_H

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

#endif
