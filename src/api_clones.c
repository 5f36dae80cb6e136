/* api_clones.c - clones (create from a parent), children, flatten, copy.
 * Placeholder: answers 404 until implemented. */
#include "config.h"

#include <errno.h>

#include "api.h"
#include "routes.h"

int api_image_children(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_image_flatten(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_image_copy(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}
