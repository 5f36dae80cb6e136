/* SPDX-License-Identifier: Apache-2.0 */
/* api_call.c - a route's handler run under the one-channel rule (see
 * api_call.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "api_call.h"
#include "log.h"
#include "request.h"
#include "response.h"
#include "router.h"

int api_call_answered(const struct response *resp)
{
	return resp->sent || resp->body || resp->text || resp->status == 204 || resp->status == 304;
}

int api_call_failed_with_answer(const struct response *resp)
{
	/* Once the status line is out, a failure can only cut the content:
	 * that is the answer a streaming handler gives. */
	return resp->sent || (resp->status >= 400 && (resp->body || resp->text));
}

int api_call(const struct route *route, struct request *req, struct response *resp)
{
	const char *method = http_method_name(route->method);
	int r = route->handler(req, resp);

	if (r < 0 && !api_call_failed_with_answer(resp)) {
		log_event(LOG_LEVEL_ERROR, req->request_id, req->user,
			  "event=bug route=\"%s %s\" what=\"the handler returned %d (%s) without an error answer (status %d)\"",
			  method, route->pattern, r, strerror(-r), resp->status);
		response_fail_http(resp, 500,
				   "internal error: the handler of %s %s failed (%s) without saying why; this is a bug, logged as such",
				   method, route->pattern, strerror(-r));
		return r;
	}
	if (r >= 0 && !api_call_answered(resp)) {
		log_event(LOG_LEVEL_ERROR, req->request_id, req->user,
			  "event=bug route=\"%s %s\" what=\"the handler returned %d without an answer\"",
			  method, route->pattern, r);
		response_fail_http(resp, 500,
				   "internal error: the handler of %s %s gave no answer; this is a bug, logged as such",
				   method, route->pattern);
		return -EPROTO;
	}
	return r;
}
