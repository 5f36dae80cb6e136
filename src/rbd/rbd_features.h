/* SPDX-License-Identifier: Apache-2.0 */
/* rbd_features.h - RBD feature names <-> bits, and their dependency rules.
 *
 * Names are librbd's own ("layering", "exclusive-lock", ...), so what a
 * user reads in `rbd info` is what they write to us. */
#ifndef RBD_REST_API_RBD_FEATURES_H
#define RBD_REST_API_RBD_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* Features a user may ask for at create time (others are internal). */
#define FEATURES_SETTABLE_NAMES \
	"layering, striping, exclusive-lock, object-map, fast-diff, deep-flatten, journaling"

/* Bit for a settable feature name; -EINVAL when unknown or internal. */
int feature_from_name(const char *name, uint64_t *bit);

/* librbd's name of one feature bit ("?" when unknown). */
const char *feature_name(uint64_t bit);

/* The first rule of the dependency table that features breaks: 0 when
 * none, else -EINVAL with *feature lacking *needs. */
int features_unmet(uint64_t features, uint64_t *feature, uint64_t *needs);

/* Checks that every feature a set relies on is in the set. Returns 0,
 * or -EINVAL with a sentence such as "object-map requires exclusive-lock". */
int features_check_dependencies(uint64_t features, char *why, size_t whylen);

/* JSON arrays of names for feature, op_feature and flag bits. */
struct json_object *features_json(uint64_t features);
struct json_object *op_features_json(uint64_t op_features);
struct json_object *image_flags_json(uint64_t flags);

#endif
