/* SPDX-License-Identifier: Apache-2.0 */
/* router.h - method + path pattern -> handler.
 *
 * Patterns are written the way the contract writes them,
 * "/api/v1/pools/{pool}/images/{image}"; a {capture} matches exactly one
 * non-empty-or-empty segment (names are validated later, so an empty
 * segment becomes a clear 400 rather than a puzzling 404). The table is
 * plain data so tests and the OpenAPI check can walk it. */
#ifndef RBD_REST_API_ROUTER_H
#define RBD_REST_API_ROUTER_H

#include <stddef.h>

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_PATCH = 1 << 4,
	HTTP_DELETE = 1 << 5,
};

#define ROUTE_MAX_CAPTURES 6

struct field_spec;
struct request;
struct response;
typedef int (*route_handler)(struct request *req, struct response *resp);

/* What object a route's authorization is checked on (policy.h). */
enum route_scope {
	ROUTE_SCOPE_NONE = 0,   /* no rule: a route must say (t/15-authz.t) */
	ROUTE_SCOPE_PUBLIC,     /* anyone, even unauthenticated (health probes) */
	ROUTE_SCOPE_ANY,        /* any user with a role; answers filtered to their scopes */
	ROUTE_SCOPE_CLUSTER,    /* the service or cluster as a whole: scope "*" */
	ROUTE_SCOPE_POOL,       /* {pool} as a whole */
	ROUTE_SCOPE_NAMESPACE,  /* {pool}/{namespace}, or the pool's default namespace */
	/* {pool}'s entries in every namespace (the trash): the verb on some
	 * scope inside the pool, then each entry where it lives (the handler
	 * skips what the user cannot see and asks authz for the verb). */
	ROUTE_SCOPE_ITEMS,
};

struct route {
	enum http_method method;
	const char *pattern;
	/* Comma-separated query parameters the route accepts; NULL for none.
	 * Anything else is a 400 naming the parameter, so "?confrim=" is
	 * not silently ignored. */
	const char *query;
	route_handler handler;
	/* Authorization: the policy verb (one enum policy_verb bit) needed
	 * on scope, and what a 403 says the user may not do. */
	unsigned verb;
	enum route_scope scope;
	const char *action;
	/* ROUTE_TRANSFER: moves image content. Its body (unless JSON) is
	 * streamed by the handler instead of read into memory, it runs on
	 * the threads kept for slow requests, at most max_transfers a
	 * worker at once. */
	unsigned flags;
	/* The JSON body the route reads: its fields (json_in.h), the array
	 * the handler passes to api_request_body, kept beside the handler
	 * and named here (route_decls.inc declares it) so the table is the one list of
	 * what every route takes. NULL: the route reads no JSON body. Where a handler
	 * takes several kinds of body (an image create: plain, a clone's
	 * "parent"), this is the widest. `rbd-rest-api --surface` prints
	 * it and t/01-surface.t holds src/openapi.json to it. */
	const struct field_spec *body;
	/* The rules of the body's object fields that have rules of their
	 * own ("parent" of a clone), ended by {NULL}; NULL for none. */
	const struct route_object *objects;
	/* Query parameters read with field rules (an upload's image
	 * layout): their types; the names are the query column's. */
	const struct field_spec *query_fields;
};
#define ROUTE_TRANSFER 1u

/* A FIELD_OBJECT field of a body and the spec its value is checked
 * against (json_in_check_fields). */
struct route_object {
	const char *field;
	const struct field_spec *spec;
};

const char *route_scope_name(enum route_scope scope);

struct route_match {
	const struct route *route;
	size_t ncaptures;
	const char *names[ROUTE_MAX_CAPTURES];   /* points into the pattern */
	size_t name_lens[ROUTE_MAX_CAPTURES];
	const char *values[ROUTE_MAX_CAPTURES];  /* points into segments */
};

/* "GET" -> HTTP_GET; 0 for a method we do not know. */
enum http_method http_method_parse(const char *name);
const char *http_method_name(enum http_method method);

/* Finds the route for method and the decoded path segments. HEAD falls
 * back to the GET route. Returns 0 and fills match; -ENOENT when no
 * pattern matches the path; -EOPNOTSUPP when patterns match but none for
 * this method, with allow set to the accepted methods (HEAD included
 * wherever GET is). */
int router_match(const struct route *table, size_t nroutes, enum http_method method,
		 char *const *segments, size_t nsegments, struct route_match *match,
		 unsigned *allow);

/* "GET, HEAD, DELETE" for an Allow header; returns 0 or -ENOSPC. */
int router_format_allow(unsigned allow, char *out, size_t outlen);

/* The value captured as {name}, or NULL. */
const char *route_capture(const struct route_match *match, const char *name);

/* Splits a raw request path (no query string) into percent-decoded
 * segments. One trailing slash is ignored. Returns 0 and a NULL-terminated
 * array the caller frees with path_segments_free(); -EINVAL for a path not
 * starting with '/', a malformed %-escape or an encoded NUL; -ENOMEM. */
int path_split(const char *raw, char ***segments, size_t *nsegments);
void path_segments_free(char **segments);

/* Percent-decodes in place ('+' is a space when plus_is_space). Returns
 * 0, or -EINVAL for a malformed escape or an encoded NUL. */
int percent_decode(char *text, int plus_is_space);

/* Percent-encodes a name for use as one path segment (Location headers).
 * Returns 0, or -ENOSPC when out is too small (3 * strlen + 1 suffices);
 * out is then the empty string, never a cut or unterminated name. */
int percent_encode_segment(const char *in, char *out, size_t outlen);

/* The same, into a string of its own (any length); NULL when out of
 * memory. The caller frees it. */
char *percent_encode_dup(const char *in);

#endif
