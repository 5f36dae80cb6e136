/* api_trash.c - trash: move, list, restore, remove.
 * Placeholder: answers 404 until implemented. */
#include "config.h"

#include <errno.h>

#include "api.h"
#include "routes.h"

int api_image_trash(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_trash_list(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_trash_restore(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_trash_delete(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}
