/* SPDX-License-Identifier: Apache-2.0 */
/* errno_status.c - errno to HTTP status (see errno_status.h). */
#include "config.h"

#include <errno.h>
#include <stddef.h>

#include "errno_status.h"

struct http_status status_for_errno(int err)
{
	switch (-err) {
	case EINVAL:
	case EDOM:
	case ERANGE:
	case EILSEQ:
		return (struct http_status){400, "BadRequest"};
	case EPERM:
	case EACCES:
		return (struct http_status){403, "Forbidden"};
	case ENOENT:
		return (struct http_status){404, "NotFound"};
	case EEXIST:
	case ENOTEMPTY:
	case EBUSY:
	case ESTALE:
		return (struct http_status){409, "Conflict"};
	case ENOTCONN:
	case ECONNREFUSED:
	case ESHUTDOWN:
		return (struct http_status){503, "ServiceUnavailable"};
	case ETIMEDOUT:
		return (struct http_status){504, "GatewayTimeout"};
	case ENOSPC:
	case EDQUOT:
		return (struct http_status){507, "InsufficientStorage"};
	default:
		return (struct http_status){500, "InternalError"};
	}
}

static const struct {
	int code;
	const char *reason;
	const char *phrase;
} known[] = {
	{200, "OK", "OK"},
	{201, "Created", "Created"},
	{202, "Accepted", "Accepted"},
	{204, "NoContent", "No Content"},
	{206, "PartialContent", "Partial Content"},
	{304, "NotModified", "Not Modified"},
	{400, "BadRequest", "Bad Request"},
	{401, "Unauthorized", "Unauthorized"},
	{403, "Forbidden", "Forbidden"},
	{404, "NotFound", "Not Found"},
	{405, "MethodNotAllowed", "Method Not Allowed"},
	{409, "Conflict", "Conflict"},
	{411, "LengthRequired", "Length Required"},
	{412, "PreconditionFailed", "Precondition Failed"},
	{413, "PayloadTooLarge", "Payload Too Large"},
	{415, "UnsupportedMediaType", "Unsupported Media Type"},
	{416, "RangeNotSatisfiable", "Range Not Satisfiable"},
	{422, "UnprocessableEntity", "Unprocessable Entity"},
	{429, "TooManyRequests", "Too Many Requests"},
	{500, "InternalError", "Internal Server Error"},
	{503, "ServiceUnavailable", "Service Unavailable"},
	{504, "GatewayTimeout", "Gateway Timeout"},
	{507, "InsufficientStorage", "Insufficient Storage"},
};

const char *status_reason(int code)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].code == code)
			return known[i].reason;
	return "InternalError";
}

const char *status_phrase(int code)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].code == code)
			return known[i].phrase;
	return "Internal Server Error";
}
