/* SPDX-License-Identifier: Apache-2.0 */
/* api_image_features.h - the "features" part of PATCH .../images/{image}:
 * reading the request and answering for the change (image_features.h
 * holds the rules and makes the change). */
#ifndef RBD_REST_API_API_IMAGE_FEATURES_H
#define RBD_REST_API_API_IMAGE_FEATURES_H

#include <json-c/json.h>
#include <rados/librados.h>

#include "api.h"
#include "image_features.h"

/* Checks the "features" object of a PATCH ({"enable", "disable"}, arrays
 * of feature names) without the cluster: unknown fields or names, a
 * feature that only creation can set, a feature in both lists, nothing to
 * do. 400 in resp and a negative errno when it is wrong. */
int api_features_parse(struct response *resp, struct json_object *features,
		       struct feature_change *change);

/* Applies change to ref's image: checks it against the image's current
 * features (400 naming what a feature needs, before any change), then
 * opens the image read-write and enables or disables each feature.
 * Asking for what already is (enable an enabled feature) is not an
 * error. Call it with the image lock held (api_image_lock). On success
 * resp is untouched, so the caller renders the Image; on failure resp
 * holds the error (saying what was already applied, if anything) and the
 * return is a negative errno. */
int api_features_apply(struct request *req, struct response *resp, rados_ioctx_t ioctx,
		       const struct image_ref *ref, const struct feature_change *change);

#endif
