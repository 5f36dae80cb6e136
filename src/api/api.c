/* SPDX-License-Identifier: Apache-2.0 */
/* api.c - helpers shared by the resource handlers (see api.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "ceph.h"
#include "conf.h"
#include "etag_version.h"
#include "image_lock.h"
#include "permits.h"
#include "lease.h"
#include "log.h"
#include "mon.h"
#include "pool_access.h"
#include "scoreboard.h"
#include "image_handle.h"
#include "image_header.h"
#include "image_json.h"
#include "image_query.h"
#include "json_out.h"
#include "text_list.h"

/* librados answers pool names from its local OSD map, which it refreshes
 * only when it needs to, so a worker could go on seeing a pool another
 * worker deleted (or miss one it created). Pool changes made through this
 * service on this host are counted in shared memory; a worker that has not
 * seen the latest count fetches the newest map first, so they show at
 * once. Changes made elsewhere (another replica, the CLI) are found by
 * asking the monitor for its newest OSD map epoch: at most once every
 * POOL_MAP_MAX_AGE_MS for the whole host, by whichever pool read comes
 * first after that, not on every request (a monitor round trip costs
 * ~0.3 ms, more than the rest of a pool listing). So reads about pools
 * (list, get) see such a change within POOL_MAP_MAX_AGE_MS plus one round
 * trip; docs/api.md states the rule. Other routes see it once librados
 * refreshes its map, or when the OSD refuses an operation on the pool. */
#define POOL_MAP_MAX_AGE_MS 500

/* GET and HEAD of /api/v1/pools and /api/v1/pools/{pool}. */
static int route_reads_pools(const struct request *req)
{
	const char *pattern = req->match.route ? req->match.route->pattern : "";

	return (req->method & (HTTP_GET | HTTP_HEAD)) &&
	       (strcmp(pattern, "/api/v1/pools") == 0 || strcmp(pattern, "/api/v1/pools/{pool}") == 0);
}

/* Asks the monitor for its newest epoch when nobody on this host has for
 * POOL_MAP_MAX_AGE_MS; the compare-and-swap makes one thread of one worker
 * the asker, the others go on with the epoch last learned. Bounded by
 * rados_timeout: pool_map_catch_up alone is not, and hangs
 * while the monitor does. */
static void refresh_newest_epoch(struct scoreboard *board, rados_t cluster)
{
	int64_t now = scoreboard_now_ms();
	int64_t asked = __atomic_load_n(&board->osdmap_asked_ms, __ATOMIC_ACQUIRE);
	uint64_t epoch = 0;

	if (now - asked < POOL_MAP_MAX_AGE_MS ||
	    !__atomic_compare_exchange_n(&board->osdmap_asked_ms, &asked, now, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	if (mon_osdmap_epoch(cluster, &epoch) == 0)
		__atomic_store_n(&board->osdmap_epoch, epoch, __ATOMIC_RELEASE);
}

static void sync_pool_map(struct request *req, rados_t cluster)
{
	uint64_t changes = __atomic_load_n(&req->env->board->pool_changes, __ATOMIC_ACQUIRE);
	uint64_t epoch;

	if (route_reads_pools(req)) {
		refresh_newest_epoch(req->env->board, cluster);
		epoch = __atomic_load_n(&req->env->board->osdmap_epoch, __ATOMIC_ACQUIRE);
		if (epoch != req->env->osdmap_epoch_seen && pool_map_catch_up(cluster) == 0) {
			req->env->osdmap_epoch_seen = epoch;
			req->env->pool_changes_seen = changes;
			return;
		}
	}
	if (changes == req->env->pool_changes_seen)
		return;
	if (pool_map_catch_up(cluster) == 0)
		req->env->pool_changes_seen = changes;
}

void api_pools_changed(struct request *req)
{
	__atomic_add_fetch(&req->env->board->pool_changes, 1, __ATOMIC_RELEASE);
}

int api_cluster(struct request *req, struct response *resp, rados_t *cluster)
{
	char why[CEPH_WHY_MAX];
	int r = ceph_cluster(req->env->ceph, cluster, why, sizeof(why));

	if (r < 0)
		return response_fail(resp, r, "not connected to the Ceph cluster: %s", why);
	sync_pool_map(req, *cluster);
	return 0;
}

int api_ioctx(struct request *req, struct response *resp, const char *pool, const char *ns,
	      rados_ioctx_t *ioctx)
{
	char why[CEPH_WHY_MAX];
	rados_t cluster;
	int r;

	if (ceph_cluster(req->env->ceph, &cluster, why, sizeof(why)) == 0)
		sync_pool_map(req, cluster);
	r = ceph_ioctx(req->env->ceph, req->env->ioctxs, pool, ns, ioctx, why, sizeof(why));

	if (r == -ENOTCONN)
		return response_fail(resp, r, "not connected to the Ceph cluster: %s", why);
	if (r < 0)
		return response_fail(resp, r, "%s", why);
	if (*ns)
		return api_require_namespace(resp, *ioctx, pool, ns);
	return 0;
}

const char *api_namespace(const struct request *req)
{
	const char *ns = request_capture(req, "namespace");

	return ns ? ns : "";
}

char *api_pool_name(rados_t cluster, int64_t pool_id)
{
	char *name = NULL;
	int r = ceph_pool_name(cluster, pool_id, &name);

	if (r == -ENOMEM)
		return NULL;
	if (r < 0 && asprintf(&name, "%" PRId64, pool_id) < 0)
		return NULL;
	return name;
}

const char *api_image_spec(const char *pool, const char *ns, const char *image, char *buf,
			   size_t buflen)
{
	if (ns && *ns)
		snprintf(buf, buflen, "%s/%s/%s", pool, ns, image);
	else
		snprintf(buf, buflen, "%s/%s", pool, image);
	return buf;
}

void api_image_ref(struct image_ref *ref, const struct request *req, const char *name)
{
	ref->pool = request_capture(req, "pool");
	ref->ns = api_namespace(req);
	ref->name = name;
	api_image_spec(ref->pool, ref->ns, name, ref->spec, sizeof(ref->spec));
}

int api_image_fail(struct response *resp, int err, const struct image_ref *ref,
		   const char *doing)
{
	if (err == -ENOENT)
		return response_fail(resp, err, "image %s does not exist", ref->spec);
	return response_fail_errno(resp, err, "%s image %s failed", doing, ref->spec);
}

/* Opens ref's image (read-only unless writable), answering on failure. */
static int image_open(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *ref,
		      int writable, rbd_image_t *image)
{
	int r = image_handle_open(ioctx, ref->name, writable, image);

	if (r < 0)
		return api_image_fail(resp, r, ref, "opening");
	return 0;
}

int api_image_request(struct request *req, struct response *resp, struct image_ref *ref,
		      rados_ioctx_t *ioctx)
{
	api_image_ref(ref, req, request_capture(req, "image"));
	return api_ioctx(req, resp, ref->pool, ref->ns, ioctx);
}

/* What an Image shows, from the image's header alone when it tells the
 * whole story (image_header.h: one round trip), else from the opened
 * image, which also gives the exact answer for every error. */
static int read_image_facts(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *ref,
			    struct image_facts *facts)
{
	struct image_header_read read;
	rbd_image_t image;
	char id[64];
	int r;

	r = image_header_id(ioctx, ref->name, id, sizeof(id));
	if (r == 0)
		r = image_header_start(ioctx, id, &read);
	if (r == 0)
		r = image_header_finish(&read, facts);
	/* The header's version came with it: the ETag (etag.h) needs no
	 * round trip of its own. Out of memory only costs that trip. */
	if (r == 0)
		api_etag_image_version(resp, id, read.version);
	if (r == 0)
		return 0;
	r = image_open(resp, ioctx, ref, 0, &image);
	if (r < 0)
		return r;
	r = image_facts_read(image, facts);
	image_handle_close(image);
	if (r < 0)
		return api_image_fail(resp, r, ref, "reading");
	return 0;
}

int api_refuse_if_open(struct response *resp, rbd_image_t image, const struct image_ref *ref,
		       const char *then)
{
	rbd_image_watcher_t *watchers = NULL;
	struct text_list names;
	size_t count = 0;
	char text[1536];
	int r;

	r = image_watchers(image, &watchers, &count);
	if (r < 0)
		return api_image_fail(resp, r, ref, "listing the clients of");
	text_list_init(&names, text, sizeof(text));
	for (size_t i = 0; i < count; i++)
		text_list_add(&names, "client.%" PRId64 " at %s", watchers[i].id, watchers[i].addr);
	image_watchers_free(watchers, count);
	if (count == 0)
		return 0;
	return response_fail(resp, -EBUSY, "image %s is open by %zu client%s (%s); unmap or close it %s",
			     ref->spec, count, count == 1 ? "" : "s", text_list_finish(&names), then);
}

int api_respond_image(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *ref,
		      int status)
{
	struct json_object *body;
	struct image_facts facts;
	int r;

	r = read_image_facts(resp, ioctx, ref, &facts);
	if (r < 0)
		return r;
	body = json_envelope("Image");
	r = body ? image_facts_json(&facts, ioctx, ref->pool, ref->ns, ref->name, body) : -ENOMEM;
	image_facts_cleanup(&facts);
	if (r < 0) {
		json_object_put(body);
		return api_image_fail(resp, r, ref, "reading");
	}
	response_json(resp, status, body);
	return 0;
}

/* The lease in the cluster behind the host's lock: other replicas of the
 * service take turns with this one. Its object is named after the image
 * name, in the image's pool and namespace, and goes with the lease. */
static int image_lease_acquire(struct request *req, struct response *resp,
			       const struct image_ref *ref)
{
	unsigned wait_s = req->env->conf->rados_timeout;
	char holder[640];
	rados_t cluster;
	char *oid = NULL;
	int r;

	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return r;
	if (asprintf(&oid, "%s%s", IMAGE_LEASE_PREFIX, ref->name) < 0)
		return response_oom(resp);
	/* Half the wait: a holder that died is always waited out. */
	r = lease_acquire(cluster, ref->pool, ref->ns, oid, "rbd_rest_api",
			  wait_s / 2 < 2 ? 2 : wait_s / 2 > 30 ? 30 : wait_s / 2, wait_s * 1000, holder,
			  sizeof(holder), &req->image_lease);
	free(oid);
	if (r == -EBUSY)
		return response_fail(resp, -EBUSY,
				     "image %s is still being changed by another replica of the service after %u s (%s); try again later",
				     ref->spec, wait_s, holder);
	if (r == -ENOENT)
		return response_fail(resp, r, "pool %s does not exist", ref->pool);
	/* A full cluster (or pool over its quota) refuses even the lease's
	 * small object, yet must let images be deleted to free space: then
	 * the host's lock alone serves, as before replicas took turns. */
	if (r == -ENOSPC || r == -EDQUOT) {
		log_event(LOG_LEVEL_WARN, req->request_id, req->user,
			  "event=image_lease_skipped image=\"%s\" reason=full", ref->spec);
		return 0;
	}
	if (r < 0)
		return response_fail_errno(resp, r, "taking the change lease of image %s failed",
					   ref->spec);
	return 0;
}

int api_image_lock(struct request *req, struct response *resp, const struct image_ref *ref)
{
	int index, r;

	/* Taken already for an If-Match check (etag.h), on this image. */
	if (req->image_lock >= 0)
		return 0;
	/* The host's lock first: the requests of one host queue there, and
	 * only one of them at a time asks the cluster. */
	index = image_lock_acquire(req->env->board, ref->pool, ref->ns, ref->name,
				   req->env->conf->rados_timeout);
	if (index == -ETIMEDOUT)
		return response_fail(resp, -EBUSY,
				     "another request is still changing image %s after %u s; try again later",
				     ref->spec, req->env->conf->rados_timeout);
	if (index < 0)
		return response_fail(resp, index, "cannot lock image %s: %s", ref->spec,
				     strerror(-index));
	req->image_lock = index;
	r = image_lease_acquire(req, resp, ref);
	if (r < 0) {
		image_lock_release(req->env->board, req->image_lock);
		req->image_lock = -1;
	}
	return r;
}

int api_sync_data_begin(struct request *req, struct response *resp, rbd_image_t image,
			const struct image_ref *ref, const char *doing)
{
	const struct conf *conf = req->env->conf;
	uint64_t size;

	/* A size that cannot be read is left to the operation to report. */
	if (conf->sync_max_size && image_handle_size(image, &size) == 0 && size > conf->sync_max_size)
		return response_fail(resp, -EINVAL,
				     "%s image %s (%" PRIu64 " bytes) could outlast the request: it is larger than sync_max_size (%" PRIu64 " bytes); ask with ?async=true",
				     doing, ref->spec, size, conf->sync_max_size);
	return api_data_permit(req, resp, doing, ref->spec);
}

int api_data_permit(struct request *req, struct response *resp, const char *doing,
		    const char *spec)
{
	const struct conf *conf = req->env->conf;
	struct permits *moves = req->env->data_moves;
	int r;

	if (!moves || req->data_permit)
		return 0;
	/* Each one holds librbd's buffers for up to
	 * rbd_concurrent_management_ops objects: the bound keeps a worker's
	 * memory within what the deployment gives it. */
	r = permits_take(moves, conf->rados_timeout);
	if (r < 0) {
		r = response_fail_http(resp, 429,
				       "%s %s must wait: this worker already moves the data of %u images at once (max_sync_data_ops) and none finished within %u s; try again later",
				       doing, spec, moves->max, conf->rados_timeout);
		resp->retry_after = 10;
		return r;
	}
	req->data_permit = true;
	return 0;
}

int api_no_progress(uint64_t offset, uint64_t total, void *arg)
{
	return image_handle_no_progress(offset, total, arg);
}

int api_own(struct request *req, struct response *resp, void (*release)(void *what), void *what)
{
	if (req->nowned == REQUEST_OWNED_MAX) {
		release(what);
		log_event(LOG_LEVEL_ERROR, req->request_id, req->user,
			  "event=bug msg=\"a request owns more than %d things\"", REQUEST_OWNED_MAX);
		return response_fail(resp, -ENOBUFS, "the request holds too many open objects");
	}
	req->owned[req->nowned].release = release;
	req->owned[req->nowned].what = what;
	req->nowned++;
	return 0;
}

void api_release(struct request *req, void *what)
{
	for (size_t i = req->nowned; i-- > 0;) {
		if (req->owned[i].what != what)
			continue;
		req->owned[i].release(what);
		memmove(&req->owned[i], &req->owned[i + 1],
			(req->nowned - i - 1) * sizeof(req->owned[0]));
		req->nowned--;
		return;
	}
}

void api_release_json(void *what)
{
	json_object_put(what);
}

int api_request_body(struct request *req, struct response *resp, const struct field_spec *spec,
		     struct json_object **body)
{
	int r = json_in_parse_body(req->content_type, req->body, req->body_len, spec, resp, body);

	if (r < 0)
		return r;
	return api_own(req, resp, api_release_json, *body);
}

int api_request_body_optional(struct request *req, struct response *resp,
			      const struct field_spec *spec, struct json_object **body)
{
	*body = NULL;
	if (req->body_len == 0)
		return 0;
	return api_request_body(req, resp, spec, body);
}

int api_image_open_owned(struct request *req, struct response *resp, rados_ioctx_t ioctx,
			 const struct image_ref *ref, int writable, rbd_image_t *image)
{
	int r = image_open(resp, ioctx, ref, writable, image);

	if (r < 0)
		return r;
	return api_own(req, resp, image_handle_close, *image);
}

int api_image_use(struct request *req, struct response *resp, struct image_ref *ref,
		  rados_ioctx_t *ioctx, rbd_image_t *image)
{
	int r = api_image_request(req, resp, ref, ioctx);

	if (r < 0)
		return r;
	return api_image_open_owned(req, resp, *ioctx, ref, 0, image);
}

int api_image_use_for_change(struct request *req, struct response *resp, struct image_ref *ref,
			     rados_ioctx_t *ioctx, rbd_image_t *image)
{
	int r = api_image_request(req, resp, ref, ioctx);

	if (r < 0)
		return r;
	r = api_image_lock(req, resp, ref);
	if (r < 0)
		return r;
	return api_image_open_owned(req, resp, *ioctx, ref, 1, image);
}

void api_request_end(struct request *req)
{
	/* Images close before the image lock goes: a close may still write
	 * (the object map, the header) for the change the lock guarded. */
	while (req->nowned > 0) {
		req->nowned--;
		req->owned[req->nowned].release(req->owned[req->nowned].what);
	}
	lease_release(req->image_lease, 1);
	req->image_lease = NULL;
	image_lock_release(req->env->board, req->image_lock);
	req->image_lock = -1;
	if (req->data_permit)
		permits_give(req->env->data_moves);
	req->data_permit = false;
}

int api_location_image(struct response *resp, const struct image_ref *ref, const char *suffix)
{
	/* Names read back from the cluster (a trash entry's stored name) need
	 * not obey our 250-byte rule, so no fixed buffer here. */
	char *pool = percent_encode_dup(ref->pool);
	char *ns = percent_encode_dup(ref->ns);
	char *image = percent_encode_dup(ref->name);
	int r = -ENOMEM;

	if (!pool || !ns || !image)
		goto out;
	if (*ref->ns)
		r = response_set_location(resp, "/api/v1/pools/%s/namespaces/%s/images/%s%s", pool,
					  ns, image, suffix);
	else
		r = response_set_location(resp, "/api/v1/pools/%s/images/%s%s", pool, image, suffix);
out:
	free(pool);
	free(ns);
	free(image);
	return r;
}
