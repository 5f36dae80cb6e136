/* image_features.h - enabling and disabling features of an existing image
 * (PATCH .../images/{image} with {"features": {"enable": [...],
 * "disable": [...]}}). */
#ifndef RBD_REST_API_IMAGE_FEATURES_H
#define RBD_REST_API_IMAGE_FEATURES_H

#include <json-c/json.h>
#include <rados/librados.h>

#include "api.h"

/* The "features" object of a PATCH: {"enable", "disable"}, both arrays of
 * feature names. Check it with json_in_check_fields(features,
 * image_features_fields, "field \"features\"", resp). */
extern const struct field_spec image_features_fields[];

/* Applies features (already checked against image_features_fields) to
 * ref's image: validates the names and what depends on what (400 before
 * any change), opens the image read-write and enables or disables each
 * feature in an order librbd accepts. Asking for what already is (enable
 * an enabled feature) is not an error. Call it with the image lock held
 * (api_image_lock). On success resp is untouched, so the caller renders
 * the Image; on failure resp holds the error (saying what was already
 * applied, if anything) and the return is a negative errno. */
int api_image_update_features(struct response *resp, rados_ioctx_t ioctx,
			      const struct image_ref *ref, struct json_object *features);

#endif
