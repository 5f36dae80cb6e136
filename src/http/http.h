/* http.h - one FastCGI request in, one HTTP response out.
 *
 * This is the only file that reads FastCGI parameters or writes to the
 * FastCGI stream: it builds a struct request, routes it, enforces the
 * general rules of the contract (names, query parameters, body size), calls
 * the handler and renders its struct response, then writes the access and
 * audit log lines. */
#ifndef RBD_REST_API_HTTP_H
#define RBD_REST_API_HTTP_H

#include <fcgiapp.h>

struct api_env;
struct thread_score;

/* What an accepted request is, for the worker's thread classes: a quick
 * read, a slow change, or a transfer of image content (a route marked
 * ROUTE_TRANSFER with its content in the body or the answer). */
enum http_kind { HTTP_KIND_QUICK, HTTP_KIND_SLOW, HTTP_KIND_TRANSFER };
enum http_kind http_request_kind(FCGX_Request *fcgi);

/* Serves one request with the handlers' context env; score is the
 * worker's slot on the scoreboard (status page, metrics). With
 * transfer_refused, a transfer is answered 429 (max_transfers reached). */
void http_serve(FCGX_Request *fcgi, struct api_env *env, struct thread_score *score,
		int transfer_refused);

#endif
