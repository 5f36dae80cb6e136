/* SPDX-License-Identifier: Apache-2.0 */
/* faults.h - what the cluster's own faults mean for an answer.
 *
 * Handlers answer a failed librados/librbd call with its errno; two
 * errnos need more than a handler knows, and are dealt with here for
 * every route at once, after the handler and before the answer is sent:
 *   - ESHUTDOWN (Ceph's EBLOCKLISTED): the cluster refuses this worker's
 *     client. The connection is marked lost so the connector replaces the
 *     client, and the answer says so (503, Retry-After).
 *   - ENOSPC, EDQUOT: the cluster or the pool is full. The answer (507)
 *     says which: the full OSDs and the ratios, or the pool's quota. */
#ifndef RBD_REST_API_FAULTS_H
#define RBD_REST_API_FAULTS_H

#include "request.h"
#include "response.h"

void faults_review(struct request *req, struct response *resp);

#endif
