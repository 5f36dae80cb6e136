/* SPDX-License-Identifier: Apache-2.0 */
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
 * clones becomes) belong to those features.
 *
 * What librbd is asked, and in which order, is rbd/snapshot.c's; here
 * are the checks, the messages and the answers. */
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
#include "image_query.h"
#include "snapshot.h"

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

/* Finds the user snapshot ref->name of an open image; 404 when there is
 * none. */
static int snap_find(struct response *resp, rbd_image_t image, const struct snap_ref *ref,
		     struct snap_found *found)
{
	int r = snapshot_find(image, ref->name, &found->id, &found->size);

	if (r < 0)
		return api_image_fail(resp, r, &ref->image, "listing the snapshots of");
	if (r == 0)
		return snap_fail(resp, -ENOENT, ref, "finding");
	return 0;
}

/* Opens the image read-only, owned by the request, and finds the
 * snapshot in it; 404 for a missing image or snapshot. */
static int snap_open(struct request *req, struct response *resp, rados_ioctx_t ioctx,
		     const struct snap_ref *ref, rbd_image_t *image, struct snap_found *found)
{
	int r = api_image_open_owned(req, resp, ioctx, &ref->image, 0, image);

	if (r < 0)
		return r;
	return snap_find(resp, *image, ref, found);
}

/* The start of a snapshot handler: ref for snapshot name of the request's
 * image, and its io context; answers on failure. */
static int snap_request(struct request *req, struct response *resp, const char *name,
			struct snap_ref *ref, rados_ioctx_t *ioctx)
{
	snap_ref_init(ref, req, name);
	return api_ioctx(req, resp, ref->image.pool, ref->image.ns, ioctx);
}

/* The same for the {snapshot} capture, with the image open read-only
 * (owned by the request) for the checks before a change: 404 for a
 * missing image or snapshot. */
static int snap_use(struct request *req, struct response *resp, struct snap_ref *ref,
		    rados_ioctx_t *ioctx, rbd_image_t *image)
{
	struct snap_found found;
	int r = snap_request(req, resp, request_capture(req, "snapshot"), ref, ioctx);

	if (r < 0)
		return r;
	return snap_open(req, resp, *ioctx, ref, image, &found);
}

int api_snapshot_open_at(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *img,
			 const char *snap, char *spec, size_t speclen, rbd_image_t *image,
			 uint64_t *snap_id, uint64_t *size)
{
	enum snapshot_step step;
	struct snap_ref ref;
	int r;

	ref.image = *img;
	ref.name = snap;
	snprintf(ref.spec, sizeof(ref.spec), "%s@%s", img->spec, snap);
	snprintf(spec, speclen, "%s", ref.spec);
	r = snapshot_open_at(ioctx, img->name, snap, image, snap_id, size, &step);
	if (r == 0)
		return 0;
	switch (step) {
	case SNAPSHOT_OPEN: return api_image_fail(resp, r, img, "opening");
	case SNAPSHOT_LIST: return api_image_fail(resp, r, img, "listing the snapshots of");
	case SNAPSHOT_FIND: return snap_fail(resp, r, &ref, "finding");
	default: return snap_fail(resp, r, &ref, "reading");
	}
}

/* Adds the Snapshot fields to obj (an envelope or a list item). */
static int snapshot_json(struct json_object *obj, rbd_image_t image, const struct image_ref *img,
			 const char *name, uint64_t id, uint64_t size)
{
	struct snapshot_facts facts;
	int r;

	r = snapshot_read(image, name, id, size, &facts);
	if (r < 0)
		return r;
	r = json_add_name(obj, "name", name, "snapshot");
	if (r == 0)
		r = json_add_u64(obj, "id", id);
	if (r == 0)
		r = json_add_u64(obj, "size", size);
	if (r == 0)
		r = json_add_bool(obj, "protected", facts.is_protected);
	if (r == 0)
		r = json_add_string(obj, "namespace_type", snapshot_namespace_name(facts.type));
	if (r == 0)
		r = json_add_time(obj, "timestamp", &facts.timestamp);
	if (r == 0)
		r = json_add_name(obj, "image", img->name, "image");
	if (r == 0)
		r = json_add_string(obj, "pool", img->pool);
	if (r == 0)
		r = json_add_string(obj, "namespace", img->ns);
	return r;
}

/* Answers with the snapshot, read afresh, as a Snapshot resource. */
static int respond_snapshot(struct request *req, struct response *resp, rados_ioctx_t ioctx,
			    const struct snap_ref *ref, int status)
{
	struct json_object *body;
	struct snap_found found;
	rbd_image_t image;
	int r;

	r = snap_open(req, resp, ioctx, ref, &image, &found);
	if (r < 0)
		return r;
	body = json_envelope("Snapshot");
	r = body ? snapshot_json(body, image, &ref->image, ref->name, found.id, found.size)
		 : -ENOMEM;
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
	rbd_linked_image_spec_t *children;
	struct text_list list;
	char spec[sizeof(ref->image.spec)];
	int r;

	names[0] = '\0';
	r = snapshot_clones(image, ref->name, &children, count);
	if (r < 0)
		return r;
	text_list_init(&list, names, nameslen);
	for (size_t i = 0; i < *count; i++)
		text_list_add(&list, "%s%s",
			      api_image_spec(children[i].pool_name, children[i].pool_namespace,
					     children[i].image_name, spec, sizeof(spec)),
			      children[i].trash ? " (in the trash)" : "");
	text_list_finish(&list);
	snapshot_clones_free(children, *count);
	return 0;
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

/* The snapshots of the request's image, listed and owned by the request
 * with the image; the answer names the image when the list fails. */
struct snap_listing {
	struct image_ref ref;
	rbd_image_t image;
	rbd_snap_info_t *snaps;
	int count;
};

static void release_snapshots(void *snaps)
{
	image_snapshots_free(snaps);
}

static int snap_listing_use(struct request *req, struct response *resp, struct snap_listing *l)
{
	rados_ioctx_t ioctx;
	int r;

	r = api_image_use(req, resp, &l->ref, &ioctx, &l->image);
	if (r < 0)
		return r;
	l->count = image_snapshots(l->image, &l->snaps);
	if (l->count < 0)
		return api_image_fail(resp, l->count, &l->ref, "listing the snapshots of");
	return api_own(req, resp, release_snapshots, l->snaps);
}

int api_snapshots_list(struct request *req, struct response *resp)
{
	struct json_object *body, *items;
	struct snap_listing l;
	int all, r;

	r = request_query_bool(req, "all", 0, &all, resp);
	if (r < 0)
		return r;
	r = snap_listing_use(req, resp, &l);
	if (r < 0)
		return r;
	body = json_list_envelope("SnapshotList", &items);
	r = body ? 0 : -ENOMEM;
	for (int i = 0; r == 0 && i < l.count; i++) {
		struct json_object *item;

		if (!all && !snapshot_is_user(l.image, l.snaps[i].id))
			continue;
		item = json_object_new_object();
		if (json_array_take(items, item) < 0) {
			r = -ENOMEM;
			break;
		}
		r = snapshot_json(item, l.image, &l.ref, l.snaps[i].name, l.snaps[i].id,
				  l.snaps[i].size);
	}
	if (r < 0) {
		json_object_put(body);
		return api_image_fail(resp, r, &l.ref, "listing the snapshots of");
	}
	response_json(resp, 200, body);
	return 0;
}

/* GET .../snapshot-ids/{snap_id}: a snapshot by librbd's id, of any
 * namespace (a group, mirror or trash snapshot has no name a user may
 * address), as `rbd snap ls --all` and clones' parents name them. */
int api_snapshot_by_id_get(struct request *req, struct response *resp)
{
	const char *text = request_capture(req, "snap_id");
	struct json_object *body;
	struct snap_listing l;
	unsigned long long id;
	char *end;
	int r;

	errno = 0;
	id = strtoull(text, &end, 10);
	if (!*text || *end || errno || text[0] < '0' || text[0] > '9')
		return response_fail(resp, -EINVAL,
				     "snapshot id \"%s\" in the path must be a number (the \"id\" of a Snapshot)",
				     text);
	r = snap_listing_use(req, resp, &l);
	if (r < 0)
		return r;
	for (int i = 0; i < l.count; i++) {
		if (l.snaps[i].id != id)
			continue;
		body = json_envelope("Snapshot");
		r = body ? snapshot_json(body, l.image, &l.ref, l.snaps[i].name, id,
					 l.snaps[i].size)
			 : -ENOMEM;
		if (r == 0) {
			response_json(resp, 200, body);
			return 0;
		}
		json_object_put(body);
		if (r != -ENOENT)
			return api_image_fail(resp, r, &l.ref, "reading the snapshots of");
		break;
	}
	return response_fail(resp, -ENOENT, "image %s has no snapshot with id %llu", l.ref.spec, id);
}

const struct field_spec snapshot_create_fields[] = {
	{"name", FIELD_NAME, 1},
	{"quiesce", FIELD_BOOL, 0},
	{"ignore_quiesce_error", FIELD_BOOL, 0},
	{NULL, 0, 0},
};

/* How the body asks the snapshot to be taken: "quiesce" (true: ask the
 * image's clients, e.g. rbd-nbd with a quiesce hook, to quiesce I/O) and
 * "ignore_quiesce_error" (take the snapshot even if a client fails to),
 * as rbd snap create's --skip-quiesce and --ignore-quiesce-error. Without
 * either the choice is the client's rbd_default_snapshot_quiesce_mode. */
static int snapshot_create_quiesce(struct json_object *body, struct snapshot_quiesce *q,
				   struct response *resp)
{
	q->quiesce = 1;
	q->ignore_error = 0;
	q->asked = json_in_bool(body, "quiesce", &q->quiesce) == 0;
	q->asked |= json_in_bool(body, "ignore_quiesce_error", &q->ignore_error) == 0;
	if (!q->quiesce && q->ignore_error)
		return response_fail(resp, -EINVAL,
				     "field \"ignore_quiesce_error\" goes with quiescing only: with \"quiesce\": false there is no quiesce error to ignore");
	return 0;
}

/* The answer for a failed snapshot_create. */
static int create_fail(struct response *resp, int err, rbd_image_t image,
		       const struct snap_ref *ref)
{
	uint64_t limit;

	if (err == -EEXIST)
		return response_fail(resp, err, "snapshot %s already exists", ref->spec);
	if (err != -EDQUOT)
		return snap_fail(resp, err, ref, "creating");
	if (snapshot_limit(image, &limit) < 0)
		return response_fail(resp, err, "image %s has reached its snapshot limit",
				     ref->image.spec);
	return response_fail(resp, err,
			     "image %s has reached its limit of %" PRIu64
			     " snapshots; delete one, or raise the limit (PUT .../snapshot-limit)",
			     ref->image.spec, limit);
}

int api_snapshot_create(struct request *req, struct response *resp)
{
	char encoded[ENCODED_NAME_MAX], suffix[ENCODED_NAME_MAX + 16];
	struct snapshot_quiesce quiesce;
	struct json_object *body;
	struct snap_ref ref;
	const char *name = NULL;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_request_body(req, resp, snapshot_create_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "name", &name);
	r = snapshot_create_quiesce(body, &quiesce, resp);
	if (r < 0)
		return r;
	r = snap_request(req, resp, name, &ref, &ioctx);
	if (r < 0)
		return r;
	r = api_image_open_owned(req, resp, ioctx, &ref.image, 1, &image);
	if (r < 0)
		return r;
	r = snapshot_create(image, name, &quiesce);
	if (r < 0)
		return create_fail(resp, r, image, &ref);
	api_release(req, image);
	r = respond_snapshot(req, resp, ioctx, &ref, 201);
	if (r < 0)
		return r;
	percent_encode_segment(name, encoded, sizeof(encoded));
	snprintf(suffix, sizeof(suffix), "/snapshots/%s", encoded);
	r = api_location_image(resp, &ref.image, suffix);
	if (r < 0)
		response_oom(resp);
	return r;
}

int api_snapshot_get(struct request *req, struct response *resp)
{
	struct snap_ref ref;
	rados_ioctx_t ioctx;
	int r;

	r = snap_request(req, resp, request_capture(req, "snapshot"), &ref, &ioctx);
	if (r < 0)
		return r;
	return respond_snapshot(req, resp, ioctx, &ref, 200);
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
	int is_protected;
	bool exists;
	int r;

	if (change->new_name) {
		r = snapshot_exists(image, change->new_name, &exists);
		if (r < 0)
			return snap_fail(resp, r, ref, "checking the new name of");
		if (exists)
			return response_fail(resp, -EEXIST,
					     "cannot rename snapshot %s to %s: %s already exists",
					     ref->spec, change->new_name, renamed->spec);
	}
	if (!has_protected)
		return 0;
	r = snapshot_is_protected(image, ref->name, &is_protected);
	if (r < 0)
		return snap_fail(resp, r, ref, "reading the protection of");
	if (!!is_protected == !!want_protected)
		return 0;
	if (want_protected) {
		r = snapshot_protectable(image);
		if (r < 0)
			return api_image_fail(resp, r, &ref->image, "reading the features of");
		if (r == 0)
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

/* The answer for a failed snapshot_change. */
static int patch_fail(struct response *resp, int r, enum snapshot_step step, rbd_image_t image,
		      const struct snap_ref *ref, const struct snap_ref *renamed,
		      const struct snap_change *change)
{
	if (step == SNAPSHOT_PROTECT)
		return snap_fail(resp, r, ref, "protecting");
	if (step == SNAPSHOT_UNPROTECT && r == -EBUSY)
		return refuse_unprotect(resp, image, ref);
	if (step == SNAPSHOT_UNPROTECT)
		return snap_fail(resp, r, ref, "unprotecting");
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
	struct json_object *body;
	struct snap_change change = {0, NULL};
	struct snap_ref ref, renamed;
	enum snapshot_step step;
	int has_protected, want_protected = 0;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_request_body(req, resp, snapshot_patch_fields, &body);
	if (r < 0)
		return r;
	has_protected = json_in_bool(body, "protected", &want_protected) == 0;
	json_in_string(body, "name", &change.new_name);
	if (!has_protected && !change.new_name)
		return response_fail(resp, -EINVAL,
				     "nothing to change: give \"protected\" (true or false) and/or \"name\" (rename)");
	r = snap_use(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	renamed = ref;
	if (change.new_name && strcmp(change.new_name, ref.name) == 0)
		change.new_name = NULL;
	if (change.new_name)
		snap_ref_init(&renamed, req, change.new_name);
	r = check_patch(resp, image, &ref, &renamed, has_protected, want_protected, &change);
	if (r < 0)
		return r;
	api_release(req, image);

	if (change.protect || change.new_name) {
		r = api_image_open_owned(req, resp, ioctx, &ref.image, 1, &image);
		if (r < 0)
			return r;
		r = snapshot_change(image, ref.name, change.protect, change.new_name, &step);
		if (r < 0)
			return patch_fail(resp, r, step, image, &ref, &renamed, &change);
		api_release(req, image);
	}
	return respond_snapshot(req, resp, ioctx, change.new_name ? &renamed : &ref, 200);
}

/* Before a delete, on the image open read-only: protected or cloned.
 * librbd would refuse the first, and silently keep a v2 clone's parent as
 * a hidden "trash" snapshot for the second, so both are refused here with
 * the reason (the first unless asked to unprotect). */
static int check_delete(struct response *resp, rbd_image_t image, const struct snap_ref *ref,
			int unprotect, int *is_protected)
{
	int r;

	r = snapshot_is_protected(image, ref->name, is_protected);
	if (r < 0)
		return snap_fail(resp, r, ref, "reading the protection of");
	r = refuse_if_cloned(resp, image, ref, "delete",
			     *is_protected ? "flatten or delete the clones, then unprotect it"
					   : "flatten or delete the clones first");
	if (r < 0)
		return r;
	if (*is_protected && !unprotect)
		return response_fail(resp, -EBUSY,
				     "snapshot %s is protected; unprotect it first (PATCH {\"protected\": false}), or delete with ?unprotect=true",
				     ref->spec);
	return 0;
}

/* DELETE; with ?unprotect=true also a protected snapshot without clones,
 * unprotected first (one request for rbd snap unprotect + rbd snap rm). */
int api_snapshot_delete(struct request *req, struct response *resp)
{
	struct snap_ref ref;
	enum snapshot_step step;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int is_protected = 0, unprotect;
	int r;

	r = request_query_bool(req, "unprotect", 0, &unprotect, resp);
	if (r < 0)
		return r;
	r = snap_use(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = check_delete(resp, image, &ref, unprotect, &is_protected);
	if (r < 0)
		return r;
	api_release(req, image);

	r = api_image_open_owned(req, resp, ioctx, &ref.image, 1, &image);
	if (r < 0)
		return r;
	r = snapshot_remove(image, ref.name, is_protected, &step);
	if (r < 0 && step == SNAPSHOT_UNPROTECT)
		return r == -EBUSY ? refuse_unprotect(resp, image, &ref)
				   : snap_fail(resp, r, &ref, "unprotecting");
	api_release(req, image);
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
	struct json_object *body;
	struct snap_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int async;
	int r;

	r = request_query_bool(req, "async", 0, &async, resp);
	if (r < 0)
		return r;
	/* No body is needed; one that is sent must be an empty object. */
	r = api_request_body_optional(req, resp, rollback_fields, &body);
	if (r < 0)
		return r;
	r = snap_use(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = refuse_if_watched(resp, image, &ref);
	if (r < 0)
		return r;
	api_release(req, image);
	if (async)
		return start_rollback_task(req, resp, &ref);

	r = api_image_open_owned(req, resp, ioctx, &ref.image, 1, &image);
	if (r < 0)
		return r;
	r = api_sync_data_begin(req, resp, image, &ref.image, "rolling back");
	if (r < 0)
		return r;
	r = snapshot_rollback(image, ref.name);
	if (r < 0)
		return snap_fail(resp, r, &ref, "rolling back to");
	api_release(req, image);
	return api_respond_image(resp, ioctx, &ref.image, 200);
}
