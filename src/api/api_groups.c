/* SPDX-License-Identifier: Apache-2.0 */
/* api_groups.c - RBD consistency groups: /api/v1/pools/{pool}/groups.
 *
 * A group ties images together so that one group snapshot is a single
 * point in time across all of them (a VM's or an application's disks;
 * ceph-csi's VolumeGroupSnapshot). Groups live in a namespace of a pool:
 * the default one under /pools/{pool}/groups, another under
 * /pools/{pool}/namespaces/{namespace}/groups. librbd keeps a group's
 * images in the group's namespace (of any pool), so members are named by
 * pool and image.
 *
 * Group snapshots are ordinary image snapshots in a "group" snapshot
 * namespace of each member: they are made, listed, deleted and rolled
 * back only through the group. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "api.h"
#include "group_change.h"
#include "group_query.h"
#include "json_out.h"
#include "name_list.h"
#include "routes.h"

/* The group a request is about, and how messages name it. */
struct group_ref {
	const char *pool;
	const char *ns;
	const char *name;
	char spec[IMAGE_SPEC_MAX]; /* "pool/[ns/]name" */
};

static void group_ref_init(struct group_ref *ref, const struct request *req, const char *name)
{
	ref->pool = request_capture(req, "pool");
	ref->ns = api_namespace(req);
	ref->name = name;
	api_image_spec(ref->pool, ref->ns, name, ref->spec, sizeof(ref->spec));
}

/* The body of every create and rename here, {"name"}. */
const struct field_spec group_name_fields[] = {
	{"name", FIELD_NAME, 1},
	{NULL, 0, 0},
};

/* The request owns the body, and *name points into it. */
static int name_body(struct request *req, struct response *resp, const char **name)
{
	struct json_object *body;
	int r = api_request_body(req, resp, group_name_fields, &body);

	if (r < 0)
		return r;
	json_in_string(body, "name", name);
	return 0;
}

static int group_fail(struct response *resp, int err, const struct group_ref *ref, const char *doing)
{
	if (err == -ENOENT)
		return response_fail(resp, err, "group %s does not exist", ref->spec);
	return response_fail_errno(resp, err, "%s group %s failed", doing, ref->spec);
}

int api_group_missing(struct request *req, struct response *resp)
{
	struct group_ref ref;

	group_ref_init(&ref, req, request_capture(req, "group"));
	return group_fail(resp, -ENOENT, &ref, "reading");
}

/* The io context of the group's pool, and 404 when the group is not
 * there (librbd lists a missing group's members as none). */
static int group_request(struct request *req, struct response *resp, struct group_ref *ref,
			 rados_ioctx_t *ioctx)
{
	int r;

	group_ref_init(ref, req, request_capture(req, "group"));
	r = api_ioctx(req, resp, ref->pool, ref->ns, ioctx);
	if (r < 0)
		return r;
	r = group_exists(*ioctx, ref->name);
	if (r < 0)
		return group_fail(resp, r, ref, "reading");
	return 0;
}

/* The prelude of every rename and group snapshot creation: the new
 * name from the body, then the group (404 when it is not there). */
static int named_group_request(struct request *req, struct response *resp, struct group_ref *ref,
			       rados_ioctx_t *ioctx, const char **name)
{
	int r = name_body(req, resp, name);

	if (r < 0)
		return r;
	return group_request(req, resp, ref, ioctx);
}

static const char *member_state_name(rbd_group_image_state_t state)
{
	return state == RBD_GROUP_IMAGE_STATE_ATTACHED ? "attached" : "incomplete";
}

static const char *snap_state_name(rbd_group_snap_state_t state)
{
	return state == RBD_GROUP_SNAP_STATE_COMPLETE ? "complete" : "incomplete";
}

/* The "images" array of a Group: each member's pool, namespace (the
 * group's), name and state ("incomplete" while an add or remove was
 * interrupted). */
static int add_members(struct json_object *group, rados_ioctx_t ioctx, const struct group_ref *ref)
{
	struct json_object *items = json_object_new_array();
	struct group_members *m = NULL;
	int r;

	if (!items || json_object_object_add(group, "images", items) < 0) {
		json_object_put(items);
		return -ENOMEM;
	}
	r = group_members_read(ioctx, ref->name, &m);
	for (size_t i = 0; r == 0 && i < m->count; i++) {
		const struct group_member *member = &m->members[i];
		struct json_object *item = json_object_new_object();
		char id[24];

		/* A pool that is gone by now is shown by its id. */
		snprintf(id, sizeof(id), "%" PRId64, member->pool_id);
		if (json_array_take(items, item) < 0 ||
		    json_add_string(item, "pool", member->pool ? member->pool : id) < 0 ||
		    json_add_string(item, "namespace", ref->ns) < 0 ||
		    json_add_name(item, "name", member->name, "image") < 0 ||
		    json_add_string(item, "state", member_state_name(member->state)) < 0)
			r = -ENOMEM;
	}
	group_members_free(m);
	return r;
}

static int add_snapshot_fields(struct json_object *obj, const struct group_ref *ref,
			       const char *name, rbd_group_snap_state_t state)
{
	if (json_add_name(obj, "name", name, "group snapshot") < 0 ||
	    json_add_string(obj, "group", ref->name) < 0 ||
	    json_add_string(obj, "pool", ref->pool) < 0 ||
	    json_add_string(obj, "namespace", ref->ns) < 0 ||
	    json_add_string(obj, "state", snap_state_name(state)) < 0)
		return -ENOMEM;
	return 0;
}

/* Answers with the group as a Group: name, pool, members and how many
 * group snapshots it has. */
static int respond_group(struct response *resp, rados_ioctx_t ioctx, const struct group_ref *ref,
			 int status)
{
	struct json_object *body = json_envelope("Group");
	rbd_group_snap_info_t *snaps = NULL;
	size_t nsnaps = 0;
	int r;

	if (!body)
		return response_oom(resp);
	r = group_snaps_read(ioctx, ref->name, &snaps, &nsnaps);
	group_snaps_free(snaps, nsnaps);
	if (r < 0) {
		json_object_put(body);
		return group_fail(resp, r, ref, "listing the snapshots of");
	}
	if (json_add_string(body, "name", ref->name) < 0 ||
	    json_add_string(body, "pool", ref->pool) < 0 ||
	    json_add_string(body, "namespace", ref->ns) < 0 ||
	    json_add_u64(body, "snapshot_count", nsnaps) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	r = add_members(body, ioctx, ref);
	if (r < 0) {
		json_object_put(body);
		return r == -ENOMEM ? response_oom(resp)
				    : group_fail(resp, r, ref, "listing the images of");
	}
	response_json(resp, status, body);
	return 0;
}

static int set_group_location(struct response *resp, const struct group_ref *ref, const char *snapshot)
{
	char pool[ENCODED_NAME_MAX], ns[ENCODED_NAME_MAX], group[ENCODED_NAME_MAX],
		snap[ENCODED_NAME_MAX];

	percent_encode_segment(ref->pool, pool, sizeof(pool));
	percent_encode_segment(ref->ns, ns, sizeof(ns));
	percent_encode_segment(ref->name, group, sizeof(group));
	percent_encode_segment(snapshot ? snapshot : "", snap, sizeof(snap));
	return response_set_location(resp, "/api/v1/pools/%s%s%s/groups/%s%s%s", pool,
				     *ref->ns ? "/namespaces/" : "", ns, group,
				     snapshot ? "/snapshots/" : "", snap);
}

int api_groups_list(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool"), *ns = api_namespace(req);
	struct json_object *body, *items, *item;
	const char *name;
	rados_ioctx_t ioctx;
	char *names = NULL;
	size_t len = 0;
	int r;

	r = api_ioctx(req, resp, pool, ns, &ioctx);
	if (r < 0)
		return r;
	r = group_names(ioctx, &names, &len);
	if (r < 0)
		return response_fail_errno(resp, r, "listing the groups of %s %s%s%s failed",
					   *ns ? "namespace" : "pool", pool, *ns ? "/" : "", ns);
	r = api_own(req, resp, free, names);
	if (r < 0)
		return r;
	body = json_list_envelope("GroupList", &items);
	if (!body)
		return response_oom(resp);
	for (size_t at = 0; (name = name_list_next(names, len, &at));) {
		item = json_object_new_object();
		if (json_array_take(items, item) < 0 ||
		    json_add_name(item, "name", name, "group") < 0 ||
		    json_add_string(item, "pool", pool) < 0 ||
		    json_add_string(item, "namespace", ns) < 0) {
			json_object_put(body);
			return response_oom(resp);
		}
	}
	response_json(resp, 200, body);
	return 0;
}

int api_group_create(struct request *req, struct response *resp)
{
	struct group_ref ref;
	rados_ioctx_t ioctx;
	const char *name;
	int r;

	r = name_body(req, resp, &name);
	if (r < 0)
		return r;
	group_ref_init(&ref, req, name);
	r = api_ioctx(req, resp, ref.pool, ref.ns, &ioctx);
	if (r < 0)
		return r;
	r = group_create(ioctx, name);
	if (r == -EEXIST)
		return response_fail(resp, r, "group %s already exists", ref.spec);
	if (r < 0)
		return group_fail(resp, r, &ref, "creating");
	r = respond_group(resp, ioctx, &ref, 201);
	if (r == 0 && set_group_location(resp, &ref, NULL) < 0)
		r = response_oom(resp);
	return r;
}

int api_group_get(struct request *req, struct response *resp)
{
	struct group_ref ref;
	rados_ioctx_t ioctx;
	int r = group_request(req, resp, &ref, &ioctx);

	if (r < 0)
		return r;
	return respond_group(resp, ioctx, &ref, 200);
}

/* PATCH {"name"}: renames the group in place; its members and group
 * snapshots go with it (librbd rewrites the directory and the members'
 * back references). The same name is no change. */
int api_group_patch(struct request *req, struct response *resp)
{
	struct group_ref ref, renamed;
	rados_ioctx_t ioctx;
	const char *name;
	int r;

	r = named_group_request(req, resp, &ref, &ioctx, &name);
	if (r < 0)
		return r;
	group_ref_init(&renamed, req, name);
	r = group_rename(ioctx, ref.name, name);
	if (r == -EEXIST)
		return response_fail(resp, r, "cannot rename group %s to %s: %s already exists",
				     ref.spec, name, renamed.spec);
	if (r < 0)
		return group_fail(resp, r, &ref, "renaming");
	return respond_group(resp, ioctx, &renamed, 200);
}

/* Deleting a group would delete its group snapshots with it (one per
 * member image each): refused with their names, as an image with
 * snapshots is. Its members simply leave the group. */
int api_group_delete(struct request *req, struct response *resp)
{
	struct group_problem p;
	struct group_ref ref;
	rados_ioctx_t ioctx;
	int r;

	r = group_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	r = group_remove(ioctx, ref.name, &p);
	if (r == -ENOTEMPTY && p.step == GROUP_STEP_LIST_SNAPS)
		return response_fail(resp, -ENOTEMPTY,
				     "group %s has %zu group snapshot%s (first: %s); delete them first",
				     ref.spec, p.count, p.count == 1 ? "" : "s", p.name);
	if (r < 0)
		return group_fail(resp, r, &ref,
				  p.step == GROUP_STEP_LIST_SNAPS ? "listing the snapshots of" : "deleting");
	response_json(resp, 204, NULL);
	return 0;
}

const struct field_spec member_fields[] = {
	{"pool", FIELD_NAME, 1},
	{"namespace", FIELD_STRING, 0},
	{"image", FIELD_NAME, 1},
	{NULL, 0, 0},
};

/* The member image a POST or DELETE of .../images names, and its pool's
 * io context. librbd keeps a group's members in the group's namespace:
 * "namespace" may be left out, and must be that one when given. */
static int member_request(struct request *req, struct response *resp, const struct group_ref *ref,
			  struct image_ref *member, rados_ioctx_t *member_ioctx)
{
	const char *ns = ref->ns;
	struct json_object *body;
	int r;

	r = api_request_body(req, resp, member_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "pool", &member->pool);
	json_in_string(body, "image", &member->name);
	json_in_string(body, "namespace", &ns);
	member->ns = ref->ns;
	api_image_spec(member->pool, member->ns, member->name, member->spec, sizeof(member->spec));
	if (strcmp(ns, ref->ns) != 0)
		return response_fail(resp, -EINVAL,
				     "field \"namespace\" must be \"%s\", the namespace of group %s: a group's images are in the group's namespace (not \"%s\")",
				     ref->ns, ref->spec, ns);
	return api_ioctx(req, resp, member->pool, member->ns, member_ioctx);
}

/* The group, then the member image the body names, locked: the prelude
 * of adding and removing a member. */
static int member_change_request(struct request *req, struct response *resp, struct group_ref *ref,
				 rados_ioctx_t *ioctx, struct image_ref *member,
				 rados_ioctx_t *member_ioctx)
{
	int r = group_request(req, resp, ref, ioctx);

	if (r < 0)
		return r;
	r = member_request(req, resp, ref, member, member_ioctx);
	if (r < 0)
		return r;
	return api_image_lock(req, resp, member);
}

static int member_change_failed(struct response *resp, int err, const struct group_ref *ref,
				const struct image_ref *member, int adding)
{
	switch (err) {
	case -EBADF: /* librbd's word for an image of another group, or of none */
	case -ENOENT:
		if (!adding)
			return response_fail(resp, -ENOENT, "image %s is not a member of group %s",
					     member->spec, ref->spec);
		return response_fail(resp, err, "image %s does not exist", member->spec);
	case -EEXIST:
		return response_fail(resp, err,
				     "image %s already belongs to a group (this one or another); an image can be in one group only",
				     member->spec);
	default:
		return response_fail_errno(resp, err, "%s image %s %s group %s failed",
					   adding ? "adding" : "removing", member->spec,
					   adding ? "to" : "from", ref->spec);
	}
}

/* The answer when adding or removing member failed at step p->step. */
static int member_change_refused(struct response *resp, int err, const struct group_problem *p,
				 const struct group_ref *ref, const struct image_ref *member,
				 int adding)
{
	char group[IMAGE_SPEC_MAX];

	switch (p->step) {
	case GROUP_STEP_OPEN:
		/* A missing image is a plain 404 rather than librbd's guess. */
		return api_image_fail(resp, err, member, "opening");
	case GROUP_STEP_READ:
		if (err != -EEXIST)
			return api_image_fail(resp, err, member, "reading the group of");
		api_image_spec(p->pool, member->ns, p->name, group, sizeof(group));
		return response_fail(resp, -EEXIST,
				     "image %s already belongs to group %s; an image can be in one group only: remove it from that group first",
				     member->spec, group);
	case GROUP_STEP_LIST_IMAGES:
		return group_fail(resp, err, ref, "listing the images of");
	default:
		return member_change_failed(resp, err, ref, member, adding);
	}
}

/* POST and DELETE of .../images: the member image the body names joins
 * or leaves the group. */
static int change_member(struct request *req, struct response *resp, int adding)
{
	rados_ioctx_t ioctx, member_ioctx;
	struct group_problem p;
	struct image_ref member;
	struct group_ref ref;
	int r;

	r = member_change_request(req, resp, &ref, &ioctx, &member, &member_ioctx);
	if (r < 0)
		return r;
	r = adding ? group_member_add(ioctx, ref.name, member_ioctx, member.name, &p)
		   : group_member_remove(ioctx, ref.name, member_ioctx, member.name, &p);
	if (r < 0)
		return member_change_refused(resp, r, &p, &ref, &member, adding);
	if (adding)
		return respond_group(resp, ioctx, &ref, 200);
	response_json(resp, 204, NULL);
	return 0;
}

int api_group_image_add(struct request *req, struct response *resp)
{
	return change_member(req, resp, 1);
}

int api_group_image_remove(struct request *req, struct response *resp)
{
	return change_member(req, resp, 0);
}

/* Finds group snapshot name; 404 naming group and snapshot when absent. */
static int find_group_snap(struct response *resp, rados_ioctx_t ioctx, const struct group_ref *ref,
			   const char *name, rbd_group_snap_state_t *state)
{
	int r = group_snap_state(ioctx, ref->name, name, state);

	if (r == -ENOENT)
		return response_fail(resp, r, "group snapshot %s@%s does not exist", ref->spec, name);
	if (r < 0)
		return group_fail(resp, r, ref, "listing the snapshots of");
	return 0;
}

static int respond_group_snap(struct response *resp, const struct group_ref *ref, const char *name,
			      rbd_group_snap_state_t state, int status)
{
	struct json_object *body = json_envelope("GroupSnapshot");

	if (!body || add_snapshot_fields(body, ref, name, state) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, status, body);
	return 0;
}

int api_group_snaps_list(struct request *req, struct response *resp)
{
	struct json_object *body, *items, *item;
	rbd_group_snap_info_t *snaps = NULL;
	struct group_ref ref;
	rados_ioctx_t ioctx;
	size_t count = 0;
	int r;

	r = group_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	r = group_snaps_read(ioctx, ref.name, &snaps, &count);
	if (r < 0)
		return group_fail(resp, r, &ref, "listing the snapshots of");
	body = json_list_envelope("GroupSnapshotList", &items);
	for (size_t i = 0; body && i < count; i++) {
		item = json_object_new_object();
		if (json_array_take(items, item) < 0 ||
		    add_snapshot_fields(item, &ref, snaps[i].name, snaps[i].state) < 0) {
			json_object_put(body);
			body = NULL;
		}
	}
	group_snaps_free(snaps, count);
	if (!body)
		return response_oom(resp);
	response_json(resp, 200, body);
	return 0;
}

int api_group_snap_create(struct request *req, struct response *resp)
{
	rbd_group_snap_state_t state = RBD_GROUP_SNAP_STATE_INCOMPLETE;
	struct group_problem p;
	struct group_ref ref;
	rados_ioctx_t ioctx;
	const char *name;
	int r;

	r = named_group_request(req, resp, &ref, &ioctx, &name);
	if (r < 0)
		return r;
	r = group_snap_create(ioctx, ref.name, name, &state, &p);
	if (r == -EEXIST && p.step == GROUP_STEP_CHANGE)
		return response_fail(resp, r, "group snapshot %s@%s already exists", ref.spec, name);
	if (r < 0 && p.step == GROUP_STEP_CHANGE)
		return response_fail_errno(resp, r, "creating group snapshot %s@%s failed", ref.spec,
					   name);
	if (r == -ENOENT)
		return response_fail(resp, r, "group snapshot %s@%s does not exist", ref.spec, name);
	if (r < 0)
		return group_fail(resp, r, &ref, "listing the snapshots of");
	r = respond_group_snap(resp, &ref, name, state, 201);
	if (r == 0 && set_group_location(resp, &ref, name) < 0)
		r = response_oom(resp);
	return r;
}

/* PATCH {"name"}: renames the group snapshot (and with it the snapshot
 * of each member that belongs to it). */
int api_group_snap_patch(struct request *req, struct response *resp)
{
	const char *old = request_capture(req, "snapshot");
	rbd_group_snap_state_t state;
	struct group_ref ref;
	rados_ioctx_t ioctx;
	const char *name;
	int r;

	r = named_group_request(req, resp, &ref, &ioctx, &name);
	if (r < 0)
		return r;
	r = find_group_snap(resp, ioctx, &ref, old, &state);
	if (r < 0)
		return r;
	r = group_snap_rename(ioctx, ref.name, old, name);
	if (r == -EEXIST)
		return response_fail(resp, r,
				     "cannot rename group snapshot %s@%s to %s: %s@%s already exists",
				     ref.spec, old, name, ref.spec, name);
	if (r < 0)
		return response_fail_errno(resp, r, "renaming group snapshot %s@%s to %s failed",
					   ref.spec, old, name);
	return respond_group_snap(resp, &ref, name, state, 200);
}

int api_group_snap_delete(struct request *req, struct response *resp)
{
	const char *name = request_capture(req, "snapshot");
	rbd_group_snap_state_t state;
	struct group_ref ref;
	rados_ioctx_t ioctx;
	int r;

	r = group_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	r = find_group_snap(resp, ioctx, &ref, name, &state);
	if (r < 0)
		return r;
	r = group_snap_remove(ioctx, ref.name, name);
	if (r < 0)
		return response_fail_errno(resp, r, "deleting group snapshot %s@%s failed",
					   ref.spec, name);
	response_json(resp, 204, NULL);
	return 0;
}

static void release_members(void *m)
{
	group_members_free(m);
}

/* 409 when a client has one of the group's images open: rolling back
 * under it would wait on its exclusive lock, or change the disk under a
 * running VM. */
static int refuse_if_members_open(struct request *req, struct response *resp, rados_ioctx_t ioctx,
				  const struct group_ref *ref, const char *snap)
{
	char then[2 * IMAGE_SPEC_MAX];
	struct group_members *m;
	int r = group_members_read(ioctx, ref->name, &m);

	if (r < 0)
		return group_fail(resp, r, ref, "listing the images of");
	r = api_own(req, resp, release_members, m);
	if (r < 0)
		return r;
	snprintf(then, sizeof(then), "before rolling back group %s to %s", ref->spec, snap);
	for (size_t i = 0; r == 0 && i < m->count; i++) {
		const struct group_member *gm = &m->members[i];
		struct image_ref member = {.pool = gm->pool, .ns = ref->ns, .name = gm->name};
		rados_ioctx_t member_ioctx;
		rbd_image_t image;

		if (!gm->pool)
			return response_fail_errno(resp, gm->pool_error,
						   "finding the pool (id %" PRId64
						   ") of image %s of group %s failed",
						   gm->pool_id, gm->name, ref->spec);
		api_image_spec(gm->pool, ref->ns, gm->name, member.spec, sizeof(member.spec));
		r = api_ioctx(req, resp, gm->pool, ref->ns, &member_ioctx);
		if (r == 0)
			r = api_image_open_owned(req, resp, member_ioctx, &member, 0, &image);
		if (r == 0) {
			r = api_refuse_if_open(resp, image, &member, then);
			api_release(req, image);
		}
	}
	return r;
}

const struct field_spec group_rollback_fields[] = {
	{NULL, 0, 0},
};

int api_group_snap_rollback(struct request *req, struct response *resp)
{
	const char *name = request_capture(req, "snapshot");
	struct json_object *body;
	rbd_group_snap_state_t state;
	struct group_ref ref;
	rados_ioctx_t ioctx;
	int r;

	/* No body is needed; one that is sent must be an empty object. */
	r = api_request_body_optional(req, resp, group_rollback_fields, &body);
	if (r < 0)
		return r;
	r = group_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	r = find_group_snap(resp, ioctx, &ref, name, &state);
	if (r < 0)
		return r;
	if (state != RBD_GROUP_SNAP_STATE_COMPLETE)
		return response_fail(resp, -EINVAL,
				     "group snapshot %s@%s is incomplete (its creation was interrupted); it cannot be rolled back to, only deleted",
				     ref.spec, name);
	r = refuse_if_members_open(req, resp, ioctx, &ref, name);
	if (r < 0)
		return r;
	r = api_data_permit(req, resp, "rolling back group", ref.spec);
	if (r < 0)
		return r;
	r = group_snap_rollback(ioctx, ref.name, name);
	if (r < 0)
		return response_fail_errno(resp, r, "rolling back group %s to snapshot %s failed",
					   ref.spec, name);
	return respond_group_snap(resp, &ref, name, state, 200);
}
