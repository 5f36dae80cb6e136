/* SPDX-License-Identifier: Apache-2.0 */
/* api_call.h - runs a route's handler, holding it to one channel for
 * failure.
 *
 * A handler answers in its struct response and returns 0, or returns a
 * negative errno with an error answer in it. Whoever runs a handler (the
 * dispatch in http/, an If-Match check running the object's GET) goes
 * through api_call, so a handler that breaks the rule is caught in one
 * place: a line event=bug naming the route, and an answer that is an
 * error rather than the 500 "out of memory" a missing body used to turn
 * into. */
#ifndef RBD_REST_API_API_CALL_H
#define RBD_REST_API_API_CALL_H

struct request;
struct response;
struct route;

/* Calls route->handler(req, resp) and returns what it returned. When it
 * returned an error without an error answer in resp (status >= 400 with
 * a body), or success without any answer, logs the bug and makes resp a
 * 500 saying so; the return is then negative. An answer the handler sent
 * itself (resp->sent, content streamed) counts as its answer. */
int api_call(const struct route *route, struct request *req, struct response *resp);

/* Whether resp holds an answer (a body, a 204 or 304, or one already
 * sent), and whether it holds an error answer: for tests and callers
 * that check a handler run another way. */
int api_call_answered(const struct response *resp);
int api_call_failed_with_answer(const struct response *resp);

#endif
