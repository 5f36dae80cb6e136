/* SPDX-License-Identifier: Apache-2.0 */
/* api_trash.c - the RBD trash: move an image there, list, restore, remove.
 *
 * POST .../images/{image}/trash works in every namespace (it is one of the
 * image routes). The trash itself is addressed at pool level only,
 * /api/v1/pools/{pool}/trash[/{id}], and covers all of the pool's
 * namespaces that the user may see (authz.h): the list walks the default
 * namespace and then each namespace, and an {id} is looked up the same
 * way; the entry's namespace then decides whether the user may restore
 * or remove it. Image ids are unique
 * within a pool in practice (librbd makes them from the creating client's
 * global id and a random number), so the id alone names an entry. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rbd/librbd.h>

#include "api.h"
#include "authz.h"
#include "conf.h"
#include "json_out.h"
#include "routes.h"
#include "image_lock.h"
#include "api_tasks.h"
#include "trash.h"

/* librbd image ids are lowercase hex: the creating client's global id
 * and a 32-bit random number, so at most 24 digits today. */
#define TRASH_ID_MAX 32

/* A deferment that still fits librbd's 32-bit seconds (utime_t) for
 * the next decades: ten years. */
#define TRASH_DELAY_MAX (10ull * 365 * 24 * 3600)

static const char *trash_source_name(rbd_trash_image_source_t source)
{
	switch (source) {
	case RBD_TRASH_IMAGE_SOURCE_USER:
		return "user";
	case RBD_TRASH_IMAGE_SOURCE_MIRRORING:
		return "mirroring";
	case RBD_TRASH_IMAGE_SOURCE_MIGRATION:
		return "migration";
	case RBD_TRASH_IMAGE_SOURCE_REMOVING:
		return "removing";
	case RBD_TRASH_IMAGE_SOURCE_USER_PARENT:
		return "user-parent";
	}
	return "unknown";
}

/* The sources librbd lets rbd_trash_restore take back (Trash.cc's
 * ALLOWED_RESTORE_SOURCES); the others belong to a running operation. */
static int trash_source_restorable(rbd_trash_image_source_t source)
{
	return source == RBD_TRASH_IMAGE_SOURCE_USER ||
	       source == RBD_TRASH_IMAGE_SOURCE_MIRRORING ||
	       source == RBD_TRASH_IMAGE_SOURCE_USER_PARENT;
}

/* The 409 for an entry that an operation still owns: the source of a
 * live migration, or an image whose deletion has begun. */
static int refuse_busy_source(struct response *resp, const char *id, const char *image,
			      rbd_trash_image_source_t source)
{
	if (source == RBD_TRASH_IMAGE_SOURCE_MIGRATION)
		return response_fail(resp, -EBUSY,
				     "trash entry %s (image %s) is the source of a migration in progress; "
				     "finish it with \"rbd migration commit\" or undo it with \"rbd migration abort\"",
				     id, image);
	return response_fail(resp, -EBUSY,
			     "trash entry %s (image %s) is in the trash because it is being deleted (source %s); "
			     "it cannot be restored", id, image, trash_source_name(source));
}

/* The {id} capture is not checked by the router: refuse anything that
 * cannot be a librbd image id before it reaches the cluster. */
static int check_trash_id(struct response *resp, const char *id)
{
	size_t len = strlen(id);

	if (len == 0 || len > TRASH_ID_MAX || strspn(id, "0123456789abcdef") != len)
		return response_fail(resp, -EINVAL,
				     "trash entry id \"%.64s\" is not valid: an image id is 1 to %d "
				     "lowercase hexadecimal digits, as GET /api/v1/pools/{pool}/trash lists them",
				     id, TRASH_ID_MAX);
	return 0;
}

/* A time for a message, as json_add_time writes it when it can. */
static void format_time(time_t t, char *buf, size_t buflen)
{
	char text[JSON_TIME_TEXT_LEN];

	if (json_time_text(t, text) == 0)
		snprintf(buf, buflen, "%s", text);
	else
		snprintf(buf, buflen, "%lld (seconds since the epoch)", (long long)t);
}

/* The fields of a TrashEntry, into obj (an envelope or a list item). */
static int trash_entry_json(struct json_object *obj, const char *pool, const char *ns,
			    const rbd_trash_image_info_t *info)
{
	struct timespec deleted = {.tv_sec = info->deletion_time};
	struct timespec kept_until = {.tv_sec = info->deferment_end_time};

	if (json_add_string(obj, "id", info->id) < 0 ||
	    json_add_name(obj, "name", info->name, "image") < 0 ||
	    json_add_string(obj, "pool", pool) < 0 ||
	    json_add_string(obj, "namespace", ns) < 0 ||
	    json_add_string(obj, "source", trash_source_name(info->source)) < 0 ||
	    json_add_time(obj, "deletion_time", &deleted) < 0 ||
	    json_add_time(obj, "deferment_end_time", &kept_until) < 0)
		return -ENOMEM;
	return 0;
}

/* Takes this service's per-image lock (api_image_lock's, shared by all
 * workers) for trash entry id, so a restore and removals of one entry run
 * one after the other: two clients removing one image at once make librbd
 * fail an assertion on the exclusive lock and abort the process. */
static int lock_trash_entry(struct request *req, struct response *resp, const char *pool,
			    const char *id)
{
	char key[TRASH_ID_MAX + 16];
	int index;

	/* Ids are hex and names cannot hold '/', so no image shares a key
	 * with an entry (a shared stripe only means waiting a little). */
	snprintf(key, sizeof(key), "trash/%s", id);
	index = image_lock_acquire(req->env->board, pool, "", key, req->env->conf->rados_timeout);
	if (index == -ETIMEDOUT)
		return response_fail(resp, -EBUSY,
				     "another request is still working on trash entry %s of pool %s after %u s; "
				     "try again later", id, pool, req->env->conf->rados_timeout);
	if (index < 0)
		return response_fail(resp, index, "cannot lock trash entry %s of pool %s: %s", id, pool,
				     strerror(-index));
	req->image_lock = index;
	return 0;
}

/* authz_sees, as the trash functions ask it. */
static bool user_sees(void *req, const char *ns)
{
	const struct request *r = req;

	return authz_sees(r, request_capture(r, "pool"), ns);
}

static void release_trash(void *list)
{
	trash_list_free(list);
}

int api_trash_list(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct json_object *body, *items;
	struct trash_list *list;
	rados_ioctx_t ioctx;
	int r;

	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	r = trash_list_pool(ioctx, user_sees, req, &list);
	if (list && api_own(req, resp, release_trash, list) < 0)
		return -ENOBUFS;
	if (r < 0)
		return response_fail_errno(resp, r, "listing the trash of pool %s%s%s failed", pool,
					   list && *list->failed ? " in namespace " : "",
					   list ? list->failed : "");
	body = json_list_envelope("TrashList", &items);
	if (!body)
		return response_oom(resp);
	for (size_t i = 0; i < list->count; i++) {
		struct json_object *item = json_object_new_object();

		if (json_array_take(items, item) < 0 ||
		    trash_entry_json(item, pool, list->entries[i].ns, &list->entries[i].info) < 0) {
			json_object_put(body);
			return response_oom(resp);
		}
	}
	response_json(resp, 200, body);
	return 0;
}

/* Finds trash entry id in the pool's default namespace or else in one of
 * its namespaces, among those the user may see (authz.h): an entry
 * elsewhere is as missing to them as one that never was. The request
 * owns *entry (and the io context is left set to its namespace). Answers
 * 404 when no namespace has it. */
static int find_trash_entry(struct request *req, struct response *resp, rados_ioctx_t ioctx,
			    const char *pool, const char *id, const struct trash_entry **entry)
{
	struct trash_list *found;
	int r = trash_find(ioctx, id, user_sees, req, &found);

	if (r == -ENOENT)
		return response_fail(resp, -ENOENT,
				     "trash entry %s does not exist in pool %s (in any namespace)", id, pool);
	if (r < 0)
		return response_fail_errno(resp, r, "reading trash entry %s of pool %s failed", id, pool);
	r = api_own(req, resp, release_trash, found);
	if (r < 0)
		return r;
	*entry = &found->entries[0];
	return 0;
}

/* The prelude of a restore or removal: entry id of pool, locked and
 * found, and the user allowed to change it (where the entry is decides);
 * image names it "pool/[ns/]name". */
static int trash_entry_request(struct request *req, struct response *resp, const char *pool,
			       const char *id, rados_ioctx_t *ioctx,
			       const struct trash_entry **entry, char *image, size_t imagelen)
{
	int r = api_ioctx(req, resp, pool, "", ioctx);

	if (r < 0)
		return r;
	r = lock_trash_entry(req, resp, pool, id);
	if (r < 0)
		return r;
	r = find_trash_entry(req, resp, *ioctx, pool, id, entry);
	if (r < 0)
		return r;
	r = authz_check_item(req, resp, pool, (*entry)->ns);
	if (r < 0)
		return r;
	api_image_spec(pool, (*entry)->ns, (*entry)->info.name, image, imagelen);
	return 0;
}

/* The image's id, after checking nobody has it open; the image is
 * closed again, as the move needs. */
static int prepare_trash_move(struct request *req, struct response *resp, rados_ioctx_t ioctx,
			      const struct image_ref *ref, char *id, size_t idlen)
{
	rbd_image_t image;
	int r;

	r = api_image_open_owned(req, resp, ioctx, ref, 0, &image);
	if (r < 0)
		return r;
	r = trash_image_id(image, id, idlen);
	if (r < 0)
		api_image_fail(resp, r, ref, "reading the id of");
	else
		r = api_refuse_if_open(resp, image, ref, "before moving it to the trash");
	api_release(req, image);
	return r;
}

const struct field_spec trash_move_fields[] = {
	{"delay_seconds", FIELD_UINT, 0},
	{NULL, 0, 0},
};

/* The answer when librbd refuses to move ref's image to the trash. */
static int trash_move_failed(struct response *resp, int err, const struct image_ref *ref)
{
	switch (err) {
	case -EBUSY:
		return response_fail(resp, err,
				     "image %s is in use (another client holds its exclusive lock) or is being migrated; "
				     "close it or finish the migration first", ref->spec);
	case -EMLINK:
		return response_fail_http(resp, 409,
					  "image %s belongs to a group; remove it from the group first",
					  ref->spec);
	case -EOPNOTSUPP:
		return response_fail_http(resp, 409,
					  "image %s is a format 1 image, which cannot be moved to the trash",
					  ref->spec);
	default:
		return api_image_fail(resp, err, ref, "moving to the trash");
	}
}

int api_image_trash(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *entry;
	struct trash_list *moved;
	char id[TRASH_ID_MAX + 32];
	char encoded_pool[ENCODED_NAME_MAX];
	struct image_ref ref;
	rados_ioctx_t ioctx;
	uint64_t delay = 0;
	int r;

	/* The body is optional: an empty POST moves with no deferment. */
	r = api_request_body_optional(req, resp, trash_move_fields, &body);
	if (r < 0)
		return r;
	json_in_u64(body, "delay_seconds", &delay);
	if (delay > TRASH_DELAY_MAX)
		return response_fail(resp, -EINVAL,
				     "field \"delay_seconds\" must be at most %llu (ten years), not %" PRIu64,
				     TRASH_DELAY_MAX, delay);
	r = api_image_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	r = api_image_lock(req, resp, &ref);
	if (r < 0)
		return r;
	r = prepare_trash_move(req, resp, ioctx, &ref, id, sizeof(id));
	if (r < 0)
		return r;

	r = trash_move(ioctx, ref.ns, ref.name, delay, id, &moved);
	if (r == -EBUSY && api_refuse_if_migrating(resp, ioctx, &ref, "moved to the trash") < 0)
		return r;
	if (r == -ESTALE)
		/* Renamed or replaced between our look and the move. */
		return response_fail(resp, -ESTALE,
				     "image %s changed while it was being moved to the trash; "
				     "list the trash of pool %s to see what was moved", ref.spec, ref.pool);
	if (r < 0)
		return trash_move_failed(resp, r, &ref);
	r = api_own(req, resp, release_trash, moved);
	if (r < 0)
		return r;
	entry = json_envelope("TrashEntry");
	r = entry ? trash_entry_json(entry, ref.pool, ref.ns, &moved->entries[0].info) : -ENOMEM;
	if (r == 0) {
		percent_encode_segment(ref.pool, encoded_pool, sizeof(encoded_pool));
		r = response_set_location(resp, "/api/v1/pools/%s/trash/%s", encoded_pool, id);
	}
	if (r < 0) {
		json_object_put(entry);
		return response_oom(resp);
	}
	response_json(resp, 201, entry);
	return 0;
}

const struct field_spec trash_restore_fields[] = {
	{"name", FIELD_NAME, 0},
	{NULL, 0, 0},
};

/* The answer when librbd refuses to restore trash entry id (image) as
 * ref. */
static int trash_restore_failed(struct response *resp, int err, const char *pool, const char *id,
				const char *image, const struct image_ref *ref)
{
	switch (err) {
	case -EEXIST:
		return response_fail(resp, err,
				     "cannot restore trash entry %s as image %s: an image of that name already exists; "
				     "send another \"name\"", id, ref->spec);
	case -ENOENT:
		return response_fail(resp, err, "trash entry %s does not exist in pool %s any more", id,
				     pool);
	case -EBUSY:
		return response_fail(resp, err,
				     "trash entry %s (image %s) is being removed; it cannot be restored", id,
				     image);
	default:
		return response_fail_errno(resp, err, "restoring trash entry %s as image %s failed", id,
					   ref->spec);
	}
}

int api_trash_restore(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	const char *id = request_capture(req, "id");
	const struct trash_entry *entry;
	struct json_object *body = NULL;
	const char *new_name = NULL;
	struct image_ref ref;
	char image[sizeof(ref.spec)];
	rados_ioctx_t ioctx;
	int r;

	r = check_trash_id(resp, id);
	if (r < 0)
		return r;
	/* The body is optional: without "name" the original name is used. */
	r = api_request_body_optional(req, resp, trash_restore_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "name", &new_name);
	r = trash_entry_request(req, resp, pool, id, &ioctx, &entry, image, sizeof(image));
	if (r < 0)
		return r;
	ref.pool = pool;
	ref.ns = entry->ns;
	ref.name = new_name ? new_name : entry->info.name;
	api_image_spec(ref.pool, ref.ns, ref.name, ref.spec, sizeof(ref.spec));

	if (!trash_source_restorable(entry->info.source))
		return refuse_busy_source(resp, id, image, entry->info.source);
	r = trash_restore(ioctx, entry->ns, id, ref.name);
	if (r < 0)
		return trash_restore_failed(resp, r, pool, id, image, &ref);
	r = api_respond_image(resp, ioctx, &ref, 201);
	if (r == 0)
		api_location_image(resp, &ref, "");
	return r;
}

/* The 409 for an entry whose deferment has not ended. */
static int refuse_deferred(struct response *resp, const char *id, const char *image,
			   const rbd_trash_image_info_t *info, int async)
{
	char until[64];

	format_time(info->deferment_end_time, until, sizeof(until));
	if (async)
		return response_fail(resp, -EBUSY,
				     "trash entry %s (image %s) is kept until %s, and the manager's removal task "
				     "cannot override that; wait until then, or remove it now without ?async=true "
				     "and with ?force=true", id, image, until);
	return response_fail(resp, -EBUSY,
			     "trash entry %s (image %s) is kept until %s; send ?force=true to remove it before then",
			     id, image, until);
}

/* The answer when librbd refuses to remove trash entry id (image). */
static int trash_remove_failed(struct response *resp, int err, const char *pool, const char *id,
			       const char *image, const rbd_trash_image_info_t *info, int force)
{
	switch (err) {
	case -EPERM:
		/* The deferment ended within the second we compared in. */
		if (!force)
			return refuse_deferred(resp, id, image, info, 0);
		return response_fail(resp, err, "removing trash entry %s (image %s) was refused: %s",
				     id, image, strerror(-err));
	case -ENOENT:
		return response_fail(resp, err, "trash entry %s does not exist in pool %s any more",
				     id, pool);
	case -ENOTEMPTY:
		return response_fail(resp, err,
				     "trash entry %s (image %s) has snapshots; restore it and delete them first",
				     id, image);
	case -EBUSY:
	case -EMLINK:
		return response_fail(resp, -EBUSY,
				     "trash entry %s (image %s) is in use: open by a client, being restored, "
				     "or it has clones; try again when it is not", id, image);
	case -EROFS:
		return response_fail(resp, -EBUSY,
				     "trash entry %s (image %s) is part of a migration; finish or abort it first",
				     id, image);
	case -EUCLEAN:
		return response_fail(resp, -EBUSY,
				     "trash entry %s (image %s) is still being moved to the trash; try again",
				     id, image);
	default:
		return response_fail_errno(resp, err, "removing trash entry %s (image %s) failed", id,
					   image);
	}
}

int api_trash_delete(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	const char *id = request_capture(req, "id");
	const struct trash_entry *entry;
	rados_ioctx_t ioctx;
	char *spec;
	char image[IMAGE_SPEC_MAX];
	int force, async;
	int r;

	r = check_trash_id(resp, id);
	if (r < 0)
		return r;
	r = request_query_bool(req, "force", 0, &force, resp);
	if (r < 0)
		return r;
	r = request_query_bool(req, "async", 0, &async, resp);
	if (r < 0)
		return r;
	r = trash_entry_request(req, resp, pool, id, &ioctx, &entry, image, sizeof(image));
	if (r < 0)
		return r;

	/* librbd would remove a migration's source and break it (EROFS at
	 * best); the migration owns it. */
	if (entry->info.source == RBD_TRASH_IMAGE_SOURCE_MIGRATION)
		return refuse_busy_source(resp, id, image, entry->info.source);
	/* librbd checks the deferment too (EPERM), but says nothing of
	 * when it ends; the manager's task never forces. */
	if (time(NULL) < entry->info.deferment_end_time && (!force || async))
		return refuse_deferred(resp, id, image, &entry->info, async);
	if (async) {
		/* The rbd CLI's image id spec: pool/[namespace/]id. */
		if (asprintf(&spec, "%s/%s%s%s", pool, entry->ns, *entry->ns ? "/" : "", id) < 0)
			return response_oom(resp);
		r = api_task_add(req, resp, "rbd task add trash remove", "image_id_spec", spec);
		free(spec);
		return r;
	}

	r = trash_remove(ioctx, entry->ns, id, force);
	if (r < 0)
		return trash_remove_failed(resp, r, pool, id, image, &entry->info, force);
	response_json(resp, 204, NULL);
	return 0;
}
