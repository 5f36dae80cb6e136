/* SPDX-License-Identifier: Apache-2.0 */
/* api_clones.h - cloning, for the image create handler.
 *
 * POST .../images with a "parent" object makes a clone instead of a new
 * image; api_images.c parses and checks the shared create fields and hands
 * the clone itself to api_clones.c through these two calls. */
#ifndef RBD_REST_API_API_CLONES_H
#define RBD_REST_API_API_CLONES_H

#include <stdint.h>

#include <json-c/json.h>
#include <rbd/librbd.h>

#include "api.h"
#include "image_make.h"

/* The snapshot a clone is made from, as the request names it. */
struct clone_parent {
	const char *pool;
	const char *ns;        /* "" (the default namespace) unless given */
	const char *image;
	const char *snapshot;  /* NULL when named by snapshot_id */
	uint64_t snapshot_id;
	int has_snapshot_id;
	uint64_t clone_format;  /* 1 or 2; 0: the cluster's rbd_default_clone_format */
};

/* Reads and checks body's "parent" object (strictly: unknown fields,
 * types, names) and that "size" is not given with it. Returns 1 with
 * *parent filled when the body asks for a clone, 0 when it has no parent,
 * or a negative errno with the 400 in resp. No cluster call. */
int clone_parent_parse(struct json_object *body, struct clone_parent *parent,
		       struct response *resp);

/* Clones parent into child (the request's pool and namespace), with the
 * layout (features, object size, striping, data pool) and answers
 * 201 with the new Image and its Location. Returns 0 or a negative errno
 * (the error is already in resp). */
int clone_image(struct request *req, struct response *resp, const struct image_ref *child,
		const struct clone_parent *parent, const struct image_layout *layout);

#endif
