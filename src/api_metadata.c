/* api_metadata.c - image metadata key/values.
 * Placeholder: answers 404 until implemented. */
#include "config.h"

#include <errno.h>

#include "api.h"
#include "routes.h"

int api_metadata_list(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_metadata_get(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_metadata_put(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_metadata_delete(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}
