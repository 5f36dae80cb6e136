/* SPDX-License-Identifier: Apache-2.0 */
/* mirror_json.c - RBD mirroring as the API shows it (see mirror_json.h).
 * The names are those of the rbd CLI (`rbd mirror pool info`, `rbd
 * mirror image status`), so what a person reads here matches Ceph's own
 * documentation. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ceph.h"
#include "json_out.h"
#include "mirror_json.h"

#define PEERS_MAX 64

static const char *const mode_names[] = {
	[RBD_MIRROR_MODE_DISABLED] = "disabled",
	[RBD_MIRROR_MODE_IMAGE] = "image",
	[RBD_MIRROR_MODE_POOL] = "pool",
};

static const char *const direction_names[] = {
	[RBD_MIRROR_PEER_DIRECTION_RX] = "rx-only",
	[RBD_MIRROR_PEER_DIRECTION_TX] = "tx-only",
	[RBD_MIRROR_PEER_DIRECTION_RX_TX] = "rx-tx",
};

static const char *const image_mode_names[] = {
	[RBD_MIRROR_IMAGE_MODE_JOURNAL] = "journal",
	[RBD_MIRROR_IMAGE_MODE_SNAPSHOT] = "snapshot",
};

static const char *const state_names[] = {
	[MIRROR_IMAGE_STATUS_STATE_UNKNOWN] = "unknown",
	[MIRROR_IMAGE_STATUS_STATE_ERROR] = "error",
	[MIRROR_IMAGE_STATUS_STATE_SYNCING] = "syncing",
	[MIRROR_IMAGE_STATUS_STATE_STARTING_REPLAY] = "starting_replay",
	[MIRROR_IMAGE_STATUS_STATE_REPLAYING] = "replaying",
	[MIRROR_IMAGE_STATUS_STATE_STOPPING_REPLAY] = "stopping_replay",
	[MIRROR_IMAGE_STATUS_STATE_STOPPED] = "stopped",
};

#define NAMES(a) (sizeof(a) / sizeof(a[0]))

static const char *name_of(const char *const *names, size_t n, unsigned value)
{
	return value < n && names[value] ? names[value] : "unknown";
}

static int parse_name(const char *const *names, size_t n, const char *name, unsigned *value)
{
	for (size_t i = 0; i < n; i++) {
		if (names[i] && strcmp(names[i], name) == 0) {
			*value = (unsigned)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *mirror_mode_name(rbd_mirror_mode_t mode)
{
	return name_of(mode_names, NAMES(mode_names), mode);
}

int mirror_mode_parse(const char *name, rbd_mirror_mode_t *mode)
{
	unsigned v;
	int r = parse_name(mode_names, NAMES(mode_names), name, &v);

	if (r == 0)
		*mode = (rbd_mirror_mode_t)v;
	return r;
}

const char *mirror_direction_name(rbd_mirror_peer_direction_t direction)
{
	return name_of(direction_names, NAMES(direction_names), direction);
}

int mirror_direction_parse(const char *name, rbd_mirror_peer_direction_t *direction)
{
	unsigned v;
	int r = parse_name(direction_names, NAMES(direction_names), name, &v);

	if (r == 0)
		*direction = (rbd_mirror_peer_direction_t)v;
	return r;
}

const char *mirror_image_mode_name(rbd_mirror_image_mode_t mode)
{
	return name_of(image_mode_names, NAMES(image_mode_names), mode);
}

int mirror_image_mode_parse(const char *name, rbd_mirror_image_mode_t *mode)
{
	unsigned v;
	int r = parse_name(image_mode_names, NAMES(image_mode_names), name, &v);

	if (r == 0)
		*mode = (rbd_mirror_image_mode_t)v;
	return r;
}

const char *mirror_state_name(rbd_mirror_image_status_state_t state)
{
	return name_of(state_names, NAMES(state_names), state);
}

/* An epoch time as RFC 3339, or null when the cluster has none (0). */
static int add_epoch(struct json_object *obj, const char *key, time_t when)
{
	struct timespec ts = {when, 0};

	if (when <= 0) {
		json_object_object_add(obj, key, NULL);
		return 0;
	}
	return json_add_time(obj, key, &ts);
}

static int site_name(void *cluster, char *buf, size_t *len)
{
	return rbd_mirror_site_name_get(cluster, buf, len);
}

int mirror_pool_json(rados_t cluster, rados_ioctx_t ioctx, struct json_object *obj)
{
	rbd_mirror_mode_t mode;
	char *site = NULL;
	size_t site_len;
	int r;

	r = rbd_mirror_mode_get(ioctx, &mode);
	if (r < 0)
		return r;
	/* Set with the CLI, it may be longer than the API takes. */
	r = ceph_read_list(site_name, cluster, &site, &site_len);
	if (r < 0)
		return r;
	r = json_add_string(obj, "mode", mirror_mode_name(mode));
	if (r == 0)
		r = json_add_string(obj, "site_name", site);
	free(site);
	return r;
}

static int peer_site_json(const rbd_mirror_peer_site_t *peer, struct json_object *obj)
{
	int r = json_add_string(obj, "uuid", peer->uuid);

	if (r == 0)
		r = json_add_text(obj, "site_name", peer->site_name);
	if (r == 0)
		r = json_add_string(obj, "direction", mirror_direction_name(peer->direction));
	if (r == 0)
		r = json_add_text(obj, "client_name", peer->client_name);
	if (r == 0)
		r = json_add_string(obj, "mirror_uuid", peer->mirror_uuid);
	/* librbd 16.2 leaves last_seen uninitialised for a peer that never
	 * checked in (seen as stack garbage): anything but a time between
	 * 2000 and tomorrow is "never". */
	if (r == 0)
		r = add_epoch(obj, "last_seen",
			      peer->last_seen > 946684800 && peer->last_seen < time(NULL) + 86400
				      ? peer->last_seen
				      : 0);
	return r;
}

/* The pool's peers; the caller frees them with rbd_mirror_peer_site_list_cleanup. */
static int list_peers(rados_ioctx_t ioctx, rbd_mirror_peer_site_t *peers, int *count)
{
	*count = PEERS_MAX;
	return rbd_mirror_peer_site_list(ioctx, peers, count);
}

int mirror_peers_json(rados_ioctx_t ioctx, struct json_object *items)
{
	rbd_mirror_peer_site_t peers[PEERS_MAX];
	int count, r;

	r = list_peers(ioctx, peers, &count);
	if (r < 0)
		return r;
	for (int i = 0; r == 0 && i < count; i++) {
		struct json_object *item = json_envelope("MirrorPeer");

		r = item ? peer_site_json(&peers[i], item) : -ENOMEM;
		if (r == 0)
			r = json_array_take(items, item);
		else
			json_object_put(item);
	}
	rbd_mirror_peer_site_list_cleanup(peers, count);
	return r;
}

int mirror_peer_json(rados_ioctx_t ioctx, const char *uuid, struct json_object *obj)
{
	rbd_mirror_peer_site_t peers[PEERS_MAX];
	int count, r;

	r = list_peers(ioctx, peers, &count);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (int i = 0; i < count; i++)
		if (strcmp(peers[i].uuid, uuid) == 0)
			r = peer_site_json(&peers[i], obj);
	rbd_mirror_peer_site_list_cleanup(peers, count);
	return r;
}

int mirror_summary_json(rados_ioctx_t ioctx, struct json_object *obj)
{
	rbd_mirror_image_status_state_t states[NAMES(state_names)];
	int counts[NAMES(state_names)];
	size_t n = NAMES(state_names);
	struct json_object *by_state;
	const char *health = "OK";
	uint64_t total = 0;
	int r;

	r = rbd_mirror_image_status_summary(ioctx, states, counts, &n);
	if (r < 0)
		return r;
	by_state = json_object_new_object();
	if (!by_state)
		return -ENOMEM;
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = json_add_u64(by_state, mirror_state_name(states[i]), (uint64_t)counts[i]);
		total += (uint64_t)counts[i];
		/* As `rbd mirror pool status` judges images: an error is an
		 * error, a state nobody reported a warning. */
		if (counts[i] > 0 && states[i] == MIRROR_IMAGE_STATUS_STATE_ERROR)
			health = "ERROR";
		else if (counts[i] > 0 && states[i] == MIRROR_IMAGE_STATUS_STATE_UNKNOWN &&
			 strcmp(health, "OK") == 0)
			health = "WARNING";
	}
	if (r < 0) {
		json_object_put(by_state);
		return r;
	}
	json_object_object_add(obj, "states", by_state);
	r = json_add_string(obj, "image_health", health);
	if (r == 0)
		r = json_add_u64(obj, "images", total);
	return r;
}

static int site_status_json(const rbd_mirror_image_site_status_t *site, struct json_object *obj)
{
	int r = json_add_string(obj, "state", mirror_state_name(site->state));

	if (r == 0)
		r = json_add_text(obj, "description", site->description);
	if (r == 0)
		r = json_add_bool(obj, "up", site->up);
	if (r == 0)
		r = add_epoch(obj, "last_update", site->last_update);
	return r;
}

/* The local site's status and one entry per peer site: librbd names the
 * local one by an empty mirror_uuid, peers by their mirror uuid, which
 * the pool's peer list maps to a site name. */
static int add_statuses(const rbd_mirror_image_global_status_t *global, rados_ioctx_t ioctx,
			struct json_object *obj)
{
	rbd_mirror_peer_site_t peers[PEERS_MAX];
	struct json_object *sites = json_object_new_array();
	int count = 0, r;

	if (!sites)
		return -ENOMEM;
	json_object_object_add(obj, "status", NULL);
	r = list_peers(ioctx, peers, &count);
	if (r < 0) {
		count = 0;   /* no names then; the states still tell */
		r = 0;
	}
	for (uint32_t i = 0; r == 0 && i < global->site_statuses_count; i++) {
		const rbd_mirror_image_site_status_t *site = &global->site_statuses[i];
		struct json_object *entry = json_object_new_object();
		const char *site_name = NULL;

		if (!entry) {
			r = -ENOMEM;
			break;
		}
		r = site_status_json(site, entry);
		if (r == 0 && site->mirror_uuid[0] == '\0') {
			json_object_object_add(obj, "status", entry);
			continue;
		}
		for (int j = 0; j < count; j++)
			if (strcmp(peers[j].mirror_uuid, site->mirror_uuid) == 0)
				site_name = peers[j].site_name;
		if (r == 0)
			r = json_add_string(entry, "mirror_uuid", site->mirror_uuid);
		if (r == 0 && site_name)
			r = json_add_text(entry, "site_name", site_name);
		else if (r == 0)
			json_object_object_add(entry, "site_name", NULL);
		if (r == 0)
			r = json_array_take(sites, entry);
		else
			json_object_put(entry);
	}
	if (count > 0)
		rbd_mirror_peer_site_list_cleanup(peers, count);
	if (r < 0) {
		json_object_put(sites);
		return r;
	}
	json_object_object_add(obj, "peer_sites", sites);
	return 0;
}

int mirror_image_json(rbd_image_t image, rados_ioctx_t ioctx, struct json_object *obj)
{
	rbd_mirror_image_global_status_t global;
	rbd_mirror_image_info_t info;
	rbd_mirror_image_mode_t mode;
	int enabled, r;

	r = rbd_mirror_image_get_info(image, &info, sizeof(info));
	if (r < 0)
		return r;
	enabled = info.state == RBD_MIRROR_IMAGE_ENABLED;
	r = json_add_bool(obj, "enabled", enabled);
	if (r == 0)
		r = json_add_string(obj, "state",
				    info.state == RBD_MIRROR_IMAGE_ENABLED     ? "enabled"
				    : info.state == RBD_MIRROR_IMAGE_DISABLING ? "disabling"
									       : "disabled");
	if (r == 0 && enabled)
		r = json_add_string(obj, "global_id", info.global_id);
	if (r == 0 && enabled)
		r = json_add_bool(obj, "primary", info.primary);
	rbd_mirror_image_get_info_cleanup(&info);
	if (r < 0 || !enabled) {
		if (r == 0)
			json_object_object_add(obj, "mode", NULL);
		return r;
	}
	r = rbd_mirror_image_get_mode(image, &mode);
	if (r < 0)
		return r;
	r = json_add_string(obj, "mode", mirror_image_mode_name(mode));
	if (r < 0)
		return r;
	r = rbd_mirror_image_get_global_status(image, &global, sizeof(global));
	if (r < 0)
		return r;
	r = add_statuses(&global, ioctx, obj);
	rbd_mirror_image_global_status_cleanup(&global);
	return r;
}
