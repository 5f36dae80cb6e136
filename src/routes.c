/* routes.c - every endpoint of the API, in the contract's order.
 *
 * HEAD is served by the GET route of the same path (without a body), so it
 * is not listed. The query column is the complete list of accepted query
 * parameters for the route. */
#include "config.h"

#include "routes.h"

#define IMAGES "/api/v1/pools/{pool}/images"

const struct route api_routes[] = {
	{HTTP_GET, "/api/v1/health", NULL, api_health},
	{HTTP_GET, "/api/v1/version", NULL, api_version},

	{HTTP_GET, "/api/v1/pools", "detail", api_pools_list},
	{HTTP_POST, "/api/v1/pools", NULL, api_pool_create},
	{HTTP_GET, "/api/v1/pools/{pool}", NULL, api_pool_get},
	{HTTP_DELETE, "/api/v1/pools/{pool}", "confirm", api_pool_delete},

	{HTTP_GET, IMAGES, "detail,limit,continue", api_images_list},
	{HTTP_POST, IMAGES, NULL, api_image_create},
	{HTTP_GET, IMAGES "/{image}", NULL, api_image_get},
	{HTTP_PATCH, IMAGES "/{image}", NULL, api_image_patch},
	{HTTP_DELETE, IMAGES "/{image}", NULL, api_image_delete},
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
