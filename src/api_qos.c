/* api_qos.c - QoS limits per image and per pool.
 * Placeholder: answers 404 until implemented. */
#include "config.h"

#include <errno.h>

#include "api.h"
#include "routes.h"

int api_image_qos_get(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_image_qos_put(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_pool_qos_get(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_pool_qos_put(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}
