/* SPDX-License-Identifier: Apache-2.0 */
/* api_images.c - /api/v1/pools/{pool}/images and .../images/{image}.
 *
 * Reads open images read-only (no lock, no watch); writes open them
 * read-write only for the call that needs it. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "api.h"
#include "api_clones.h"
#include "api_create.h"
#include "api_images.h"
#include "rbd_features.h"
#include "image_directory.h"
#include "image_entry.h"
#include "image_handle.h"
#include "image_json.h"
#include "image_query.h"
#include "api_image_features.h"
#include "image_idle.h"
#include "image_list.h"
#include "pool_trash.h"
#include "json_out.h"
#include "text_list.h"
#include "routes.h"
#include "api_tasks.h"


int api_image_get(struct request *req, struct response *resp)
{
	struct image_ref ref;
	rados_ioctx_t ioctx;
	int r;

	r = api_image_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	return api_respond_image(resp, ioctx, &ref, 200);
}

#define IMAGE_LIST_DETAIL_MAX 1000

/* A listed image that cannot be read is listed with an error instead of
 * failing the page. */
static int list_item_error(struct json_object *item, const struct image_list_page *page,
			   const char *name, int err)
{
	char spec[IMAGE_SPEC_MAX], message[1024];
	struct json_object *error;

	snprintf(message, sizeof(message), "image %s cannot be read: %s (errno %d)",
		 api_image_spec(page->pool, page->ns, name, spec, sizeof(spec)), strerror(-err), -err);
	error = response_error_object(err, message);
	if (!error || json_object_object_add(item, "error", error) < 0) {
		json_object_put(error);
		return -ENOMEM;
	}
	return 0;
}

int api_images_list(struct request *req, struct response *resp)
{
	struct image_directory *dir = req->env->directory;
	struct image_list_page page = {0};
	char after[IMAGE_LIST_TOKEN_NAME_MAX + 1], spec[IMAGE_SPEC_MAX];
	struct json_object *body;
	const char *token;
	unsigned long limit;
	rados_ioctx_t ioctx;
	int detail;
	int r;

	r = request_query_bool(req, "detail", 0, &detail, resp);
	if (r < 0)
		return r;
	/* Names are cheap, so by default all come at once; a detail page
	 * opens every image on it (~5 ms each), so it is bounded by default
	 * and at most IMAGE_LIST_DETAIL_MAX: a few seconds, well inside
	 * request_timeout. */
	r = request_query_uint(req, "limit", detail ? IMAGE_LIST_DETAIL_DEFAULT : 0, 1,
			       detail ? IMAGE_LIST_DETAIL_MAX : IMAGE_LIST_MAX, &limit, resp);
	if (r < 0)
		return r;
	page.pool = request_capture(req, "pool");
	page.ns = api_namespace(req);
	page.detail = detail;
	page.limit = limit;
	page.item_error = list_item_error;
	token = request_query(req, "continue");
	if (token && continue_token_decode(token, after, sizeof(after)) < 0)
		return response_fail(resp, -EINVAL,
				     "query parameter continue is not a token from a previous page of this listing");
	page.after = token ? after : NULL;
	r = api_ioctx(req, resp, page.pool, page.ns, &ioctx);
	if (r < 0)
		return r;
	r = image_directory_read(ioctx, dir);
	if (r < 0)
		return response_fail(resp, r, "cannot list the images of %s: %s",
				     page.ns[0] ? api_image_spec(page.pool, page.ns, "", spec, sizeof(spec))
						: page.pool,
				     strerror(-r));
	r = image_list_render(ioctx, &page, dir, &body);
	if (r < 0)
		return response_oom(resp);
	response_json(resp, 200, body);
	return 0;
}

const struct field_spec image_create_fields[] = {
	{"name", FIELD_NAME, 1},
	{"size", FIELD_SIZE, 0},      /* required unless "parent" */
	{"object_size", FIELD_SIZE, 0},
	{"features", FIELD_STRING_ARRAY, 0},
	{"stripe_unit", FIELD_SIZE, 0},
	{"stripe_count", FIELD_UINT, 0},
	{"data_pool", FIELD_NAME, 0},
	{"parent", FIELD_OBJECT, 0},  /* a clone: see api_clones.c */
	{"source", FIELD_OBJECT, 0},  /* an import from a URL: see api_import.c */
	{NULL, 0, 0},
};

int api_image_create(struct request *req, struct response *resp)
{
	struct json_object *body;
	struct create_request c;
	struct image_layout layout;
	struct image_make_result res;
	struct clone_parent parent;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	int is_clone;
	int r;

	/* An application/octet-stream body is the new image's content. */
	if (req->body_streamed)
		return api_image_create_upload(req, resp);
	if (req->nquery)
		return response_fail(resp, -EINVAL,
				     "query parameters (%s) are for a create from an upload (Content-Type: application/octet-stream); a JSON create names everything in its body",
				     req->query[0].key);
	r = api_request_body(req, resp, image_create_fields, &body);
	if (r < 0)
		return r;
	/* With "source" this is an import from a URL (api_import.c). */
	if (json_object_object_get_ex(body, "source", NULL))
		return api_image_import(req, resp, body);
	r = api_create_request_parse(body, &c, resp);
	if (r < 0)
		return r;
	/* With "parent" this is a clone, which takes its size from the
	 * parent snapshot; without, "size" is required. */
	is_clone = clone_parent_parse(body, &parent, resp);
	if (is_clone < 0)
		return is_clone;
	if (!is_clone && !json_object_object_get_ex(body, "size", NULL))
		return response_fail(resp, -EINVAL,
				     "field \"size\" is required in request body (or \"parent\", to clone)");
	r = api_create_target(req, resp, &c, &ref, &ioctx);
	if (r < 0)
		return r;
	api_create_layout(&c, &layout);
	if (is_clone)
		return clone_image(req, resp, &ref, &parent, &layout);
	r = image_create(ioctx, c.name, c.size, &layout, &res);
	if (r < 0 && res.step == IMAGE_MAKE_OPTIONS)
		return api_make_failed_early(resp, r, &res, ref.spec, "the new image");
	if (r == -EEXIST)
		return response_fail(resp, r, "image %s already exists", ref.spec);
	/* librbd removes what a failed create made; we add nothing. */
	if (r < 0)
		return response_fail_errno(resp, r, "creating image %s failed", ref.spec);
	r = api_respond_image(resp, ioctx, &ref, 201);
	if (r == 0)
		api_location_image(resp, &ref, "");
	return r;
}

const struct field_spec image_patch_fields[] = {
	{"size", FIELD_SIZE, 0},
	{"allow_shrink", FIELD_BOOL, 0},
	{"name", FIELD_NAME, 0},
	{"features", FIELD_OBJECT, 0},
	{NULL, 0, 0},
};

/* Resizes, refusing to shrink unless allowed, and saying what would be
 * lost. */
static int resize_image(struct request *req, struct response *resp, rados_ioctx_t ioctx,
			const struct image_ref *ref, uint64_t size, int allow_shrink)
{
	rbd_image_t image;
	uint64_t current;
	int r;

	r = api_image_open_owned(req, resp, ioctx, ref, 1, &image);
	if (r < 0)
		return r;
	r = image_handle_size(image, &current);
	if (r < 0)
		return api_image_fail(resp, r, ref, "reading the size of");
	if (size < current && !allow_shrink)
		return response_fail(resp, -EINVAL,
				     "shrinking image %s from %" PRIu64 " to %" PRIu64
				     " bytes would discard %" PRIu64
				     " bytes of data; send \"allow_shrink\": true to do it anyway",
				     ref->spec, current, size, current - size);
	/* allow_shrink is passed on, so a shrink racing in between is still
	 * refused by librbd itself. */
	if (size != current)
		r = image_handle_resize(image, size, allow_shrink);
	/* Closed before a rename that may follow. */
	api_release(req, image);
	if (r < 0)
		return api_image_fail(resp, r, ref, "resizing");
	return 0;
}

int api_image_patch(struct request *req, struct response *resp)
{
	struct json_object *body, *features = NULL;
	struct feature_change change;
	struct image_ref ref, renamed;
	const char *new_name = NULL;
	uint64_t size = 0;
	int has_size, has_shrink, has_features, allow_shrink = 0;
	rados_ioctx_t ioctx;
	int r;

	r = api_request_body(req, resp, image_patch_fields, &body);
	if (r < 0)
		return r;
	has_size = json_in_size(body, "size", &size) == 0;
	has_shrink = json_in_bool(body, "allow_shrink", &allow_shrink) == 0;
	json_in_string(body, "name", &new_name);
	if (has_shrink && !has_size)
		return response_fail(resp, -EINVAL, "field \"allow_shrink\" only goes with \"size\"");
	has_features = json_object_object_get_ex(body, "features", &features);
	if (has_features) {
		r = api_features_parse(resp, features, &change);
		if (r < 0)
			return r;
	}
	if (!has_size && !new_name && !has_features)
		return response_fail(resp, -EINVAL,
				     "nothing to change: give \"size\" (resize), \"name\" (rename) and/or \"features\" ({\"enable\": [...], \"disable\": [...]})");
	api_image_ref(&ref, req, request_capture(req, "image"));
	if (new_name && strcmp(new_name, ref.name) == 0)
		new_name = NULL;
	r = api_ioctx(req, resp, ref.pool, ref.ns, &ioctx);
	if (r < 0)
		return r;

	r = api_image_lock(req, resp, &ref);
	if (r < 0)
		return r;
	/* A taken name is found before anything changes, so a conflicting
	 * rename does not leave a resize half of the request applied. */
	if (new_name) {
		api_image_ref(&renamed, req, new_name);
		if (image_entry_taken(ioctx, new_name))
			return response_fail(resp, -EEXIST,
					     "cannot rename image %s to %s: %s already exists",
					     ref.spec, new_name, renamed.spec);
	}
	if (has_features) {
		r = api_features_apply(req, resp, ioctx, &ref, &change);
		if (r < 0)
			return r;
	}
	if (has_size) {
		r = resize_image(req, resp, ioctx, &ref, size, allow_shrink);
		if (r < 0)
			return r;
	}
	if (new_name) {
		r = image_entry_rename(ioctx, ref.name, new_name);
		if (r == -ENOENT)
			return api_image_fail(resp, r, &ref, "renaming");
		if (r < 0)
			return response_fail(resp, r, "%srenaming image %s to %s failed: %s",
					     has_size ? "the image was resized, but " : "", ref.spec,
					     new_name,
					     r == -EEXIST ? "the new name is taken" : strerror(-r));
		ref = renamed;
	}
	return api_respond_image(resp, ioctx, &ref, 200);
}

/* Why an image cannot be deleted yet: snapshots or clients, named. */
static int check_deletable(struct response *resp, rbd_image_t image, const struct image_ref *ref)
{
	rbd_snap_info_t *snaps = NULL;
	struct text_list names;
	char text[2048];
	int count;

	count = image_snapshots(image, &snaps);
	if (count < 0)
		return api_image_fail(resp, count, ref, "listing the snapshots of");
	text_list_init(&names, text, sizeof(text));
	for (int i = 0; i < count; i++)
		text_list_add(&names, "%s", snaps[i].name);
	image_snapshots_free(snaps);
	if (count > 0)
		return response_fail(resp, -ENOTEMPTY, "image %s has %d snapshot%s (%s); delete them first",
				     ref->spec, count, count == 1 ? "" : "s",
				     text_list_finish(&names));
	return api_refuse_if_open(resp, image, ref, "first");
}

/* Refuses the delete of an image with snapshots or clients, naming them.
 * Sets *found when the image could be opened (it exists whole). */
static int check_before_delete(struct response *resp, rados_ioctx_t ioctx,
			       const struct image_ref *ref, int *found)
{
	rbd_image_t image;
	int r;

	*found = 0;
	/* Nearly every image deleted is idle, and two round trips say so;
	 * the open below finds and names what is in the way. */
	if (image_idle_check(ioctx, ref->name) == 0) {
		*found = 1;
		return 0;
	}
	r = image_handle_open(ioctx, ref->name, 0, &image);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return api_image_fail(resp, r, ref, "opening");
	*found = 1;
	r = check_deletable(resp, image, ref);
	image_handle_close(image);
	return r;
}

int api_image_delete(struct request *req, struct response *resp)
{
	struct image_ref ref;
	rados_ioctx_t ioctx;
	int async, found;
	int r;

	r = request_query_bool(req, "async", 0, &async, resp);
	if (r < 0)
		return r;
	r = api_image_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	r = api_image_lock(req, resp, &ref);
	if (r < 0)
		return r;
	r = check_before_delete(resp, ioctx, &ref, &found);
	if (r < 0)
		return r;
	/* The manager's rbd_support module removes it in the background;
	 * 202 with the Task. */
	if (found && async)
		return api_task_add(req, resp, "rbd task add remove", "image_spec", ref.spec);
	/* Even when nothing was found, the remove cleans up a directory
	 * entry left behind by an interrupted delete. The manager cannot
	 * queue an image it cannot open, so with ?async=true too that
	 * cleanup (quick: there is no data) happens here, answering 204/404. */
	/* librbd records a removal in the trash first; in a pool at its
	 * quota, only when the trash object exists already (pool_trash.h). */
	r = pool_trash_prepare(ioctx);
	if (r == -EDQUOT || r == -ENOSPC)
		return response_fail(resp, r,
				     "deleting image %s failed: Ceph cannot record a removal in pool %s while it is %s: librbd first moves the image to the pool's trash, whose object does not exist yet and cannot be created now; nothing was deleted",
				     ref.spec, ref.pool, r == -EDQUOT ? "at its quota" : "full");
	r = image_entry_remove(ioctx, ref.name);
	switch (r) {
	case 0:
		response_json(resp, 204, NULL);
		return 0;
	case -ENOTEMPTY:
		return response_fail(resp, r, "image %s has snapshots; delete them first", ref.spec);
	case -EBUSY:
		if (api_refuse_if_migrating(resp, ioctx, &ref, "deleted") < 0)
			return r;
		return response_fail(resp, r,
				     "image %s is in use: open by a client, or it has clones", ref.spec);
	case -ESTALE:
		return response_fail(resp, r,
				     "image %s changed while it was being deleted; try again", ref.spec);
	default:
		return api_image_fail(resp, r, &ref, "deleting");
	}
}
