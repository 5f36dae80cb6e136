/* SPDX-License-Identifier: Apache-2.0 */
/* http.h - one FastCGI request in, one HTTP response out.
 *
 * This is the only file that uses libfcgi: it hands the request's
 * parameters and streams to http_dispatch.h, which builds a struct
 * request, routes it, enforces the general rules of the contract (names,
 * query parameters, body size), calls the handler, renders its struct
 * response and writes the access and audit log lines. */
#ifndef RBD_REST_API_HTTP_H
#define RBD_REST_API_HTTP_H

#include <fcgiapp.h>

#include "http_dispatch.h"

struct api_env;
struct thread_score;

/* What an accepted request is (http_dispatch.h's enum http_kind). */
enum http_kind http_request_kind(FCGX_Request *fcgi);

/* Serves one request with the handlers' context env; score is the
 * worker's slot on the scoreboard (status page, metrics). With
 * transfer_refused, a transfer is answered 429 (max_transfers reached). */
void http_serve(FCGX_Request *fcgi, struct api_env *env, struct thread_score *score,
		int transfer_refused);

#endif
