/* SPDX-License-Identifier: Apache-2.0 */
/* mirror_pool.h - the changes of a pool's mirroring, each one sequence:
 * its mode and this site's name, bootstrap tokens, peer sites (added
 * with their address and key, or not at all), and the rbd-mirror
 * daemons' reports on the pool from the manager's service map.
 *
 * Knows nothing of HTTP: functions return 0 or a negative errno (and,
 * where a sequence has several steps, which one failed). */
#ifndef RBD_REST_API_MIRROR_POOL_H
#define RBD_REST_API_MIRROR_POOL_H

#include <stddef.h>

#include <json-c/json.h>
#include <rados/librados.h>
#include <rbd/librbd.h>

/* Is mirroring enabled on the pool of ioctx (mode image or pool)? */
int mirror_pool_enabled(rados_ioctx_t ioctx, int *enabled);

/* Which step of a sequence failed. */
enum mirror_pool_step {
	MIRROR_POOL_SITE_NAME,    /* setting this site's name */
	MIRROR_POOL_MODE,         /* setting the pool's mode */
	MIRROR_POOL_PEER_ADD,     /* adding the peer */
	MIRROR_POOL_PEER_ADDRESS, /* storing its address and key (the peer is removed again) */
	MIRROR_POOL_PEER_CHANGE,  /* changing the peer */
};

/* Sets this site's name (when site is not NULL), then the pool's mode
 * (when mode is not NULL): the name first, as it cannot fail on the
 * pool's state, so a refused mode change leaves nothing half-done but
 * the name. *step says which failed. */
int mirror_pool_configure(rados_t cluster, rados_ioctx_t ioctx, const char *site,
			  const rbd_mirror_mode_t *mode, enum mirror_pool_step *step);

/* A bootstrap token for peers of the pool (*token is the caller's). */
int mirror_pool_token_create(rados_ioctx_t ioctx, char **token);

/* Imports another site's bootstrap token: that site becomes a peer. */
int mirror_pool_token_import(rados_ioctx_t ioctx, rbd_mirror_peer_direction_t direction,
			     const char *token);

/* A peer as a POST or PATCH gives it; NULL (or !has_direction) for what
 * is not given. mon_host and key go together. */
struct mirror_peer_fields {
	const char *site_name, *client_name, *mon_host, *key;
	int has_direction;
	rbd_mirror_peer_direction_t direction;
};

/* Adds the peer (client_name defaults to client.rbd-mirror-peer) with
 * its address and key (kept in the cluster's config-key store, never
 * shown again); its uuid into uuid. Nothing half-made: a peer whose
 * address could not be stored is removed again. */
int mirror_peer_add(rados_ioctx_t ioctx, const struct mirror_peer_fields *peer, char *uuid,
		    size_t uuidlen, enum mirror_pool_step *step);

/* Changes what peer gives of peer uuid. */
int mirror_peer_change(rados_ioctx_t ioctx, const char *uuid,
		       const struct mirror_peer_fields *peer);

/* Removes peer uuid (-ENOENT when there is none). */
int mirror_peer_remove(rados_ioctx_t ioctx, const char *uuid);

/* The rbd-mirror daemons the manager's service map knows, appended to
 * daemons as {"instance_id", "client_id", "hostname", "version", and
 * from their report on the pool of ioctx "leader", "callouts",
 * "health"}. Returns the worst health they report on the pool:
 * "WARNING" when none runs or none reports on it. */
const char *mirror_daemons_json(rados_t cluster, rados_ioctx_t ioctx, struct json_object *daemons);

/* The worse of two healths ("OK", "WARNING", "ERROR"). */
const char *mirror_health_worse(const char *a, const char *b);

#endif
