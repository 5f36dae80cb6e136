/* SPDX-License-Identifier: Apache-2.0 */
/* The response header block: any length of Location, the request id rule,
 * and no header value that could split the block. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/http/http_head.h"
#include "../../src/core/response.h"
#include "../../src/core/router.h"
#include "tap.h"

static char *repeat(const char *unit, size_t times)
{
	size_t len = strlen(unit);
	char *text = malloc(len * times + 1);

	for (size_t i = 0; i < times; i++)
		memcpy(text + i * len, unit, len);
	text[len * times] = '\0';
	return text;
}

int main(void)
{
	struct response resp;
	char *head, *name, *encoded, *big_id, small[8];
	size_t len;
	int r;

	response_init(&resp);
	r = http_head_build(&resp, 204, "-", NULL, 0, &head, &len);
	is_int(r, 0, "a 204 builds");
	is_str(head, "Status: 204 No Content\r\nX-Request-Id: -\r\n\r\n", "204: status, id, no body headers");
	is_int(len, strlen(head), "length matches");
	free(head);

	/* Four 250-byte names of two-byte characters, percent-encoded: the
	 * longest Location the API makes (it overflowed a 2 KiB buffer). */
	name = repeat("\xc3\xa9", 125);
	encoded = percent_encode_dup(name);
	is_int(strlen(encoded), 750, "a 250-byte name encodes to 750 bytes");
	r = response_set_location(&resp, "/api/v1/pools/%s/namespaces/%s/images/%s/snapshots/%s",
				  encoded, encoded, encoded, encoded);
	is_int(r, 0, "the long Location is set");
	snprintf(resp.allow, sizeof(resp.allow), "GET, HEAD");
	resp.retry_after = 5;
	r = http_head_build(&resp, 201, "0123456789abcdef0123456789abcdef",
			    "application/json; charset=utf-8", 1234, &head, &len);
	is_int(r, 0, "a 3 KB Location builds");
	ok(len > 3000 && strstr(head, resp.location) != NULL, "and is whole in the block (%zu bytes)",
	   len);
	ok(strstr(head, "\r\nContent-Length: 1234\r\n") != NULL, "Content-Length");
	ok(strstr(head, "\r\nAllow: GET, HEAD\r\nRetry-After: 5\r\n\r\n") != NULL,
	   "Allow, Retry-After, the empty line last");
	free(head);

	free(resp.location);
	resp.location = strdup("/api/v1/pools/a\r\nSet-Cookie: x=1");
	r = http_head_build(&resp, 201, "-", NULL, 0, &head, &len);
	is_int(r, -EINVAL, "a Location with CRLF is refused, not sent");
	ok(head == NULL, "and nothing is returned");
	response_free(&resp);

	big_id = repeat("f", 40000);
	ok(!request_id_valid(big_id), "a 40 KB request id is not taken");
	big_id[REQUEST_ID_MAX] = '\0';
	ok(request_id_valid(big_id), "%d hex digits are", REQUEST_ID_MAX);
	big_id[REQUEST_ID_MAX] = 'f';
	big_id[REQUEST_ID_MAX + 1] = '\0';
	ok(!request_id_valid(big_id), "%d are not", REQUEST_ID_MAX + 1);
	ok(request_id_valid("67260181c193f020e00b1733e3861a40"), "nginx's $request_id is");
	ok(!request_id_valid(""), "an empty id is not");
	ok(!request_id_valid("abc def"), "a space is not");
	ok(!request_id_valid("abc\"x"), "a quote is not");
	ok(!request_id_valid("test-123"), "a dash is not");

	/* percent_encode_segment never leaves a cut name behind. */
	memset(small, 'Z', sizeof(small));
	r = percent_encode_segment(name, small, sizeof(small));
	is_int(r, -ENOSPC, "a name too long for the buffer is -ENOSPC");
	is_str(small, "", "and the buffer holds the empty string, not stale bytes");
	r = percent_encode_segment("a b", small, sizeof(small));
	is_int(r, 0, "a short name fits");
	is_str(small, "a%20b", "encoded");

	free(big_id);
	free(encoded);
	free(name);
	return done_testing();
}
