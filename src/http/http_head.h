/* SPDX-License-Identifier: Apache-2.0 */
/* http_head.h - the CGI header block of a response, and the request id
 * rule.
 *
 * Pure code (no FastCGI stream, no Ceph), so the fuzz target
 * t/fuzz/fuzz_response.c drives exactly what the daemon runs. The block is
 * built on the heap: a Location made of four 250-byte names percent-encoded
 * is about 3 KB, and no fixed buffer has to guess that bound. */
#ifndef RBD_REST_API_HTTP_HEAD_H
#define RBD_REST_API_HTTP_HEAD_H

#include <stddef.h>

struct response;

/* Longest REQUEST_ID taken from the FastCGI parameters. nginx's
 * $request_id is 32 hex digits. */
#define REQUEST_ID_MAX 64

/* 1 when id is 1 to REQUEST_ID_MAX hex digits, else 0: anything else on
 * the socket did not come from nginx and is not echoed or logged. */
int request_id_valid(const char *id);

/* The header block for resp sent with HTTP status `status`: Status,
 * X-Request-Id, Content-Type and Content-Length (when content_type is not
 * NULL; no Content-Length when content_length is SIZE_MAX), Location, Allow, ETag, Idempotent-Replayed, Retry-After and the empty line. Returns 0 and a
 * malloc'd block in *head (*head_len bytes, NUL-terminated), -ENOMEM, or
 * -EINVAL when a value would break the header syntax (CR, LF or NUL in
 * request_id, content_type, Location, Allow or ETag) - never a partial block. */
int http_head_build(const struct response *resp, int status, const char *request_id,
		    const char *content_type, size_t content_length, char **head,
		    size_t *head_len);

#endif
