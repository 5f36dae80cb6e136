/* SPDX-License-Identifier: Apache-2.0 */
/* byte_range.h - the Range and Content-Range headers of the data routes
 * (RFC 9110, bytes only). Pure parsing, so the unit tests drive it. */
#ifndef RBD_REST_API_BYTE_RANGE_H
#define RBD_REST_API_BYTE_RANGE_H

#include <stdint.h>

/* Range "bytes=a-b", "bytes=a-" or "bytes=-n" on content of size bytes.
 * Returns 0 with the range in *first and *length; -ERANGE when it is
 * unsatisfiable (416); -E2BIG for several ranges (one is served at a
 * time); -EINVAL when it is malformed or not in bytes. */
int byte_range_parse(const char *text, uint64_t size, uint64_t *first, uint64_t *length);

/* Content-Range "bytes a-b/size" or "bytes a-b/ *" (no space) of an
 * upload. Returns 0 with *first, *length (b - a + 1) and *total (or
 * UINT64_MAX for "*"); -EINVAL when malformed (b < a included). */
int content_range_parse(const char *text, uint64_t *first, uint64_t *length, uint64_t *total);

#endif
