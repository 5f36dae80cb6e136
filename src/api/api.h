/* SPDX-License-Identifier: Apache-2.0 */
/* api.h - what every resource handler shares: reaching the cluster with
 * the contract's error messages, and reading the request body. */
#ifndef RBD_REST_API_API_H
#define RBD_REST_API_API_H

#include <stdint.h>
#include <time.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

#include "json_in.h"
#include "names.h"
#include "request.h"
#include "response.h"

struct permits;

struct ceph_conn;
struct ceph_ioctx_cache;
struct conf;
struct image_directory;
struct scoreboard;

/* What handlers reach besides the request: each request thread of a
 * worker has its own, filled once and kept between requests (nothing else
 * of the worker is theirs). What it points to is either shared by the
 * worker's threads and safe for that (the connection, the scoreboard) or
 * the thread's alone (the io contexts, the kept listing). */
struct api_env {
	const struct conf *conf;
	struct ceph_conn *ceph;             /* the worker's cluster connection, shared */
	struct ceph_ioctx_cache *ioctxs;    /* this thread's io contexts */
	struct image_directory *directory;  /* this thread's last image listing read, kept while it holds */
	struct scoreboard *board;           /* status, metrics, the pool-change counter, image locks */
	uint64_t pool_changes_seen;         /* board->pool_changes when our OSD map was last brought up to date */
	struct permits *data_moves;         /* the worker's synchronous copies, flattens, rollbacks; NULL = no bound */
	uint64_t osdmap_epoch_seen;         /* board->osdmap_epoch when a pool read last brought our map up to date */
	time_t idempotency_swept;           /* when this thread last swept kept answers (idempotency.c) */
	char idempotency_sweep_after[512];  /* where its next sweep starts; "" = the beginning */
};

/* Ends a request for the api layer, once its answer is made: releases
 * what the handler held until then (what it gave the request, then the
 * image lock). */
void api_request_end(struct request *req);

/* Gives what to the request: release(what) runs when the request ends,
 * so the handler neither closes nor frees it on any path. When the
 * request already owns REQUEST_OWNED_MAX things (a bug), what is released
 * at once and the answer is a 500. */
int api_own(struct request *req, struct response *resp, void (*release)(void *what), void *what);

/* Releases what (given by api_own) now, before the request ends: for an
 * image that must be closed before the next step (removed, renamed). */
void api_release(struct request *req, void *what);

/* json_object_put, as a release function for api_own. */
void api_release_json(void *what);

/* The request body, strictly validated against spec (see json_in.h),
 * and owned by the request. */
int api_request_body(struct request *req, struct response *resp, const struct field_spec *spec,
		     struct json_object **body);

/* The same for a body the route may go without: *body NULL when none
 * was sent (json_in's readers then find no field). */
int api_request_body_optional(struct request *req, struct response *resp,
			      const struct field_spec *spec, struct json_object **body);

/* Room for a percent-encoded name (3 bytes per byte of a 250-byte name). */
#define ENCODED_NAME_MAX (3 * 250 + 1)

/* The worker's cluster handle; 503 with the reason when not connected. */
/* Tells every worker that a pool was created or deleted, so each brings
 * its OSD map up to date before it next answers about pools. */
void api_pools_changed(struct request *req);

int api_cluster(struct request *req, struct response *resp, rados_t *cluster);

/* The cached io context of pool, set to namespace ns; 404 "pool X does
 * not exist", 503 when not connected. */
int api_ioctx(struct request *req, struct response *resp, const char *pool, const char *ns,
	      rados_ioctx_t *ioctx);

/* The {namespace} capture, or "" for the default namespace. */
const char *api_namespace(const struct request *req);

/* The name of the pool with id pool_id, as long as it is (ceph_pool_name),
 * or the id as text when the pool is gone; NULL when out of memory. The
 * caller frees it. For fields and messages that name another pool (a
 * migration's, a group member's). */
char *api_pool_name(rados_t cluster, int64_t pool_id);

/* "pool/image" or "pool/ns/image" as the rbd CLI writes it, for messages. */
const char *api_image_spec(const char *pool, const char *ns, const char *image, char *buf,
			   size_t buflen);

/* The image a request is about, and how messages name it. */
struct image_ref {
	const char *pool;
	const char *ns;
	const char *name;
	char spec[IMAGE_SPEC_MAX];   /* "pool/[ns/]name" */
};

/* Fills ref for image name in the request's pool and namespace. */
void api_image_ref(struct image_ref *ref, const struct request *req, const char *name);

/* The answer for a librbd error on an existing image: 404 "image X does
 * not exist" for ENOENT, else "<doing> image X failed: <reason>". */
int api_image_fail(struct response *resp, int err, const struct image_ref *ref,
		   const char *doing);

/* The 404 of the group the request's {group} names, as its handlers
 * word a missing one (api_groups.c); authz.c answers so for a group
 * outside the user's scopes. */
int api_group_missing(struct request *req, struct response *resp);

/* The same for the snapshot schedule of the request's pool, namespace
 * or image, as DELETE .../snapshot-schedules words a missing one (it
 * does not ask whether the image exists: a schedule outlives its
 * image). In api_snapshot_schedules.c. */
int api_snapshot_schedule_missing(struct request *req, struct response *resp);

/* 409 naming every client that has image open ("client.N at ADDR"), as
 * "... unmap or close it <then>"; 0 when nobody has. Our read-only opens
 * register no watch, so the caller's own open does not count. */
int api_refuse_if_open(struct response *resp, rbd_image_t image, const struct image_ref *ref,
		       const char *then);

/* Before work that moves the image's data (copy, flatten, rollback) in
 * the request: 0 when the open image may be done synchronously, with one
 * of the worker's data_moves permits taken until the request ends; else
 * a 400 in resp telling to ask with ?async=true (image larger than
 * sync_max_size), or a 429 when no permit came free within rados_timeout.
 * doing is the verb, e.g. "copying". */
int api_sync_data_begin(struct request *req, struct response *resp, rbd_image_t image,
			const struct image_ref *ref, const char *doing);
/* Only the permit: for data moves that cannot be asked for as a task
 * (a group rollback), so no size bound. spec names what is moved in the
 * 429, e.g. "image rbd/a". */
int api_data_permit(struct request *req, struct response *resp, const char *doing,
		    const char *spec);

/* The usual start of an image handler: ref for the {image} capture in the
 * request's pool and namespace, and its io context; answers on failure. */
int api_image_request(struct request *req, struct response *resp, struct image_ref *ref,
		      rados_ioctx_t *ioctx);

/* Images the request owns: each is closed when the request ends (or by
 * api_release), so handlers never close one. api_image_open_owned opens
 * ref's image (read-only unless writable) and answers on failure;
 * api_image_use is api_image_request then a read-only open;
 * api_image_use_for_change takes the image lock (api_image_lock) first
 * and opens read-write. */
int api_image_open_owned(struct request *req, struct response *resp, rados_ioctx_t ioctx,
			 const struct image_ref *ref, int writable, rbd_image_t *image);
int api_image_use(struct request *req, struct response *resp, struct image_ref *ref,
		  rados_ioctx_t *ioctx, rbd_image_t *image);
int api_image_use_for_change(struct request *req, struct response *resp, struct image_ref *ref,
			     rados_ioctx_t *ioctx, rbd_image_t *image);

/* Answers with the image as an Image resource and the given status. */
int api_respond_image(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *ref,
		      int status);

/* The progress callback for librbd calls that take one (resize, flatten,
 * rollback, deep copy, trash removal): librbd calls it unconditionally,
 * so NULL crashes it. Reports nothing. */
int api_no_progress(uint64_t offset, uint64_t total, void *arg);

/* Sets Location to the image's path, /api/v1/pools/{pool}[/namespaces/
 * {ns}]/images/{image} with each name percent-encoded, followed by suffix
 * (already URL-safe, e.g. "/snapshots/s1" encoded by the caller). Names
 * of any length. Returns 0 or -ENOMEM (resp then has no Location, and
 * keeps its answer: the object exists, so a 500 would mislead). */
int api_location_image(struct response *resp, const struct image_ref *ref, const char *suffix);

/* Takes this service's lock on ref's image for the rest of the request
 * (released by api_request_end), so mutations of one image from different workers
 * run one after the other. Call it before opening the image for a change.
 * 409 when another request holds it for longer than rados_timeout. A
 * request holds one image lock: a second call keeps the first (taken by
 * the If-Match check on the same image, etag.h). The lock is this host's
 * (image_lock.h) and a lease in the cluster, so every replica of the
 * service on the cluster takes turns; 409 naming the holder when another
 * replica keeps it past rados_timeout. */
int api_image_lock(struct request *req, struct response *resp, const struct image_ref *ref);

/* The image lock's lease in the cluster (lease.h): object
 * IMAGE_LEASE_PREFIX + image name in the image's pool and namespace, held
 * for half of rados_timeout (2 to 30 s) and renewed while the request
 * runs, so a replica killed mid-change holds the image no longer than
 * that, and a waiter (who waits rados_timeout) always outlasts it. */
#define IMAGE_LEASE_PREFIX "rbd_rest_api.lock."

/* Does namespace ns exist in the pool of ioctx? ("" always does.)
 * Answers 404 "namespace ... does not exist" when not. In api_namespaces.c. */
int api_require_namespace(struct response *resp, rados_ioctx_t ioctx, const char *pool,
			  const char *ns);

/* 409 when ref's image is the destination of a live migration, saying
 * from where, in which state, and that it cannot be <doing> until the
 * migration is committed or aborted; 0 otherwise. For librbd's EBUSY,
 * which does not tell. In api_migrating.c. */
int api_refuse_if_migrating(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *ref,
			    const char *doing);

/* Opens img read-only at its user snapshot snap ("pool/image@snap" in
 * spec): 404 for a missing image or snapshot. On success the caller
 * closes *image; *snap_id and *size are the snapshot's. In
 * api_snapshots.c. */
int api_snapshot_open_at(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *img,
			 const char *snap, char *spec, size_t speclen, rbd_image_t *image,
			 uint64_t *snap_id, uint64_t *size);

#endif
