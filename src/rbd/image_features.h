/* SPDX-License-Identifier: Apache-2.0 */
/* image_features.h - enabling and disabling features of an existing image
 * (PATCH .../images/{image} with {"features": {"enable": [...],
 * "disable": [...]}}): the rules and the change itself. Parsing the
 * request and wording its errors is api_image_features.c's job. */
#ifndef RBD_REST_API_IMAGE_FEATURES_H
#define RBD_REST_API_IMAGE_FEATURES_H

#include <stdint.h>

#include <rbd/librbd.h>

/* What librbd can enable on an existing image, and disable (deep-flatten
 * can only be disabled); every other feature only creation sets. */
#define FEATURES_ENABLE_LATER (RBD_FEATURE_EXCLUSIVE_LOCK | RBD_FEATURE_JOURNALING | \
			       RBD_FEATURE_OBJECT_MAP | RBD_FEATURE_FAST_DIFF)
#define FEATURES_DISABLE_LATER (FEATURES_ENABLE_LATER | RBD_FEATURE_DEEP_FLATTEN)

/* A checked request: the bits to enable and to disable (object-map and
 * fast-diff always together, as librbd switches them). */
struct feature_change {
	uint64_t enable;
	uint64_t disable;
};

/* Makes a list that names object-map or fast-diff name both: librbd
 * switches these two as a pair on an existing image. */
void feature_change_pair(struct feature_change *change);

/* Why a change would leave the image with a feature that lacks what it
 * needs, "feature requires needs". */
struct feature_conflict {
	int enabling;         /* 1: feature is enabled without needs; 0: needs is disabled under feature */
	uint64_t feature;
	uint64_t needs;
	uint64_t dependents;  /* when disabling: every feature that would have to go as well */
};

/* Checks change against the image's current features: 0, or -EINVAL
 * with *conflict filled. */
int image_features_conflict(uint64_t current, const struct feature_change *change,
			    struct feature_conflict *conflict);

/* The feature librbd refused, when image_features_change fails. */
struct feature_failure {
	uint64_t bit;
	int enabling;
};

/* Enables and disables each feature of change on image (opened
 * read-write) in an order librbd accepts, skipping what already is so.
 * Returns 0, or librbd's negative errno with *failure filled; what was
 * applied before stays applied. */
int image_features_change(rbd_image_t image, const struct feature_change *change,
			  struct feature_failure *failure);

#endif
