/* SPDX-License-Identifier: Apache-2.0 */
/* mgr_answer.c - a manager command's answer parsed (see mgr_answer.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "mgr_answer.h"

int mgr_answer_call(rados_t cluster, const char *prefix, const char *key, const char *value,
		    struct mgr_answer **answer)
{
	struct mgr_answer *a = calloc(1, sizeof(*a));
	int r;

	*answer = NULL;
	if (!a)
		return -ENOMEM;
	r = mgr_call(cluster, prefix, key, value, &a->reply);
	/* mgr_call leaves the reply empty only when out of memory. */
	if (!a->reply.out) {
		free(a);
		return -ENOMEM;
	}
	a->json = json_tokener_parse(a->reply.out);
	*answer = a;
	return r;
}

void mgr_answer_free(void *answer)
{
	struct mgr_answer *a = answer;

	if (!a)
		return;
	json_object_put(a->json);
	mgr_reply_free(&a->reply);
	free(a);
}
