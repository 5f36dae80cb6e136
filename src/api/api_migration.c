/* SPDX-License-Identifier: Apache-2.0 */
/* api_migration.c - live migration of an image: .../images/{image}/migration.
 *
 * Prepare links a new image (the destination: another pool, namespace,
 * name or layout) to the source, which librbd moves to the trash; clients
 * may use the destination at once while execute copies the data under
 * them; commit then removes the source, or abort undoes it all and gives
 * the source back its name. After prepare the image answers at its
 * destination's name; GET .../migration also answers at the source's.
 *
 * Execute copies all the data, so it is handed to the manager's
 * rbd_support queue ("rbd task add migration execute"): it survives our
 * restarts and reports progress, which GET .../migration shows. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "api.h"
#include "api_create.h"
#include "api_tasks.h"
#include "ceph.h"
#include "image_query.h"
#include "json_out.h"
#include "migration.h"
#include "routes.h"
#include "text_list.h"

/* The answer for migration_status's err about ref, which it read as the
 * source or the destination of a migration: 404 for a missing image, 404
 * "is not being migrated" for an image that is not; 0 for no error. */
static int migration_failed(struct response *resp, int err, const struct image_ref *ref)
{
	if (err == -EINVAL)
		return response_fail(resp, -ENOENT,
				     "image %s is not being migrated (prepare a migration with POST .../migration)",
				     ref->spec);
	if (err == -ENOENT)
		return response_fail(resp, err, "image %s does not exist", ref->spec);
	if (err < 0)
		return api_image_fail(resp, err, ref, "reading the migration of");
	return 0;
}

/* The migration image is part of: 0 with *status filled (free with
 * migration_status_free); else the answer is in resp (migration_failed). */
static int read_migration(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *ref,
			  rbd_image_migration_status_t *status)
{
	return migration_failed(resp, migration_status(ioctx, ref->name, status), ref);
}

static int add_end(struct json_object *obj, const char *key, rados_t cluster, int64_t pool_id,
		   const char *ns, const char *name, const char *id)
{
	struct json_object *end = json_object_new_object();
	char *pool;
	int r;

	if (!end || json_object_object_add(obj, key, end) < 0) {
		json_object_put(end);
		return -ENOMEM;
	}
	pool = api_pool_name(cluster, pool_id);
	r = pool ? 0 : -ENOMEM;
	if (r == 0 && (json_add_string(end, "pool", pool) < 0 ||
		       json_add_string(end, "namespace", ns ? ns : "") < 0 ||
		       json_add_name(end, "name", name ? name : "", "image") < 0 ||
		       json_add_string(end, "id", id ? id : "") < 0))
		r = -ENOMEM;
	free(pool);
	return r;
}

/* The Migration resource: source, destination, state, and the progress
 * of the manager's execute task while it runs. */
static int respond_migration(struct request *req, struct response *resp,
			     const rbd_image_migration_status_t *st, int status)
{
	struct json_object *body, *task;
	char *dest_pool = NULL;
	rados_t cluster;
	int r;

	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return r;
	body = json_envelope("Migration");
	task = json_object_new_object();
	r = body && task ? 0 : -ENOMEM;
	if (r == 0)
		r = add_end(body, "source", cluster, st->source_pool_id, st->source_pool_namespace,
			    st->source_image_name, st->source_image_id);
	if (r == 0)
		r = add_end(body, "destination", cluster, st->dest_pool_id, st->dest_pool_namespace,
			    st->dest_image_name, st->dest_image_id);
	if (r == 0)
		r = json_add_string(body, "state", migration_state_name(st->state));
	if (r == 0)
		r = json_add_string(body, "state_description",
				    st->state_description ? st->state_description : "");
	if (r == 0 && ceph_pool_name(cluster, st->dest_pool_id, &dest_pool) == 0 &&
	    api_task_find_queued(cluster, "migrate execute", dest_pool,
				 st->dest_pool_namespace ? st->dest_pool_namespace : "",
				 st->dest_image_name ? st->dest_image_name : "", task) == 0) {
		struct json_object *progress = NULL;

		json_object_object_get_ex(task, "progress", &progress);
		r = json_object_object_add(body, "progress", json_object_get(progress));
		if (r == 0)
			r = json_object_object_add(body, "task", task);
		task = r == 0 ? NULL : task;
	} else if (r == 0) {
		/* No task: all done once executed, nothing copied before. */
		r = json_add_fraction(body, "progress",
				      st->state == RBD_IMAGE_MIGRATION_STATE_EXECUTED ? 1.0 : 0.0);
	}
	json_object_put(task);
	free(dest_pool);
	if (r < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, status, body);
	return 0;
}

const struct field_spec prepare_fields[] = {
	{"pool", FIELD_NAME, 1},
	{"namespace", FIELD_STRING, 0},
	{"name", FIELD_NAME, 0},
	{"features", FIELD_STRING_ARRAY, 0},
	{"object_size", FIELD_SIZE, 0},
	{"data_pool", FIELD_NAME, 0},
	{NULL, 0, 0},
};

static int prepare_failed(struct response *resp, int err, const struct image_ref *source,
			  const struct image_ref *dest)
{
	switch (err) {
	case -EEXIST:
		return response_fail(resp, err,
				     "cannot migrate image %s to %s: an image of that name already exists; send another \"name\"",
				     source->spec, dest->spec);
	case -EBUSY:
		return response_fail(resp, err,
				     "image %s is in use or is already being migrated; close it, or finish its migration first",
				     source->spec);
	case -EMLINK:
		return response_fail(resp, -EBUSY,
				     "image %s belongs to a group; remove it from the group before migrating it",
				     source->spec);
	default:
		return response_fail_errno(resp, err,
					   "preparing the migration of image %s to %s failed",
					   source->spec, dest->spec);
	}
}

/* api_create_options_set for migration_prepare. */
static int set_layout(const void *layout, rbd_image_options_t opts)
{
	return api_create_options_set(layout, opts);
}

/* The destination a prepare body asks for: *dest and the layout fields;
 * 400 in resp. */
static int prepare_parse(struct request *req, struct response *resp, struct json_object *body,
			 struct image_ref *dest, struct create_request *layout)
{
	const char *why;
	int r;

	r = api_create_request_parse(body, layout, resp);
	if (r < 0)
		return r;
	/* librbd keeps the source's stripe unit unless told, and a 4M unit
	 * does not divide a smaller object: a new object size starts plain
	 * striping. */
	if (layout->object_size) {
		layout->stripe_unit = layout->object_size;
		layout->stripe_count = 1;
	}
	dest->ns = "";
	json_in_string(body, "pool", &dest->pool);
	json_in_string(body, "namespace", &dest->ns);
	if (*dest->ns && name_check(dest->ns, strlen(dest->ns), &why) < 0)
		return response_fail(resp, -EINVAL, "field \"namespace\": namespace name \"%s\" %s",
				     dest->ns, why);
	dest->name = layout->name ? layout->name : request_capture(req, "image");
	api_image_spec(dest->pool, dest->ns, dest->name, dest->spec, sizeof(dest->spec));
	return 0;
}

int api_migration_prepare(struct request *req, struct response *resp)
{
	rbd_image_migration_status_t st;
	struct create_request layout;
	struct image_ref source, dest;
	enum migration_step step;
	rados_ioctx_t ioctx, dest_pool;
	struct json_object *body;
	rbd_image_t image;
	int r;

	r = api_request_body(req, resp, prepare_fields, &body);
	if (r < 0)
		return r;
	r = prepare_parse(req, resp, body, &dest, &layout);
	if (r < 0)
		return r;
	/* The destination's pool first: 404 when it does not exist. */
	r = api_ioctx(req, resp, dest.pool, dest.ns, &dest_pool);
	if (r < 0)
		return r;
	r = api_image_request(req, resp, &source, &ioctx);
	if (r < 0)
		return r;
	if (strcmp(source.spec, dest.spec) == 0 && !layout.has_features && !layout.object_size &&
	    !layout.data_pool)
		return response_fail(resp, -EINVAL,
				     "a migration of image %s needs somewhere to go: another \"pool\", \"namespace\" or \"name\", or a new layout (\"features\", \"object_size\", \"data_pool\")",
				     source.spec);
	r = api_image_lock(req, resp, &source);
	if (r < 0)
		return r;
	/* librbd needs the source closed everywhere: a client writing to it
	 * would not see its writes in the destination. */
	r = api_image_open_owned(req, resp, ioctx, &source, 0, &image);
	if (r < 0)
		return r;
	r = api_refuse_if_open(resp, image, &source, "before migrating it");
	if (r < 0)
		return r;
	api_release(req, image);
	r = migration_prepare(ioctx, source.name, dest_pool, dest.ns, dest.name, set_layout, &layout,
			      &st, &step);
	switch (r == 0 ? 0 : step) {
	case 0: break;
	case MIGRATION_IOCTX: return response_fail_errno(resp, r, "opening pool %s failed", dest.pool);
	case MIGRATION_LAYOUT: return response_oom(resp);
	case MIGRATION_PREPARE: return prepare_failed(resp, r, &source, &dest);
	default: return migration_failed(resp, r, &dest);
	}
	r = respond_migration(req, resp, &st, 201);
	migration_status_free(&st);
	if (r == 0 && api_location_image(resp, &dest, "/migration") < 0)
		r = response_oom(resp);
	return r;
}

int api_migration_get(struct request *req, struct response *resp)
{
	rbd_image_migration_status_t st;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	int r;

	r = api_image_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	r = read_migration(resp, ioctx, &ref, &st);
	if (r < 0)
		return r;
	r = respond_migration(req, resp, &st, 200);
	migration_status_free(&st);
	return r;
}

/* The image of a step after prepare, locked, and its migration; the
 * answer is in resp when the migration is not in one of the states the
 * step accepts. */
static int migration_step(struct request *req, struct response *resp, struct image_ref *ref,
			  rados_ioctx_t *ioctx, rbd_image_migration_state_t want, const char *step,
			  const char *instead)
{
	rbd_image_migration_status_t st;
	int r;

	r = api_image_request(req, resp, ref, ioctx);
	if (r < 0)
		return r;
	r = api_image_lock(req, resp, ref);
	if (r < 0)
		return r;
	r = read_migration(resp, *ioctx, ref, &st);
	if (r < 0)
		return r;
	if (want != RBD_IMAGE_MIGRATION_STATE_UNKNOWN && st.state != want)
		r = response_fail(resp, -EBUSY,
				  "the migration of image %s is %s, not %s: it cannot be %s now%s%s",
				  ref->spec, migration_state_name(st.state),
				  migration_state_name(want), step, *instead ? "; " : "", instead);
	migration_status_free(&st);
	return r;
}

int api_migration_execute(struct request *req, struct response *resp)
{
	struct image_ref ref;
	rados_ioctx_t ioctx;
	int r;

	if (req->body_len > 0 && strspn(req->body, " \t\r\n{}") != req->body_len)
		return response_fail(resp, -EINVAL, "execute takes no body (or an empty object)");
	r = migration_step(req, resp, &ref, &ioctx, RBD_IMAGE_MIGRATION_STATE_PREPARED, "executed",
			   "GET .../migration says how far it is");
	if (r < 0)
		return r;
	return api_task_add(req, resp, "rbd task add migration execute", "image_spec", ref.spec);
}

const struct field_spec commit_fields[] = {
	{"force", FIELD_BOOL, 0},
	{NULL, 0, 0},
};

/* 409 when the image has descendants, as rbd migration commit without
 * --force: commit moves them to the migrated image, and a client that has
 * one open read-only does not notice and goes on reading the old parent,
 * which commit removes. */
static int refuse_if_descendants(struct response *resp, rados_ioctx_t ioctx,
				 const struct image_ref *ref)
{
	rbd_linked_image_spec_t *descendants;
	struct text_list names;
	char text[1536];
	size_t count;
	int r;

	r = migration_descendants(ioctx, ref->name, &descendants, &count);
	if (r < 0)
		return api_image_fail(resp, r, ref, "listing the descendants of");
	text_list_init(&names, text, sizeof(text));
	for (size_t i = 0; i < count; i++) {
		const rbd_linked_image_spec_t *d = &descendants[i];

		text_list_add(&names, "%s/%s%s%s%s", d->pool_name, d->pool_namespace,
			      *d->pool_namespace ? "/" : "", d->image_name,
			      d->trash ? " (in the trash)" : "");
	}
	if (count > 0)
		r = response_fail(resp, -EBUSY,
				  "image %s has %s (%s): committing moves %s over to the migrated image, and a client that has %s open read-only does not notice and goes on reading the old parent; close such clients, then commit with {\"force\": true}",
				  ref->spec, count == 1 ? "a descendant" : "descendants",
				  text_list_finish(&names), count == 1 ? "it" : "them",
				  count == 1 ? "it" : "one");
	migration_descendants_free(descendants, count);
	return r;
}

int api_migration_commit(struct request *req, struct response *resp)
{
	struct json_object *body;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int force = 0, r;

	r = api_request_body_optional(req, resp, commit_fields, &body);
	if (r < 0)
		return r;
	json_in_bool(body, "force", &force);
	r = migration_step(req, resp, &ref, &ioctx, RBD_IMAGE_MIGRATION_STATE_EXECUTED, "committed",
			   "execute it first (POST .../migration/execute) and wait for its task");
	if (r < 0)
		return r;
	if (!force) {
		r = refuse_if_descendants(resp, ioctx, &ref);
		if (r < 0)
			return r;
	}
	r = migration_commit(ioctx, ref.name);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "committing the migration of");
	/* The committed image is an ordinary image now. */
	r = api_image_open_owned(req, resp, ioctx, &ref, 0, &image);
	if (r < 0)
		return r;
	api_release(req, image);
	return api_respond_image(resp, ioctx, &ref, 200);
}

/* What abort's answer warns of, or NULL. librbd 16.2's abort does not
 * drop what clients wrote to the destination: it copies it back into the
 * source (as rbd migration abort does). Before execute, the destination
 * has objects of its own only where a client wrote (image_has_own_data
 * tells); after execute it holds a copy of everything, and what was
 * written cannot be told from what was copied without reading both
 * images, so the answer warns whenever the migration was executed. */
static const char *abort_warning(const rbd_image_migration_status_t *st, rbd_image_t dest)
{
	switch (st->state) {
	case RBD_IMAGE_MIGRATION_STATE_PREPARING:
		return NULL;
	case RBD_IMAGE_MIGRATION_STATE_EXECUTING:
	case RBD_IMAGE_MIGRATION_STATE_EXECUTED:
		return "the migration was executed, so what clients wrote to the destination cannot be told from what execute copied: whatever was written to it since the migration was prepared was copied back into the source, which now holds it";
	case RBD_IMAGE_MIGRATION_STATE_PREPARED:
		if (image_has_own_data(dest) == 0)
			return NULL;
		return "the destination was written to since the migration was prepared: the abort copied those writes back into the source, which now holds them";
	default:
		/* error, aborting: an execute may have copied some. */
		if (image_has_own_data(dest) == 0)
			return NULL;
		return "the destination held data of its own (written to it, or copied by an execute that did not finish): the abort copied it back into the source, which now holds what clients wrote to the destination";
	}
}

/* Before an abort, on the destination open read-only: refused while a
 * client has it open (it would go on writing to an image that abort
 * removes); *warning is what the answer warns of, or NULL. */
static int check_abort(struct request *req, struct response *resp, rados_ioctx_t ioctx,
		       const struct image_ref *ref, const rbd_image_migration_status_t *st,
		       const char **warning)
{
	rbd_image_t image;
	int r;

	r = api_image_open_owned(req, resp, ioctx, ref, 0, &image);
	if (r < 0)
		return r;
	r = api_refuse_if_open(resp, image, ref, "before aborting its migration");
	if (r < 0)
		return r;
	*warning = abort_warning(st, image);
	api_release(req, image);
	return 0;
}

/* Answers with the source of an aborted migration, back under its name
 * (source_pool), and the warning when there is one. */
static int respond_aborted(struct request *req, struct response *resp,
			   const rbd_image_migration_status_t *st, const char *source_pool,
			   const char *warning)
{
	struct image_ref source;
	rados_ioctx_t ioctx;
	int r;

	source.pool = source_pool;
	source.ns = st->source_pool_namespace ? st->source_pool_namespace : "";
	source.name = st->source_image_name ? st->source_image_name : "";
	api_image_spec(source.pool, source.ns, source.name, source.spec, sizeof(source.spec));
	r = api_ioctx(req, resp, source.pool, source.ns, &ioctx);
	if (r == 0)
		r = api_respond_image(resp, ioctx, &source, 200);
	if (r == 0)
		api_location_image(resp, &source, "");
	if (r == 0 && warning && json_add_string(resp->body, "warning", warning) < 0)
		r = response_oom(resp);
	return r;
}

int api_migration_abort(struct request *req, struct response *resp)
{
	rbd_image_migration_status_t st;
	struct image_ref ref;
	char *source_pool = NULL;
	const char *warning = NULL;
	rados_ioctx_t ioctx;
	rados_t cluster;
	int r;

	if (req->body_len > 0 && strspn(req->body, " \t\r\n{}") != req->body_len)
		return response_fail(resp, -EINVAL, "abort takes no body (or an empty object)");
	r = migration_step(req, resp, &ref, &ioctx, RBD_IMAGE_MIGRATION_STATE_UNKNOWN, "aborted", "");
	if (r < 0)
		return r;
	r = read_migration(resp, ioctx, &ref, &st);
	if (r < 0)
		return r;
	r = check_abort(req, resp, ioctx, &ref, &st, &warning);
	if (r == 0)
		r = api_cluster(req, resp, &cluster);
	if (r == 0 && ceph_pool_name(cluster, st.source_pool_id, &source_pool) < 0)
		r = response_fail(resp, -ENOENT,
				  "the source pool (id %" PRId64
				  ") of the migration of image %s does not exist",
				  st.source_pool_id, ref.spec);
	if (r == 0) {
		r = migration_abort(ioctx, ref.name);
		if (r < 0)
			api_image_fail(resp, r, &ref, "aborting the migration of");
	}
	if (r == 0)
		r = respond_aborted(req, resp, &st, source_pool, warning);
	migration_status_free(&st);
	free(source_pool);
	return r;
}
