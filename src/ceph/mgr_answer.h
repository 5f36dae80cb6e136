/* SPDX-License-Identifier: Apache-2.0 */
/* mgr_answer.h - a manager command's answer parsed as JSON, in one
 * allocation released at once (by its caller, or by the request that
 * owns it): the manager's output and status words as mgr_call gives
 * them (mon.h), and the output parsed. */
#ifndef RBD_REST_API_MGR_ANSWER_H
#define RBD_REST_API_MGR_ANSWER_H

#include <json-c/json.h>
#include <rados/librados.h>

#include "mon.h"

struct mgr_answer {
	struct mgr_reply reply;   /* out and status, NUL-terminated */
	struct json_object *json; /* reply.out parsed; NULL when it is not JSON */
};

/* Runs {"prefix": prefix[, key: value]} on the manager (mgr_call).
 * Returns the manager's result (0 or a negative errno) with *answer made
 * either way, or -ENOMEM with *answer NULL. */
int mgr_answer_call(rados_t cluster, const char *prefix, const char *key, const char *value,
		    struct mgr_answer **answer);

/* Frees an answer; NULL is a no-op. Its type fits api_own's release. */
void mgr_answer_free(void *answer);

#endif
