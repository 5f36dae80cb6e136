/* api_namespaces.c - namespaces: list, create, delete.
 * Placeholder: answers 404 until implemented. */
#include "config.h"

#include <errno.h>

#include "api.h"
#include "routes.h"

int api_namespaces_list(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_namespace_create(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_namespace_delete(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_require_namespace(struct response *resp, rados_ioctx_t ioctx, const char *pool,
			  const char *ns)
{
	(void)resp;
	(void)ioctx;
	(void)pool;
	(void)ns;
	return 0;
}
