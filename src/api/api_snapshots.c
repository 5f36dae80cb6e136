/* api_snapshots.c - .../images/{image}/snapshots: list, create, get,
 * protect/unprotect and rename, delete, rollback.
 *
 * Reads open the image read-only (no lock, no watch). Every mutation first
 * checks, on a read-only open, everything that would make it fail or do
 * something the caller did not ask for (clones, protection, a taken name,
 * clients using the image), answers 409 naming the reason, and only then
 * opens the image read-write for the one librbd call. Unprotecting is the
 * exception: whether clones need the protection (format 1 ones do,
 * format 2 ones do not) is librbd's answer, so its refusal is the check.
 *
 * Only user snapshots are shown and addressed: librbd's own snapshots
 * (group, mirror, and the "trash" snapshots that a deleted snapshot with
 * clones becomes) belong to those features. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "api.h"
#include "json_out.h"
#include "text_list.h"
#include "router.h"
#include "routes.h"
#include "api_tasks.h"

/* How many clones or clients a 409 message names before "...". */

/* The snapshot a request is about, and how messages name it. */
struct snap_ref {
	struct image_ref image;
	const char *name;
	char spec[sizeof(((struct image_ref *)0)->spec) + 1 + 256]; /* "pool/[ns/]image@snap" */
};

/* What we know of one snapshot, from the snapshot list. */
struct snap_found {
	uint64_t id;
	uint64_t size;
};

static void snap_ref_init(struct snap_ref *ref, const struct request *req, const char *name)
{
	api_image_ref(&ref->image, req, request_capture(req, "image"));
	ref->name = name;
	snprintf(ref->spec, sizeof(ref->spec), "%s@%s", ref->image.spec, name);
}

/* The answer for a librbd error about an existing snapshot: 404 "snapshot
 * X does not exist" for ENOENT, else "<doing> snapshot X failed: <reason>". */
static int snap_fail(struct response *resp, int err, const struct snap_ref *ref,
		     const char *doing)
{
	if (err == -ENOENT)
		return response_fail(resp, err, "snapshot %s does not exist", ref->spec);
	return response_fail_errno(resp, err, "%s snapshot %s failed", doing, ref->spec);
}

/* All snapshots of an open image, as rbd_snap_list gives them: count
 * entries followed by the terminating one rbd_snap_list_end needs. */
struct snap_list {
	rbd_snap_info_t *snaps;
	int count;
};

static int snap_list_load(rbd_image_t image, struct snap_list *list)
{
	rbd_snap_info_t probe;
	int max = 0;
	int r;

	list->snaps = NULL;
	list->count = 0;
	/* With room for none, librbd says how much room it needs; a snapshot
	 * created in between makes the second call ask again. */
	for (int tries = 0; tries < 8; tries++) {
		r = rbd_snap_list(image, list->snaps ? list->snaps : &probe, &max);
		if (r >= 0) {
			if (!list->snaps)
				return 0;  /* no snapshots: nothing was allocated */
			list->count = r;
			return 0;
		}
		if (r != -ERANGE)
			break;
		free(list->snaps);
		list->snaps = calloc((size_t)max + 1, sizeof(*list->snaps));
		if (!list->snaps)
			return -ENOMEM;
		max++;
	}
	free(list->snaps);
	list->snaps = NULL;
	return r < 0 ? r : -EAGAIN;
}

static void snap_list_free(struct snap_list *list)
{
	/* calloc'd, so terminated even when librbd filled in nothing. */
	if (list->snaps)
		rbd_snap_list_end(list->snaps);
	free(list->snaps);
	list->snaps = NULL;
}

static int snap_is_user(rbd_image_t image, uint64_t id)
{
	rbd_snap_namespace_type_t type;

	return rbd_snap_get_namespace_type(image, id, &type) == 0 &&
	       type == RBD_SNAP_NAMESPACE_TYPE_USER;
}

/* What made a snapshot, as `rbd snap ls --all` says it: a user, a group
 * snapshot, mirroring, or a removed snapshot still held by clones. */
static const char *snap_namespace_name(rbd_snap_namespace_type_t type)
{
	switch (type) {
	case RBD_SNAP_NAMESPACE_TYPE_USER: return "user";
	case RBD_SNAP_NAMESPACE_TYPE_GROUP: return "group";
	case RBD_SNAP_NAMESPACE_TYPE_TRASH: return "trash";
	case RBD_SNAP_NAMESPACE_TYPE_MIRROR: return "mirror";
	}
	return "unknown";
}

/* Finds the user snapshot ref->name of an open image; 404 when there is
 * none. */
static int snap_find(struct response *resp, rbd_image_t image, const struct snap_ref *ref,
		     struct snap_found *found)
{
	struct snap_list list;
	int r;

	r = snap_list_load(image, &list);
	if (r < 0)
		return api_image_fail(resp, r, &ref->image, "listing the snapshots of");
	r = -ENOENT;
	for (int i = 0; i < list.count; i++) {
		if (strcmp(list.snaps[i].name, ref->name) == 0 &&
		    snap_is_user(image, list.snaps[i].id)) {
			found->id = list.snaps[i].id;
			found->size = list.snaps[i].size;
			r = 0;
			break;
		}
	}
	snap_list_free(&list);
	if (r < 0)
		return snap_fail(resp, r, ref, "finding");
	return 0;
}

/* Opens the image read-only and finds the snapshot in it; 404 for a
 * missing image or snapshot. On success the caller closes *image. */
static int snap_open(struct response *resp, rados_ioctx_t ioctx, const struct snap_ref *ref,
		     rbd_image_t *image, struct snap_found *found)
{
	int r = api_image_open(resp, ioctx, &ref->image, 0, image);

	if (r < 0)
		return r;
	r = snap_find(resp, *image, ref, found);
	if (r < 0)
		rbd_close(*image);
	return r;
}

int api_snapshot_open_at(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *img,
			 const char *snap, char *spec, size_t speclen, rbd_image_t *image,
			 uint64_t *snap_id, uint64_t *size)
{
	struct snap_found found;
	struct snap_ref ref;
	int r;

	ref.image = *img;
	ref.name = snap;
	snprintf(ref.spec, sizeof(ref.spec), "%s@%s", img->spec, snap);
	snprintf(spec, speclen, "%s", ref.spec);
	r = snap_open(resp, ioctx, &ref, image, &found);
	if (r < 0)
		return r;
	r = rbd_snap_set_by_id(*image, found.id);
	if (r < 0) {
		rbd_close(*image);
		return snap_fail(resp, r, &ref, "reading");
	}
	*snap_id = found.id;
	*size = found.size;
	return 0;
}

/* Adds the Snapshot fields to obj (an envelope or a list item). */
static int snapshot_json(struct json_object *obj, rbd_image_t image, const struct image_ref *img,
			 const char *name, uint64_t id, uint64_t size)
{
	rbd_snap_namespace_type_t type;
	struct timespec ts;
	int is_protected = 0;
	int r;

	r = rbd_snap_get_namespace_type(image, id, &type);
	if (r < 0)
		return r;
	/* librbd finds a snapshot by name among the user ones only; the
	 * others cannot be protected. */
	if (type == RBD_SNAP_NAMESPACE_TYPE_USER)
		r = rbd_snap_is_protected(image, name, &is_protected);
	if (r < 0)
		return r;
	r = rbd_snap_get_timestamp(image, id, &ts);
	if (r < 0)
		return r;
	r = json_add_name(obj, "name", name, "snapshot");
	if (r == 0)
		r = json_add_u64(obj, "id", id);
	if (r == 0)
		r = json_add_u64(obj, "size", size);
	if (r == 0)
		r = json_add_bool(obj, "protected", is_protected);
	if (r == 0)
		r = json_add_string(obj, "namespace_type", snap_namespace_name(type));
	if (r == 0)
		r = json_add_time(obj, "timestamp", &ts);
	if (r == 0)
		r = json_add_name(obj, "image", img->name, "image");
	if (r == 0)
		r = json_add_string(obj, "pool", img->pool);
	if (r == 0)
		r = json_add_string(obj, "namespace", img->ns);
	return r;
}

/* Answers with the snapshot, read afresh, as a Snapshot resource. */
static int respond_snapshot(struct response *resp, rados_ioctx_t ioctx,
			    const struct snap_ref *ref, int status)
{
	struct json_object *body = NULL;
	struct snap_found found;
	rbd_image_t image;
	int r;

	r = snap_open(resp, ioctx, ref, &image, &found);
	if (r < 0)
		return r;
	body = json_envelope("Snapshot");
	r = body ? snapshot_json(body, image, &ref->image, ref->name, found.id, found.size)
		 : -ENOMEM;
	rbd_close(image);
	if (r < 0) {
		json_object_put(body);
		return snap_fail(resp, r, ref, "reading");
	}
	response_json(resp, status, body);
	return 0;
}

/* The clones of snapshot ref->name of an open (read-only) image: their
 * number in *count and, as text_list names them, "pool/[ns/]image" in
 * names. Returns 0 or a negative errno. */
static int snap_children(rbd_image_t image, const struct snap_ref *ref, size_t *count,
			 char *names, size_t nameslen)
{
	rbd_linked_image_spec_t *children = NULL;
	struct text_list list;
	size_t max = 0;
	char spec[sizeof(ref->image.spec)];
	int r;

	*count = 0;
	names[0] = '\0';
	r = rbd_snap_set(image, ref->name);
	if (r < 0)
		return r;
	for (int tries = 0; tries < 8; tries++) {
		r = rbd_list_children3(image, children, &max);
		if (r != -ERANGE)
			break;
		/* A clone created in between makes librbd ask again. */
		rbd_linked_image_spec_t *bigger = realloc(children, (max + 1) * sizeof(*children));

		if (!bigger) {
			r = -ENOMEM;
			break;
		}
		children = bigger;
		max++;
	}
	if (r == 0) {
		*count = max;
		text_list_init(&list, names, nameslen);
		for (size_t i = 0; i < max; i++)
			text_list_add(&list, "%s%s",
				      api_image_spec(children[i].pool_name,
						     children[i].pool_namespace,
						     children[i].image_name, spec, sizeof(spec)),
				      children[i].trash ? " (in the trash)" : "");
		text_list_finish(&list);
		rbd_linked_image_spec_list_cleanup(children, max);
	}
	free(children);
	rbd_snap_set(image, NULL);
	return r;
}

/* Answers 409 when the snapshot has clones: they would lose their parent. */
static int refuse_if_cloned(struct response *resp, rbd_image_t image, const struct snap_ref *ref,
			    const char *doing, const char *instead)
{
	char names[2048];
	size_t count;
	int r;

	r = snap_children(image, ref, &count, names, sizeof(names));
	if (r < 0)
		return snap_fail(resp, r, ref, "listing the clones of");
	if (count == 0)
		return 0;
	return response_fail(resp, -EBUSY, "cannot %s snapshot %s: it has %zu clone%s (%s); %s",
			     doing, ref->spec, count, count == 1 ? "" : "s", names, instead);
}

int api_snapshots_list(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *items;
	struct snap_list list = {0};
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int all, r;

	r = request_query_bool(req, "all", 0, &all, resp);
	if (r < 0)
		return r;
	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = snap_list_load(image, &list);
	if (r < 0) {
		api_image_fail(resp, r, &ref, "listing the snapshots of");
		goto out;
	}
	body = json_list_envelope("SnapshotList", &items);
	r = body ? 0 : -ENOMEM;
	for (int i = 0; r == 0 && i < list.count; i++) {
		struct json_object *item;

		if (!all && !snap_is_user(image, list.snaps[i].id))
			continue;
		item = json_object_new_object();
		if (json_array_take(items, item) < 0) {
			r = -ENOMEM;
			break;
		}
		r = snapshot_json(item, image, &ref, list.snaps[i].name, list.snaps[i].id,
				  list.snaps[i].size);
	}
	if (r < 0) {
		api_image_fail(resp, r, &ref, "listing the snapshots of");
		goto out;
	}
	response_json(resp, 200, body);
	body = NULL;
out:
	json_object_put(body);
	snap_list_free(&list);
	rbd_close(image);
	return r;
}

/* GET .../snapshot-ids/{snap_id}: a snapshot by librbd's id, of any
 * namespace (a group, mirror or trash snapshot has no name a user may
 * address), as `rbd snap ls --all` and clones' parents name them. */
int api_snapshot_by_id_get(struct request *req, struct response *resp)
{
	const char *text = request_capture(req, "snap_id");
	struct json_object *body = NULL;
	struct snap_list list = {0};
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	unsigned long long id;
	char *end;
	int r;

	errno = 0;
	id = strtoull(text, &end, 10);
	if (!*text || *end || errno || text[0] < '0' || text[0] > '9')
		return response_fail(resp, -EINVAL,
				     "snapshot id \"%s\" in the path must be a number (the \"id\" of a Snapshot)",
				     text);
	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = snap_list_load(image, &list);
	if (r < 0) {
		api_image_fail(resp, r, &ref, "listing the snapshots of");
		goto out;
	}
	r = -ENOENT;
	for (int i = 0; i < list.count; i++) {
		if (list.snaps[i].id != id)
			continue;
		body = json_envelope("Snapshot");
		r = body ? snapshot_json(body, image, &ref, list.snaps[i].name, id,
					 list.snaps[i].size)
			 : -ENOMEM;
		break;
	}
	if (r == -ENOENT)
		response_fail(resp, r, "image %s has no snapshot with id %llu", ref.spec, id);
	else if (r < 0)
		api_image_fail(resp, r, &ref, "reading the snapshots of");
	else {
		response_json(resp, 200, body);
		body = NULL;
	}
out:
	json_object_put(body);
	snap_list_free(&list);
	rbd_close(image);
	return r;
}

const struct field_spec snapshot_create_fields[] = {
	{"name", FIELD_NAME, 1},
	{"quiesce", FIELD_BOOL, 0},
	{"ignore_quiesce_error", FIELD_BOOL, 0},
	{NULL, 0, 0},
};

/* rbd_snap_create2's flags for the body's "quiesce" (true: ask the
 * image's clients, e.g. rbd-nbd with a quiesce hook, to quiesce I/O) and
 * "ignore_quiesce_error" (take the snapshot even if a client fails to),
 * as rbd snap create's --skip-quiesce and --ignore-quiesce-error. Returns
 * 1 with *flags when the body asks, 0 when it leaves the choice to the
 * client's rbd_default_snapshot_quiesce_mode, or a negative errno. */
static int snapshot_create_flags(struct json_object *body, uint32_t *flags,
				 struct response *resp)
{
	int quiesce = 1, ignore_error = 0, asked = 0;

	asked |= json_in_bool(body, "quiesce", &quiesce) == 0;
	asked |= json_in_bool(body, "ignore_quiesce_error", &ignore_error) == 0;
	*flags = 0;
	if (!quiesce && ignore_error)
		return response_fail(resp, -EINVAL,
				     "field \"ignore_quiesce_error\" goes with quiescing only: with \"quiesce\": false there is no quiesce error to ignore");
	if (!quiesce)
		*flags |= RBD_SNAP_CREATE_SKIP_QUIESCE;
	if (ignore_error)
		*flags |= RBD_SNAP_CREATE_IGNORE_QUIESCE_ERROR;
	return asked;
}

int api_snapshot_create(struct request *req, struct response *resp)
{
	char encoded[ENCODED_NAME_MAX], suffix[ENCODED_NAME_MAX + 16];
	struct json_object *body = NULL;
	struct snap_ref ref;
	const char *name = NULL;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	uint64_t limit;
	uint32_t flags;
	int asked, r;

	r = api_body(req, resp, snapshot_create_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "name", &name);
	asked = snapshot_create_flags(body, &flags, resp);
	if (asked < 0) {
		r = asked;
		goto out;
	}
	snap_ref_init(&ref, req, name);
	r = api_ioctx(req, resp, ref.image.pool, ref.image.ns, &ioctx);
	if (r < 0)
		goto out;
	r = api_image_open(resp, ioctx, &ref.image, 1, &image);
	if (r < 0)
		goto out;
	if (asked)
		r = rbd_snap_create2(image, name, flags, api_no_progress, NULL);
	else
		r = rbd_snap_create(image, name);
	if (r == -EEXIST) {
		response_fail(resp, r, "snapshot %s already exists", ref.spec);
	} else if (r == -EDQUOT) {
		if (rbd_snap_get_limit(image, &limit) == 0)
			response_fail(resp, r,
				      "image %s has reached its limit of %" PRIu64
				      " snapshots; delete one, or raise the limit (PUT .../snapshot-limit)",
				      ref.image.spec, limit);
		else
			response_fail(resp, r, "image %s has reached its snapshot limit",
				      ref.image.spec);
	} else if (r < 0) {
		snap_fail(resp, r, &ref, "creating");
	}
	rbd_close(image);
	if (r < 0)
		goto out;
	r = respond_snapshot(resp, ioctx, &ref, 201);
	if (r < 0)
		goto out;
	percent_encode_segment(name, encoded, sizeof(encoded));
	snprintf(suffix, sizeof(suffix), "/snapshots/%s", encoded);
	r = api_location_image(resp, &ref.image, suffix);
	if (r < 0)
		response_oom(resp);
out:
	json_object_put(body);
	return r;
}

int api_snapshot_get(struct request *req, struct response *resp)
{
	struct snap_ref ref;
	rados_ioctx_t ioctx;
	int r;

	snap_ref_init(&ref, req, request_capture(req, "snapshot"));
	r = api_ioctx(req, resp, ref.image.pool, ref.image.ns, &ioctx);
	if (r < 0)
		return r;
	return respond_snapshot(resp, ioctx, &ref, 200);
}

const struct field_spec snapshot_patch_fields[] = {
	{"protected", FIELD_BOOL, 0},
	{"name", FIELD_NAME, 0},
	{NULL, 0, 0},
};

/* A PATCH after its checks: what is left to do. */
struct snap_change {
	int protect;     /* 1 protect, -1 unprotect, 0 leave */
	const char *new_name;   /* NULL: keep */
};

/* Everything that would refuse the change, checked before any of it is
 * made: a taken name, a missing layering feature, clones. */
static int check_patch(struct response *resp, rbd_image_t image, const struct snap_ref *ref,
		       const struct snap_ref *renamed, int has_protected, int want_protected,
		       struct snap_change *change)
{
	uint64_t features;
	int is_protected;
	bool exists;
	int r;

	if (change->new_name) {
		r = rbd_snap_exists(image, change->new_name, &exists);
		if (r < 0)
			return snap_fail(resp, r, ref, "checking the new name of");
		if (exists)
			return response_fail(resp, -EEXIST,
					     "cannot rename snapshot %s to %s: %s already exists",
					     ref->spec, change->new_name, renamed->spec);
	}
	if (!has_protected)
		return 0;
	r = rbd_snap_is_protected(image, ref->name, &is_protected);
	if (r < 0)
		return snap_fail(resp, r, ref, "reading the protection of");
	if (!!is_protected == !!want_protected)
		return 0;
	if (want_protected) {
		r = rbd_get_features(image, &features);
		if (r < 0)
			return api_image_fail(resp, r, &ref->image, "reading the features of");
		if (!(features & RBD_FEATURE_LAYERING))
			return response_fail(resp, -EINVAL,
					     "cannot protect snapshot %s: protection is for cloning, and image %s does not have the layering feature",
					     ref->spec, ref->image.spec);
		change->protect = 1;
		return 0;
	}
	/* Clones do not stop it here: librbd refuses (EBUSY) only format 1
	 * clones, which need the protection; format 2 clones do not. */
	change->protect = -1;
	return 0;
}

/* librbd refused to unprotect (EBUSY): the snapshot has format 1 clones,
 * which need it protected. Answers 409 naming the clones. */
static int refuse_unprotect(struct response *resp, rbd_image_t image, const struct snap_ref *ref)
{
	const char *instead = "flatten or delete the clones made with clone format 1 first";
	int r = refuse_if_cloned(resp, image, ref, "unprotect", instead);

	if (r < 0)
		return r;
	/* The clones went away since: still a conflict, just unnamed. */
	return response_fail(resp, -EBUSY, "cannot unprotect snapshot %s: it has clones; %s",
			     ref->spec, instead);
}

/* Makes the checked change on the image opened read-write. */
static int apply_patch(struct response *resp, rbd_image_t image, const struct snap_ref *ref,
		       const struct snap_ref *renamed, const struct snap_change *change)
{
	int r = 0;

	if (change->protect > 0) {
		r = rbd_snap_protect(image, ref->name);
		if (r == -EBUSY)  /* protected meanwhile: the state asked for */
			r = 0;
		if (r < 0)
			return snap_fail(resp, r, ref, "protecting");
	} else if (change->protect < 0) {
		r = rbd_snap_unprotect(image, ref->name);
		if (r == -EINVAL)  /* unprotected meanwhile */
			r = 0;
		if (r == -EBUSY)
			return refuse_unprotect(resp, image, ref);
		if (r < 0)
			return snap_fail(resp, r, ref, "unprotecting");
	}
	if (!change->new_name)
		return 0;
	r = rbd_snap_rename(image, ref->name, change->new_name);
	if (r == 0)
		return 0;
	if (r == -ENOENT)
		return snap_fail(resp, r, ref, "renaming");
	return response_fail(resp, r, "%srenaming snapshot %s to %s failed: %s%s",
			     change->protect > 0   ? "the snapshot was protected, but "
			     : change->protect < 0 ? "the snapshot was unprotected, but "
						   : "",
			     ref->spec, change->new_name, r == -EEXIST ? renamed->spec : "",
			     r == -EEXIST ? " already exists" : strerror(-r));
}

int api_snapshot_patch(struct request *req, struct response *resp)
{
	struct json_object *body = NULL;
	struct snap_change change = {0, NULL};
	struct snap_ref ref, renamed;
	struct snap_found found;
	int has_protected, want_protected = 0;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_body(req, resp, snapshot_patch_fields, &body);
	if (r < 0)
		return r;
	has_protected = json_in_bool(body, "protected", &want_protected) == 0;
	json_in_string(body, "name", &change.new_name);
	if (!has_protected && !change.new_name) {
		r = response_fail(resp, -EINVAL,
				  "nothing to change: give \"protected\" (true or false) and/or \"name\" (rename)");
		goto out;
	}
	snap_ref_init(&ref, req, request_capture(req, "snapshot"));
	renamed = ref;
	if (change.new_name && strcmp(change.new_name, ref.name) == 0)
		change.new_name = NULL;
	if (change.new_name)
		snap_ref_init(&renamed, req, change.new_name);
	r = api_ioctx(req, resp, ref.image.pool, ref.image.ns, &ioctx);
	if (r < 0)
		goto out;

	r = snap_open(resp, ioctx, &ref, &image, &found);
	if (r < 0)
		goto out;
	r = check_patch(resp, image, &ref, &renamed, has_protected, want_protected, &change);
	rbd_close(image);
	if (r < 0)
		goto out;

	if (change.protect || change.new_name) {
		r = api_image_open(resp, ioctx, &ref.image, 1, &image);
		if (r < 0)
			goto out;
		r = apply_patch(resp, image, &ref, &renamed, &change);
		rbd_close(image);
		if (r < 0)
			goto out;
	}
	r = respond_snapshot(resp, ioctx, change.new_name ? &renamed : &ref, 200);
out:
	json_object_put(body);
	return r;
}

/* DELETE; with ?unprotect=true also a protected snapshot without clones,
 * unprotected first (one request for rbd snap unprotect + rbd snap rm). */
int api_snapshot_delete(struct request *req, struct response *resp)
{
	struct snap_found found;
	struct snap_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int is_protected = 0, unprotect;
	int r;

	r = request_query_bool(req, "unprotect", 0, &unprotect, resp);
	if (r < 0)
		return r;
	snap_ref_init(&ref, req, request_capture(req, "snapshot"));
	r = api_ioctx(req, resp, ref.image.pool, ref.image.ns, &ioctx);
	if (r < 0)
		return r;

	/* Protected or cloned: librbd would refuse the first, and silently
	 * keep a v2 clone's parent as a hidden "trash" snapshot for the
	 * second, so both are refused here with the reason (the first unless
	 * asked to unprotect). */
	r = snap_open(resp, ioctx, &ref, &image, &found);
	if (r < 0)
		return r;
	r = rbd_snap_is_protected(image, ref.name, &is_protected);
	if (r < 0)
		snap_fail(resp, r, &ref, "reading the protection of");
	else if (is_protected)
		r = refuse_if_cloned(resp, image, &ref, "delete",
				     "flatten or delete the clones, then unprotect it");
	else
		r = refuse_if_cloned(resp, image, &ref, "delete",
				     "flatten or delete the clones first");
	if (r == 0 && is_protected && !unprotect)
		r = response_fail(resp, -EBUSY,
				  "snapshot %s is protected; unprotect it first (PATCH {\"protected\": false}), or delete with ?unprotect=true",
				  ref.spec);
	rbd_close(image);
	if (r < 0)
		return r;

	r = api_image_open(resp, ioctx, &ref.image, 1, &image);
	if (r < 0)
		return r;
	if (is_protected) {
		r = rbd_snap_unprotect(image, ref.name);
		if (r == -EINVAL)  /* unprotected meanwhile */
			r = 0;
		if (r == -EBUSY)
			r = refuse_unprotect(resp, image, &ref);
		else if (r < 0)
			snap_fail(resp, r, &ref, "unprotecting");
		if (r < 0) {
			rbd_close(image);
			return r;
		}
	}
	r = rbd_snap_remove(image, ref.name);
	rbd_close(image);
	switch (r) {
	case 0:
		response_json(resp, 204, NULL);
		return 0;
	case -EBUSY:
		return response_fail(resp, r,
				     "snapshot %s is protected or has clones; unprotect it, or flatten or delete its clones",
				     ref.spec);
	default:
		if (is_protected && r != -ENOENT)
			return response_fail_errno(resp, r,
						   "snapshot %s was unprotected, but deleting it failed",
						   ref.spec);
		return snap_fail(resp, r, &ref, "deleting");
	}
}

/* Answers 409 when clients have the image open: rolling back under a
 * client that holds the exclusive lock would wait on it (or fight it for
 * the lock) rather than fail. Our read-only open registers no watch. */
static int refuse_if_watched(struct response *resp, rbd_image_t image, const struct snap_ref *ref)
{
	char then[sizeof(ref->spec) + 32];

	snprintf(then, sizeof(then), "before rolling back to snapshot %s", ref->spec);
	return api_refuse_if_open(resp, image, &ref->image, then);
}

/* ?async=true: the rollback as a task of our own (the manager's queue has
 * no rollback). */
static int start_rollback_task(struct request *req, struct response *resp,
			       const struct snap_ref *ref)
{
	struct json_object *record =
		api_local_task_record("rollback", &ref->image, "Rolling back image %s to snapshot %s",
				      ref->image.spec, ref->name);

	if (!record || json_add_string(record, "snapshot", ref->name) < 0) {
		json_object_put(record);
		return response_oom(resp);
	}
	return api_local_task_start(req, resp, record);
}

const struct field_spec rollback_fields[] = {
	{NULL, 0, 0},
};

int api_snapshot_rollback(struct request *req, struct response *resp)
{
	struct json_object *body = NULL;
	struct snap_found found;
	struct snap_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int async;
	int r;

	r = request_query_bool(req, "async", 0, &async, resp);
	if (r < 0)
		return r;
	/* No body is needed; one that is sent must be an empty object. */
	if (req->body_len > 0) {
		r = api_body(req, resp, rollback_fields, &body);
		json_object_put(body);
		if (r < 0)
			return r;
	}
	snap_ref_init(&ref, req, request_capture(req, "snapshot"));
	r = api_ioctx(req, resp, ref.image.pool, ref.image.ns, &ioctx);
	if (r < 0)
		return r;

	r = snap_open(resp, ioctx, &ref, &image, &found);
	if (r < 0)
		return r;
	r = refuse_if_watched(resp, image, &ref);
	rbd_close(image);
	if (r < 0)
		return r;
	if (async)
		return start_rollback_task(req, resp, &ref);

	r = api_image_open(resp, ioctx, &ref.image, 1, &image);
	if (r < 0)
		return r;
	r = api_sync_data_begin(req, resp, image, &ref.image, "rolling back");
	if (r < 0) {
		rbd_close(image);
		return r;
	}
	r = rbd_snap_rollback_with_progress(image, ref.name, api_no_progress, NULL);
	rbd_close(image);
	if (r < 0)
		return snap_fail(resp, r, &ref, "rolling back to");
	return api_respond_image(resp, ioctx, &ref.image, 200);
}
