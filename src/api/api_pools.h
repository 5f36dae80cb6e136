/* api_pools.h - what the pool handlers share. */
#ifndef RBD_REST_API_API_POOLS_H
#define RBD_REST_API_API_POOLS_H

#include "request.h"
#include "response.h"

/* Answers with pool as a Pool resource (settings, quota, usage as the
 * monitor has them now) and the given status. */
int api_respond_pool(struct request *req, struct response *resp, const char *pool, int status);

#endif
