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
#include "ceph.h"
#include "image_header.h"
#include "image_query.h"
#include "api_clones.h"
#include "api_images.h"
#include "copy_options.h"
#include "image_json.h"
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

/* A private io context for pool/ns (see the top of the file). role names
 * the pool in a 404 ("parent", "destination"). */
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
	if (rados_pool_lookup(cluster, pool) < 0)
		return response_fail(resp, -ENOENT, "%s pool %s does not exist", role, pool);
	/* Checks the namespace, answering 404 when it does not exist. */
	r = api_ioctx(req, resp, pool, ns, &shared);
	if (r < 0)
		return r;
	r = rados_ioctx_create2(cluster, rados_ioctx_get_id(shared), ioctx);
	if (r < 0) {
		*ioctx = NULL;
		return response_fail(resp, r, "cannot open %s pool %s: %s", role, pool, strerror(-r));
	}
	ceph_ioctx_full_try(*ioctx);
	rados_ioctx_set_namespace(*ioctx, ns);
	return 0;
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
static int clone_refused(struct response *resp, int err, rbd_image_t parent_image,
			 const char *parent_spec, const char *snapshot, const char *child_spec)
{
	uint64_t features = 0;
	uint8_t old_format = 0;
	int is_protected = 1;

	if (rbd_get_old_format(parent_image, &old_format) == 0 && old_format)
		return response_fail(resp, -EINVAL,
				     "parent image %s is format 1, which cannot have clones; copy it to a format 2 image first",
				     parent_spec);
	if (rbd_get_features(parent_image, &features) == 0 && !(features & RBD_FEATURE_LAYERING))
		return response_fail(resp, -EINVAL,
				     "parent image %s does not have the layering feature, so it cannot have clones",
				     parent_spec);
	if (rbd_snap_is_protected(parent_image, snapshot, &is_protected) == 0 && !is_protected)
		return response_fail_http(resp, 409,
					  "snapshot %s@%s must be protected before it can be cloned (clone format 1): PATCH it with {\"protected\": true}, or clone with \"clone_format\": 2 if every client of the cluster is mimic or newer",
					  parent_spec, snapshot);
	return response_fail_errno(resp, err, "cloning %s@%s into %s failed", parent_spec, snapshot,
				   child_spec);
}

/* The name of the parent's user snapshot with this id, into name; 404
 * when there is none (an id of a group, mirror or trash snapshot is not
 * one to clone from, as rbd clone cannot name those either). */
static int snapshot_name_of(struct response *resp, rbd_image_t image, const char *parent_spec,
			    uint64_t id, char *name, size_t len)
{
	rbd_snap_namespace_type_t type;
	int r;

	r = rbd_snap_get_namespace_type(image, id, &type);
	if (r == 0 && type != RBD_SNAP_NAMESPACE_TYPE_USER)
		r = -ENOENT;
	if (r == 0)
		r = rbd_snap_get_name(image, id, name, &len);
	if (r == -ENOENT)
		return response_fail(resp, r, "snapshot id %" PRIu64 " of %s does not exist", id,
				     parent_spec);
	if (r < 0)
		return response_fail_errno(resp, r, "reading snapshot id %" PRIu64 " of %s failed",
					   id, parent_spec);
	return 0;
}

int clone_image(struct request *req, struct response *resp, const struct image_ref *child,
		const struct clone_parent *parent, rbd_image_options_t opts)
{
	char parent_spec[sizeof(child->spec)], temp[UNFINISHED_NAME_MAX], id[64];
	rados_ioctx_t parent_ioctx = NULL, child_ioctx;
	rbd_image_t parent_image = NULL;
	const char *snapshot = parent->snapshot;
	char snapshot_name[512];
	bool exists = false;
	int r;

	api_image_spec(parent->pool, parent->ns, parent->image, parent_spec, sizeof(parent_spec));
	r = private_ioctx(req, resp, "parent", parent->pool, parent->ns, &parent_ioctx);
	if (r < 0)
		goto out;
	r = rbd_open_read_only(parent_ioctx, parent->image, &parent_image, NULL);
	if (r < 0) {
		char trash_id[64];

		parent_image = NULL;
		if (r == -ENOENT &&
		    trash_id_of(parent_ioctx, parent->image, trash_id, sizeof(trash_id)) == 0)
			response_fail(resp, r,
				      "parent image %s does not exist: it is in the trash (id %s); restore it first (POST /api/v1/pools/%s/trash/%s/restore)",
				      parent_spec, trash_id, parent->pool, trash_id);
		else if (r == -ENOENT)
			response_fail(resp, r, "parent image %s does not exist", parent_spec);
		else
			response_fail_errno(resp, r, "opening parent image %s failed", parent_spec);
		goto out;
	}
	if (parent->has_snapshot_id) {
		r = snapshot_name_of(resp, parent_image, parent_spec, parent->snapshot_id,
				     snapshot_name, sizeof(snapshot_name));
		if (r < 0)
			goto out;
		snapshot = snapshot_name;
	}
	r = rbd_snap_exists(parent_image, snapshot, &exists);
	if (r == 0 && !exists)
		r = -ENOENT;
	if (r < 0) {
		if (r == -ENOENT)
			response_fail(resp, r, "snapshot %s@%s does not exist", parent_spec,
				      snapshot);
		else
			response_fail_errno(resp, r, "reading the snapshots of %s failed", parent_spec);
		goto out;
	}

	if (parent->clone_format) {
		r = rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_CLONE_FORMAT,
						 parent->clone_format);
		if (r < 0) {
			response_fail(resp, r, "cannot set image options: %s", strerror(-r));
			goto out;
		}
	}
	/* Last, so the shared io context is left in the child's namespace. */
	r = api_ioctx(req, resp, child->pool, child->ns, &child_ioctx);
	if (r < 0)
		goto out;
	/* librbd's renames of two images onto one name race (both can
	 * answer 0): the name's lock makes clones onto it take turns. */
	r = api_image_lock(req, resp, child);
	if (r < 0)
		goto out;
	if (image_header_id(child_ioctx, child->name, id, sizeof(id)) == 0) {
		r = response_fail(resp, -EEXIST, "image %s already exists", child->spec);
		goto out;
	}
	/* Made under a name of its own, renamed once whole (unfinished.h). */
	r = unfinished_name(child->name, temp, sizeof(temp));
	if (r < 0) {
		response_fail(resp, r, "cannot name the new clone: %s", strerror(-r));
		goto out;
	}
	r = rbd_clone3(parent_ioctx, parent->image, snapshot, child_ioctx, temp, opts);
	if (r == 0) {
		r = rbd_rename(child_ioctx, temp, child->name);
		if (r < 0) {
			int left = unfinished_remove(child_ioctx, temp);

			if (r == -EEXIST)
				response_fail(resp, r, "image %s already exists (made while the clone was made)",
					      child->spec);
			else
				response_fail(resp, r, "naming the clone %s failed: %s (errno %d)%s%s%s",
					      child->spec, strerror(-r), -r,
					      left < 0 ? "; it is left as image " : "",
					      left < 0 ? temp : "",
					      left < 0 ? " (marked unfinished): delete it" : "");
			goto out;
		}
	}
	switch (r) {
	case 0:
		break;
	case -EEXIST:
		response_fail(resp, r, "image %s already exists", child->spec);
		goto out;
	case -ENOENT:
		/* The parent or its snapshot went away since we looked. */
		response_fail(resp, r, "snapshot %s@%s does not exist (any more)", parent_spec,
			      snapshot);
		goto out;
	case -EXDEV:
		/* librbd: format 1 keeps the children list in the parent's
		 * namespace, so it cannot link namespaces. */
		response_fail_http(resp, 409,
				   "clone format 1 cannot clone across namespaces (%s@%s into %s): clone into the parent's namespace, or clone with \"clone_format\": 2 if every client of the cluster is mimic or newer",
				   parent_spec, snapshot, child->spec);
		goto out;
	case -EINVAL:
	case -ENOSYS:
		r = clone_refused(resp, r, parent_image, parent_spec, snapshot, child->spec);
		goto out;
	default:
		response_fail_errno(resp, r, "cloning %s@%s into %s failed", parent_spec,
				    snapshot, child->spec);
		goto out;
	}
	r = api_respond_image(resp, child_ioctx, child, 201);
	if (r == 0)
		api_location_image(resp, child, "");
out:
	if (parent_image)
		rbd_close(parent_image);
	if (parent_ioctx)
		rados_ioctx_destroy(parent_ioctx);
	return r;
}

/* The children of the snapshot currently set on image. Returns the count,
 * or a negative errno; free with rbd_linked_image_spec_list_cleanup and
 * free(). */
static int list_children(rbd_image_t image, rbd_linked_image_spec_t **children)
{
	size_t max = 8;
	int r;

	for (;;) {
		*children = calloc(max, sizeof(**children));
		if (!*children)
			return -ENOMEM;
		r = rbd_list_children3(image, *children, &max);
		if (r != -ERANGE)
			break;
		free(*children);
	}
	if (r < 0) {
		free(*children);
		*children = NULL;
		return r;
	}
	return (int)max;
}

/* One child as a list item: pool, namespace, image, id, snapshot (the
 * parent's snapshot it hangs off), trash (the child is in the trash), and
 * snapshot_deleted when that snapshot was deleted but lingers for it. */
static int child_json(const rbd_linked_image_spec_t *child, const char *snapshot,
		      int snapshot_deleted, struct json_object *items)
{
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

struct trash_snap {
	rbd_image_t image;
	uint64_t id;
};

/* The name a snapshot had before it was moved to the trash namespace. */
static int trash_snap_original_name(void *handle, char *buf, size_t len)
{
	const struct trash_snap *snap = handle;

	return rbd_snap_get_trash_namespace(snap->image, snap->id, buf, len);
}

/* The children of one snapshot, added to items. */
static int snapshot_children(rbd_image_t image, const rbd_snap_info_t *snap,
			     struct json_object *items)
{
	rbd_linked_image_spec_t *children = NULL;
	rbd_snap_namespace_type_t type = RBD_SNAP_NAMESPACE_TYPE_USER;
	struct trash_snap where = {image, snap->id};
	char *original = NULL;
	const char *name = snap->name;
	int deleted = 0;
	int n, r;

	r = rbd_snap_set_by_id(image, snap->id);
	if (r < 0)
		return r;
	n = list_children(image, &children);
	if (n <= 0)
		return n;
	if (rbd_snap_get_namespace_type(image, snap->id, &type) == 0 &&
	    type == RBD_SNAP_NAMESPACE_TYPE_TRASH &&
	    ceph_read_text(trash_snap_original_name, &where, &original) == 0) {
		name = original;
		deleted = 1;
	}
	for (int i = 0; r == 0 && i < n; i++)
		r = child_json(&children[i], name, deleted, items);
	rbd_linked_image_spec_list_cleanup(children, (size_t)n);
	free(children);
	free(original);
	return r;
}

int api_image_children(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *items;
	rbd_snap_info_t *snaps = NULL;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int nsnaps = 0;
	int r;

	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	body = json_list_envelope("ImageList", &items);
	if (!body) {
		r = response_oom(resp);
		goto out;
	}
	/* All namespaces: a deleted snapshot lingers in the trash namespace
	 * while it has clones. */
	nsnaps = image_snapshots(image, &snaps);
	if (nsnaps < 0) {
		r = api_image_fail(resp, nsnaps, &ref, "listing the snapshots of");
		goto out;
	}
	for (int i = 0; i < nsnaps; i++) {
		r = snapshot_children(image, &snaps[i], items);
		/* A snapshot deleted while we walk has no children left. */
		if (r == -ENOENT)
			r = 0;
		if (r < 0) {
			response_fail_errno(resp, r, "listing the children of %s@%s failed", ref.spec,
					    snaps[i].name);
			goto out;
		}
	}
	response_json(resp, 200, body);
	body = NULL;
out:
	image_snapshots_free(snaps);
	rbd_close(image);
	json_object_put(body);
	return r;
}

/* Does the image have a parent? 1 yes, 0 no, or a negative errno
 * answered in resp. */
static int has_parent(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *ref)
{
	rbd_linked_image_spec_t parent;
	rbd_snap_spec_t snap;
	rbd_image_t image;
	int r;

	r = api_image_open(resp, ioctx, ref, 0, &image);
	if (r < 0)
		return r;
	r = rbd_get_parent(image, &parent, &snap);
	rbd_close(image);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return api_image_fail(resp, r, ref, "reading the parent of");
	rbd_linked_image_spec_cleanup(&parent);
	rbd_snap_spec_cleanup(&snap);
	return 1;
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
	r = has_parent(resp, ioctx, &ref);
	if (r < 0)
		return r;
	if (r == 0)
		return response_fail(resp, -EINVAL, "image %s has no parent to flatten", ref.spec);
	if (async)
		return api_task_add(req, resp, "rbd task add flatten", "image_spec", ref.spec);

	r = api_image_open(resp, ioctx, &ref, 1, &image);
	if (r < 0)
		return r;
	r = api_sync_data_begin(req, resp, image, &ref, "flattening");
	if (r < 0) {
		rbd_close(image);
		return r;
	}
	r = rbd_flatten_with_progress(image, api_no_progress, NULL);
	rbd_close(image);
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
	struct json_object *options;   /* copy_options.h; owned */
};

/* Reads and checks the layout fields and "flatten" into c->options (no
 * cluster call). The layout rules are those of an image create. */
static int copy_request_parse(struct json_object *body, struct copy_request *c,
			      struct response *resp)
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
	r = 0;
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
	r = rbd_snap_set(image, snapshot);
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
	rbd_image_t probe;
	int r;

	r = rbd_open_read_only(dst_ioctx, dst->name, &probe, NULL);
	if (r == 0) {
		rbd_close(probe);
		return response_fail(resp, -EEXIST, "image %s already exists", dst->spec);
	}
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

/* Copies the image: by default a deep copy (the snapshots come along and a
 * clone stays a clone of the same parent, unless "flatten"), with "deep":
 * false only the current data (a clone's copy is a full, independent
 * image). From "snapshot", the copy is of that snapshot (a deep copy takes
 * the snapshots up to it). The copy has the source's features, object
 * size and striping unless the request gives others. */
int api_image_copy(struct request *req, struct response *resp)
{
	struct json_object *body = NULL;
	struct copy_request c = {1, NULL, NULL};
	struct image_ref src, dst;
	rbd_image_options_t opts = NULL;
	rados_ioctx_t src_ioctx, dst_ioctx = NULL;
	rbd_image_t image = NULL;
	char temp[UNFINISHED_NAME_MAX], id[64];
	const char *doing, *data_pool;
	int async;
	int r;

	r = request_query_bool(req, "async", 0, &async, resp);
	if (r < 0)
		return r;
	r = api_body(req, resp, copy_fields, &body);
	if (r < 0)
		return r;
	r = namespace_field(body, "request body", &dst.ns, resp);
	if (r < 0)
		goto out;
	r = copy_request_parse(body, &c, resp);
	if (r < 0)
		goto out;
	json_in_string(body, "pool", &dst.pool);
	json_in_string(body, "name", &dst.name);
	api_image_spec(dst.pool, dst.ns, dst.name, dst.spec, sizeof(dst.spec));
	api_image_ref(&src, req, request_capture(req, "image"));

	r = api_ioctx(req, resp, src.pool, src.ns, &src_ioctx);
	if (r < 0)
		goto out;
	/* The open image keeps its own copy of the io context, so the shared
	 * one may change namespace after this. */
	r = api_image_open(resp, src_ioctx, &src, 0, &image);
	if (r < 0) {
		image = NULL;
		goto out;
	}
	r = copy_source_snapshot(resp, image, &src, c.snapshot);
	if (r < 0)
		goto out;
	r = private_ioctx(req, resp, "destination", dst.pool, dst.ns, &dst_ioctx);
	if (r < 0)
		goto out;
	data_pool = json_in_get_string(c.options, "data_pool");
	if (data_pool && rados_pool_lookup(rados_ioctx_get_cluster(dst_ioctx), data_pool) < 0) {
		r = response_fail(resp, -ENOENT, "data pool %s does not exist", data_pool);
		goto out;
	}
	if (async) {
		r = start_copy_task(req, resp, &src, &dst, dst_ioctx, &c);
		goto out;
	}
	r = api_sync_data_begin(req, resp, image, &src, "copying");
	if (r < 0)
		goto out;
	/* As for clones: copies onto one name take turns. */
	r = api_image_lock(req, resp, &dst);
	if (r < 0)
		goto out;
	if (image_header_id(dst_ioctx, dst.name, id, sizeof(id)) == 0) {
		r = response_fail(resp, -EEXIST, "image %s already exists", dst.spec);
		goto out;
	}
	/* Made under a name of its own, renamed once whole (unfinished.h). */
	r = unfinished_name(dst.name, temp, sizeof(temp));
	if (r < 0) {
		response_fail(resp, r, "cannot name the copy: %s", strerror(-r));
		goto out;
	}
	rbd_image_options_create(&opts);
	r = copy_options_set(c.options, opts);
	if (r < 0) {
		response_fail(resp, r, "cannot set image options: %s", strerror(-r));
		goto out;
	}
	if (c.deep)
		r = rbd_deep_copy_with_progress(image, dst_ioctx, temp, opts, api_no_progress, NULL);
	else
		/* 4 KiB: zeroed runs of that size are left as holes, as the rbd
		 * CLI does. */
		r = rbd_copy4(image, dst_ioctx, temp, opts, 4096);
	doing = "copying image";
	if (r == 0) {
		r = rbd_rename(dst_ioctx, temp, dst.name);
		doing = "naming the finished copy of";
	}
	if (r < 0) {
		/* Whatever of it exists is ours: it has a name nobody else uses. */
		int left = unfinished_remove(dst_ioctx, temp);
		char what[UNFINISHED_NAME_MAX + 128];

		if (left < 0)
			snprintf(what, sizeof(what),
				 "; what was copied is left as image %s (marked unfinished): delete it",
				 temp);
		else
			snprintf(what, sizeof(what), "; nothing of the copy is left");
		if (r == -EEXIST) {
			response_fail(resp, r, "image %s already exists (made while the copy ran)%s",
				      dst.spec, what);
			goto out;
		}
		/* A deep copy of a clone is a clone of the same parent, which
		 * format 1 cannot make in another namespace. */
		if (r == -EXDEV) {
			response_fail_http(resp, 409,
					   "a deep copy of clone %s is a clone too, and clone format 1 cannot clone across namespaces: copy it into the parent's namespace, send \"flatten\": true or \"deep\": false, or set rbd_default_clone_format to 2 if every client of the cluster is mimic or newer%s",
					   src.spec, what);
			goto out;
		}
		response_fail(resp, r, "%s %s to %s failed: %s (errno %d)%s", doing, src.spec,
			      dst.spec, strerror(-r), -r, what);
		goto out;
	}
	r = api_respond_image(resp, dst_ioctx, &dst, 201);
	if (r == 0)
		api_location_image(resp, &dst, "");
out:
	if (opts)
		rbd_image_options_destroy(opts);
	if (image)
		rbd_close(image);
	if (dst_ioctx)
		rados_ioctx_destroy(dst_ioctx);
	json_object_put(c.options);
	json_object_put(body);
	return r;
}
