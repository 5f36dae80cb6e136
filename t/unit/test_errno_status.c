/* SPDX-License-Identifier: Apache-2.0 */
/* The contract's errno -> HTTP table, row by row. */
#include "config.h"

#include <errno.h>

#include "../../src/core/errno_status.h"
#include "tap.h"

static void row(int err, int code, const char *reason)
{
	struct http_status st = status_for_errno(-err);

	ok(st.code == code, "errno %d is %d", err, code);
	is_str(st.reason, reason, "errno %d is %s", err, reason);
}

int main(void)
{
	row(EINVAL, 400, "BadRequest");
	row(EDOM, 400, "BadRequest");
	row(ERANGE, 400, "BadRequest");
	row(EPERM, 403, "Forbidden");
	row(EACCES, 403, "Forbidden");
	row(ENOENT, 404, "NotFound");
	row(EEXIST, 409, "Conflict");
	row(ENOTEMPTY, 409, "Conflict");
	row(EBUSY, 409, "Conflict");
	row(ESTALE, 409, "Conflict");
	row(ENOTCONN, 503, "ServiceUnavailable");
	row(ECONNREFUSED, 503, "ServiceUnavailable");
	row(ESHUTDOWN, 503, "ServiceUnavailable");
	row(ETIMEDOUT, 504, "GatewayTimeout");
	row(ENOSPC, 507, "InsufficientStorage");
	row(EDQUOT, 507, "InsufficientStorage");
	row(EIO, 500, "InternalError");
	is_str(status_reason(405), "MethodNotAllowed", "405 is MethodNotAllowed");
	is_str(status_reason(413), "PayloadTooLarge", "413 is PayloadTooLarge");
	is_str(status_reason(415), "UnsupportedMediaType", "415 is UnsupportedMediaType");
	is_str(status_phrase(404), "Not Found", "404 phrase");
	return done_testing();
}
