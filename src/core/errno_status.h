/* SPDX-License-Identifier: Apache-2.0 */
/* errno_status.h - the only place where an errno becomes an HTTP status.
 *
 * The table is the contract's "Errors" table; every error answer, whether
 * it comes from our own validation or from librados/librbd, goes through
 * status_for_errno() or names its HTTP code directly. */
#ifndef RBD_REST_API_ERRNO_STATUS_H
#define RBD_REST_API_ERRNO_STATUS_H

struct http_status {
	int code;
	const char *reason;  /* the contract's "reason" word, e.g. "NotFound" */
};

/* err is a negative errno. Unknown errnos map to 500 InternalError. */
struct http_status status_for_errno(int err);

/* The contract's reason word for an HTTP code we answer ourselves
 * (404 unknown path, 405, 413, 415, ...). */
const char *status_reason(int code);

/* The standard reason phrase for the Status: line ("Not Found"). */
const char *status_phrase(int code);

#endif
