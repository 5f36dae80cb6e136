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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_mirroring.h"
#include "json_out.h"
#include "mirror_json.h"
#include "mon.h"
#include "routes.h"

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

int api_mirror_require_enabled(struct response *resp, rados_ioctx_t ioctx, const char *pool)
{
	rbd_mirror_mode_t mode;
	int r = rbd_mirror_mode_get(ioctx, &mode);

	if (r < 0)
		return response_fail_errno(resp, r, "reading the mirroring mode of pool %s failed",
					   pool);
	/* librbd's EINVAL for it: 400, as the contract maps EINVAL. */
	if (mode == RBD_MIRROR_MODE_DISABLED)
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
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	int r;

	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	return respond_mirroring(resp, cluster, ioctx, pool);
}

const struct field_spec mirroring_fields[] = {
	{"mode", FIELD_STRING, 0},
	{"site_name", FIELD_STRING, 0},
	{NULL, 0, 0},
};

int api_mirroring_put(struct request *req, struct response *resp)
{
	struct json_object *body = NULL;
	const char *pool, *mode_name = NULL, *site = NULL;
	rbd_mirror_mode_t mode = RBD_MIRROR_MODE_DISABLED;
	rados_ioctx_t ioctx;
	rados_t cluster;
	int r;

	r = api_body(req, resp, mirroring_fields, &body);
	if (r < 0)
		goto out;
	json_in_string(body, "mode", &mode_name);
	json_in_string(body, "site_name", &site);
	if (!mode_name && !site) {
		r = response_fail(resp, -EINVAL,
				  "nothing to change: give \"mode\" (disabled, image or pool) and/or \"site_name\"");
		goto out;
	}
	if (mode_name && mirror_mode_parse(mode_name, &mode) < 0) {
		r = response_fail(resp, -EINVAL,
				  "field \"mode\" must be \"disabled\", \"image\" or \"pool\", not \"%s\"",
				  mode_name);
		goto out;
	}
	if (site && (site[0] == '\0' || strlen(site) > 250)) {
		r = response_fail(resp, -EINVAL,
				  "field \"site_name\" must be 1 to 250 bytes (it names this cluster to its peers)");
		goto out;
	}
	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		goto out;
	/* The site name first: it cannot fail on the pool's state, so a
	 * refused mode change leaves nothing half-done but the name. */
	if (site) {
		r = rbd_mirror_site_name_set(cluster, site);
		if (r < 0) {
			response_fail_errno(resp, r, "setting the mirroring site name to \"%s\" failed",
					    site);
			goto out;
		}
	}
	if (mode_name) {
		r = rbd_mirror_mode_set(ioctx, mode);
		if (r == -EBUSY || (r == -EINVAL && mode == RBD_MIRROR_MODE_DISABLED)) {
			response_fail(resp, -EBUSY,
				      "pool %s still has mirrored images or peers; disable mirroring on its images and remove its peers before setting mode disabled",
				      pool);
			goto out;
		}
		if (r == -EINVAL) {
			response_fail(resp, -EBUSY,
				      "pool %s cannot change to mirroring mode %s with its images' current mirroring; disable mirroring on its images first",
				      pool, mode_name);
			goto out;
		}
		if (r < 0) {
			response_fail_errno(resp, r, "setting mirroring mode %s on pool %s failed",
					    mode_name, pool);
			goto out;
		}
	}
	r = respond_mirroring(resp, cluster, ioctx, pool);
out:
	json_object_put(body);
	return r;
}

int api_mirroring_token_create(struct request *req, struct response *resp)
{
	struct json_object *body;
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	char *token = NULL;
	size_t len = TOKEN_MAX;
	int r;

	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	r = api_mirror_require_enabled(resp, ioctx, pool);
	if (r < 0)
		return r;
	token = malloc(len);
	if (!token)
		return response_oom(resp);
	r = rbd_mirror_peer_bootstrap_create(ioctx, token, &len);
	if (r < 0) {
		free(token);
		return response_fail_errno(resp, r,
					   "creating a mirroring bootstrap token for pool %s failed",
					   pool);
	}
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
	struct json_object *body = NULL;
	const char *pool, *token, *dir_name = NULL;
	rados_ioctx_t ioctx;
	rados_t cluster;
	int r;

	r = api_body(req, resp, import_fields, &body);
	if (r < 0)
		goto out;
	json_in_string(body, "token", &token);
	json_in_string(body, "direction", &dir_name);
	/* tx-only makes no sense for an import: the token is how this site
	 * reaches the other to pull from it. */
	if (dir_name && (mirror_direction_parse(dir_name, &direction) < 0 ||
			 direction == RBD_MIRROR_PEER_DIRECTION_TX)) {
		r = response_fail(resp, -EINVAL,
				  "field \"direction\" must be \"rx-only\" or \"rx-tx\", not \"%s\"",
				  dir_name);
		goto out;
	}
	if (token[0] == '\0' || strlen(token) > TOKEN_MAX) {
		r = response_fail(resp, -EINVAL,
				  "field \"token\" must be the token another site's POST .../mirroring/bootstrap/token answered");
		goto out;
	}
	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		goto out;
	r = api_mirror_require_enabled(resp, ioctx, pool);
	if (r < 0)
		goto out;
	r = rbd_mirror_peer_bootstrap_import(ioctx, direction, token);
	if (r == -EINVAL) {
		response_fail(resp, r,
			      "field \"token\" is not a valid bootstrap token, or names this very cluster; create one on the peer site with POST .../mirroring/bootstrap/token");
		goto out;
	}
	if (r < 0) {
		response_fail_errno(resp, r,
				    "importing the bootstrap token into pool %s failed (can this site reach the peer's monitors?)",
				    pool);
		goto out;
	}
	r = respond_peers(resp, ioctx, pool, 200);
out:
	json_object_put(body);
	return r;
}

int api_mirroring_peers_list(struct request *req, struct response *resp)
{
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	int r;

	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	return respond_peers(resp, ioctx, pool, 200);
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

/* The peer fields of a POST or PATCH body, checked before any cluster call. */
struct peer_change {
	const char *site_name, *client_name, *direction_name, *mon_host, *key;
	rbd_mirror_peer_direction_t direction;
};

static int parse_peer(struct response *resp, struct json_object *body, struct peer_change *c)
{
	const char *text_fields[] = {"site_name", "client_name", "mon_host", "key"};
	const char **values[] = {&c->site_name, &c->client_name, &c->mon_host, &c->key};

	memset(c, 0, sizeof(*c));
	c->direction = RBD_MIRROR_PEER_DIRECTION_RX_TX;
	for (size_t i = 0; i < 4; i++) {
		json_in_string(body, text_fields[i], values[i]);
		if (*values[i] && ((*values[i])[0] == '\0' || strlen(*values[i]) > 1024))
			return response_fail(resp, -EINVAL, "field \"%s\" must be 1 to 1024 bytes",
					     text_fields[i]);
	}
	json_in_string(body, "direction", &c->direction_name);
	if (c->direction_name && mirror_direction_parse(c->direction_name, &c->direction) < 0)
		return response_fail(resp, -EINVAL,
				     "field \"direction\" must be \"rx-only\", \"tx-only\" or \"rx-tx\", not \"%s\"",
				     c->direction_name);
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

/* Sets the peer's monitor address and key (kept in the cluster's
 * config-key store, never shown again). */
static int set_peer_attributes(rados_ioctx_t ioctx, const char *uuid,
			       const struct peer_change *c)
{
	const char *mon_host = RBD_MIRROR_PEER_ATTRIBUTE_NAME_MON_HOST;
	const char *key = RBD_MIRROR_PEER_ATTRIBUTE_NAME_KEY;
	size_t klen = strlen(mon_host) + 1 + strlen(key) + 1;
	size_t vlen = (c->mon_host ? strlen(c->mon_host) : 0) + 1 + (c->key ? strlen(c->key) : 0) + 1;
	char *keys = malloc(klen), *values = malloc(vlen);
	size_t n = 0, kused = 0, vused = 0;
	int r;

	if (!keys || !values) {
		free(keys);
		free(values);
		return -ENOMEM;
	}
	/* librbd takes NUL-separated lists. */
	if (c->mon_host) {
		memcpy(keys + kused, mon_host, strlen(mon_host) + 1);
		kused += strlen(mon_host) + 1;
		memcpy(values + vused, c->mon_host, strlen(c->mon_host) + 1);
		vused += strlen(c->mon_host) + 1;
		n++;
	}
	if (c->key) {
		memcpy(keys + kused, key, strlen(key) + 1);
		memcpy(values + vused, c->key, strlen(c->key) + 1);
		n++;
	}
	r = n ? rbd_mirror_peer_site_set_attributes(ioctx, uuid, keys, values, n) : 0;
	free(keys);
	free(values);
	return r;
}

int api_mirroring_peer_create(struct request *req, struct response *resp)
{
	struct json_object *body = NULL;
	struct peer_change c;
	char uuid[UUID_MAX];
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	int r;

	r = api_body(req, resp, peer_fields, &body);
	if (r < 0)
		goto out;
	r = parse_peer(resp, body, &c);
	if (r < 0)
		goto out;
	if (!c.site_name) {
		r = response_fail(resp, -EINVAL,
				  "field \"site_name\" is required: the peer cluster's mirroring site name");
		goto out;
	}
	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		goto out;
	r = api_mirror_require_enabled(resp, ioctx, pool);
	if (r < 0)
		goto out;
	r = rbd_mirror_peer_site_add(ioctx, uuid, sizeof(uuid), c.direction, c.site_name,
				     c.client_name ? c.client_name : "client.rbd-mirror-peer");
	if (r == -EEXIST) {
		response_fail(resp, r, "pool %s already has a mirroring peer named %s", pool,
			      c.site_name);
		goto out;
	}
	if (r == -EINVAL) {
		response_fail(resp, r,
			      "site_name \"%s\" is this cluster's own site name; a peer must be another site",
			      c.site_name);
		goto out;
	}
	if (r < 0) {
		response_fail_errno(resp, r, "adding mirroring peer %s to pool %s failed",
				    c.site_name, pool);
		goto out;
	}
	r = set_peer_attributes(ioctx, uuid, &c);
	if (r < 0) {
		/* Nothing half-made: a peer without its address is useless. */
		rbd_mirror_peer_site_remove(ioctx, uuid);
		response_fail_errno(resp, r, "storing the address and key of mirroring peer %s failed",
				    c.site_name);
		goto out;
	}
	r = response_set_location(resp, "/api/v1/pools/%s/mirroring/peers/%s", pool, uuid);
	if (r == 0)
		r = respond_peer(resp, ioctx, pool, uuid, 201);
out:
	json_object_put(body);
	return r;
}

int api_mirroring_peer_get(struct request *req, struct response *resp)
{
	const char *uuid = request_capture(req, "uuid");
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	int r;

	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	r = require_peer(resp, ioctx, pool, uuid);
	if (r < 0)
		return r;
	return respond_peer(resp, ioctx, pool, uuid, 200);
}

int api_mirroring_peer_patch(struct request *req, struct response *resp)
{
	const char *uuid = request_capture(req, "uuid");
	struct json_object *body = NULL;
	struct peer_change c;
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	int r;

	r = api_body(req, resp, peer_fields, &body);
	if (r < 0)
		goto out;
	r = parse_peer(resp, body, &c);
	if (r < 0)
		goto out;
	if (!c.site_name && !c.client_name && !c.direction_name && !c.mon_host && !c.key) {
		r = response_fail(resp, -EINVAL,
				  "nothing to change: give site_name, client_name, direction, mon_host and/or key");
		goto out;
	}
	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		goto out;
	r = require_peer(resp, ioctx, pool, uuid);
	if (r < 0)
		goto out;
	if (c.site_name)
		r = rbd_mirror_peer_site_set_name(ioctx, uuid, c.site_name);
	if (r == 0 && c.client_name)
		r = rbd_mirror_peer_site_set_client_name(ioctx, uuid, c.client_name);
	if (r == 0 && c.direction_name)
		r = rbd_mirror_peer_site_set_direction(ioctx, uuid, c.direction);
	if (r == 0)
		r = set_peer_attributes(ioctx, uuid, &c);
	if (r == -EEXIST) {
		response_fail(resp, r, "pool %s already has a mirroring peer named %s", pool,
			      c.site_name);
		goto out;
	}
	if (r < 0) {
		response_fail_errno(resp, r, "changing mirroring peer %s of pool %s failed", uuid,
				    pool);
		goto out;
	}
	r = respond_peer(resp, ioctx, pool, uuid, 200);
out:
	json_object_put(body);
	return r;
}

int api_mirroring_peer_delete(struct request *req, struct response *resp)
{
	const char *uuid = request_capture(req, "uuid");
	rados_ioctx_t ioctx;
	rados_t cluster;
	const char *pool;
	int r;

	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
	r = require_peer(resp, ioctx, pool, uuid);
	if (r < 0)
		return r;
	r = rbd_mirror_peer_site_remove(ioctx, uuid);
	if (r < 0 && r != -ENOENT)
		return response_fail_errno(resp, r, "removing mirroring peer %s of pool %s failed",
					   uuid, pool);
	resp->status = 204;
	return 0;
}

/* The manager's answer to prefix (with format json), parsed; NULL when
 * it has none (no manager, no permission): the summary then lacks what
 * it would have said. */
static struct json_object *mgr_json(rados_t cluster, const char *prefix)
{
	struct json_object *parsed = NULL;
	struct mgr_reply reply;
	int r = mgr_call(cluster, prefix, "format", "json", &reply);

	if (r == 0)
		parsed = json_tokener_parse(reply.out);
	if (r != -ENOMEM)
		mgr_reply_free(&reply);
	return parsed;
}

/* A daemon's own report about the pool (pool_key = its id), from the
 * service status map, where rbd-mirror puts it as a JSON text. Adds
 * "leader" and "health" to daemon and returns the health, or NULL when
 * it made no report on this pool. */
static const char *add_daemon_report(struct json_object *statuses, const char *gid,
				     const char *pool_key, struct json_object *daemon)
{
	struct json_object *entry, *status, *report = NULL, *pool_report, *leader, *callouts;
	const char *text, *health = NULL;

	if (!json_object_object_get_ex(statuses, gid, &entry) ||
	    !json_object_object_get_ex(entry, "status", &status) ||
	    !(text = json_in_get_string(status, "json")) || !(report = json_tokener_parse(text)) ||
	    !json_object_object_get_ex(report, pool_key, &pool_report)) {
		json_object_put(report);
		return NULL;
	}
	health = "OK";
	if (json_object_object_get_ex(pool_report, "leader", &leader))
		json_add_bool(daemon, "leader", json_object_get_boolean(leader));
	if (json_object_object_get_ex(pool_report, "callouts", &callouts) &&
	    json_object_is_type(callouts, json_type_object)) {
		struct json_object *texts = json_object_new_array();

		json_object_object_foreach(callouts, id, callout)
		{
			const char *level = json_in_get_string(callout, "level");
			const char *what = json_in_get_string(callout, "text");

			(void)id;
			if (level && strcmp(level, "error") == 0)
				health = "ERROR";
			else if (level && strcmp(level, "warning") == 0 && strcmp(health, "OK") == 0)
				health = "WARNING";
			if (texts && what)
				json_array_take(texts, json_object_new_string(what));
		}
		if (texts)
			json_object_object_add(daemon, "callouts", texts);
	}
	json_add_string(daemon, "health", health);
	json_object_put(report);
	return health;
}

static const char *worse(const char *a, const char *b);

/* The rbd-mirror daemons the manager's service map knows, appended to
 * daemons. Returns the worst health they report on the pool: "WARNING"
 * when none runs or none reports on it. */
static const char *add_daemons(rados_t cluster, int64_t pool_id, struct json_object *daemons)
{
	struct json_object *dump = mgr_json(cluster, "service dump");
	struct json_object *statuses = mgr_json(cluster, "service status");
	struct json_object *services, *mirror, *list, *mirror_statuses = NULL;
	const char *health = NULL;
	char pool_key[24];

	snprintf(pool_key, sizeof(pool_key), "%lld", (long long)pool_id);
	if (statuses)
		json_object_object_get_ex(statuses, "rbd-mirror", &mirror_statuses);
	if (!dump || !json_object_object_get_ex(dump, "services", &services) ||
	    !json_object_object_get_ex(services, "rbd-mirror", &mirror) ||
	    !json_object_object_get_ex(mirror, "daemons", &list) ||
	    !json_object_is_type(list, json_type_object)) {
		json_object_put(dump);
		json_object_put(statuses);
		return "WARNING";
	}
	json_object_object_foreach(list, gid, entry)
	{
		struct json_object *daemon, *meta = NULL;
		const char *daemon_health;

		if (!json_object_is_type(entry, json_type_object))
			continue;   /* the "summary" string */
		daemon = json_object_new_object();
		if (!daemon)
			break;
		json_object_object_get_ex(entry, "metadata", &meta);
		json_add_string(daemon, "instance_id", gid);
		json_add_string(daemon, "client_id", json_in_get_string(meta, "id") ?: "");
		json_add_string(daemon, "hostname", json_in_get_string(meta, "hostname") ?: "");
		json_add_string(daemon, "version",
				json_in_get_string(meta, "ceph_version_short") ?: "");
		daemon_health = mirror_statuses
					? add_daemon_report(mirror_statuses, gid, pool_key, daemon)
					: NULL;
		if (daemon_health)
			health = health ? worse(health, daemon_health) : daemon_health;
		if (json_array_take(daemons, daemon) < 0)
			break;
	}
	json_object_put(dump);
	json_object_put(statuses);
	return health ? health : "WARNING";
}

static const char *worse(const char *a, const char *b)
{
	if (strcmp(a, "ERROR") == 0 || strcmp(b, "ERROR") == 0)
		return "ERROR";
	if (strcmp(a, "WARNING") == 0 || strcmp(b, "WARNING") == 0)
		return "WARNING";
	return "OK";
}

int api_mirroring_status(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *daemons = NULL, *image_health;
	const char *pool, *daemon_health;
	rados_ioctx_t ioctx;
	rados_t cluster;
	int r;

	r = api_mirror_pool_request(req, resp, &pool, &cluster, &ioctx);
	if (r < 0)
		return r;
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
	daemon_health = add_daemons(cluster, rados_ioctx_get_id(ioctx), daemons);
	json_object_object_get_ex(body, "image_health", &image_health);
	if (json_add_string(body, "daemon_health", daemon_health) < 0 ||
	    json_add_string(body, "health",
			    worse(daemon_health, json_object_get_string(image_health))) < 0) {
		json_object_put(daemons);
		json_object_put(body);
		return response_oom(resp);
	}
	json_object_object_add(body, "daemons", daemons);
	response_json(resp, 200, body);
	return 0;
}
