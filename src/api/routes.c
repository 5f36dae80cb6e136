/* routes.c - every endpoint of the API, in the contract's order.
 *
 * HEAD is served by the GET route of the same path (without a body), so it
 * is not listed. The query column is the complete list of accepted query
 * parameters for the route. Every image route exists twice: in the pool's
 * default namespace and under /namespaces/{namespace}/. */
#include "config.h"

#include "routes.h"

#define IMAGE_ROUTES(images)                                                          \
	{HTTP_GET, images, "detail,limit,continue", api_images_list},                  \
	{HTTP_POST, images, NULL, api_image_create},                                  \
	{HTTP_GET, images "/{image}", NULL, api_image_get},                          \
	{HTTP_PATCH, images "/{image}", NULL, api_image_patch},                      \
	{HTTP_DELETE, images "/{image}", "async", api_image_delete},                 \
	{HTTP_GET, images "/{image}/snapshots", NULL, api_snapshots_list},           \
	{HTTP_POST, images "/{image}/snapshots", NULL, api_snapshot_create},         \
	{HTTP_GET, images "/{image}/snapshots/{snapshot}", NULL, api_snapshot_get},  \
	{HTTP_PATCH, images "/{image}/snapshots/{snapshot}", NULL, api_snapshot_patch}, \
	{HTTP_DELETE, images "/{image}/snapshots/{snapshot}", NULL, api_snapshot_delete}, \
	{HTTP_POST, images "/{image}/snapshots/{snapshot}/rollback", "async",        \
	 api_snapshot_rollback},                                                      \
	{HTTP_GET, images "/{image}/children", NULL, api_image_children},            \
	{HTTP_POST, images "/{image}/flatten", "async", api_image_flatten},          \
	{HTTP_POST, images "/{image}/copy", "async", api_image_copy},                \
	{HTTP_POST, images "/{image}/trash", NULL, api_image_trash},                 \
	{HTTP_GET, images "/{image}/metadata", NULL, api_metadata_list},             \
	{HTTP_GET, images "/{image}/metadata/{key}", NULL, api_metadata_get},        \
	{HTTP_PUT, images "/{image}/metadata/{key}", NULL, api_metadata_put},        \
	{HTTP_DELETE, images "/{image}/metadata/{key}", NULL, api_metadata_delete},  \
	{HTTP_GET, images "/{image}/qos", NULL, api_image_qos_get},                  \
	{HTTP_PUT, images "/{image}/qos", NULL, api_image_qos_put},                  \
	{HTTP_GET, images "/{image}/du", NULL, api_image_du},                        \
	{HTTP_GET, images "/{image}/watchers", NULL, api_image_watchers},            \
	{HTTP_GET, images "/{image}/locks", NULL, api_image_locks}

const struct route api_routes[] = {
	{HTTP_GET, "/api/v1/health", NULL, api_health},
	{HTTP_GET, "/api/v1/version", NULL, api_version},
	{HTTP_GET, "/api/v1/status", NULL, api_status},
	{HTTP_GET, "/api/v1/metrics", NULL, api_metrics},
	{HTTP_GET, "/api/v1/openapi.json", NULL, api_openapi},

	{HTTP_GET, "/api/v1/pools", "detail", api_pools_list},
	{HTTP_POST, "/api/v1/pools", NULL, api_pool_create},
	{HTTP_GET, "/api/v1/pools/{pool}", NULL, api_pool_get},
	{HTTP_DELETE, "/api/v1/pools/{pool}", "confirm", api_pool_delete},

	IMAGE_ROUTES("/api/v1/pools/{pool}/images"),
	IMAGE_ROUTES("/api/v1/pools/{pool}/namespaces/{namespace}/images"),

	{HTTP_GET, "/api/v1/pools/{pool}/trash", NULL, api_trash_list},
	{HTTP_POST, "/api/v1/pools/{pool}/trash/{id}/restore", NULL, api_trash_restore},
	{HTTP_DELETE, "/api/v1/pools/{pool}/trash/{id}", "force,async", api_trash_delete},

	{HTTP_GET, "/api/v1/pools/{pool}/namespaces", NULL, api_namespaces_list},
	{HTTP_POST, "/api/v1/pools/{pool}/namespaces", NULL, api_namespace_create},
	{HTTP_GET, "/api/v1/pools/{pool}/namespaces/{namespace}", NULL, api_namespace_get},
	{HTTP_DELETE, "/api/v1/pools/{pool}/namespaces/{namespace}", NULL, api_namespace_delete},

	{HTTP_GET, "/api/v1/pools/{pool}/qos", NULL, api_pool_qos_get},
	{HTTP_PUT, "/api/v1/pools/{pool}/qos", NULL, api_pool_qos_put},

	{HTTP_GET, "/api/v1/tasks", NULL, api_tasks_list},
	{HTTP_GET, "/api/v1/tasks/{id}", NULL, api_task_get},
	{HTTP_DELETE, "/api/v1/tasks/{id}", NULL, api_task_delete},
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
