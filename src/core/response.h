/* SPDX-License-Identifier: Apache-2.0 */
/* response.h - what a handler hands back: status, JSON body, headers.
 *
 * Handlers never write to the FastCGI stream; they fill a response and
 * http.c renders it. Error answers are built only here, so every error in
 * the service has the contract's Status shape. */
#ifndef RBD_REST_API_RESPONSE_H
#define RBD_REST_API_RESPONSE_H

#include <json-c/json.h>

struct response {
	int status;
	struct json_object *body;  /* owned; NULL for 204 */
	char *text;                /* owned; a non-JSON body (metrics), wins over body */
	const char *text_type;     /* its Content-Type */
	char *location;            /* owned; Location header when set */
	char allow[96];            /* Allow header on 405 */
	int retry_after;           /* seconds; Retry-After when > 0 */
	char *etag;                /* owned; ETag header (quoted) when set */
	int replayed;              /* an Idempotency-Key's kept answer: Idempotent-Replayed */
	/* What the cluster versions about the object answered (an image's
	 * header id and version), folded into its ETag with the body; owned,
	 * or NULL when the body alone tells every change. */
	char *version;
	/* Content answers (the data routes): Accept-Ranges: bytes, and a
	 * Content-Range ("bytes a-b/size" or "bytes * /size" without the
	 * space) when set. */
	int accept_ranges;
	char content_range[96];
	/* The handler sent the status, headers and body itself
	 * (request.h's answer_start): http.c writes nothing more. */
	int sent;
};

void response_init(struct response *resp);
void response_free(struct response *resp);

/* Takes ownership of body (a top-level object carrying Kind/APIVersion). */
void response_json(struct response *resp, int status, struct json_object *body);

/* Takes ownership of a non-JSON body and its static content type. */
void response_text(struct response *resp, int status, char *text, const char *type);

/* Sets the cluster-side version of the answered object (see version
 * above); returns 0 or -ENOMEM. */
int response_set_version(struct response *resp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets Location to the printf-formatted path; returns 0 or -ENOMEM. */
int response_set_location(struct response *resp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An error answer from a negative errno: the status comes from the
 * contract's table, the message from fmt. Returns err so handlers can
 * write "return response_fail(resp, r, ...)". */
int response_fail(struct response *resp, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same for a failed call: the message is fmt followed by
 * ": <strerror> (errno N)", as in "deleting image rbd/vol1 failed: Device
 * or resource busy (errno 16)". Returns err. */
int response_fail_errno(struct response *resp, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The 500 for running out of memory. Returns -ENOMEM. */
int response_oom(struct response *resp);

/* An error answer with an explicit HTTP code, for conditions that have no
 * errno (unknown path, wrong content type). Returns -EINVAL. */
int response_fail_http(struct response *resp, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The text of resp->body as it goes out: valid UTF-8 whatever the cluster
 * put in its strings (json-c copies bytes as they are), each invalid
 * sequence replaced with U+FFFD. Returns the text with its length in
 * *len, or NULL when out of memory; *owned is NULL or a copy the caller
 * frees. This is the one place every JSON answer passes through. */
const char *response_json_text(const struct response *resp, size_t *len, char **owned);

/* The {"code","reason","message"} object used both in Status answers and
 * for per-item errors inside lists. */
struct json_object *response_error_object(int err, const char *message);

#endif
