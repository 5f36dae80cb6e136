/* SPDX-License-Identifier: Apache-2.0 */
/* dispatch_seams.c - the api layer's cluster side, cut off for
 * t/unit/test_dispatch.c.
 *
 * The dispatch and authz.c call a few api functions that live in files
 * full of Ceph (api.c, api_tasks.c, idempotency.c, etag.c, faults.c). The
 * test links none of them: these stand in at that seam, answering as a
 * cluster with nothing in it would (no kept answer, no If-Match to hold,
 * every object the 404 authz.c borrows). Their wording is the integration
 * tests' business (t/15-authz.t); here only the decision counts. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "api.h"
#include "api_tasks.h"
#include "etag.h"
#include "faults.h"
#include "idempotency.h"

void api_request_end(struct request *req)
{
	(void)req;
}

void faults_review(struct request *req, struct response *resp)
{
	(void)req;
	(void)resp;
}

int api_idempotency_begin(struct request *req, struct response *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

void api_idempotency_end(struct request *req, const struct response *resp)
{
	(void)req;
	(void)resp;
}

int api_etag_precondition(struct request *req, struct response *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

void api_etag_finish(struct request *req, struct response *resp)
{
	(void)req;
	(void)resp;
}

const char *api_namespace(const struct request *req)
{
	const char *ns = request_capture(req, "namespace");

	return ns ? ns : "";
}

void api_image_ref(struct image_ref *ref, const struct request *req, const char *name)
{
	ref->pool = request_capture(req, "pool");
	ref->ns = api_namespace(req);
	ref->name = name;
	snprintf(ref->spec, sizeof(ref->spec), "%s/%s%s%s", ref->pool, ref->ns, *ref->ns ? "/" : "",
		 name);
}

int api_image_fail(struct response *resp, int err, const struct image_ref *ref, const char *doing)
{
	return response_fail(resp, err, "%s image %s: seam", doing, ref->spec);
}

int api_group_missing(struct request *req, struct response *resp)
{
	return response_fail(resp, -ENOENT, "group %s does not exist", request_capture(req, "group"));
}

int api_snapshot_schedule_missing(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail(resp, -ENOENT, "no snapshot schedule of its own");
}

int api_task_missing(struct request *req, struct response *resp)
{
	return response_fail(resp, -ENOENT, "task %s does not exist", request_capture(req, "id"));
}
