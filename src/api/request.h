/* SPDX-License-Identifier: Apache-2.0 */
/* request.h - one HTTP request as a handler sees it.
 *
 * http.c fills it from the FastCGI parameters; handlers read captures and
 * query parameters through the accessors and never parse raw input. */
#ifndef RBD_REST_API_REQUEST_H
#define RBD_REST_API_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "router.h"

struct api_env;
struct lease;
struct response;
struct thread_score;

struct query_param {
	char *key;
	char *value;
};

/* Something the request owns until it ends (an open image, a parsed
 * body): api_request_end releases it, the last taken first, before the
 * image lock and before the answer is written (api.h: api_own). */
struct request_owned {
	void (*release)(void *what);
	void *what;
};
#define REQUEST_OWNED_MAX 16

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
	struct request_owned owned[REQUEST_OWNED_MAX];
	size_t nowned;
	struct api_env *env;        /* what handlers reach besides the request */
	struct thread_score *score; /* this thread's slot on the scoreboard (status page) */

	/* Transfers (routes marked ROUTE_TRANSFER): the body is not read by
	 * http.c but streamed by the handler, and an answer may be streamed
	 * too. The callbacks are http.c's; io is its FastCGI request. */
	bool body_streamed;          /* the body is left for body_read */
	bool body_length_known;      /* CONTENT_LENGTH was given */
	uint64_t body_length;        /* its value */
	const char *range;           /* Range, If-Range, Content-Range, or NULL */
	const char *if_range;
	const char *content_range;
	/* Up to len bytes of the body: how many (fewer only at its end or
	 * when the client went away), or a negative errno. */
	ssize_t (*body_read)(struct request *req, char *buf, size_t len);
	/* Sends resp's status and headers with this Content-Type and
	 * Content-Length, before answer_write sends the content itself; resp
	 * is then marked sent. 0, or -EPIPE when the client is gone. */
	int (*answer_start)(struct request *req, struct response *resp, const char *type,
			    uint64_t length);
	int (*answer_write)(struct request *req, const char *buf, size_t len);
	void *io;
	/* What the audit line adds for a transfer ("bytes=... sha256=...
	 * outcome=..."), filled by the handler; "" when none. */
	char transfer_note[256];
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
