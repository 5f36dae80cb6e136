/* SPDX-License-Identifier: Apache-2.0 */
/* routes.h - the API's route table (routes.c) and its handlers. */
#ifndef RBD_REST_API_ROUTES_H
#define RBD_REST_API_ROUTES_H

#include <stddef.h>

#include "router.h"

extern const struct route api_routes[];
extern const size_t api_nroutes;

struct request;
struct response;

int api_health(struct request *req, struct response *resp);
int api_version(struct request *req, struct response *resp);
int api_whoami(struct request *req, struct response *resp);   /* authz.c */
int api_status(struct request *req, struct response *resp);
int api_metrics(struct request *req, struct response *resp);
int api_openapi(struct request *req, struct response *resp);

int api_pools_list(struct request *req, struct response *resp);
int api_pool_create(struct request *req, struct response *resp);
int api_pool_get(struct request *req, struct response *resp);
int api_pool_delete(struct request *req, struct response *resp);
int api_pool_patch(struct request *req, struct response *resp);

int api_images_list(struct request *req, struct response *resp);
int api_image_create(struct request *req, struct response *resp);
int api_image_get(struct request *req, struct response *resp);
int api_image_patch(struct request *req, struct response *resp);
int api_image_delete(struct request *req, struct response *resp);

/* api_data.c: image content */
int api_image_data_get(struct request *req, struct response *resp);
int api_snapshot_data_get(struct request *req, struct response *resp);
int api_image_data_put(struct request *req, struct response *resp);
int api_snapshot_diff_get(struct request *req, struct response *resp);
int api_image_diff_post(struct request *req, struct response *resp);
int api_snapshot_extents_get(struct request *req, struct response *resp);
int api_image_create_upload(struct request *req, struct response *resp);

/* api_snapshots.c */
int api_snapshots_list(struct request *req, struct response *resp);
int api_snapshot_create(struct request *req, struct response *resp);
int api_snapshot_get(struct request *req, struct response *resp);
int api_snapshot_patch(struct request *req, struct response *resp);
int api_snapshot_delete(struct request *req, struct response *resp);
int api_snapshot_rollback(struct request *req, struct response *resp);

/* api_snapshot_limit.c */
int api_snapshot_limit_get(struct request *req, struct response *resp);
int api_snapshot_limit_put(struct request *req, struct response *resp);

/* api_clones.c */
int api_image_children(struct request *req, struct response *resp);
int api_image_flatten(struct request *req, struct response *resp);
int api_image_copy(struct request *req, struct response *resp);

/* api_sparsify.c */
int api_image_sparsify(struct request *req, struct response *resp);

/* api_tasks.c */
int api_tasks_list(struct request *req, struct response *resp);
int api_task_get(struct request *req, struct response *resp);
int api_task_delete(struct request *req, struct response *resp);

/* api_trash.c */
int api_image_trash(struct request *req, struct response *resp);
int api_trash_list(struct request *req, struct response *resp);
int api_trash_restore(struct request *req, struct response *resp);
int api_trash_delete(struct request *req, struct response *resp);

/* api_trash_purge.c */
int api_trash_purge(struct request *req, struct response *resp);
int api_trash_schedules_list(struct request *req, struct response *resp);
int api_trash_schedule_add(struct request *req, struct response *resp);
int api_trash_schedule_remove(struct request *req, struct response *resp);

/* api_namespaces.c */
int api_namespaces_list(struct request *req, struct response *resp);
int api_namespace_create(struct request *req, struct response *resp);
int api_namespace_get(struct request *req, struct response *resp);
int api_namespace_delete(struct request *req, struct response *resp);

/* api_metadata.c */
int api_metadata_list(struct request *req, struct response *resp);
int api_metadata_get(struct request *req, struct response *resp);
int api_metadata_put(struct request *req, struct response *resp);
int api_metadata_delete(struct request *req, struct response *resp);

/* api_pool_metadata.c */
int api_pool_metadata_list(struct request *req, struct response *resp);
int api_pool_metadata_get(struct request *req, struct response *resp);
int api_pool_metadata_put(struct request *req, struct response *resp);
int api_pool_metadata_delete(struct request *req, struct response *resp);

/* api_qos.c */
int api_image_qos_get(struct request *req, struct response *resp);
int api_image_qos_put(struct request *req, struct response *resp);
int api_pool_qos_get(struct request *req, struct response *resp);
int api_pool_qos_put(struct request *req, struct response *resp);

/* api_image_ids.c, api_snapshots.c: by id */
int api_image_by_id_get(struct request *req, struct response *resp);
int api_snapshot_by_id_get(struct request *req, struct response *resp);

/* api_config.c */
int api_pool_config_get(struct request *req, struct response *resp);
int api_pool_config_put(struct request *req, struct response *resp);
int api_image_config_get(struct request *req, struct response *resp);
int api_image_config_put(struct request *req, struct response *resp);
int api_image_config_delete(struct request *req, struct response *resp);

/* api_migration.c */
int api_migration_prepare(struct request *req, struct response *resp);
int api_migration_get(struct request *req, struct response *resp);
int api_migration_execute(struct request *req, struct response *resp);
int api_migration_commit(struct request *req, struct response *resp);
int api_migration_abort(struct request *req, struct response *resp);

/* api_stats.c */
int api_pool_stats(struct request *req, struct response *resp);
int api_image_stats(struct request *req, struct response *resp);

/* api_rbd_stats.c */
int api_rbd_stats(struct request *req, struct response *resp);

/* api_groups.c */
int api_groups_list(struct request *req, struct response *resp);
int api_group_create(struct request *req, struct response *resp);
int api_group_get(struct request *req, struct response *resp);
int api_group_patch(struct request *req, struct response *resp);
int api_group_delete(struct request *req, struct response *resp);
int api_group_image_add(struct request *req, struct response *resp);
int api_group_image_remove(struct request *req, struct response *resp);
int api_group_snaps_list(struct request *req, struct response *resp);
int api_group_snap_create(struct request *req, struct response *resp);
int api_group_snap_patch(struct request *req, struct response *resp);
int api_group_snap_delete(struct request *req, struct response *resp);
int api_group_snap_rollback(struct request *req, struct response *resp);

/* api_usage.c */
int api_image_du(struct request *req, struct response *resp);
int api_image_watchers(struct request *req, struct response *resp);

/* api_locks.c */
int api_image_locks(struct request *req, struct response *resp);
int api_image_lock_take(struct request *req, struct response *resp);
int api_image_lock_break(struct request *req, struct response *resp);

/* api_snapshot_schedules.c */
int api_snapshot_schedules_list(struct request *req, struct response *resp);
int api_snapshot_schedule_create(struct request *req, struct response *resp);
int api_snapshot_schedule_delete(struct request *req, struct response *resp);
int api_snapshot_schedules_status(struct request *req, struct response *resp);
/* api_mirroring.c */
int api_mirroring_get(struct request *req, struct response *resp);
int api_mirroring_put(struct request *req, struct response *resp);
int api_mirroring_token_create(struct request *req, struct response *resp);
int api_mirroring_token_import(struct request *req, struct response *resp);
int api_mirroring_peers_list(struct request *req, struct response *resp);
int api_mirroring_peer_create(struct request *req, struct response *resp);
int api_mirroring_peer_get(struct request *req, struct response *resp);
int api_mirroring_peer_patch(struct request *req, struct response *resp);
int api_mirroring_peer_delete(struct request *req, struct response *resp);
int api_mirroring_status(struct request *req, struct response *resp);

/* api_mirroring_images.c */
int api_image_mirroring_get(struct request *req, struct response *resp);
int api_image_mirroring_put(struct request *req, struct response *resp);
int api_image_mirroring_promote(struct request *req, struct response *resp);
int api_image_mirroring_demote(struct request *req, struct response *resp);
int api_image_mirroring_resync(struct request *req, struct response *resp);
int api_image_mirroring_snapshot(struct request *req, struct response *resp);

/* api_mirroring_schedules.c */
int api_mirroring_schedules_list(struct request *req, struct response *resp);
int api_mirroring_schedule_create(struct request *req, struct response *resp);
int api_mirroring_schedule_delete(struct request *req, struct response *resp);

#endif
