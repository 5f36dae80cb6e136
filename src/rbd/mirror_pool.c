/* SPDX-License-Identifier: Apache-2.0 */
/* mirror_pool.c - the changes of a pool's mirroring (see mirror_pool.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceph.h"
#include "json_in.h"
#include "json_out.h"
#include "mirror_pool.h"
#include "mon.h"

int mirror_pool_enabled(rados_ioctx_t ioctx, int *enabled)
{
	rbd_mirror_mode_t mode;
	int r = rbd_mirror_mode_get(ioctx, &mode);

	*enabled = r == 0 && mode != RBD_MIRROR_MODE_DISABLED;
	return r;
}

int mirror_pool_configure(rados_t cluster, rados_ioctx_t ioctx, const char *site,
			  const rbd_mirror_mode_t *mode, enum mirror_pool_step *step)
{
	int r;

	*step = MIRROR_POOL_SITE_NAME;
	if (site) {
		r = rbd_mirror_site_name_set(cluster, site);
		if (r < 0)
			return r;
	}
	*step = MIRROR_POOL_MODE;
	return mode ? rbd_mirror_mode_set(ioctx, *mode) : 0;
}

/* ceph_read_list's kind of call, for a bootstrap token. */
static int token_create(void *ioctx, char *buf, size_t *len)
{
	return rbd_mirror_peer_bootstrap_create((rados_ioctx_t)ioctx, buf, len);
}

int mirror_pool_token_create(rados_ioctx_t ioctx, char **token)
{
	size_t len;

	return ceph_read_list(token_create, ioctx, token, &len);
}

int mirror_pool_token_import(rados_ioctx_t ioctx, rbd_mirror_peer_direction_t direction,
			     const char *token)
{
	return rbd_mirror_peer_bootstrap_import(ioctx, direction, token);
}

/* Sets the peer's monitor address and key, when given. */
static int set_peer_attributes(rados_ioctx_t ioctx, const char *uuid,
			       const struct mirror_peer_fields *c)
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

int mirror_peer_add(rados_ioctx_t ioctx, const struct mirror_peer_fields *peer, char *uuid,
		    size_t uuidlen, enum mirror_pool_step *step)
{
	int r;

	*step = MIRROR_POOL_PEER_ADD;
	r = rbd_mirror_peer_site_add(ioctx, uuid, uuidlen,
				     peer->has_direction ? peer->direction
							 : RBD_MIRROR_PEER_DIRECTION_RX_TX,
				     peer->site_name,
				     peer->client_name ? peer->client_name : "client.rbd-mirror-peer");
	if (r < 0)
		return r;
	*step = MIRROR_POOL_PEER_ADDRESS;
	r = set_peer_attributes(ioctx, uuid, peer);
	/* A peer without its address is useless. */
	if (r < 0)
		rbd_mirror_peer_site_remove(ioctx, uuid);
	return r;
}

int mirror_peer_change(rados_ioctx_t ioctx, const char *uuid,
		       const struct mirror_peer_fields *peer)
{
	int r = 0;

	if (peer->site_name)
		r = rbd_mirror_peer_site_set_name(ioctx, uuid, peer->site_name);
	if (r == 0 && peer->client_name)
		r = rbd_mirror_peer_site_set_client_name(ioctx, uuid, peer->client_name);
	if (r == 0 && peer->has_direction)
		r = rbd_mirror_peer_site_set_direction(ioctx, uuid, peer->direction);
	if (r == 0)
		r = set_peer_attributes(ioctx, uuid, peer);
	return r;
}

int mirror_peer_remove(rados_ioctx_t ioctx, const char *uuid)
{
	return rbd_mirror_peer_site_remove(ioctx, uuid);
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

const char *mirror_daemons_json(rados_t cluster, rados_ioctx_t ioctx, struct json_object *daemons)
{
	int64_t pool_id = rados_ioctx_get_id(ioctx);
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
			health = health ? mirror_health_worse(health, daemon_health) : daemon_health;
		if (json_array_take(daemons, daemon) < 0)
			break;
	}
	json_object_put(dump);
	json_object_put(statuses);
	return health ? health : "WARNING";
}

const char *mirror_health_worse(const char *a, const char *b)
{
	if (strcmp(a, "ERROR") == 0 || strcmp(b, "ERROR") == 0)
		return "ERROR";
	if (strcmp(a, "WARNING") == 0 || strcmp(b, "WARNING") == 0)
		return "WARNING";
	return "OK";
}

