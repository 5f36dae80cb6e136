/* request.h - one HTTP request as a handler sees it.
 *
 * http.c fills it from the FastCGI parameters; handlers read captures and
 * query parameters through the accessors and never parse raw input. */
#ifndef RBD_REST_API_REQUEST_H
#define RBD_REST_API_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "router.h"

struct api_env;
struct lease;
struct response;

struct query_param {
	char *key;
	char *value;
};

struct request {
	enum http_method method;
	const char *uri;            /* raw REQUEST_URI, for logs */
	const char *request_id;     /* nginx's $request_id, or "-" */
	const char *user;           /* REMOTE_USER, or "-" */
	const char *role;           /* the policy role deciding, for the audit line; or NULL */
	const char *decision;       /* "allowed", "denied", or NULL before the check */
	const char *content_type;
	const char *if_match;        /* If-Match, or NULL (etag.h) */
	const char *if_none_match;   /* If-None-Match, or NULL */
	const char *idempotency_key; /* Idempotency-Key, or NULL (idempotency.h) */
	char *idempotency_entry;     /* owned: the claimed key's omap key, or NULL */
	uint64_t idempotency_digest; /* what the request was: method, URI, body */
	char *body;                 /* owned, NUL-terminated, body_len bytes */
	size_t body_len;
	char **segments;            /* owned, decoded path segments */
	size_t nsegments;
	struct query_param *query;  /* owned */
	size_t nquery;
	struct route_match match;
	int image_lock;             /* held image lock (api_image_lock), or -1 */
	bool data_permit;           /* holds one of env->data_moves (api_sync_data_begin) */
	struct lease *image_lease;  /* its lease in the cluster, or NULL */
	struct api_env *env;        /* what handlers reach besides the request */
};

/* The decoded value of {name} in the route pattern (already validated
 * when it is a pool, image, snapshot or namespace name). */
const char *request_capture(const struct request *req, const char *name);

/* The decoded query parameter, or NULL when absent. */
const char *request_query(const struct request *req, const char *key);

/* A boolean query parameter: absent -> dflt; "true"/"false"/"1"/"0";
 * anything else -> 400 in resp and a negative return. */
int request_query_bool(const struct request *req, const char *key, int dflt, int *value,
		       struct response *resp);

/* An unsigned query parameter in [min, max]; absent -> dflt. */
int request_query_uint(const struct request *req, const char *key, unsigned long dflt,
		       unsigned long min, unsigned long max, unsigned long *value,
		       struct response *resp);

#endif
