/* SPDX-License-Identifier: Apache-2.0 */
/* idempotency.h - Idempotency-Key on POST: one execution, many answers.
 *
 * A POST with `Idempotency-Key` claims the key in the cluster before its
 * handler runs: an omap entry of the object "rbd_rest_api.idempotency" in
 * the request's pool (default namespace), keyed by user and key, so every
 * replica of the service sees it. The claim is atomic (compare-and-set in
 * one write operation), so of two racing repeats exactly one runs. Once
 * answered, the entry keeps the answer (status, Location, body) for 24 h;
 * a repeat with the same method, URI and body is answered from it with
 * `Idempotent-Replayed: true`, another request under the same key is a
 * 422, and a repeat while the first still runs is a 409. Answers worth
 * trying again (5xx, 408, 409, 429) are not kept, so a retry runs again.
 * Entries older than 24 h are swept a slice at a time by the threads that
 * write there. A POST without a {pool} (creating a pool) has nowhere to
 * keep its key and runs as if it had none. No route needs code of its own. */
#ifndef RBD_REST_API_IDEMPOTENCY_H
#define RBD_REST_API_IDEMPOTENCY_H

struct request;
struct response;

/* Before the handler. Returns 0 to run it (key claimed, or none given),
 * 1 when resp already holds the answer (the kept one replayed), or a
 * negative errno with the error in resp (400 bad key, 409, 422, 404 pool,
 * 503). */
int api_idempotency_begin(struct request *req, struct response *resp);

/* After the handler: keeps the answer under the claimed key, or frees
 * the key when the answer should not be replayed. */
void api_idempotency_end(struct request *req, const struct response *resp);

#endif
