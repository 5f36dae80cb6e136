/* SPDX-License-Identifier: Apache-2.0 */
/* api_namespaces.c - /api/v1/pools/{pool}/namespaces: list, create,
 * delete; and the existence check every namespaced image route makes.
 *
 * An RBD namespace is a RADOS namespace that librbd has registered in the
 * pool's rbd_namespace object and given an image directory. The image
 * routes under /namespaces/{namespace}/ reuse the default-namespace
 * handlers; api_ioctx() calls api_require_namespace() for them so that a
 * missing namespace is a 404 rather than an empty list or, worse, an image
 * created in a namespace that rbd cannot see. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "image_query.h"
#include "json_out.h"
#include "name_list.h"
#include "namespaces.h"
#include "routes.h"

int api_require_namespace(struct response *resp, rados_ioctx_t ioctx, const char *pool,
			  const char *ns)
{
	bool exists = false;
	int r;

	if (!*ns)
		return 0;
	r = namespace_exists(ioctx, ns, &exists);
	if (r < 0)
		return response_fail_errno(resp, r, "checking namespace %s in pool %s failed", ns,
					   pool);
	if (!exists)
		return response_fail(resp, -ENOENT, "namespace %s in pool %s does not exist", ns,
				     pool);
	return 0;
}

int api_namespaces_list(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct json_object *body, *items, *item;
	rados_ioctx_t ioctx;
	const char *name;
	char *names = NULL;
	size_t len = 0;
	int r;

	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	r = namespace_names(ioctx, &names, &len);
	if (r < 0)
		return response_fail_errno(resp, r, "listing the namespaces of pool %s failed", pool);
	r = api_own(req, resp, free, names);
	if (r < 0)
		return r;
	body = json_list_envelope("NamespaceList", &items);
	if (!body)
		return response_oom(resp);
	for (size_t at = 0; (name = name_list_next(names, len, &at));) {
		item = json_object_new_object();
		if (json_array_take(items, item) < 0 ||
		    json_add_name(item, "name", name, "namespace") < 0) {
			json_object_put(body);
			return response_oom(resp);
		}
	}
	response_json(resp, 200, body);
	return 0;
}

/* Answers with {"Kind":"Namespace","name","pool"}. */
static int respond_namespace(struct response *resp, const char *pool, const char *ns,
			     int status)
{
	struct json_object *body = json_envelope("Namespace");

	if (!body || json_add_name(body, "name", ns, "namespace") < 0 ||
	    json_add_string(body, "pool", pool) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, status, body);
	return 0;
}

int api_namespace_get(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	const char *ns = api_namespace(req);
	rados_ioctx_t ioctx;
	int r;

	/* api_ioctx answers 404 itself when the namespace does not exist. */
	r = api_ioctx(req, resp, pool, ns, &ioctx);
	if (r < 0)
		return r;
	return respond_namespace(resp, pool, ns, 200);
}

const struct field_spec namespace_create_fields[] = {
	{"name", FIELD_NAME, 1},
	{NULL, 0, 0},
};

int api_namespace_create(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	char encoded_pool[ENCODED_NAME_MAX], encoded_ns[ENCODED_NAME_MAX];
	struct json_object *body;
	const char *ns = NULL;
	rados_ioctx_t ioctx;
	int r;

	r = api_request_body(req, resp, namespace_create_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "name", &ns);
	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	/* librbd refuses a name already registered with EEXIST before it
	 * writes anything, so no separate existence check is needed. */
	r = namespace_create(ioctx, ns);
	if (r == -EEXIST)
		return response_fail(resp, r, "namespace %s already exists in pool %s", ns, pool);
	if (r < 0)
		return response_fail_errno(resp, r, "creating namespace %s in pool %s failed", ns,
					   pool);
	r = respond_namespace(resp, pool, ns, 201);
	if (r < 0)
		return r;
	percent_encode_segment(pool, encoded_pool, sizeof(encoded_pool));
	percent_encode_segment(ns, encoded_ns, sizeof(encoded_ns));
	return response_set_location(resp, "/api/v1/pools/%s/namespaces/%s", encoded_pool,
				     encoded_ns);
}

/* The answer when librbd refuses to delete namespace ns: what is still in
 * it, when that is why. */
static int namespace_remove_failed(struct response *resp, int err,
				   const struct namespace_contents *left, const char *pool,
				   const char *ns)
{
	size_t images = left->images, trashed = left->trashed;

	switch (err) {
	case -ENOENT:
		return response_fail(resp, err, "namespace %s in pool %s does not exist", ns, pool);
	case -EBUSY:
	case -ENOTEMPTY:
		if (images == 0 && trashed == 0)
			return response_fail(resp, err,
					     "namespace %s in pool %s is not empty (or is in use); "
					     "delete its images and empty its trash first",
					     ns, pool);
		if (trashed == 0)
			return response_fail(resp, err,
					     "namespace %s in pool %s still holds %zu image%s; delete %s first",
					     ns, pool, images, images == 1 ? "" : "s",
					     images == 1 ? "it" : "them");
		if (images == 0)
			return response_fail(resp, err,
					     "namespace %s in pool %s still holds %zu image%s in its trash; "
					     "remove %s from the trash first",
					     ns, pool, trashed, trashed == 1 ? "" : "s",
					     trashed == 1 ? "it" : "them");
		return response_fail(resp, err,
				     "namespace %s in pool %s still holds %zu image%s and %zu more in its trash; "
				     "delete them and remove the trashed ones first",
				     ns, pool, images, images == 1 ? "" : "s", trashed);
	default:
		return response_fail_errno(resp, err, "deleting namespace %s in pool %s failed", ns,
					   pool);
	}
}

int api_namespace_delete(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	const char *ns = api_namespace(req);
	struct namespace_contents left;
	rados_ioctx_t ioctx;
	int r;

	/* The default-namespace ioctx: librbd switches namespaces itself,
	 * and a missing namespace is answered below from its ENOENT. */
	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	r = namespace_remove(ioctx, ns, &left);
	if (r < 0)
		return namespace_remove_failed(resp, r, &left, pool, ns);
	response_json(resp, 204, NULL);
	return 0;
}
