/* api_snapshots.c - snapshots: list, create, get, rename/protect, delete, rollback.
 * Placeholder: answers 404 until implemented. */
#include "config.h"

#include <errno.h>

#include "api.h"
#include "routes.h"

int api_snapshots_list(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_snapshot_create(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_snapshot_get(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_snapshot_patch(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_snapshot_delete(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}

int api_snapshot_rollback(struct request *req, struct response *resp)
{
	(void)req;
	return response_fail_http(resp, 404, "not implemented yet");
}
