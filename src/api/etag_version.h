/* SPDX-License-Identifier: Apache-2.0 */
/* etag_version.h - what the cluster versions about an answered image, as
 * an entity tag (etag.h) folds it in.
 *
 * Kept apart from etag.h because the helpers that read an image's header
 * anyway (api.c) record it, while etag.c itself opens images through
 * those helpers: one header for both directions made an include circle. */
#ifndef RBD_REST_API_ETAG_VERSION_H
#define RBD_REST_API_ETAG_VERSION_H

#include <stdint.h>

struct response;

/* Records in resp what the cluster versions about an image (its id and
 * header object version), for a handler that read them anyway: the ETag
 * then needs no round trip of its own. Returns 0 or -ENOMEM. */
int api_etag_image_version(struct response *resp, const char *id, uint64_t version);

#endif
