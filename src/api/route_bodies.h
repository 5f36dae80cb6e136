/* SPDX-License-Identifier: Apache-2.0 */
/* route_bodies.h - the body rules the route table names (routes.c).
 *
 * Each array is defined beside the handler that reads the body (as nginx
 * modules keep their directives beside their handlers) and is the one the
 * handler passes to api_request_body or json_in_check_fields; the route table
 * names it in its body column, so `rbd-rest-api --surface` can print
 * every route's fields and t/01-surface.t can hold src/openapi.json to
 * them. An array here that no route names fails that test. */
#ifndef RBD_REST_API_ROUTE_BODIES_H
#define RBD_REST_API_ROUTE_BODIES_H

#include "json_in.h"

/* api_pools.c, api_pool_patch.c */
extern const struct field_spec pool_create_fields[];
extern const struct field_spec pool_patch_fields[];
extern const struct field_spec quota_fields[];

/* api_images.c, api_image_features.c, api_clones.c, api_data.c, api_import.c */
extern const struct field_spec image_create_fields[];
extern const struct field_spec parent_fields[];
extern const struct field_spec source_fields[];
extern const struct field_spec upload_create_fields[];
extern const struct field_spec image_patch_fields[];
extern const struct field_spec image_features_fields[];
extern const struct field_spec copy_fields[];

/* api_snapshots.c, api_snapshot_limit.c */
extern const struct field_spec snapshot_create_fields[];
extern const struct field_spec snapshot_patch_fields[];
extern const struct field_spec rollback_fields[];
extern const struct field_spec limit_fields[];

/* api_sparsify.c, api_trash.c, api_trash_purge.c */
extern const struct field_spec sparsify_fields[];
extern const struct field_spec trash_move_fields[];
extern const struct field_spec trash_restore_fields[];
extern const struct field_spec purge_fields[];
extern const struct field_spec trash_schedule_fields[];
extern const struct field_spec schedule_remove_fields[];

/* api_metadata.c, api_qos.c, api_config.c, api_locks.c */
extern const struct field_spec metadata_put_fields[];
extern const struct field_spec qos_fields[];
extern const struct field_spec config_put_fields[];
extern const struct field_spec lock_fields[];

/* api_namespaces.c, api_groups.c */
extern const struct field_spec namespace_create_fields[];
extern const struct field_spec group_name_fields[];
extern const struct field_spec member_fields[];
extern const struct field_spec group_rollback_fields[];

/* api_snapshot_schedules.c */
extern const struct field_spec snapshot_schedule_fields[];
extern const struct field_spec keep_fields[];

/* api_mirroring.c, api_mirroring_images.c, api_mirroring_schedules.c */
extern const struct field_spec mirroring_fields[];
extern const struct field_spec import_fields[];
extern const struct field_spec peer_fields[];
extern const struct field_spec put_fields[];
extern const struct field_spec promote_fields[];
extern const struct field_spec mirror_schedule_fields[];

/* api_migration.c */
extern const struct field_spec prepare_fields[];
extern const struct field_spec commit_fields[];

/* routes.c: the body of routes that accept no field at all, only {}
 * (the handler checks it by hand). */
extern const struct field_spec no_fields[];

#endif
