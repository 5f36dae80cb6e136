/* SPDX-License-Identifier: Apache-2.0 */
/* Path splitting, percent-decoding and the route table walk. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "../../src/core/router.h"
#include "tap.h"

static int handler_a(struct request *req, struct response *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

static int handler_b(struct request *req, struct response *resp)
{
	(void)req;
	(void)resp;
	return 1;
}

/* The body columns (router.h) stay empty: routing does not read them. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static const struct route table[] = {
	{HTTP_GET, "/api/v1/pools", NULL, handler_a, 1, ROUTE_SCOPE_ANY, "read", 0},
	{HTTP_POST, "/api/v1/pools", NULL, handler_b, 1, ROUTE_SCOPE_ANY, "read", 0},
	{HTTP_GET, "/api/v1/pools/{pool}/images/{image}", NULL, handler_a, 1, ROUTE_SCOPE_ANY, "read", 0},
	{HTTP_DELETE, "/api/v1/pools/{pool}/images/{image}", NULL, handler_b, 1, ROUTE_SCOPE_ANY, "read", 0},
};

static int route(const char *path, enum http_method method, struct route_match *m,
		 unsigned *allow)
{
	char **segments = NULL;
	size_t n = 0;
	int r = path_split(path, &segments, &n);

	if (r < 0)
		return r;
	r = router_match(table, sizeof(table) / sizeof(table[0]), method, segments, n, m, allow);
	/* Captures point into segments: copy what the tests look at. */
	for (size_t i = 0; r == 0 && i < m->ncaptures; i++)
		m->values[i] = strdup(m->values[i]);
	path_segments_free(segments);
	return r;
}

static void free_captures(struct route_match *m)
{
	for (size_t i = 0; i < m->ncaptures; i++)
		free((char *)m->values[i]);
}

int main(void)
{
	struct route_match m;
	unsigned allow;
	char allow_text[64];
	char **segments;
	size_t n;
	char encoded[64];

	is_int(route("/api/v1/pools", HTTP_GET, &m, &allow), 0, "GET /api/v1/pools matches");
	ok(m.route->handler == handler_a, "to the GET handler");
	is_int(route("/api/v1/pools/", HTTP_POST, &m, &allow), 0, "a trailing slash is accepted");
	ok(m.route->handler == handler_b, "to the POST handler");
	is_int(route("/api/v1/pools", HTTP_HEAD, &m, &allow), 0, "HEAD falls back to GET");

	is_int(route("/api/v1/pools", HTTP_PUT, &m, &allow), -EOPNOTSUPP, "PUT is not allowed");
	router_format_allow(allow, allow_text, sizeof(allow_text));
	is_str(allow_text, "GET, HEAD, POST", "Allow lists GET, HEAD, POST");
	is_int(route("/api/v1/pools/rbd/images/x", 0, &m, &allow), -EOPNOTSUPP,
	       "an unknown method is 405 too");

	is_int(route("/api/v1/nothing", HTTP_GET, &m, &allow), -ENOENT, "unknown path is 404");
	is_int(route("/api/v1/pools/rbd/images", HTTP_GET, &m, &allow), -ENOENT,
	       "a prefix of a pattern does not match");
	is_int(route("/api/v1/pools/rbd/images/x/y", HTTP_GET, &m, &allow), -ENOENT,
	       "a longer path does not match");

	is_int(route("/api/v1/pools/my%20pool/images/vol%2F1", HTTP_DELETE, &m, &allow), 0,
	       "encoded captures match");
	is_str(route_capture(&m, "pool"), "my pool", "pool capture is decoded");
	is_str(route_capture(&m, "image"), "vol/1", "an encoded slash stays inside the capture");
	ok(route_capture(&m, "snapshot") == NULL, "no such capture");
	free_captures(&m);

	is_int(route("/api/v1/pools//images/x", HTTP_GET, &m, &allow), 0,
	       "an empty segment is captured (and refused later as an empty name)");
	is_str(route_capture(&m, "pool"), "", "as the empty string");
	free_captures(&m);

	is_int(path_split("/a/%zz", &segments, &n), -EINVAL, "a malformed escape is refused");
	is_int(path_split("/a/%00", &segments, &n), -EINVAL, "an encoded NUL is refused");
	is_int(path_split("a/b", &segments, &n), -EINVAL, "a relative path is refused");
	is_int(path_split("/", &segments, &n), 0, "/ splits");
	is_int(n, 0, "into no segments");
	path_segments_free(segments);

	is_int(percent_encode_segment("a b/c@d", encoded, sizeof(encoded)), 0, "encode works");
	is_str(encoded, "a%20b%2Fc%40d", "reserved characters are encoded");
	is_int(percent_encode_segment("abcdef", encoded, 4), -ENOSPC, "short buffer is ENOSPC");
	return done_testing();
}
