/* SPDX-License-Identifier: Apache-2.0 */
/* api_openapi.c - GET /api/v1/openapi.json: the API description.
 *
 * The document is src/openapi.json, compiled in (openapi_doc.inc, made
 * from it at build time, is the file as one string literal). It lists the
 * image and group paths once, in the pool's default namespace; their
 * namespaced twins are added here, so the two cannot drift apart the way
 * the route table's two copies cannot. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "routes.h"

static const char openapi_doc[] =
#include "openapi_doc.inc"
	;

/* The paths that have a namespaced twin, by what they start with. */
static const char *const twinned[] = {
	"/api/v1/pools/{pool}/images",
	"/api/v1/pools/{pool}/groups",
};
#define POOL_PREFIX "/api/v1/pools/{pool}"

static int has_twin(const char *path)
{
	for (size_t i = 0; i < sizeof(twinned) / sizeof(twinned[0]); i++)
		if (strncmp(path, twinned[i], strlen(twinned[i])) == 0)
			return 1;
	return 0;
}

/* Adds the /namespaces/{namespace}/ copy of every image and group path. */
static int add_namespaced_paths(struct json_object *paths)
{
	struct json_object *copies = json_object_new_object();
	int r = -ENOMEM;

	if (!copies)
		return -ENOMEM;
	json_object_object_foreach(paths, path, item) {
		struct json_object *copy = NULL, *params, *ref;
		char name[512];
		int n;

		if (!has_twin(path))
			continue;
		n = snprintf(name, sizeof(name), POOL_PREFIX "/namespaces/{namespace}%s",
			     path + strlen(POOL_PREFIX));
		if (n < 0 || (size_t)n >= sizeof(name)) {
			r = -ENAMETOOLONG;
			goto out;
		}
		if (json_object_deep_copy(item, &copy, NULL) < 0)
			goto out;
		ref = json_tokener_parse("{\"$ref\": \"#/components/parameters/namespace\"}");
		if (!ref || !json_object_object_get_ex(copy, "parameters", &params) ||
		    json_object_array_add(params, ref) < 0) {
			json_object_put(ref);
			json_object_put(copy);
			goto out;
		}
		if (json_object_object_add(copies, name, copy) < 0) {
			json_object_put(copy);
			goto out;
		}
	}
	json_object_object_foreach(copies, name, copy) {
		if (json_object_object_add(paths, name, json_object_get(copy)) < 0)
			goto out;
	}
	r = 0;
out:
	json_object_put(copies);
	return r;
}

int api_openapi(struct request *req, struct response *resp)
{
	struct json_object *doc, *paths;
	int r;

	(void)req;
	doc = json_tokener_parse(openapi_doc);
	if (!doc || !json_object_object_get_ex(doc, "paths", &paths)) {
		json_object_put(doc);
		return response_fail(resp, -EIO, "the built-in OpenAPI document does not parse");
	}
	r = add_namespaced_paths(paths);
	if (r < 0) {
		json_object_put(doc);
		return response_fail(resp, r, "cannot build the OpenAPI document: %s", strerror(-r));
	}
	response_json(resp, 200, doc);
	return 0;
}
