/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the response writer. A response is built from the
 * input the way handlers build one (an error or a JSON body, a Location, an
 * Allow list, Retry-After), rendered the way http.c renders it (the body
 * through json-c, the header block through http_head_build), and the
 * output must be a well-formed CGI answer: every header line ends in CRLF
 * and holds no other CR or LF, the block ends in an empty line, and
 * Content-Length is the body's length plus the final newline.
 *
 * Input: byte 0 status selector, byte 1 Retry-After, byte 2 Allow bits,
 * then NUL-separated fields: request id, Location, body message. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_head.h"
#include "json_out.h"
#include "response.h"
#include "router.h"

static const int statuses[] = {200, 201, 202, 204, 400, 404, 405, 409, 413, 500, 503, 504};

/* Takes the next NUL-terminated field out of data; "" when none is left. */
static char *next_field(const uint8_t **data, size_t *size)
{
	const uint8_t *end = memchr(*data, '\0', *size);
	size_t len = end ? (size_t)(end - *data) : *size;
	char *field = malloc(len + 1);

	if (!field)
		abort();
	memcpy(field, *data, len);
	field[len] = '\0';
	*data += end ? len + 1 : len;
	*size -= end ? len + 1 : len;
	return field;
}

static void check_head(const char *head, size_t head_len, int status, int has_body,
		       size_t content_length)
{
	char want[64];
	const char *line = head, *found;

	if (strlen(head) != head_len || head_len < 4 ||
	    strcmp(head + head_len - 4, "\r\n\r\n") != 0)
		abort();
	snprintf(want, sizeof(want), "Status: %d ", status);
	if (strncmp(head, want, strlen(want)) != 0)
		abort();
	/* Each line: no CR or LF before its own CRLF. */
	while (*line) {
		const char *crlf = strstr(line, "\r\n");

		if (!crlf || strcspn(line, "\r\n") != (size_t)(crlf - line))
			abort();
		line = crlf + 2;
	}
	found = strstr(head, "\r\nContent-Length: ");
	if (has_body != (found != NULL))
		abort();
	if (found && strtoull(found + 18, NULL, 10) != content_length)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct response resp;
	char *request_id, *location, *message, *head = NULL;
	const char *body = NULL, *id;
	size_t body_len = 0, head_len = 0;
	int status, r;

	if (size < 3)
		return 0;
	status = statuses[data[0] % (sizeof(statuses) / sizeof(statuses[0]))];
	response_init(&resp);
	resp.retry_after = data[1] > 200 ? 0 : data[1];
	router_format_allow(data[2], resp.allow, sizeof(resp.allow));
	data += 3;
	size -= 3;
	request_id = next_field(&data, &size);
	location = next_field(&data, &size);
	message = next_field(&data, &size);

	if (status >= 400) {
		response_fail_http(&resp, status, "%s", message);
	} else {
		struct json_object *obj = json_envelope("Thing");

		if (obj && json_add_string(obj, "name", message) < 0) {
			json_object_put(obj);
			obj = NULL;
		}
		response_json(&resp, status, obj);
	}
	if (*location && response_set_location(&resp, "/api/v1/pools/%s", location) < 0)
		abort();
	id = request_id_valid(request_id) ? request_id : "-";

	/* As http.c's write_response. */
	if (status != 204 && resp.body)
		body = json_object_to_json_string_length(
			resp.body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &body_len);
	r = http_head_build(&resp, status, id,
			    body ? "application/json; charset=utf-8" : NULL, body_len + 1, &head,
			    &head_len);
	if (r == 0)
		check_head(head, head_len, status, body != NULL, body_len + 1);
	else if (r != -EINVAL || !strpbrk(location, "\r\n"))
		abort();
	if (body && memchr(body, '\n', body_len))
		abort();

	free(head);
	response_free(&resp);
	free(request_id);
	free(location);
	free(message);
	return 0;
}
