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

int api_pools_list(struct request *req, struct response *resp);
int api_pool_create(struct request *req, struct response *resp);
int api_pool_get(struct request *req, struct response *resp);
int api_pool_delete(struct request *req, struct response *resp);

int api_images_list(struct request *req, struct response *resp);
int api_image_create(struct request *req, struct response *resp);
int api_image_get(struct request *req, struct response *resp);
int api_image_patch(struct request *req, struct response *resp);
int api_image_delete(struct request *req, struct response *resp);

#endif
