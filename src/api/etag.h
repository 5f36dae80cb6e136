/* SPDX-License-Identifier: Apache-2.0 */
/* etag.h - entity tags and conditional requests, for every route at once.
 *
 * A single resource's tag is a fingerprint of its answer's body (but for
 * a "stats" member: a pool's usage moves by itself) and of
 * what the cluster versions about it: for anything under an image, the
 * image's id and the version of its header object, which every change of
 * the image bumps (resize, features, snapshots, metadata, locks) whoever
 * makes it, the rbd CLI included. No route needs code of its own: a GET
 * route whose path ends in a {capture}, or that has a PUT twin, answers
 * with an ETag; its PATCH/PUT/DELETE twins and the POST actions under it
 * honour If-Match by running that GET first. */
#ifndef RBD_REST_API_ETAG_H
#define RBD_REST_API_ETAG_H

struct request;
struct response;

/* Before the handler: when the request has If-Match, takes the image lock
 * (for changes of an image, so nothing changes between the check and the
 * change) and compares with the object's current tag. Returns 0 to go
 * on, or a negative errno with the answer in resp: 412, or the error the
 * object's GET gave (404 for one that does not exist). */
int api_etag_precondition(struct request *req, struct response *resp);

/* After the handler: adds ETag to a 200 answer about a single resource,
 * and turns a GET's into 304 when If-None-Match matches it. */
void api_etag_finish(struct request *req, struct response *resp);

#endif
