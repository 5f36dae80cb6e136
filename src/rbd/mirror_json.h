/* SPDX-License-Identifier: Apache-2.0 */
/* mirror_json.h - RBD mirroring as the API shows it: names of librbd's
 * mirroring enums, and the pool's peers, its status summary and an
 * image's mirroring state as JSON (docs/api.md, "Mirroring"). */
#ifndef RBD_REST_API_MIRROR_JSON_H
#define RBD_REST_API_MIRROR_JSON_H

#include <json-c/json.h>
#include <rados/librados.h>
#include <rbd/librbd.h>

/* "disabled", "image", "pool"; and back (-EINVAL for anything else). */
const char *mirror_mode_name(rbd_mirror_mode_t mode);
int mirror_mode_parse(const char *name, rbd_mirror_mode_t *mode);

/* "rx-only", "tx-only", "rx-tx"; and back. */
const char *mirror_direction_name(rbd_mirror_peer_direction_t direction);
int mirror_direction_parse(const char *name, rbd_mirror_peer_direction_t *direction);

/* "journal", "snapshot"; and back. */
const char *mirror_image_mode_name(rbd_mirror_image_mode_t mode);
int mirror_image_mode_parse(const char *name, rbd_mirror_image_mode_t *mode);

/* "replaying", "stopped", ... as the rbd CLI names a status state. */
const char *mirror_state_name(rbd_mirror_image_status_state_t state);

/* The pool's mirroring: {"mode", "site_name"} added to obj. */
int mirror_pool_json(rados_t cluster, rados_ioctx_t ioctx, struct json_object *obj);

/* Every peer site of the pool, appended to items as {"uuid", "site_name",
 * "direction", "client_name", "mirror_uuid", "last_seen"}. The peers'
 * secrets (cephx keys) are never shown. */
int mirror_peers_json(rados_ioctx_t ioctx, struct json_object *items);

/* One peer as the list shows it, added to obj; -ENOENT when the pool has
 * no peer uuid. */
int mirror_peer_json(rados_ioctx_t ioctx, const char *uuid, struct json_object *obj);

/* The status summary of the pool: "health" (OK, WARNING, ERROR),
 * "daemon_health", "image_health", "states" {state: count} and
 * "images" (how many are mirrored), added to obj. */
int mirror_summary_json(rados_ioctx_t ioctx, struct json_object *obj);

/* An image's mirroring: "enabled", "state" (enabled, disabling,
 * disabled), "mode", "global_id", "primary", and when enabled the local
 * site's "status" {"state", "description", "up", "last_update"} and
 * "peer_sites": one such object per peer site with its "site_name" and
 * "mirror_uuid". */
int mirror_image_json(rbd_image_t image, rados_ioctx_t ioctx, struct json_object *obj);

#endif
