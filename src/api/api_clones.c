/* SPDX-License-Identifier: Apache-2.0 */
/* api_clones.c - clones (an image created from a parent snapshot), the
 * children of an image, flatten, and copy.
 *
 * Cloning is reached through POST .../images with a "parent" object: the
 * create handler (api_images.c) checks the fields every create shares and
 * calls clone_parent_parse and clone_image from here.
 *
 * Which clone format librbd uses is the request's "clone_format" when it
 * gives one, else the cluster's option rbd_default_clone_format ("auto":
 * format 2 when every client may be mimic or newer, else format 1). Format 1 needs the parent snapshot
 * protected; librbd answers a bare EINVAL when it is not, which we turn
 * into a 409 that says so and what to do.
 *
 * The worker's cached io contexts are one per pool, their namespace set by
 * each api_ioctx call, so a call that needs two pools or namespaces at once
 * (parent and child, source and copy) gets one private io context. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "api.h"
#include "clone_source.h"
#include "image_children.h"
#include "image_entry.h"
#include "image_handle.h"
#include "image_make.h"
#include "pool_access.h"
#include "api_clones.h"
#include "api_create.h"
#include "json_out.h"
#include "names.h"
#include "routes.h"
#include "api_tasks.h"
#include "unfinished.h"

/* A "namespace" field: absent or "" is the default namespace, anything
 * else obeys the name rule. */
static int namespace_field(struct json_object *obj, const char *what, const char **ns,
			   struct response *resp)
{
	const char *why;

	*ns = "";
	if (json_in_string(obj, "namespace", ns) < 0 || !**ns)
		return 0;
	if (name_check(*ns, strlen(*ns), &why) < 0)
		return response_fail(resp, -EINVAL, "field \"namespace\" in %s: name %s", what, why);
	return 0;
}

/* A private io context for pool/ns (see the top of the file), owned by
 * the request. role names the pool in a 404 ("parent", "destination"). */
static int private_ioctx(struct request *req, struct response *resp, const char *role,
			 const char *pool, const char *ns, rados_ioctx_t *ioctx)
{
	rados_ioctx_t shared;
	rados_t cluster;
	int r;

	*ioctx = NULL;
	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return r;
	if (!pool_exists(cluster, pool))
		return response_fail(resp, -ENOENT, "%s pool %s does not exist", role, pool);
	/* Checks the namespace, answering 404 when it does not exist. */
	r = api_ioctx(req, resp, pool, ns, &shared);
	if (r < 0)
		return r;
	r = pool_ioctx_private(shared, ns, ioctx);
	if (r < 0)
		return response_fail(resp, r, "cannot open %s pool %s: %s", role, pool, strerror(-r));
	return api_own(req, resp, pool_ioctx_release, *ioctx);
}

const struct field_spec parent_fields[] = {
	{"pool", FIELD_NAME, 1},
	{"namespace", FIELD_STRING, 0},
	{"image", FIELD_NAME, 1},
	{"snapshot", FIELD_NAME, 0},     /* this or "snapshot_id" */
	{"snapshot_id", FIELD_UINT, 0},
	{"clone_format", FIELD_UINT, 0}, /* 1 or 2; absent: the cluster's choice */
	{NULL, 0, 0},
};

int clone_parent_parse(struct json_object *body, struct clone_parent *parent,
		       struct response *resp)
{
	struct json_object *obj, *features;
	int r;

	memset(parent, 0, sizeof(*parent));
	if (!json_object_object_get_ex(body, "parent", &obj))
		return 0;
	r = json_in_check_fields(obj, parent_fields, "field \"parent\"", resp);
	if (r < 0)
		return r;
	r = namespace_field(obj, "field \"parent\"", &parent->ns, resp);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(body, "size", NULL))
		return response_fail(resp, -EINVAL,
				     "field \"size\" does not go with \"parent\": a clone has the size of its parent snapshot; resize it afterwards with PATCH");
	/* librbd refuses (ENOSYS) a clone without layering: say it first. */
	if (json_object_object_get_ex(body, "features", &features)) {
		int layering = 0;

		for (size_t i = 0; i < json_object_array_length(features); i++)
			if (strcmp(json_object_get_string(json_object_array_get_idx(features, i)),
				   "layering") == 0)
				layering = 1;
		if (!layering)
			return response_fail(resp, -EINVAL,
					     "field \"features\" must include \"layering\" for a clone");
	}
	json_in_string(obj, "pool", &parent->pool);
	json_in_string(obj, "image", &parent->image);
	json_in_string(obj, "snapshot", &parent->snapshot);
	parent->has_snapshot_id = json_in_u64(obj, "snapshot_id", &parent->snapshot_id) == 0;
	if (!!parent->snapshot == parent->has_snapshot_id)
		return response_fail(resp, -EINVAL,
				     "field \"parent\" needs exactly one of \"snapshot\" (a name) and \"snapshot_id\"");
	if (json_in_u64(obj, "clone_format", &parent->clone_format) == 0 &&
	    parent->clone_format != 1 && parent->clone_format != 2)
		return response_fail(resp, -EINVAL,
				     "field \"clone_format\" in field \"parent\" must be 1 or 2, not %" PRIu64,
				     parent->clone_format);
	return 1;
}

/* Why librbd refused a clone with EINVAL or ENOSYS, as far as the parent
 * tells: an unprotected snapshot under clone format 1, or a parent that
 * cannot have clones. */
static int clone_refused(struct response *resp, int err, const struct clone_source *src,
			 const char *parent_spec, const char *child_spec)
{
	switch (clone_refusal_of(src->image, src->snapshot)) {
	case CLONE_REFUSED_FORMAT_1:
		return response_fail(resp, -EINVAL,
				     "parent image %s is format 1, which cannot have clones; copy it to a format 2 image first",
				     parent_spec);
	case CLONE_REFUSED_NO_LAYERING:
		return response_fail(resp, -EINVAL,
				     "parent image %s does not have the layering feature, so it cannot have clones",
				     parent_spec);
	case CLONE_REFUSED_UNPROTECTED:
		return response_fail_http(resp, 409,
					  "snapshot %s@%s must be protected before it can be cloned (clone format 1): PATCH it with {\"protected\": true}, or clone with \"clone_format\": 2 if every client of the cluster is mimic or newer",
					  parent_spec, src->snapshot);
	default:
		return response_fail_errno(resp, err, "cloning %s@%s into %s failed", parent_spec,
					   src->snapshot, child_spec);
	}
}

/* Opens the parent (owned by the request) and finds its snapshot;
 * answers 404 for a missing parent or snapshot. */
static int open_parent(struct request *req, struct response *resp, rados_ioctx_t ioctx,
		       const struct clone_parent *parent, const char *parent_spec,
		       struct clone_source *src)
{
	int r = clone_source_open(ioctx, parent->image, parent->snapshot, parent->snapshot_id, src);

	if (r == 0)
		return api_own(req, resp, image_handle_close, src->image);
	switch (src->step) {
	case CLONE_SOURCE_OPEN:
		if (r == -ENOENT && src->trash_id[0])
			return response_fail(resp, r,
					     "parent image %s does not exist: it is in the trash (id %s); restore it first (POST /api/v1/pools/%s/trash/%s/restore)",
					     parent_spec, src->trash_id, parent->pool, src->trash_id);
		if (r == -ENOENT)
			return response_fail(resp, r, "parent image %s does not exist", parent_spec);
		return response_fail_errno(resp, r, "opening parent image %s failed", parent_spec);
	case CLONE_SOURCE_SNAPSHOT_ID:
		if (r == -ENOENT)
			return response_fail(resp, r, "snapshot id %" PRIu64 " of %s does not exist",
					     parent->snapshot_id, parent_spec);
		return response_fail_errno(resp, r, "reading snapshot id %" PRIu64 " of %s failed",
					   parent->snapshot_id, parent_spec);
	default:
		if (r == -ENOENT)
			return response_fail(resp, r, "snapshot %s@%s does not exist", parent_spec,
					     src->snapshot);
		return response_fail_errno(resp, r, "reading the snapshots of %s failed",
					   parent_spec);
	}
}

/* The answer for a clone that image_make_clone did not make. */
static int clone_failed(struct response *resp, int r, const struct image_make_result *res,
			const struct clone_source *src, const char *parent_spec,
			const struct image_ref *child)
{
	if (api_make_failed_early(resp, r, res, child->spec, "the new clone") < 0)
		return r;
	switch (res->step) {
	case IMAGE_MAKE_RENAME:
		if (r == -EEXIST)
			return response_fail(resp, r,
					     "image %s already exists (made while the clone was made)",
					     child->spec);
		return response_fail(resp, r, "naming the clone %s failed: %s (errno %d)%s%s%s",
				     child->spec, strerror(-r), -r,
				     res->left < 0 ? "; it is left as image " : "",
				     res->left < 0 ? res->temp : "",
				     res->left < 0 ? " (marked unfinished): delete it" : "");
	default:
		break;
	}
	switch (r) {
	case -EEXIST:
		return response_fail(resp, r, "image %s already exists", child->spec);
	case -ENOENT:
		/* The parent or its snapshot went away since we looked. */
		return response_fail(resp, r, "snapshot %s@%s does not exist (any more)",
				     parent_spec, src->snapshot);
	case -EXDEV:
		/* librbd: format 1 keeps the children list in the parent's
		 * namespace, so it cannot link namespaces. */
		return response_fail_http(resp, 409,
					  "clone format 1 cannot clone across namespaces (%s@%s into %s): clone into the parent's namespace, or clone with \"clone_format\": 2 if every client of the cluster is mimic or newer",
					  parent_spec, src->snapshot, child->spec);
	case -EINVAL:
	case -ENOSYS:
		return clone_refused(resp, r, src, parent_spec, child->spec);
	default:
		return response_fail_errno(resp, r, "cloning %s@%s into %s failed", parent_spec,
					   src->snapshot, child->spec);
	}
}

int clone_image(struct request *req, struct response *resp, const struct image_ref *child,
		const struct clone_parent *parent, const struct image_layout *layout)
{
	char parent_spec[sizeof(child->spec)];
	struct image_make_result res;
	struct clone_source src;
	rados_ioctx_t parent_ioctx, child_ioctx;
	int r;

	api_image_spec(parent->pool, parent->ns, parent->image, parent_spec, sizeof(parent_spec));
	r = private_ioctx(req, resp, "parent", parent->pool, parent->ns, &parent_ioctx);
	if (r < 0)
		return r;
	r = open_parent(req, resp, parent_ioctx, parent, parent_spec, &src);
	if (r < 0)
		return r;
	/* Last, so the shared io context is left in the child's namespace. */
	r = api_ioctx(req, resp, child->pool, child->ns, &child_ioctx);
	if (r < 0)
		return r;
	/* Clones onto one name take turns (image_make.h). */
	r = api_image_lock(req, resp, child);
	if (r < 0)
		return r;
	r = image_make_clone(parent_ioctx, parent->image, src.snapshot, parent->clone_format,
			     child_ioctx, child->name, layout, &res);
	if (r < 0)
		return clone_failed(resp, r, &res, &src, parent_spec, child);
	r = api_respond_image(resp, child_ioctx, child, 201);
	if (r == 0)
		api_location_image(resp, child, "");
	return r;
}

/* One child as a list item: pool, namespace, image, id, snapshot (the
 * parent's snapshot it hangs off), trash (the child is in the trash), and
 * snapshot_deleted when that snapshot was deleted but lingers for it. */
static int child_json(void *arg, const rbd_linked_image_spec_t *child, const char *snapshot,
		      int snapshot_deleted)
{
	struct json_object *items = arg;
	struct json_object *item = json_object_new_object();
	int r;

	if (!item || json_object_array_add(items, item) < 0) {
		json_object_put(item);
		return -ENOMEM;
	}
	r = json_add_string(item, "pool", child->pool_name);
	if (r == 0)
		r = json_add_string(item, "namespace", child->pool_namespace);
	if (r == 0)
		r = json_add_name(item, "image", child->image_name, "image");
	if (r == 0)
		r = json_add_string(item, "id", child->image_id);
	if (r == 0)
		r = json_add_string(item, "snapshot", snapshot);
	if (r == 0 && snapshot_deleted)
		r = json_add_bool(item, "snapshot_deleted", 1);
	if (r == 0)
		r = json_add_bool(item, "trash", child->trash);
	return r;
}

int api_image_children(struct request *req, struct response *resp)
{
	struct image_children_problem problem;
	struct json_object *body, *items;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_image_use(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	body = json_list_envelope("ImageList", &items);
	if (!body)
		return response_oom(resp);
	r = image_children(image, child_json, items, &problem);
	if (r < 0) {
		json_object_put(body);
		if (problem.listing_snapshots)
			return api_image_fail(resp, r, &ref, "listing the snapshots of");
		return response_fail_errno(resp, r, "listing the children of %s@%s failed",
					   ref.spec, problem.snapshot);
	}
	response_json(resp, 200, body);
	return 0;
}

int api_image_flatten(struct request *req, struct response *resp)
{
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int async;
	int r;

	r = request_query_bool(req, "async", 0, &async, resp);
	if (r < 0)
		return r;
	r = api_image_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	/* One change of the image at a time (a delete racing the flatten
	 * waits, then finds it flattened or finds it gone). */
	r = api_image_lock(req, resp, &ref);
	if (r < 0)
		return r;
	r = api_image_open_owned(req, resp, ioctx, &ref, 0, &image);
	if (r < 0)
		return r;
	r = image_handle_has_parent(image);
	api_release(req, image);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "reading the parent of");
	if (r == 0)
		return response_fail(resp, -EINVAL, "image %s has no parent to flatten", ref.spec);
	if (async)
		return api_task_add(req, resp, "rbd task add flatten", "image_spec", ref.spec);

	r = api_image_open_owned(req, resp, ioctx, &ref, 1, &image);
	if (r < 0)
		return r;
	r = api_sync_data_begin(req, resp, image, &ref, "flattening");
	if (r < 0)
		return r;
	r = image_handle_flatten(image);
	api_release(req, image);
	/* EINVAL: another request flattened it since we looked. */
	if (r == -EINVAL)
		return response_fail(resp, r, "image %s has no parent to flatten", ref.spec);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "flattening");
	return api_respond_image(resp, ioctx, &ref, 200);
}

const struct field_spec copy_fields[] = {
	{"pool", FIELD_NAME, 1},
	{"namespace", FIELD_STRING, 0},
	{"name", FIELD_NAME, 1},
	{"deep", FIELD_BOOL, 0},
	{"snapshot", FIELD_NAME, 0},
	{"object_size", FIELD_SIZE, 0},
	{"features", FIELD_STRING_ARRAY, 0},
	{"stripe_unit", FIELD_SIZE, 0},
	{"stripe_count", FIELD_UINT, 0},
	{"data_pool", FIELD_NAME, 0},
	{"flatten", FIELD_BOOL, 0},
	{NULL, 0, 0},
};

/* What a copy request asks besides where the copy goes. */
struct copy_request {
	int deep;
	const char *snapshot;          /* NULL: the image's current data */
	struct json_object *options;   /* copy_options.h; owned by the request */
};

/* Reads and checks the layout fields and "flatten" into c->options (owned
 * by the request; no cluster call). The layout rules are those of an
 * image create. */
static int copy_request_parse(struct request *req, struct json_object *body,
			      struct copy_request *c, struct response *resp)
{
	struct create_request layout;
	int flatten = 0;
	int r;

	c->deep = 1;
	c->snapshot = NULL;
	c->options = NULL;
	json_in_bool(body, "deep", &c->deep);
	json_in_string(body, "snapshot", &c->snapshot);
	if (json_in_bool(body, "flatten", &flatten) == 0 && flatten && !c->deep)
		return response_fail(resp, -EINVAL,
				     "field \"flatten\" goes with a deep copy only: a plain copy (\"deep\": false) is always flat");
	r = api_create_request_parse(body, &layout, resp);
	if (r < 0)
		return r;
	c->options = json_object_new_object();
	if (!c->options)
		return response_oom(resp);
	r = api_own(req, resp, api_release_json, c->options);
	if (r < 0)
		return r;
	if (layout.object_size)
		r = json_add_u64(c->options, "order", (uint64_t)__builtin_ctzll(layout.object_size));
	if (r == 0 && layout.has_features)
		r = json_add_u64(c->options, "features", layout.features);
	/* librbd keeps the source's striping unless told otherwise, and a
	 * source's stripe unit (its object size, unless striped) may not fit
	 * a smaller new object size: a new object size without striping
	 * fields gets the plain layout, one object at a time. */
	if (layout.object_size && !layout.stripe_unit) {
		layout.stripe_unit = layout.object_size;
		layout.stripe_count = 1;
	}
	if (r == 0 && layout.stripe_unit)
		r = json_add_u64(c->options, "stripe_unit", layout.stripe_unit);
	if (r == 0 && layout.stripe_count)
		r = json_add_u64(c->options, "stripe_count", layout.stripe_count);
	if (r == 0 && layout.data_pool)
		r = json_add_string(c->options, "data_pool", layout.data_pool);
	if (r == 0 && flatten)
		r = json_add_bool(c->options, "flatten", 1);
	if (r < 0)
		return response_oom(resp);
	return 0;
}

/* Sets the source snapshot on the open image: 404 when there is none. */
static int copy_source_snapshot(struct response *resp, rbd_image_t image,
				const struct image_ref *src, const char *snapshot)
{
	int r;

	if (!snapshot)
		return 0;
	r = image_handle_at_snapshot(image, snapshot);
	if (r == -ENOENT)
		return response_fail(resp, r, "snapshot %s@%s does not exist", src->spec, snapshot);
	if (r < 0)
		return response_fail_errno(resp, r, "reading snapshot %s@%s failed", src->spec,
					   snapshot);
	return 0;
}

/* ?async=true: the checks a copy would make at once, then the copy as a
 * task of our own (the manager's queue has no copy). */
static int start_copy_task(struct request *req, struct response *resp, const struct image_ref *src,
			   const struct image_ref *dst, rados_ioctx_t dst_ioctx,
			   const struct copy_request *c)
{
	struct json_object *record;

	if (image_entry_taken(dst_ioctx, dst->name))
		return response_fail(resp, -EEXIST, "image %s already exists", dst->spec);
	record = api_local_task_record("copy", src, "Copying image %s%s%s to %s", src->spec,
				       c->snapshot ? "@" : "", c->snapshot ? c->snapshot : "",
				       dst->spec);
	if (!record || api_local_task_add_image(record, "target", dst) < 0 ||
	    json_add_bool(record, "deep", c->deep) < 0 ||
	    (c->snapshot && json_add_string(record, "snapshot", c->snapshot) < 0) ||
	    json_object_object_add(record, "options", json_object_get(c->options)) < 0) {
		json_object_put(record);
		return response_oom(resp);
	}
	return api_local_task_start(req, resp, record);
}

/* The answer for a copy that image_make_copy did not make. */
static int copy_failed(struct response *resp, int r, const struct image_make_result *res,
		       const struct image_ref *src, const struct image_ref *dst)
{
	char what[UNFINISHED_NAME_MAX + 128];

	if (api_make_failed_early(resp, r, res, dst->spec, "the copy") < 0)
		return r;
	if (res->left < 0)
		snprintf(what, sizeof(what),
			 "; what was copied is left as image %s (marked unfinished): delete it",
			 res->temp);
	else
		snprintf(what, sizeof(what), "; nothing of the copy is left");
	if (r == -EEXIST)
		return response_fail(resp, r, "image %s already exists (made while the copy ran)%s",
				     dst->spec, what);
	/* A deep copy of a clone is a clone of the same parent, which format
	 * 1 cannot make in another namespace. */
	if (r == -EXDEV)
		return response_fail_http(resp, 409,
					  "a deep copy of clone %s is a clone too, and clone format 1 cannot clone across namespaces: copy it into the parent's namespace, send \"flatten\": true or \"deep\": false, or set rbd_default_clone_format to 2 if every client of the cluster is mimic or newer%s",
					  src->spec, what);
	return response_fail(resp, r, "%s %s to %s failed: %s (errno %d)%s",
			     res->step == IMAGE_MAKE_RENAME ? "naming the finished copy of"
							    : "copying image",
			     src->spec, dst->spec, strerror(-r), -r, what);
}

/* Copies the image: by default a deep copy (the snapshots come along and a
 * clone stays a clone of the same parent, unless "flatten"), with "deep":
 * false only the current data (a clone's copy is a full, independent
 * image). From "snapshot", the copy is of that snapshot (a deep copy takes
 * the snapshots up to it). The copy has the source's features, object
 * size and striping unless the request gives others. */
int api_image_copy(struct request *req, struct response *resp)
{
	struct json_object *body;
	struct copy_request c = {1, NULL, NULL};
	struct image_make_result res;
	struct image_ref src, dst;
	rados_ioctx_t src_ioctx, dst_ioctx;
	rbd_image_t image;
	const char *data_pool;
	int async;
	int r;

	r = request_query_bool(req, "async", 0, &async, resp);
	if (r < 0)
		return r;
	r = api_request_body(req, resp, copy_fields, &body);
	if (r < 0)
		return r;
	r = namespace_field(body, "request body", &dst.ns, resp);
	if (r < 0)
		return r;
	r = copy_request_parse(req, body, &c, resp);
	if (r < 0)
		return r;
	json_in_string(body, "pool", &dst.pool);
	json_in_string(body, "name", &dst.name);
	api_image_spec(dst.pool, dst.ns, dst.name, dst.spec, sizeof(dst.spec));
	api_image_ref(&src, req, request_capture(req, "image"));

	r = api_ioctx(req, resp, src.pool, src.ns, &src_ioctx);
	if (r < 0)
		return r;
	/* The open image keeps its own copy of the io context, so the shared
	 * one may change namespace after this. */
	r = api_image_open_owned(req, resp, src_ioctx, &src, 0, &image);
	if (r < 0)
		return r;
	r = copy_source_snapshot(resp, image, &src, c.snapshot);
	if (r < 0)
		return r;
	r = private_ioctx(req, resp, "destination", dst.pool, dst.ns, &dst_ioctx);
	if (r < 0)
		return r;
	data_pool = json_in_get_string(c.options, "data_pool");
	if (data_pool && !pool_exists_beside(dst_ioctx, data_pool))
		return response_fail(resp, -ENOENT, "data pool %s does not exist", data_pool);
	if (async)
		return start_copy_task(req, resp, &src, &dst, dst_ioctx, &c);
	r = api_sync_data_begin(req, resp, image, &src, "copying");
	if (r < 0)
		return r;
	/* As for clones: copies onto one name take turns. */
	r = api_image_lock(req, resp, &dst);
	if (r < 0)
		return r;
	r = image_make_copy(image, c.deep, c.options, dst_ioctx, dst.name, &res);
	if (r < 0)
		return copy_failed(resp, r, &res, &src, &dst);
	r = api_respond_image(resp, dst_ioctx, &dst, 201);
	if (r == 0)
		api_location_image(resp, &dst, "");
	return r;
}
