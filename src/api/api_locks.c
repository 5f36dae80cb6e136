/* SPDX-License-Identifier: Apache-2.0 */
/* api_locks.c - .../images/{image}/locks: who holds the lock on an image,
 * taking an advisory lock, and breaking a lock (the dead hypervisor's).
 *
 * An image has one lock on its header (image_locks.h): librbd's managed
 * exclusive lock ("type": "exclusive-lock", cookie "auto <n>") or
 * advisory locks (`rbd lock add`). A lock is named by its cookie and its
 * holder's client ("client.4168"), as `rbd lock rm` names it: the cookie
 * is the path's {lock}, the client the query's "client".
 *
 * Breaking refuses (409) while the holder still watches the image, which
 * means it is alive or died less than osd_client_watch_timeout (30 s)
 * ago, unless ?force=true. By default the holder of librbd's exclusive
 * lock is blocklisted first, as librbd's own break does: a client that
 * was only asleep (a hung hypervisor) must not write after another took
 * the lock. The holder of an advisory lock is not blocklisted unless
 * asked (?blocklist=true): such a lock guards nothing in librbd, and its
 * holder may be a live tool, or this service (POST below), whose worker
 * would lose its cluster connection for an hour.
 *
 * An advisory lock taken here is held by the client of the worker that
 * took it, and stays after the request and after that worker is gone (a
 * cls lock has no session): it is released with the same DELETE, naming
 * the client the 201 answered. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "api.h"
#include "client_id.h"
#include "image_locks.h"
#include "json_in.h"
#include "json_out.h"
#include "log.h"
#include "router.h"
#include "routes.h"

/* The cookie and tag librbd's exclusive-lock feature uses: an advisory
 * lock that looked like it would be taken for the managed one. */
#define MANAGED_COOKIE_PREFIX "auto "
#define MANAGED_TAG "internal"
#define COOKIE_MAX 128

/* The fields of one locker, into item (a new object when NULL): an item
 * of the LockList, or a Lock. */
static struct json_object *locker_json(struct json_object *item, const struct image_locks *l,
				       const struct image_locker *k)
{
	if (!item)
		item = json_object_new_object();
	if (!item)
		return NULL;
	if (json_add_string(item, "type", k->managed ? "exclusive-lock" : "advisory") < 0 ||
	    json_add_bool(item, "exclusive", l->exclusive) < 0 ||
	    json_add_string(item, "tag", l->tag) < 0 || json_add_string(item, "client", k->client) < 0 ||
	    json_add_string(item, "cookie", k->cookie) < 0 ||
	    json_add_string(item, "address", k->address) < 0) {
		json_object_put(item);
		return NULL;
	}
	return item;
}

static void release_locks(void *locks)
{
	image_locks_free(locks);
	free(locks);
}

/* The lockers of the request's image (open read-only, owned by the
 * request, as *l); answers on failure. */
static int locks_use(struct request *req, struct response *resp, struct image_ref *ref,
		     rados_ioctx_t *ioctx, rbd_image_t *image, struct image_locks **l)
{
	int r;

	*l = calloc(1, sizeof(**l));
	if (!*l)
		return response_oom(resp);
	r = api_own(req, resp, release_locks, *l);
	if (r < 0)
		return r;
	r = api_image_open_owned(req, resp, *ioctx, ref, 0, image);
	if (r < 0)
		return r;
	r = image_locks_read(*image, *l);
	if (r < 0)
		return api_image_fail(resp, r, ref, "listing the locks of");
	return 0;
}

int api_image_locks(struct request *req, struct response *resp)
{
	struct json_object *body, *items;
	struct image_locks *l;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_image_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	r = locks_use(req, resp, &ref, &ioctx, &image, &l);
	if (r < 0)
		return r;
	body = json_list_envelope("LockList", &items);
	if (!body)
		return response_oom(resp);
	for (size_t i = 0; i < l->count; i++) {
		struct json_object *item = locker_json(NULL, l, &l->lockers[i]);

		if (json_array_take(items, item) < 0) {
			json_object_put(body);
			return response_oom(resp);
		}
	}
	response_json(resp, 200, body);
	return 0;
}

/* A cookie or tag: 1 to COOKIE_MAX printable characters. */
static int check_text(struct response *resp, const char *what, const char *text)
{
	size_t len = strlen(text);

	if (len == 0 || len > COOKIE_MAX)
		return response_fail(resp, -EINVAL, "%s must be 1 to %d characters", what, COOKIE_MAX);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return response_fail(resp, -EINVAL, "%s must not hold control characters",
					     what);
	return 0;
}

/* The ?client= of a DELETE: "client.<number>", as the listing shows. */
static int client_param(struct request *req, struct response *resp, const char **client)
{
	const char *c = request_query(req, "client");
	size_t digits;

	*client = c;
	if (!c)
		return response_fail(resp, -EINVAL,
				     "query parameter \"client\" is required: the holder of the lock, e.g. client.4168, as GET .../locks lists it");
	digits = strncmp(c, "client.", 7) == 0 ? strspn(c + 7, "0123456789") : 0;
	if (digits == 0 || c[7 + digits] != '\0' || digits > 20)
		return response_fail(resp, -EINVAL,
				     "query parameter \"client\" must be client.<number>, e.g. client.4168, as GET .../locks lists it (got \"%s\")",
				     c);
	return 0;
}

/* The 404 for a lock that is not held: names who holds that cookie, if
 * another client does. */
static int lock_missing(struct response *resp, const struct image_locks *l,
			const struct image_ref *ref, const char *client, const char *cookie)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->lockers[i].cookie, cookie) == 0)
			return response_fail(resp, -ENOENT,
					     "the lock \"%s\" of image %s is held by %s, not %s",
					     cookie, ref->spec, l->lockers[i].client, client);
	return response_fail(resp, -ENOENT, "image %s has no lock \"%s\" held by %s", ref->spec,
			     cookie, client);
}

static struct json_object *break_json(const struct image_locks *l, const struct image_locker *k,
				      int blocklisted)
{
	struct json_object *body = json_envelope("LockBreak");
	struct json_object *lock = locker_json(NULL, l, k);

	if (!body || !lock || json_object_object_add(body, "lock", lock) < 0) {
		json_object_put(lock);
		json_object_put(body);
		return NULL;
	}
	if (json_add_bool(body, "blocklisted", blocklisted) < 0) {
		json_object_put(body);
		return NULL;
	}
	return body;
}

/* The answer for a failed image_lock_break. */
static int break_failed(struct response *resp, int r, const struct image_ref *ref,
			const struct image_locker *k, int blocklist, int blocklisted)
{
	if (blocklist && !blocklisted)
		return response_fail_errno(resp, r,
					   "blocklisting %s at %s failed, so its lock on image %s was left alone (break it with ?blocklist=false if you know it is dead)",
					   k->client, k->address, ref->spec);
	if (r == -ENOENT)
		return response_fail(resp, r,
				     "the lock \"%s\" of image %s held by %s was released meanwhile%s",
				     k->cookie, ref->spec, k->client,
				     blocklisted ? "; its holder was blocklisted all the same" : "");
	return response_fail_errno(resp, r,
				   "breaking the lock \"%s\" of image %s held by %s failed%s",
				   k->cookie, ref->spec, k->client,
				   blocklisted ? " (its holder was blocklisted)" : "");
}

int api_image_lock_break(struct request *req, struct response *resp)
{
	const char *cookie = request_capture(req, "lock"), *client;
	const struct image_locker *k;
	struct image_locks *l;
	struct json_object *body;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int force, blocklist, blocklisted, r;

	r = client_param(req, resp, &client);
	if (r < 0)
		return r;
	r = request_query_bool(req, "force", 0, &force, resp);
	if (r < 0)
		return r;
	/* -1: absent, decided by the kind of lock below. */
	r = request_query_bool(req, "blocklist", -1, &blocklist, resp);
	if (r < 0)
		return r;
	r = api_image_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	/* One change of the image at a time: a second break of the same lock
	 * waits, then finds it gone. */
	r = api_image_lock(req, resp, &ref);
	if (r < 0)
		return r;
	r = locks_use(req, resp, &ref, &ioctx, &image, &l);
	if (r < 0)
		return r;
	k = image_locks_find(l, client, cookie);
	if (!k)
		return lock_missing(resp, l, &ref, client, cookie);
	if (blocklist < 0)
		blocklist = k->managed;
	if (!force) {
		r = image_locker_watching(image, k);
		if (r < 0)
			return api_image_fail(resp, r, &ref, "listing the watchers of");
		if (r > 0)
			return response_fail_http(resp, 409,
						  "%s at %s still has image %s open (it watches the image): it may be alive; a client that died stops watching after osd_client_watch_timeout (30 s by default). Make sure it is dead, or break the lock anyway with ?force=true%s",
						  client, k->address, ref.spec,
						  blocklist ? " (it is blocklisted first)" : "");
	}
	r = image_lock_break(ioctx, image, ref.name, k, blocklist, &blocklisted);
	if (r < 0)
		return break_failed(resp, r, &ref, k, blocklist, blocklisted);
	log_event(LOG_LEVEL_INFO, req->request_id, req->user,
		  "event=lock.broken image=%s client=%s address=%s cookie=\"%s\" blocklisted=%d forced=%d",
		  ref.spec, client, k->address, cookie, blocklisted, force);
	body = break_json(l, k, blocklisted);
	if (!body)
		return response_oom(resp);
	response_json(resp, 200, body);
	return 0;
}

const struct field_spec lock_fields[] = {
	{"cookie", FIELD_STRING, 1},
	{"exclusive", FIELD_BOOL, 0},
	{"tag", FIELD_STRING, 0},
	{NULL, 0, 0},
};

/* The body's cookie, exclusive and tag, checked. */
static int lock_request(struct response *resp, struct json_object *body, const char **cookie,
			int *exclusive, const char **tag)
{
	int r;

	*tag = NULL;
	*exclusive = 1;
	json_in_string(body, "cookie", cookie);
	json_in_bool(body, "exclusive", exclusive);
	json_in_string(body, "tag", tag);
	r = check_text(resp, "field \"cookie\"", *cookie);
	if (r < 0)
		return r;
	if (strncmp(*cookie, MANAGED_COOKIE_PREFIX, strlen(MANAGED_COOKIE_PREFIX)) == 0)
		return response_fail(resp, -EINVAL,
				     "field \"cookie\" must not begin with \"%s\": librbd's exclusive lock uses such cookies",
				     MANAGED_COOKIE_PREFIX);
	if (*exclusive && *tag)
		return response_fail(resp, -EINVAL,
				     "field \"tag\" goes with \"exclusive\": false only (a shared lock's holders share a tag)");
	if (!*exclusive && !*tag)
		return response_fail(resp, -EINVAL,
				     "field \"tag\" is required for a shared lock (\"exclusive\": false)");
	if (*tag) {
		r = check_text(resp, "field \"tag\"", *tag);
		if (r < 0)
			return r;
		if (strcmp(*tag, MANAGED_TAG) == 0)
			return response_fail(resp, -EINVAL,
					     "field \"tag\" must not be \"%s\": librbd's exclusive lock uses it",
					     MANAGED_TAG);
	}
	return 0;
}

/* The 409 of a lock that is taken: by whom. */
static int lock_taken(struct response *resp, rbd_image_t image, const struct image_ref *ref,
		      int err, const char *cookie)
{
	struct image_locks l = {0};
	int r;

	if (err == -EEXIST)
		return response_fail_http(resp, 409,
					  "image %s is already locked with cookie \"%s\" by this service's client",
					  ref->spec, cookie);
	if (image_locks_read(image, &l) == 0 && l.count > 0)
		r = response_fail_http(resp, 409,
				       "image %s is locked (%s, %s lock, cookie \"%s\", tag \"%s\", held by %s at %s)",
				       ref->spec,
				       l.lockers[0].managed ? "librbd's exclusive lock" : "advisory",
				       l.exclusive ? "an exclusive" : "a shared", l.lockers[0].cookie,
				       l.tag, l.lockers[0].client, l.lockers[0].address);
	else
		r = response_fail_http(resp, 409, "image %s is locked by another client", ref->spec);
	image_locks_free(&l);
	return r;
}

/* Sets Location to the lock's DELETE: .../locks/{cookie}?client=. */
static void lock_location(struct response *resp, const struct image_ref *ref, const char *cookie,
			  const char *client)
{
	char *encoded = percent_encode_dup(cookie), *suffix = NULL;

	if (encoded && asprintf(&suffix, "/locks/%s?client=%s", encoded, client) >= 0)
		api_location_image(resp, ref, suffix);
	free(suffix);
	free(encoded);
}

int api_image_lock_take(struct request *req, struct response *resp)
{
	struct json_object *body, *item;
	const struct image_locker *k;
	struct image_locks *l;
	const char *cookie, *tag;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	char client[64];
	int exclusive, r;

	r = api_request_body(req, resp, lock_fields, &body);
	if (r < 0)
		return r;
	r = lock_request(resp, body, &cookie, &exclusive, &tag);
	if (r < 0)
		return r;
	/* Read-write: librbd takes locks on open images only (our client,
	 * not the image, holds it once taken). */
	r = api_image_use_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = image_lock_take(image, exclusive, cookie, tag);
	if (r == -EBUSY || r == -EEXIST)
		return lock_taken(resp, image, &ref, r, cookie);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "locking");
	ceph_client_id(ioctx, client, sizeof(client));
	l = calloc(1, sizeof(*l));
	if (!l)
		return response_oom(resp);
	r = api_own(req, resp, release_locks, l);
	if (r < 0)
		return r;
	r = image_locks_read(image, l);
	k = r == 0 ? image_locks_find(l, client, cookie) : NULL;
	if (!k)
		return response_fail_http(resp, 500,
					  "image %s was locked with cookie \"%s\" by %s, but the lock cannot be read back (%s)",
					  ref.spec, cookie, client, r < 0 ? strerror(-r) : "not listed");
	item = locker_json(json_envelope("Lock"), l, k);
	if (!item)
		return response_oom(resp);
	log_event(LOG_LEVEL_INFO, req->request_id, req->user,
		  "event=lock.taken image=%s client=%s cookie=\"%s\" exclusive=%d", ref.spec,
		  client, cookie, exclusive);
	response_json(resp, 201, item);
	lock_location(resp, &ref, cookie, client);
	return 0;
}
