/* SPDX-License-Identifier: Apache-2.0 */
/* http_head.c - the CGI header block of a response (see http_head.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_head.h"
#include "response.h"
#include "errno_status.h"

int request_id_valid(const char *id)
{
	size_t len = strspn(id, "0123456789abcdefABCDEF");

	return len > 0 && len <= REQUEST_ID_MAX && id[len] == '\0';
}

/* A header value may not end the line or the block early. */
static int header_value_ok(const char *value)
{
	return strpbrk(value, "\r\n") == NULL;
}

int http_head_build(const struct response *resp, int status, const char *request_id,
		    const char *content_type, size_t content_length, char **head,
		    size_t *head_len)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int r = 0;

	*head = NULL;
	*head_len = 0;
	if (!header_value_ok(request_id) || (content_type && !header_value_ok(content_type)) ||
	    (resp->location && !header_value_ok(resp->location)) ||
	    !header_value_ok(resp->allow) || (resp->etag && !header_value_ok(resp->etag)) ||
	    !header_value_ok(resp->content_range))
		return -EINVAL;
	/* libfcgi's printf lacks %zu and friends, and a memory stream grows
	 * with what it is given. */
	out = open_memstream(&text, &len);
	if (!out)
		return -ENOMEM;
	fprintf(out, "Status: %d %s\r\nX-Request-Id: %s\r\n", status, status_phrase(status),
		request_id);
	if (content_type)
		fprintf(out, "Content-Type: %s\r\n", content_type);
	/* SIZE_MAX: a stream whose length is known only at its end (nginx
	 * sends it chunked). */
	if (content_type && content_length != SIZE_MAX)
		fprintf(out, "Content-Length: %zu\r\n", content_length);
	if (resp->location)
		fprintf(out, "Location: %s\r\n", resp->location);
	if (resp->allow[0])
		fprintf(out, "Allow: %s\r\n", resp->allow);
	if (resp->etag)
		fprintf(out, "ETag: %s\r\n", resp->etag);
	if (resp->accept_ranges)
		fputs("Accept-Ranges: bytes\r\n", out);
	if (resp->content_range[0])
		fprintf(out, "Content-Range: %s\r\n", resp->content_range);
	if (resp->replayed)
		fputs("Idempotent-Replayed: true\r\n", out);
	if (resp->retry_after > 0)
		fprintf(out, "Retry-After: %d\r\n", resp->retry_after);
	fputs("\r\n", out);
	if (ferror(out))
		r = -ENOMEM;
	if (fclose(out) != 0)
		r = -ENOMEM;
	if (r < 0) {
		free(text);
		return r;
	}
	*head = text;
	*head_len = len;
	return 0;
}
