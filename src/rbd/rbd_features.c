/* SPDX-License-Identifier: Apache-2.0 */
/* rbd_features.c - feature names and rules (see rbd_features.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rbd/librbd.h>

#include "json_out.h"
#include "rbd_features.h"

struct named_bit {
	uint64_t bit;
	const char *name;
	int settable;
};

static const struct named_bit feature_names[] = {
	{RBD_FEATURE_LAYERING, RBD_FEATURE_NAME_LAYERING, 1},
	{RBD_FEATURE_STRIPINGV2, RBD_FEATURE_NAME_STRIPINGV2, 1},
	{RBD_FEATURE_EXCLUSIVE_LOCK, RBD_FEATURE_NAME_EXCLUSIVE_LOCK, 1},
	{RBD_FEATURE_OBJECT_MAP, RBD_FEATURE_NAME_OBJECT_MAP, 1},
	{RBD_FEATURE_FAST_DIFF, RBD_FEATURE_NAME_FAST_DIFF, 1},
	{RBD_FEATURE_DEEP_FLATTEN, RBD_FEATURE_NAME_DEEP_FLATTEN, 1},
	{RBD_FEATURE_JOURNALING, RBD_FEATURE_NAME_JOURNALING, 1},
	{RBD_FEATURE_DATA_POOL, RBD_FEATURE_NAME_DATA_POOL, 0},
	{RBD_FEATURE_OPERATIONS, RBD_FEATURE_NAME_OPERATIONS, 0},
	{RBD_FEATURE_MIGRATING, RBD_FEATURE_NAME_MIGRATING, 0},
	{RBD_FEATURE_NON_PRIMARY, RBD_FEATURE_NAME_NON_PRIMARY, 0},
	{RBD_FEATURE_DIRTY_CACHE, RBD_FEATURE_NAME_DIRTY_CACHE, 0},
};

static const struct named_bit op_feature_names[] = {
	{RBD_OPERATION_FEATURE_CLONE_PARENT, RBD_OPERATION_FEATURE_NAME_CLONE_PARENT, 0},
	{RBD_OPERATION_FEATURE_CLONE_CHILD, RBD_OPERATION_FEATURE_NAME_CLONE_CHILD, 0},
	{RBD_OPERATION_FEATURE_GROUP, RBD_OPERATION_FEATURE_NAME_GROUP, 0},
	{RBD_OPERATION_FEATURE_SNAP_TRASH, RBD_OPERATION_FEATURE_NAME_SNAP_TRASH, 0},
};

static const struct named_bit flag_names[] = {
	{RBD_FLAG_OBJECT_MAP_INVALID, "object-map-invalid", 0},
	{RBD_FLAG_FAST_DIFF_INVALID, "fast-diff-invalid", 0},
};

/* What each feature needs, as librbd enforces it. */
static const struct {
	uint64_t feature;
	uint64_t needs;
} dependencies[] = {
	{RBD_FEATURE_OBJECT_MAP, RBD_FEATURE_EXCLUSIVE_LOCK},
	{RBD_FEATURE_FAST_DIFF, RBD_FEATURE_OBJECT_MAP},
	{RBD_FEATURE_JOURNALING, RBD_FEATURE_EXCLUSIVE_LOCK},
};

const char *feature_name(uint64_t bit)
{
	for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
		if (feature_names[i].bit == bit)
			return feature_names[i].name;
	return "?";
}

int feature_from_name(const char *name, uint64_t *bit)
{
	for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++) {
		if (feature_names[i].settable && strcmp(feature_names[i].name, name) == 0) {
			*bit = feature_names[i].bit;
			return 0;
		}
	}
	return -EINVAL;
}

int features_unmet(uint64_t features, uint64_t *feature, uint64_t *needs)
{
	for (size_t i = 0; i < sizeof(dependencies) / sizeof(dependencies[0]); i++) {
		if ((features & dependencies[i].feature) && !(features & dependencies[i].needs)) {
			*feature = dependencies[i].feature;
			*needs = dependencies[i].needs;
			return -EINVAL;
		}
	}
	return 0;
}

int features_check_dependencies(uint64_t features, char *why, size_t whylen)
{
	uint64_t feature, needs;
	int r = features_unmet(features, &feature, &needs);

	if (r < 0)
		snprintf(why, whylen, "%s requires %s", feature_name(feature), feature_name(needs));
	return r;
}

static struct json_object *names_json(const struct named_bit *table, size_t n, uint64_t bits)
{
	struct json_object *array = json_object_new_array();

	if (!array)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct json_object *name;

		if (!(bits & table[i].bit))
			continue;
		name = json_object_new_string(table[i].name);
		if (json_array_take(array, name) < 0) {
			json_object_put(array);
			return NULL;
		}
	}
	return array;
}

struct json_object *features_json(uint64_t features)
{
	return names_json(feature_names, sizeof(feature_names) / sizeof(feature_names[0]),
			  features);
}

struct json_object *op_features_json(uint64_t op_features)
{
	return names_json(op_feature_names, sizeof(op_feature_names) / sizeof(op_feature_names[0]),
			  op_features);
}

struct json_object *image_flags_json(uint64_t flags)
{
	return names_json(flag_names, sizeof(flag_names) / sizeof(flag_names[0]), flags);
}
