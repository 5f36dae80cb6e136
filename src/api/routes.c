/* SPDX-License-Identifier: Apache-2.0 */
/* routes.c - every endpoint of the API, in the contract's order.
 *
 * HEAD is served by the GET route of the same path (without a body), so it
 * is not listed. The query column is the complete list of accepted query
 * parameters for the route. Every image and group route exists twice: in
 * the pool's default namespace and under /namespaces/{namespace}/.
 *
 * The last three columns are the authorization rule (policy.h, router.h):
 * the verb needed, on which object, and what a 403 says the user may not
 * do. A route without one is refused by every request and fails
 * t/15-authz.t, which walks `rbd-rest-api --route-rules`.
 *
 * Then, for routes that read a JSON body, the body column: the field rules
 * the handler checks it against, and where fields are objects with rules
 * of their own, those (objects); an upload's typed query parameters
 * (query_fields). The handlers and the rules are declared by route_decls.inc,
 * which route_decls.sh generates from this file at build time. t/01-surface.t compares all of it,
 * printed by `rbd-rest-api --surface`, with src/openapi.json. */
#include "config.h"

#include "policy.h"
#include "routes.h"

/* Only transfers name their flags (the last column); the rest leave it 0. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* A body of {} or nothing: the handler takes no field (and says so). */
const struct field_spec no_fields[] = {
	{NULL, 0, 0},
};

/* Body fields that are objects, and the rules their handler checks
 * them against. */
static const struct route_object image_create_objects[] = {
	{"parent", parent_fields},
	{"source", source_fields},
	{NULL, NULL},
};
static const struct route_object image_patch_objects[] = {
	{"features", image_features_fields},
	{NULL, NULL},
};
static const struct route_object pool_patch_objects[] = {
	{"quota", quota_fields},
	{NULL, NULL},
};
static const struct route_object snapshot_schedule_objects[] = {
	{"keep", keep_fields},
	{NULL, NULL},
};

#define NS ROUTE_SCOPE_NAMESPACE
#define POOL ROUTE_SCOPE_POOL
#define ITEMS ROUTE_SCOPE_ITEMS

#define IMAGE_ROUTES(images)                                                                       \
	{HTTP_GET, images, "detail,limit,continue", api_images_list, VERB_READ, NS, "read images"}, \
	{HTTP_POST, images, "name,size,object_size,features,data_pool", api_image_create,           \
	 VERB_CREATE, NS, "create images", ROUTE_TRANSFER, .body = image_create_fields,            \
	 .objects = image_create_objects, .query_fields = upload_create_fields},                   \
	{HTTP_GET, images "/{image}", NULL, api_image_get, VERB_READ, NS, "read images"},          \
	{HTTP_GET, images "/{image}/data", NULL, api_image_data_get, VERB_READ_DATA, NS,           \
	 "read image content", ROUTE_TRANSFER},                                                     \
	{HTTP_PUT, images "/{image}/data", NULL, api_image_data_put, VERB_WRITE_DATA, NS,          \
	 "write image content", ROUTE_TRANSFER},                                                    \
	{HTTP_GET, images "/{image}/snapshots/{snapshot}/data", NULL, api_snapshot_data_get,       \
	 VERB_READ_DATA, NS, "read snapshot content", ROUTE_TRANSFER},                              \
	{HTTP_GET, images "/{image}/snapshots/{snapshot}/diff", "from,format",                     \
	 api_snapshot_diff_get, VERB_READ_DATA, NS, "read snapshot content", ROUTE_TRANSFER},       \
	{HTTP_POST, images "/{image}/diff", NULL, api_image_diff_post, VERB_WRITE_DATA, NS,        \
	 "write image content", ROUTE_TRANSFER},                                                    \
	{HTTP_GET, images "/{image}/snapshots/{snapshot}/extents",                                  \
	 "from,whole_object,limit,continue", api_snapshot_extents_get, VERB_READ_DATA, NS,          \
	 "read snapshot content"},                                                                  \
	{HTTP_PATCH, images "/{image}", NULL, api_image_patch, VERB_CHANGE, NS, "change images",   \
	 .body = image_patch_fields, .objects = image_patch_objects},                              \
	{HTTP_DELETE, images "/{image}", "async", api_image_delete, VERB_DELETE, NS,               \
	 "delete images"},                                                                          \
	{HTTP_GET, images "/{image}/snapshots", "all", api_snapshots_list, VERB_READ, NS,          \
	 "read snapshots"},                                                                         \
	{HTTP_POST, images "/{image}/snapshots", NULL, api_snapshot_create, VERB_CREATE, NS,       \
	 "create snapshots", .body = snapshot_create_fields},                                      \
	{HTTP_GET, images "/{image}/snapshots/{snapshot}", NULL, api_snapshot_get, VERB_READ, NS,  \
	 "read snapshots"},                                                                         \
	{HTTP_GET, images "/{image}/snapshot-ids/{snap_id}", NULL, api_snapshot_by_id_get,         \
	 VERB_READ, NS, "read snapshots"},                                                          \
	{HTTP_PATCH, images "/{image}/snapshots/{snapshot}", NULL, api_snapshot_patch,             \
	 VERB_CHANGE, NS, "change snapshots", .body = snapshot_patch_fields},                      \
	{HTTP_DELETE, images "/{image}/snapshots/{snapshot}", "unprotect", api_snapshot_delete,    \
	 VERB_DELETE, NS, "delete snapshots"},                                                      \
	{HTTP_POST, images "/{image}/snapshots/{snapshot}/rollback", "async",                      \
	 api_snapshot_rollback, VERB_CHANGE, NS, "roll back images", .body = rollback_fields},     \
	{HTTP_GET, images "/{image}/snapshot-limit", NULL, api_snapshot_limit_get, VERB_READ, NS,   \
	 "read snapshot limits"},                                                                   \
	{HTTP_PUT, images "/{image}/snapshot-limit", NULL, api_snapshot_limit_put, VERB_CHANGE, NS,\
	 "change snapshot limits", .body = limit_fields},                                          \
	{HTTP_GET, images "/{image}/children", NULL, api_image_children, VERB_READ, NS,            \
	 "read images"},                                                                            \
	{HTTP_POST, images "/{image}/flatten", "async", api_image_flatten, VERB_CHANGE, NS,        \
	 "flatten images"},                                                                         \
	{HTTP_POST, images "/{image}/copy", "async", api_image_copy, VERB_CREATE, NS,              \
	 "copy images", .body = copy_fields},                                                      \
	{HTTP_POST, images "/{image}/sparsify", "async", api_image_sparsify, VERB_CHANGE, NS,      \
	 "sparsify images", .body = sparsify_fields},                                              \
	{HTTP_POST, images "/{image}/trash", NULL, api_image_trash, VERB_TRASH, NS,                \
	 "move images to the trash", .body = trash_move_fields},                                   \
	{HTTP_GET, images "/{image}/metadata", NULL, api_metadata_list, VERB_READ, NS,             \
	 "read metadata"},                                                                          \
	{HTTP_GET, images "/{image}/metadata/{key}", NULL, api_metadata_get, VERB_READ, NS,        \
	 "read metadata"},                                                                          \
	{HTTP_PUT, images "/{image}/metadata/{key}", NULL, api_metadata_put, VERB_CHANGE, NS,      \
	 "change metadata", .body = metadata_put_fields},                                          \
	{HTTP_DELETE, images "/{image}/metadata/{key}", NULL, api_metadata_delete, VERB_CHANGE,    \
	 NS, "change metadata"},                                                                    \
	{HTTP_GET, images "/{image}/qos", NULL, api_image_qos_get, VERB_READ, NS, "read QoS"},     \
	{HTTP_PUT, images "/{image}/qos", NULL, api_image_qos_put, VERB_QOS, NS,                   \
	 "change the QoS of images", .body = qos_fields},                                          \
	{HTTP_GET, images "/{image}/config", NULL, api_image_config_get, VERB_READ, NS,            \
	 "read images"},                                                                            \
	{HTTP_PUT, images "/{image}/config", NULL, api_image_config_put, VERB_QOS, NS,             \
	 "change the librbd options of images", .body = config_put_fields},                        \
	{HTTP_DELETE, images "/{image}/config", NULL, api_image_config_delete, VERB_QOS, NS,       \
	 "change the librbd options of images"},                                                    \
	{HTTP_GET, images "/{image}/du", NULL, api_image_du, VERB_READ, NS, "read images"},        \
	{HTTP_GET, images "/{image}/watchers", NULL, api_image_watchers, VERB_READ, NS,            \
	 "read images"},                                                                            \
	{HTTP_GET, images "/{image}/locks", NULL, api_image_locks, VERB_READ, NS, "read images"},   \
	{HTTP_POST, images "/{image}/locks", NULL, api_image_lock_take, VERB_LOCKS, NS,            \
	 "lock images", .body = lock_fields},                                                      \
	{HTTP_DELETE, images "/{image}/locks/{lock}", "client,force,blocklist",                    \
	 api_image_lock_break, VERB_LOCKS, NS, "break the locks of images"},                        \
	{HTTP_GET, images "/{image}/mirroring", NULL, api_image_mirroring_get, VERB_READ, NS,      \
	 "read images"},                                                                            \
	{HTTP_PUT, images "/{image}/mirroring", NULL, api_image_mirroring_put, VERB_MIRRORING, NS, \
	 "change the mirroring of images", .body = put_fields},                                    \
	{HTTP_POST, images "/{image}/mirroring/promote", NULL, api_image_mirroring_promote,        \
	 VERB_MIRRORING, NS, "promote images", .body = promote_fields},                            \
	{HTTP_POST, images "/{image}/mirroring/demote", NULL, api_image_mirroring_demote,          \
	 VERB_MIRRORING, NS, "demote images"},                                                      \
	{HTTP_POST, images "/{image}/mirroring/resync", NULL, api_image_mirroring_resync,          \
	 VERB_MIRRORING, NS, "resync images"},                                                      \
	{HTTP_POST, images "/{image}/mirroring/snapshot", NULL, api_image_mirroring_snapshot,      \
	 VERB_MIRRORING, NS, "take mirror snapshots of images"},                                     \
	{HTTP_POST, images "/{image}/migration", NULL, api_migration_prepare, VERB_CHANGE, NS,      \
	 "migrate images", .body = prepare_fields},                                                \
	{HTTP_GET, images "/{image}/migration", NULL, api_migration_get, VERB_READ, NS,            \
	 "read images"},                                                                            \
	{HTTP_POST, images "/{image}/migration/execute", NULL, api_migration_execute, VERB_CHANGE, \
	 NS, "migrate images", .body = no_fields},                                                 \
	{HTTP_POST, images "/{image}/migration/commit", NULL, api_migration_commit, VERB_CHANGE,   \
	 NS, "migrate images", .body = commit_fields},                                             \
	{HTTP_POST, images "/{image}/migration/abort", NULL, api_migration_abort, VERB_CHANGE, NS, \
	 "migrate images", .body = no_fields},                                                     \
	{HTTP_GET, images "/{image}/stats", NULL, api_image_stats, VERB_READ, NS, "read images"}

/* Consistency groups of a pool's default namespace or of another
 * namespace (groups): the operators of a namespace manage its groups. */
#define GROUP_ROUTES(groups)                                                                       \
	{HTTP_GET, groups, NULL, api_groups_list, VERB_READ, NS, "read groups"},                    \
	{HTTP_POST, groups, NULL, api_group_create, VERB_CREATE, NS, "create groups",              \
	 .body = group_name_fields},                                                               \
	{HTTP_GET, groups "/{group}", NULL, api_group_get, VERB_READ, NS, "read groups"},          \
	{HTTP_PATCH, groups "/{group}", NULL, api_group_patch, VERB_CHANGE, NS, "change groups",   \
	 .body = group_name_fields},                                                               \
	{HTTP_DELETE, groups "/{group}", NULL, api_group_delete, VERB_DELETE, NS,                  \
	 "delete groups"},                                                                          \
	{HTTP_POST, groups "/{group}/images", NULL, api_group_image_add, VERB_CHANGE, NS,          \
	 "change groups", .body = member_fields},                                                  \
	{HTTP_DELETE, groups "/{group}/images", NULL, api_group_image_remove, VERB_CHANGE, NS,     \
	 "change groups", .body = member_fields},                                                  \
	{HTTP_GET, groups "/{group}/snapshots", NULL, api_group_snaps_list, VERB_READ, NS,         \
	 "read group snapshots"},                                                                   \
	{HTTP_POST, groups "/{group}/snapshots", NULL, api_group_snap_create, VERB_CREATE, NS,     \
	 "create group snapshots", .body = group_name_fields},                                     \
	{HTTP_PATCH, groups "/{group}/snapshots/{snapshot}", NULL, api_group_snap_patch,           \
	 VERB_CHANGE, NS, "change group snapshots", .body = group_name_fields},                    \
	{HTTP_DELETE, groups "/{group}/snapshots/{snapshot}", NULL, api_group_snap_delete,         \
	 VERB_DELETE, NS, "delete group snapshots"},                                                \
	{HTTP_POST, groups "/{group}/snapshots/{snapshot}/rollback", NULL,                         \
	 api_group_snap_rollback, VERB_CHANGE, NS, "roll back groups",                             \
	 .body = group_rollback_fields}

/* Snapshot schedules of a pool (scope), a namespace or an image (base):
 * made and pruned by the scheduler process. Setting one is a change of
 * what is scheduled there, so operators may do it where they may. */
#define SNAPSHOT_SCHEDULE_ROUTES(base, scope)                                                      \
	{HTTP_GET, base "/snapshot-schedules", NULL, api_snapshot_schedules_list, VERB_READ,       \
	 scope, "read snapshot schedules"},                                                         \
	{HTTP_POST, base "/snapshot-schedules", NULL, api_snapshot_schedule_create, VERB_CHANGE,   \
	 scope, "change snapshot schedules", .body = snapshot_schedule_fields,                     \
	 .objects = snapshot_schedule_objects},                                                    \
	{HTTP_DELETE, base "/snapshot-schedules", NULL, api_snapshot_schedule_delete, VERB_CHANGE, \
	 scope, "change snapshot schedules"},                                                       \
	{HTTP_GET, base "/snapshot-schedules/status", NULL, api_snapshot_schedules_status,        \
	 VERB_READ, scope, "read snapshot schedules"}

const struct route api_routes[] = {
	{HTTP_GET, "/api/v1/health", NULL, api_health, VERB_READ, ROUTE_SCOPE_PUBLIC, "read"},
	{HTTP_GET, "/api/v1/version", NULL, api_version, VERB_READ, ROUTE_SCOPE_ANY, "read"},
	{HTTP_GET, "/api/v1/status", NULL, api_status, VERB_READ, ROUTE_SCOPE_CLUSTER,
	 "read the service status"},
	{HTTP_GET, "/api/v1/metrics", NULL, api_metrics, VERB_READ, ROUTE_SCOPE_CLUSTER,
	 "read metrics"},
	{HTTP_GET, "/api/v1/openapi.json", NULL, api_openapi, VERB_READ, ROUTE_SCOPE_ANY, "read"},
	{HTTP_GET, "/api/v1/whoami", NULL, api_whoami, VERB_READ, ROUTE_SCOPE_ANY, "read"},

	{HTTP_GET, "/api/v1/pools", "detail", api_pools_list, VERB_READ, ROUTE_SCOPE_ANY,
	 "read pools"},
	{HTTP_POST, "/api/v1/pools", NULL, api_pool_create, VERB_POOLS, ROUTE_SCOPE_CLUSTER,
	 "create pools", .body = pool_create_fields},
	{HTTP_GET, "/api/v1/pools/{pool}", NULL, api_pool_get, VERB_READ, POOL, "read pools"},
	{HTTP_DELETE, "/api/v1/pools/{pool}", "confirm", api_pool_delete, VERB_POOLS, POOL,
	 "delete pools"},
	{HTTP_PATCH, "/api/v1/pools/{pool}", NULL, api_pool_patch, VERB_POOLS, POOL,
	 "change pools", .body = pool_patch_fields, .objects = pool_patch_objects},

	IMAGE_ROUTES("/api/v1/pools/{pool}/images"),
	IMAGE_ROUTES("/api/v1/pools/{pool}/namespaces/{namespace}/images"),
	{HTTP_GET, "/api/v1/pools/{pool}/image-ids/{id}", NULL, api_image_by_id_get, VERB_READ, NS,
	 "read images"},
	{HTTP_GET, "/api/v1/pools/{pool}/namespaces/{namespace}/image-ids/{id}", NULL,
	 api_image_by_id_get, VERB_READ, NS, "read images"},

	{HTTP_GET, "/api/v1/pools/{pool}/trash", NULL, api_trash_list, VERB_READ, ITEMS,
	 "read the trash"},
	{HTTP_POST, "/api/v1/pools/{pool}/trash/purge", NULL, api_trash_purge, VERB_TRASH, POOL,
	 "purge the trash", .body = purge_fields},
	{HTTP_GET, "/api/v1/pools/{pool}/trash/schedules", NULL, api_trash_schedules_list,
	 VERB_READ, POOL, "read the trash"},
	{HTTP_POST, "/api/v1/pools/{pool}/trash/schedules", NULL, api_trash_schedule_add,
	 VERB_TRASH, POOL, "schedule trash purges", .body = trash_schedule_fields},
	{HTTP_DELETE, "/api/v1/pools/{pool}/trash/schedules", NULL, api_trash_schedule_remove,
	 VERB_TRASH, POOL, "schedule trash purges", .body = schedule_remove_fields},
	{HTTP_POST, "/api/v1/pools/{pool}/trash/{id}/restore", NULL, api_trash_restore, VERB_TRASH,
	 ITEMS, "restore images from the trash", .body = trash_restore_fields},
	{HTTP_DELETE, "/api/v1/pools/{pool}/trash/{id}", "force,async", api_trash_delete,
	 VERB_TRASH, ITEMS, "purge images from the trash"},

	{HTTP_GET, "/api/v1/pools/{pool}/namespaces", NULL, api_namespaces_list, VERB_READ, POOL,
	 "read namespaces"},
	{HTTP_POST, "/api/v1/pools/{pool}/namespaces", NULL, api_namespace_create, VERB_NAMESPACES,
	 POOL, "create namespaces", .body = namespace_create_fields},
	{HTTP_GET, "/api/v1/pools/{pool}/namespaces/{namespace}", NULL, api_namespace_get,
	 VERB_READ, NS, "read namespaces"},
	{HTTP_DELETE, "/api/v1/pools/{pool}/namespaces/{namespace}", NULL, api_namespace_delete,
	 VERB_NAMESPACES, NS, "delete namespaces"},

	{HTTP_GET, "/api/v1/pools/{pool}/stats", "sort,limit", api_pool_stats, VERB_READ, POOL,
	 "read I/O statistics"},
	{HTTP_GET, "/api/v1/pools/{pool}/stats/rbd", NULL, api_rbd_stats, VERB_READ, NS,
	 "read images"},
	{HTTP_GET, "/api/v1/pools/{pool}/namespaces/{namespace}/stats/rbd", NULL, api_rbd_stats,
	 VERB_READ, NS, "read images"},

	GROUP_ROUTES("/api/v1/pools/{pool}/groups"),
	GROUP_ROUTES("/api/v1/pools/{pool}/namespaces/{namespace}/groups"),

	{HTTP_GET, "/api/v1/pools/{pool}/metadata", NULL, api_pool_metadata_list, VERB_READ, POOL,
	 "read pools"},
	{HTTP_GET, "/api/v1/pools/{pool}/metadata/{key}", NULL, api_pool_metadata_get, VERB_READ,
	 POOL, "read pools"},
	{HTTP_PUT, "/api/v1/pools/{pool}/metadata/{key}", NULL, api_pool_metadata_put, VERB_POOLS,
	 POOL, "change the metadata of pools", .body = metadata_put_fields},
	{HTTP_DELETE, "/api/v1/pools/{pool}/metadata/{key}", NULL, api_pool_metadata_delete,
	 VERB_POOLS, POOL, "change the metadata of pools"},

	{HTTP_GET, "/api/v1/pools/{pool}/qos", NULL, api_pool_qos_get, VERB_READ, POOL, "read QoS"},
	{HTTP_PUT, "/api/v1/pools/{pool}/qos", NULL, api_pool_qos_put, VERB_QOS, POOL,
	 "change the QoS of pools", .body = qos_fields},
	{HTTP_GET, "/api/v1/pools/{pool}/config", NULL, api_pool_config_get, VERB_READ, POOL,
	 "read pools"},
	{HTTP_PUT, "/api/v1/pools/{pool}/config", NULL, api_pool_config_put, VERB_POOLS, POOL,
	 "change the RBD defaults of pools", .body = config_put_fields},

	SNAPSHOT_SCHEDULE_ROUTES("/api/v1/pools/{pool}", POOL),
	SNAPSHOT_SCHEDULE_ROUTES("/api/v1/pools/{pool}/namespaces/{namespace}", NS),
	SNAPSHOT_SCHEDULE_ROUTES("/api/v1/pools/{pool}/images/{image}", NS),
	SNAPSHOT_SCHEDULE_ROUTES("/api/v1/pools/{pool}/namespaces/{namespace}/images/{image}", NS),
	{HTTP_GET, "/api/v1/pools/{pool}/mirroring", NULL, api_mirroring_get, VERB_READ, POOL,
	 "read mirroring"},
	{HTTP_PUT, "/api/v1/pools/{pool}/mirroring", NULL, api_mirroring_put, VERB_MIRRORING, POOL,
	 "change the mirroring of pools", .body = mirroring_fields},
	{HTTP_POST, "/api/v1/pools/{pool}/mirroring/bootstrap/token", NULL,
	 api_mirroring_token_create, VERB_MIRRORING, POOL, "create mirroring bootstrap tokens"},
	{HTTP_POST, "/api/v1/pools/{pool}/mirroring/bootstrap/import", NULL,
	 api_mirroring_token_import, VERB_MIRRORING, POOL, "import mirroring bootstrap tokens",
	 .body = import_fields},
	{HTTP_GET, "/api/v1/pools/{pool}/mirroring/peers", NULL, api_mirroring_peers_list,
	 VERB_READ, POOL, "read mirroring"},
	{HTTP_POST, "/api/v1/pools/{pool}/mirroring/peers", NULL, api_mirroring_peer_create,
	 VERB_MIRRORING, POOL, "add mirroring peers", .body = peer_fields},
	{HTTP_GET, "/api/v1/pools/{pool}/mirroring/peers/{uuid}", NULL, api_mirroring_peer_get,
	 VERB_READ, POOL, "read mirroring"},
	{HTTP_PATCH, "/api/v1/pools/{pool}/mirroring/peers/{uuid}", NULL,
	 api_mirroring_peer_patch, VERB_MIRRORING, POOL, "change mirroring peers",
	 .body = peer_fields},
	{HTTP_DELETE, "/api/v1/pools/{pool}/mirroring/peers/{uuid}", NULL,
	 api_mirroring_peer_delete, VERB_MIRRORING, POOL, "remove mirroring peers"},
	{HTTP_GET, "/api/v1/pools/{pool}/mirroring/status", NULL, api_mirroring_status, VERB_READ,
	 POOL, "read mirroring"},
	{HTTP_GET, "/api/v1/pools/{pool}/mirroring/schedules", NULL, api_mirroring_schedules_list,
	 VERB_READ, POOL, "read mirroring"},
	{HTTP_POST, "/api/v1/pools/{pool}/mirroring/schedules", NULL,
	 api_mirroring_schedule_create, VERB_MIRRORING, POOL, "add mirror snapshot schedules",
	 .body = mirror_schedule_fields},
	{HTTP_DELETE, "/api/v1/pools/{pool}/mirroring/schedules",
	 "interval,start_time,namespace,image", api_mirroring_schedule_delete, VERB_MIRRORING, POOL,
	 "remove mirror snapshot schedules"},

	{HTTP_GET, "/api/v1/tasks", NULL, api_tasks_list, VERB_READ, ROUTE_SCOPE_ANY, "read tasks"},
	{HTTP_GET, "/api/v1/tasks/{id}", NULL, api_task_get, VERB_READ, ROUTE_SCOPE_ANY,
	 "read tasks"},
	{HTTP_DELETE, "/api/v1/tasks/{id}", NULL, api_task_delete, VERB_TASKS, ROUTE_SCOPE_ANY,
	 "cancel tasks"},
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
