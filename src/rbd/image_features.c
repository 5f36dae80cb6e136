/* SPDX-License-Identifier: Apache-2.0 */
/* image_features.c - enabling and disabling features of an existing image
 * (see image_features.h).
 *
 * librbd changes one feature per rbd_update_features call and refuses a
 * change that leaves a feature without what it needs, so the whole
 * request is checked against the image's current features first
 * (rbd_features.c knows the rules), and then applied in an order librbd
 * accepts: enabling exclusive-lock before journaling and object-map,
 * object-map before fast-diff; disabling in the opposite order.
 *
 * librbd switches object-map and fast-diff together on an existing image
 * (enabling either enables both, disabling either disables both), and so
 * does this API, openly: naming one in a list counts as naming both. An
 * object map enabled later starts out flagged invalid until rebuilt
 * (`rbd object-map rebuild`); until then readers fall back to slow paths. */
#include "config.h"

#include <errno.h>

#include "image_features.h"
#include "rbd_features.h"

/* Enabling order; disabling walks it backwards. These are all the
 * features librbd can change on an existing image. */
static const uint64_t change_order[] = {
	RBD_FEATURE_EXCLUSIVE_LOCK,
	RBD_FEATURE_JOURNALING,
	RBD_FEATURE_OBJECT_MAP,
	RBD_FEATURE_FAST_DIFF,
	RBD_FEATURE_DEEP_FLATTEN,
};
#define N_CHANGE (sizeof(change_order) / sizeof(change_order[0]))

/* On an existing image librbd enables and disables these together. */
#define PAIRED (RBD_FEATURE_OBJECT_MAP | RBD_FEATURE_FAST_DIFF)

void feature_change_pair(struct feature_change *change)
{
	if (change->enable & PAIRED)
		change->enable |= PAIRED;
	if (change->disable & PAIRED)
		change->disable |= PAIRED;
}

int image_features_conflict(uint64_t current, const struct feature_change *change,
			    struct feature_conflict *conflict)
{
	uint64_t target = (current | change->enable) & ~change->disable, left = target;
	uint64_t feature, needs;

	*conflict = (struct feature_conflict){0};
	if (features_unmet(target, &feature, &needs) == 0)
		return 0;
	/* Caused by enabling something without what it needs. */
	if (features_unmet(target | (change->disable & current), &conflict->feature,
			   &conflict->needs) < 0) {
		conflict->enabling = 1;
		return -EINVAL;
	}
	/* Caused by disabling something others need: find every feature
	 * that would have to go as well (fast-diff goes with object-map). */
	conflict->feature = feature;
	conflict->needs = needs;
	while (features_unmet(left, &feature, &needs) < 0) {
		conflict->dependents |= feature;
		left &= ~feature;
	}
	return -EINVAL;
}

/* Enables (on) or disables one feature unless it already is so: librbd
 * refuses both, and switches object-map and fast-diff as a pair, so an
 * earlier call may have done this one already. */
static int change_one(rbd_image_t image, uint64_t bit, int on)
{
	uint64_t now;
	int r = rbd_get_features(image, &now);

	if (r < 0)
		return r;
	if (!!(now & bit) == !!on)
		return 0;
	return rbd_update_features(image, bit, (uint8_t)on);
}

int image_features_change(rbd_image_t image, const struct feature_change *change,
			  struct feature_failure *failure)
{
	int r;

	for (size_t i = 0; i < N_CHANGE; i++) {
		if (!(change->enable & change_order[i]))
			continue;
		r = change_one(image, change_order[i], 1);
		if (r < 0) {
			*failure = (struct feature_failure){change_order[i], 1};
			return r;
		}
	}
	for (size_t i = N_CHANGE; i-- > 0;) {
		if (!(change->disable & change_order[i]))
			continue;
		r = change_one(image, change_order[i], 0);
		if (r < 0) {
			*failure = (struct feature_failure){change_order[i], 0};
			return r;
		}
	}
	return 0;
}
