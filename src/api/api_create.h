/* SPDX-License-Identifier: Apache-2.0 */
/* api_create.h - the fields of an image create request and their
 * checks, shared by every way an image is made (api_create.c). */
#ifndef RBD_REST_API_API_CREATE_H
#define RBD_REST_API_API_CREATE_H

#include <stdint.h>

#include <json-c/json.h>
#include <rbd/librbd.h>

#include "image_make.h"

struct image_ref;
struct request;
struct response;

/* Fields and rules of an image create request, checked before any
 * cluster call. */
struct create_request {
	const char *name;
	uint64_t size;
	uint64_t object_size; /* 0 = cluster default */
	uint64_t features;
	int has_features;
	uint64_t stripe_unit;
	uint64_t stripe_count;
	const char *data_pool;
};

/* Reads and checks the fields of c from a body already validated against
 * a field spec (fields the spec lacks stay 0/NULL); 400 in resp. */
int api_create_request_parse(struct json_object *body, struct create_request *c, struct response *resp);

/* The layout c asks for, as rbd/image_make.h takes it. */
void api_create_layout(const struct create_request *c, struct image_layout *layout);

/* The answer for an image make (image_make.h) that failed before
 * anything was made: the options, a taken name (spec), no name of its own
 * for what ("the copy"). Returns the negative errno answered, or 0 when
 * the step was a later one, which the caller words. */
int api_make_failed_early(struct response *resp, int err, const struct image_make_result *res,
			  const char *spec, const char *what);

/* Where the image c asks for goes: ref for c->name in the request's pool
 * and namespace, and its io context; 404 when c's data pool does not
 * exist. */
int api_create_target(struct request *req, struct response *resp, const struct create_request *c,
		      struct image_ref *ref, rados_ioctx_t *ioctx);

/* Sets librbd's create options for c (format 2, features, order, striping,
 * data pool). Returns 0 or a negative errno. */
int api_create_options_set(const struct create_request *c, rbd_image_options_t opts);

#endif
