/* api.c - helpers shared by the resource handlers (see api.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "worker.h"

int api_cluster(struct request *req, struct response *resp, rados_t *cluster)
{
	char why[768];
	int r = ceph_cluster(&req->ctx->ceph, cluster, why, sizeof(why));

	if (r < 0)
		return response_fail(resp, r, "not connected to the Ceph cluster: %s", why);
	return 0;
}

int api_ioctx(struct request *req, struct response *resp, const char *pool, const char *ns,
	      rados_ioctx_t *ioctx)
{
	char why[768];
	int r = ceph_ioctx(&req->ctx->ceph, pool, ns, ioctx, why, sizeof(why));

	if (r == -ENOTCONN)
		return response_fail(resp, r, "not connected to the Ceph cluster: %s", why);
	if (r < 0)
		return response_fail(resp, r, "%s", why);
	return 0;
}

int api_body(struct request *req, struct response *resp, const struct field_spec *spec,
	     struct json_object **body)
{
	return json_in_parse_body(req->content_type, req->body, req->body_len, spec, resp, body);
}

const char *api_namespace(const struct request *req)
{
	const char *ns = request_capture(req, "namespace");

	return ns ? ns : "";
}

const char *api_image_spec(const char *pool, const char *ns, const char *image, char *buf,
			   size_t buflen)
{
	if (ns && *ns)
		snprintf(buf, buflen, "%s/%s/%s", pool, ns, image);
	else
		snprintf(buf, buflen, "%s/%s", pool, image);
	return buf;
}
