/* SPDX-License-Identifier: Apache-2.0 */
/* http_dispatch.h - one request from its FastCGI parameters and body to
 * the bytes of its answer, without the FastCGI library.
 *
 * Everything between the socket and the handler lives here: parsing the
 * path and query, routing (404, 405), the general rules of the contract
 * (names, query parameters, body size and length), authorization, the
 * handler, rendering the answer, the access and audit log line. http.c
 * feeds it from libfcgi; t/unit/test_dispatch.c feeds it parameter arrays
 * and bodies (as nginx-tests' FastCGI backend would see them) and reads
 * back what would go to nginx, with stub handlers. */
#ifndef RBD_REST_API_HTTP_DISPATCH_H
#define RBD_REST_API_HTTP_DISPATCH_H

#include <stddef.h>
#include <sys/types.h>

struct api_env;
struct thread_score;

/* The exchange with the web server: its parameters and the two streams. */
struct http_io {
	/* "NAME=value" strings, NULL-terminated, as FastCGI passes them
	 * (REQUEST_METHOD, REQUEST_URI, REMOTE_USER, CONTENT_TYPE,
	 * CONTENT_LENGTH, REQUEST_ID, HTTP_IF_MATCH, ...). */
	char **envp;
	/* Up to len bytes of the body: how many, 0 at its end, or a
	 * negative errno. */
	ssize_t (*read)(void *ctx, char *buf, size_t len);
	/* All len bytes of the answer, or -EPIPE. */
	int (*write)(void *ctx, const char *buf, size_t len);
	void *ctx;
};

/* The value of parameter name in envp, or NULL. */
const char *http_param(char *const *envp, const char *name);

/* What an accepted request is, for the worker's thread classes: a quick
 * read, a slow change, or a transfer of image content (a route marked
 * ROUTE_TRANSFER with its content in the body or the answer). */
enum http_kind { HTTP_KIND_QUICK, HTTP_KIND_SLOW, HTTP_KIND_TRANSFER };
enum http_kind http_kind_of(char *const *envp);

/* Serves one request with the handlers' context env; score is the
 * worker's slot on the scoreboard (status page, metrics). With
 * transfer_refused, a transfer is answered 429 (max_transfers reached). */
void http_handle(const struct http_io *io, struct api_env *env, struct thread_score *score,
		 int transfer_refused);

#endif
