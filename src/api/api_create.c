/* SPDX-License-Identifier: Apache-2.0 */
/* api_create.c - the fields of an image create request, checked before
 * any cluster call, shared by every way an image is made: a create
 * (api_images.c), a clone and a copy (api_clones.c), an upload
 * (api_data.c), an import (api_import.c) and a migration's destination
 * (api_migration.c). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "api.h"
#include "api_create.h"
#include "json_in.h"
#include "pool_access.h"
#include "rbd_features.h"
#include "response.h"

#define MIN_OBJECT_SIZE (4ull << 10)
#define MAX_OBJECT_SIZE (32ull << 20)
#define DEFAULT_OBJECT_SIZE (4ull << 20)

int api_create_request_parse(struct json_object *body, struct create_request *c,
			     struct response *resp)
{
	struct json_object *features;
	int has_unit, has_count;
	char why[128];
	uint64_t object_size;

	memset(c, 0, sizeof(*c));
	json_in_string(body, "name", &c->name);
	json_in_size(body, "size", &c->size);
	if (json_in_size(body, "object_size", &c->object_size) == 0 &&
	    (c->object_size < MIN_OBJECT_SIZE || c->object_size > MAX_OBJECT_SIZE ||
	     (c->object_size & (c->object_size - 1))))
		return response_fail(resp, -EINVAL,
				     "field \"object_size\" must be a power of two from 4K to 32M, not %" PRIu64,
				     c->object_size);

	if (json_object_object_get_ex(body, "features", &features)) {
		c->has_features = 1;
		for (size_t i = 0; i < json_object_array_length(features); i++) {
			const char *name = json_object_get_string(json_object_array_get_idx(features, i));
			uint64_t bit;

			if (feature_from_name(name, &bit) < 0)
				return response_fail(resp, -EINVAL,
						     "field \"features\": unknown feature \"%s\"; known features: %s",
						     name, FEATURES_SETTABLE_NAMES);
			c->features |= bit;
		}
		if (features_check_dependencies(c->features, why, sizeof(why)) < 0)
			return response_fail(resp, -EINVAL, "field \"features\": %s", why);
	}

	has_unit = json_in_size(body, "stripe_unit", &c->stripe_unit) == 0;
	has_count = json_in_u64(body, "stripe_count", &c->stripe_count) == 0;
	if (has_unit != has_count)
		return response_fail(resp, -EINVAL,
				     "fields \"stripe_unit\" and \"stripe_count\" go together: give both or neither");
	object_size = c->object_size ? c->object_size : DEFAULT_OBJECT_SIZE;
	if (has_unit && (c->stripe_unit == 0 || object_size % c->stripe_unit != 0))
		return response_fail(resp, -EINVAL,
				     "field \"stripe_unit\" (%" PRIu64 ") must divide object_size (%" PRIu64 ")",
				     c->stripe_unit, object_size);
	if (has_count && c->stripe_count == 0)
		return response_fail(resp, -EINVAL, "field \"stripe_count\" must be at least 1");
	json_in_string(body, "data_pool", &c->data_pool);
	return 0;
}

void api_create_layout(const struct create_request *c, struct image_layout *layout)
{
	layout->has_features = c->has_features;
	layout->features = c->features;
	layout->object_size = c->object_size;
	layout->stripe_unit = c->stripe_unit;
	layout->stripe_count = c->stripe_count;
	layout->data_pool = c->data_pool;
}

int api_create_options_set(const struct create_request *c, rbd_image_options_t opts)
{
	struct image_layout layout;

	api_create_layout(c, &layout);
	return image_layout_options(&layout, opts);
}

int api_make_failed_early(struct response *resp, int err, const struct image_make_result *res,
			  const char *spec, const char *what)
{
	switch (res->step) {
	case IMAGE_MAKE_OPTIONS:
		return response_fail(resp, err, "cannot set image options: %s", strerror(-err));
	case IMAGE_MAKE_EXISTS:
		return response_fail(resp, -EEXIST, "image %s already exists", spec);
	case IMAGE_MAKE_NAME:
		return response_fail(resp, err, "cannot name %s: %s", what, strerror(-err));
	default:
		return 0;
	}
}

int api_create_target(struct request *req, struct response *resp, const struct create_request *c,
		      struct image_ref *ref, rados_ioctx_t *ioctx)
{
	int r;

	api_image_ref(ref, req, c->name);
	r = api_ioctx(req, resp, ref->pool, ref->ns, ioctx);
	if (r < 0)
		return r;
	if (c->data_pool && !pool_exists_beside(*ioctx, c->data_pool))
		return response_fail(resp, -ENOENT, "data pool %s does not exist", c->data_pool);
	return 0;
}
