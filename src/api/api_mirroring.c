/* SPDX-License-Identifier: Apache-2.0 */
/* api_mirroring.c - /api/v1/pools/{pool}/mirroring: the pool's mirroring
 * mode and site name, bootstrap tokens, peer sites and the status
 * summary (docs/api.md, "Mirroring"). Images: api_mirroring_images.c;
 * snapshot schedules: api_mirroring_schedules.c.
 *
 * Mirroring is pool-wide here (the pool's default namespace); the
 * rbd-mirror daemons that do the copying are run by the cluster's
 * operator, this service only configures and reports. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_mirroring.h"
#include "json_out.h"
#include "mirror_json.h"
#include "mirror_pool.h"
#include "routes.h"

/* The longest bootstrap token an import takes. */
#define TOKEN_MAX 4096
#define UUID_MAX 64

int api_mirror_pool_request(struct request *req, struct response *resp, const char **pool,
			    rados_t *cluster, rados_ioctx_t *ioctx)
{
	int r;

	*pool = request_capture(req, "pool");
	r = api_cluster(req, resp, cluster);
	if (r < 0)
		return r;
	return api_ioctx(req, resp, *pool, "", ioctx);
}

int api_mirror_pool_get(struct request *req, struct response *resp,
			api_mirror_respond_fn respond)
{
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	int r;

	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	return respond(resp, cluster, ioctx, pool);
}

int api_mirror_require_enabled(struct response *resp, rados_ioctx_t ioctx, const char *pool)
{
	int enabled, r = mirror_pool_enabled(ioctx, &enabled);

	if (r < 0)
		return response_fail_errno(resp, r, "reading the mirroring mode of pool %s failed",
					   pool);
	/* librbd's EINVAL for it: 400, as the contract maps EINVAL. */
	if (!enabled)
		return response_fail(resp, -EINVAL,
				     "mirroring is disabled on pool %s; set its mode first: PUT /api/v1/pools/%s/mirroring {\"mode\": \"image\"}",
				     pool, pool);
	return 0;
}

static int respond_mirroring(struct response *resp, rados_t cluster, rados_ioctx_t ioctx,
			     const char *pool)
{
	struct json_object *body = json_envelope("Mirroring");
	int r;

	if (!body || json_add_string(body, "pool", pool) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	r = mirror_pool_json(cluster, ioctx, body);
	if (r < 0) {
		json_object_put(body);
		return response_fail_errno(resp, r, "reading the mirroring of pool %s failed", pool);
	}
	response_json(resp, 200, body);
	return 0;
}

int api_mirroring_get(struct request *req, struct response *resp)
{
	return api_mirror_pool_get(req, resp, respond_mirroring);
}

const struct field_spec mirroring_fields[] = {
	{"mode", FIELD_STRING, 0},
	{"site_name", FIELD_STRING, 0},
	{NULL, 0, 0},
};

/* The answer for a failed change of the pool's site name or mode. */
static int configure_failed(struct response *resp, const char *pool, const char *site,
			    const char *mode_name, rbd_mirror_mode_t mode,
			    enum mirror_pool_step step, int r)
{
	if (step == MIRROR_POOL_SITE_NAME)
		return response_fail_errno(resp, r,
					   "setting the mirroring site name to \"%s\" failed", site);
	if (r == -EBUSY || (r == -EINVAL && mode == RBD_MIRROR_MODE_DISABLED))
		return response_fail(resp, -EBUSY,
				     "pool %s still has mirrored images or peers; disable mirroring on its images and remove its peers before setting mode disabled",
				     pool);
	if (r == -EINVAL)
		return response_fail(resp, -EBUSY,
				     "pool %s cannot change to mirroring mode %s with its images' current mirroring; disable mirroring on its images first",
				     pool, mode_name);
	return response_fail_errno(resp, r, "setting mirroring mode %s on pool %s failed",
				   mode_name, pool);
}

int api_mirroring_put(struct request *req, struct response *resp)
{
	struct json_object *body;
	const char *pool, *mode_name = NULL, *site = NULL;
	rbd_mirror_mode_t mode = RBD_MIRROR_MODE_DISABLED;
	enum mirror_pool_step step;
	rados_ioctx_t ioctx;
	rados_t cluster;
	int r;

	r = api_request_body(req, resp, mirroring_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "mode", &mode_name);
	json_in_string(body, "site_name", &site);
	if (!mode_name && !site)
		return response_fail(resp, -EINVAL,
				     "nothing to change: give \"mode\" (disabled, image or pool) and/or \"site_name\"");
	if (mode_name && mirror_mode_parse(mode_name, &mode) < 0)
		return response_fail(resp, -EINVAL,
				     "field \"mode\" must be \"disabled\", \"image\" or \"pool\", not \"%s\"",
				     mode_name);
	if (site && (site[0] == '\0' || strlen(site) > 250))
		return response_fail(resp, -EINVAL,
				     "field \"site_name\" must be 1 to 250 bytes (it names this cluster to its peers)");
	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	r = mirror_pool_configure(cluster, ioctx, site, mode_name ? &mode : NULL, &step);
	if (r < 0)
		return configure_failed(resp, pool, site, mode_name, mode, step, r);
	return respond_mirroring(resp, cluster, ioctx, pool);
}

int api_mirroring_token_create(struct request *req, struct response *resp)
{
	struct json_object *body;
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	char *token = NULL;
	int r;

	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	r = api_mirror_require_enabled(resp, ioctx, pool);
	if (r < 0)
		return r;
	r = mirror_pool_token_create(ioctx, &token);
	if (r < 0)
		return response_fail_errno(resp, r,
					   "creating a mirroring bootstrap token for pool %s failed",
					   pool);
	body = json_envelope("MirrorBootstrapToken");
	if (!body || json_add_string(body, "pool", pool) < 0 ||
	    json_add_string(body, "token", token) < 0) {
		free(token);
		json_object_put(body);
		return response_oom(resp);
	}
	free(token);
	response_json(resp, 200, body);
	return 0;
}

static int respond_peers(struct response *resp, rados_ioctx_t ioctx, const char *pool,
			 int status)
{
	struct json_object *items, *body = json_list_envelope("MirrorPeerList", &items);
	int r;

	if (!body)
		return response_oom(resp);
	r = mirror_peers_json(ioctx, items);
	if (r < 0) {
		json_object_put(body);
		return response_fail_errno(resp, r, "listing the mirroring peers of pool %s failed",
					   pool);
	}
	response_json(resp, status, body);
	return 0;
}

const struct field_spec import_fields[] = {
	{"token", FIELD_STRING, 1},
	{"direction", FIELD_STRING, 0},
	{NULL, 0, 0},
};

int api_mirroring_token_import(struct request *req, struct response *resp)
{
	rbd_mirror_peer_direction_t direction = RBD_MIRROR_PEER_DIRECTION_RX_TX;
	struct json_object *body;
	const char *pool, *token, *dir_name = NULL;
	rados_ioctx_t ioctx;
	rados_t cluster;
	int r;

	r = api_request_body(req, resp, import_fields, &body);
	if (r < 0)
		return r;
	json_in_string(body, "token", &token);
	json_in_string(body, "direction", &dir_name);
	/* tx-only makes no sense for an import: the token is how this site
	 * reaches the other to pull from it. */
	if (dir_name && (mirror_direction_parse(dir_name, &direction) < 0 ||
			 direction == RBD_MIRROR_PEER_DIRECTION_TX))
		return response_fail(resp, -EINVAL,
				     "field \"direction\" must be \"rx-only\" or \"rx-tx\", not \"%s\"",
				     dir_name);
	if (token[0] == '\0' || strlen(token) > TOKEN_MAX)
		return response_fail(resp, -EINVAL,
				     "field \"token\" must be the token another site's POST .../mirroring/bootstrap/token answered");
	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	r = api_mirror_require_enabled(resp, ioctx, pool);
	if (r < 0)
		return r;
	r = mirror_pool_token_import(ioctx, direction, token);
	if (r == -EINVAL)
		return response_fail(resp, r,
				     "field \"token\" is not a valid bootstrap token, or names this very cluster; create one on the peer site with POST .../mirroring/bootstrap/token");
	if (r < 0)
		return response_fail_errno(resp, r,
					   "importing the bootstrap token into pool %s failed (can this site reach the peer's monitors?)",
					   pool);
	return respond_peers(resp, ioctx, pool, 200);
}

static int list_peers(struct response *resp, rados_t cluster, rados_ioctx_t ioctx,
		      const char *pool)
{
	(void)cluster;
	return respond_peers(resp, ioctx, pool, 200);
}

int api_mirroring_peers_list(struct request *req, struct response *resp)
{
	return api_mirror_pool_get(req, resp, list_peers);
}

/* The MirrorPeer uuid of the pool, answered with status; 404 when the
 * pool has no such peer. */
static int respond_peer(struct response *resp, rados_ioctx_t ioctx, const char *pool,
			const char *uuid, int status)
{
	struct json_object *body = json_envelope("MirrorPeer");
	int r;

	if (!body)
		return response_oom(resp);
	r = mirror_peer_json(ioctx, uuid, body);
	if (r < 0) {
		json_object_put(body);
		if (r == -ENOENT)
			return response_fail(resp, r, "pool %s has no mirroring peer %s", pool,
					     uuid);
		return response_fail_errno(resp, r, "reading mirroring peer %s of pool %s failed",
					   uuid, pool);
	}
	response_json(resp, status, body);
	return 0;
}

/* 404 unless the pool has peer uuid (librbd's removal and changes of an
 * unknown uuid would answer otherwise or not at all). */
static int require_peer(struct response *resp, rados_ioctx_t ioctx, const char *pool,
			const char *uuid)
{
	struct json_object *scratch = json_object_new_object();
	int r;

	if (!scratch)
		return response_oom(resp);
	r = strlen(uuid) < UUID_MAX ? mirror_peer_json(ioctx, uuid, scratch) : -ENOENT;
	json_object_put(scratch);
	if (r == -ENOENT)
		return response_fail(resp, r, "pool %s has no mirroring peer %s", pool, uuid);
	if (r < 0)
		return response_fail_errno(resp, r, "reading mirroring peer %s of pool %s failed",
					   uuid, pool);
	return 0;
}

const struct field_spec peer_fields[] = {
	{"site_name", FIELD_STRING, 0},
	{"client_name", FIELD_STRING, 0},
	{"direction", FIELD_STRING, 0},
	{"mon_host", FIELD_STRING, 0},
	{"key", FIELD_STRING, 0},
	{NULL, 0, 0},
};

/* The peer fields of a POST or PATCH body, checked before any cluster
 * call. */
static int parse_peer(struct response *resp, struct json_object *body,
		      struct mirror_peer_fields *c)
{
	const char *text_fields[] = {"site_name", "client_name", "mon_host", "key"};
	const char **values[] = {&c->site_name, &c->client_name, &c->mon_host, &c->key};
	const char *direction_name = NULL;

	memset(c, 0, sizeof(*c));
	c->direction = RBD_MIRROR_PEER_DIRECTION_RX_TX;
	for (size_t i = 0; i < 4; i++) {
		json_in_string(body, text_fields[i], values[i]);
		if (*values[i] && ((*values[i])[0] == '\0' || strlen(*values[i]) > 1024))
			return response_fail(resp, -EINVAL, "field \"%s\" must be 1 to 1024 bytes",
					     text_fields[i]);
	}
	json_in_string(body, "direction", &direction_name);
	c->has_direction = direction_name != NULL;
	if (direction_name && mirror_direction_parse(direction_name, &c->direction) < 0)
		return response_fail(resp, -EINVAL,
				     "field \"direction\" must be \"rx-only\", \"tx-only\" or \"rx-tx\", not \"%s\"",
				     direction_name);
	/* librbd stores the two as one record, replaced whole. */
	if (!c->mon_host != !c->key)
		return response_fail(resp, -EINVAL,
				     "fields \"mon_host\" and \"key\" go together: give both or neither");
	if (c->client_name && strncmp(c->client_name, "client.", 7) != 0)
		return response_fail(resp, -EINVAL,
				     "field \"client_name\" must be a cephx client name such as \"client.rbd-mirror-peer\", not \"%s\"",
				     c->client_name);
	return 0;
}

int api_mirroring_peer_create(struct request *req, struct response *resp)
{
	enum mirror_pool_step step;
	struct mirror_peer_fields c;
	struct json_object *body;
	char uuid[UUID_MAX];
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	int r;

	r = api_request_body(req, resp, peer_fields, &body);
	if (r < 0)
		return r;
	r = parse_peer(resp, body, &c);
	if (r < 0)
		return r;
	if (!c.site_name)
		return response_fail(resp, -EINVAL,
				     "field \"site_name\" is required: the peer cluster's mirroring site name");
	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	r = api_mirror_require_enabled(resp, ioctx, pool);
	if (r < 0)
		return r;
	r = mirror_peer_add(ioctx, &c, uuid, sizeof(uuid), &step);
	if (r < 0 && step == MIRROR_POOL_PEER_ADDRESS)
		return response_fail_errno(resp, r,
					   "storing the address and key of mirroring peer %s failed",
					   c.site_name);
	if (r == -EEXIST)
		return response_fail(resp, r, "pool %s already has a mirroring peer named %s", pool,
				     c.site_name);
	if (r == -EINVAL)
		return response_fail(resp, r,
				     "site_name \"%s\" is this cluster's own site name; a peer must be another site",
				     c.site_name);
	if (r < 0)
		return response_fail_errno(resp, r, "adding mirroring peer %s to pool %s failed",
					   c.site_name, pool);
	r = response_set_location(resp, "/api/v1/pools/%s/mirroring/peers/%s", pool, uuid);
	if (r < 0)
		return r;
	return respond_peer(resp, ioctx, pool, uuid, 201);
}

/* The start of a handler of one peer: the pool's io context and the
 * {uuid} capture, 404 when the pool has no such peer. */
static int peer_request(struct request *req, struct response *resp, const char **pool,
			rados_ioctx_t *ioctx, const char **uuid)
{
	rados_t cluster;
	int r;

	*uuid = request_capture(req, "uuid");
	r = api_mirror_pool_request(req, resp, pool, &cluster, ioctx);
	if (r < 0)
		return r;
	return require_peer(resp, *ioctx, *pool, *uuid);
}

int api_mirroring_peer_get(struct request *req, struct response *resp)
{
	const char *pool, *uuid;
	rados_ioctx_t ioctx;
	int r;

	r = peer_request(req, resp, &pool, &ioctx, &uuid);
	if (r < 0)
		return r;
	return respond_peer(resp, ioctx, pool, uuid, 200);
}

int api_mirroring_peer_patch(struct request *req, struct response *resp)
{
	struct mirror_peer_fields c;
	struct json_object *body;
	const char *pool, *uuid;
	rados_ioctx_t ioctx;
	int r;

	r = api_request_body(req, resp, peer_fields, &body);
	if (r < 0)
		return r;
	r = parse_peer(resp, body, &c);
	if (r < 0)
		return r;
	if (!c.site_name && !c.client_name && !c.has_direction && !c.mon_host && !c.key)
		return response_fail(resp, -EINVAL,
				     "nothing to change: give site_name, client_name, direction, mon_host and/or key");
	r = peer_request(req, resp, &pool, &ioctx, &uuid);
	if (r < 0)
		return r;
	r = mirror_peer_change(ioctx, uuid, &c);
	if (r == -EEXIST)
		return response_fail(resp, r, "pool %s already has a mirroring peer named %s", pool,
				     c.site_name);
	if (r < 0)
		return response_fail_errno(resp, r, "changing mirroring peer %s of pool %s failed",
					   uuid, pool);
	return respond_peer(resp, ioctx, pool, uuid, 200);
}

int api_mirroring_peer_delete(struct request *req, struct response *resp)
{
	const char *pool, *uuid;
	rados_ioctx_t ioctx;
	int r;

	r = peer_request(req, resp, &pool, &ioctx, &uuid);
	if (r < 0)
		return r;
	r = mirror_peer_remove(ioctx, uuid);
	if (r < 0 && r != -ENOENT)
		return response_fail_errno(resp, r, "removing mirroring peer %s of pool %s failed",
					   uuid, pool);
	resp->status = 204;
	return 0;
}

/* The status summary: the pool's mode, its images' states and the
 * rbd-mirror daemons' reports, and the worse of their healths. */
static int respond_status(struct response *resp, rados_t cluster, rados_ioctx_t ioctx,
			  const char *pool)
{
	struct json_object *body, *daemons, *image_health;
	const char *daemon_health;
	int r;

	body = json_envelope("MirrorStatus");
	daemons = json_object_new_array();
	if (!body || !daemons || json_add_string(body, "pool", pool) < 0) {
		json_object_put(daemons);
		json_object_put(body);
		return response_oom(resp);
	}
	r = mirror_pool_json(cluster, ioctx, body);
	if (r == 0)
		r = mirror_summary_json(ioctx, body);
	if (r < 0) {
		json_object_put(daemons);
		json_object_put(body);
		return response_fail_errno(resp, r, "reading the mirroring status of pool %s failed",
					   pool);
	}
	daemon_health = mirror_daemons_json(cluster, ioctx, daemons);
	json_object_object_get_ex(body, "image_health", &image_health);
	if (json_add_string(body, "daemon_health", daemon_health) < 0 ||
	    json_add_string(body, "health",
			    mirror_health_worse(daemon_health,
						json_object_get_string(image_health))) < 0) {
		json_object_put(daemons);
		json_object_put(body);
		return response_oom(resp);
	}
	json_object_object_add(body, "daemons", daemons);
	response_json(resp, 200, body);
	return 0;
}

int api_mirroring_status(struct request *req, struct response *resp)
{
	return api_mirror_pool_get(req, resp, respond_status);
}
