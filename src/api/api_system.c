/* SPDX-License-Identifier: Apache-2.0 */
/* api_system.c - GET /api/v1/health and GET /api/v1/version. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "ceph.h"
#include "client_facts.h"
#include "json_out.h"
#include "routes.h"

/* Answers from this worker's connection state, without a cluster round
 * trip: a probe must stay fast and must not pile up on a sick monitor. */
int api_health(struct request *req, struct response *resp)
{
	struct json_object *body;
	char fsid[64], why[CEPH_WHY_MAX];
	int r;

	r = ceph_cluster_fsid(req->env->ceph, fsid, sizeof(fsid), why, sizeof(why));
	if (r == -ENOTCONN)
		return response_fail(resp, r, "not connected to the Ceph cluster: %s", why);
	if (r < 0)
		return response_fail(resp, r, "cannot read the cluster fsid: %s", strerror(-r));
	body = json_envelope("Health");
	if (!body || json_add_string(body, "status", "ok") < 0 ||
	    json_add_string(body, "fsid", fsid) < 0 || json_add_i64(body, "pid", getpid()) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, 200, body);
	return 0;
}

int api_version(struct request *req, struct response *resp)
{
	struct json_object *body = json_envelope("Version");
	char rados_text[32], rbd_text[32];

	(void)req;
	client_library_versions(rados_text, sizeof(rados_text), rbd_text, sizeof(rbd_text));
	if (!body || json_add_string(body, "version", PACKAGE_VERSION) < 0 ||
	    json_add_string(body, "librados", rados_text) < 0 ||
	    json_add_string(body, "librbd", rbd_text) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, 200, body);
	return 0;
}
