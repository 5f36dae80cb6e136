/* SPDX-License-Identifier: Apache-2.0 */
/* api_image_features.c - the "features" part of an image PATCH (see
 * api_image_features.h): validate, call image_features.c, word the
 * answer. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rbd/librbd.h>

#include "api_image_features.h"
#include "image_handle.h"
#include "image_locks.h"
#include "rbd_features.h"
#include "text_list.h"

const struct field_spec image_features_fields[] = {
	{"enable", FIELD_STRING_ARRAY, 0},
	{"disable", FIELD_STRING_ARRAY, 0},
	{NULL, 0, 0},
};

/* "a, b, c" for the names of bits. */
static const char *names_of(uint64_t bits, char *buf, size_t buflen)
{
	struct text_list names;

	text_list_init(&names, buf, buflen);
	for (unsigned i = 0; i < 64; i++)
		if (bits & (1ull << i))
			text_list_add(&names, "%s", feature_name(1ull << i));
	return text_list_finish(&names);
}

/* Reads one list ("enable" or "disable") into *bits. data-pool sets
 * *data_pool instead: it is a feature only creation sets. */
static int read_list(struct response *resp, struct json_object *features, const char *list,
		     uint64_t *bits, int *data_pool)
{
	struct json_object *names;

	*bits = 0;
	*data_pool = 0;
	if (!json_object_object_get_ex(features, list, &names))
		return 0;
	for (size_t i = 0; i < json_object_array_length(names); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));
		uint64_t bit;

		if (strcmp(name, RBD_FEATURE_NAME_DATA_POOL) == 0) {
			*data_pool = 1;
			continue;
		}
		if (feature_from_name(name, &bit) < 0)
			return response_fail(resp, -EINVAL,
					     "field \"features\": unknown feature \"%s\" in \"%s\"; known features: %s",
					     name, list, FEATURES_SETTABLE_NAMES);
		*bits |= bit;
	}
	return 0;
}

/* What "copy the image to a new one that has ..." ends with. */
static const char *pronoun(uint64_t bits, int data_pool)
{
	if (!bits)
		return "a data pool";
	return __builtin_popcountll(bits) + data_pool > 1 ? "them" : "it";
}

int api_features_parse(struct response *resp, struct json_object *features,
		       struct feature_change *change)
{
	uint64_t *enable = &change->enable, *disable = &change->disable;
	int enable_data_pool, disable_data_pool;
	char names[256];
	int r;

	r = json_in_check_fields(features, image_features_fields, "field \"features\"", resp);
	if (r < 0)
		return r;
	r = read_list(resp, features, "enable", enable, &enable_data_pool);
	if (r < 0)
		return r;
	r = read_list(resp, features, "disable", disable, &disable_data_pool);
	if (r < 0)
		return r;
	if ((*enable & ~FEATURES_ENABLE_LATER) || enable_data_pool)
		return response_fail(resp, -EINVAL,
				     "field \"features\": %s%s%s cannot be enabled on an existing image, only chosen when an image is created; copy the image to a new one that has %s",
				     names_of(*enable & ~FEATURES_ENABLE_LATER, names, sizeof(names)),
				     (*enable & ~FEATURES_ENABLE_LATER) && enable_data_pool ? ", " : "",
				     enable_data_pool ? "data-pool" : "",
				     pronoun(*enable & ~FEATURES_ENABLE_LATER, enable_data_pool));
	if ((*disable & ~FEATURES_DISABLE_LATER) || disable_data_pool)
		return response_fail(resp, -EINVAL,
				     "field \"features\": %s%s%s cannot be disabled on an existing image; copy the image to a new one without %s",
				     names_of(*disable & ~FEATURES_DISABLE_LATER, names, sizeof(names)),
				     (*disable & ~FEATURES_DISABLE_LATER) && disable_data_pool ? ", " : "",
				     disable_data_pool ? "data-pool" : "",
				     pronoun(*disable & ~FEATURES_DISABLE_LATER, disable_data_pool));
	feature_change_pair(change);
	if (*enable & *disable)
		return response_fail(resp, -EINVAL,
				     "field \"features\": %s both in \"enable\" and in \"disable\"; name each feature once",
				     names_of(*enable & *disable, names, sizeof(names)));
	if (!*enable && !*disable)
		return response_fail(resp, -EINVAL,
				     "field \"features\": nothing to change: give \"enable\" and/or \"disable\" with feature names");
	return 0;
}

/* The 400 for a change that would leave a feature without what it needs:
 * says what to add to the request. */
static int conflict_failed(struct response *resp, const struct image_ref *ref,
			   const struct feature_conflict *c)
{
	const char *feature = feature_name(c->feature), *needs = feature_name(c->needs);
	char also[256];

	if (c->enabling)
		return response_fail(resp, -EINVAL,
				     "field \"features\": on image %s, %s requires %s: enable %s too or first",
				     ref->spec, feature, needs, needs);
	return response_fail(resp, -EINVAL,
			     "field \"features\": cannot disable %s on image %s and keep %s (%s requires %s): disable %s too",
			     needs, ref->spec, feature, feature, needs,
			     names_of(c->dependents, also, sizeof(also)));
}

/* The answer when librbd refuses a change half-way; what was applied
 * before stays applied, and the message says so. */
static int change_failed(struct response *resp, int err, const struct image_ref *ref,
			 const struct feature_failure *failure, rbd_image_t image, uint64_t before)
{
	const char *doing = failure->enabling ? "enabling" : "disabling";
	const char *name = feature_name(failure->bit);
	uint64_t now = before;
	char list[256], done[300] = "";

	image_handle_features(image, &now);
	if (now != before)
		snprintf(done, sizeof(done), "; the image's features are now: %s",
			 names_of(now, list, sizeof(list)));
	if (err == -ENOENT)
		return api_image_fail(resp, err, ref, "changing features of");
	/* librbd's answer when it cannot take the exclusive lock. */
	if (err == -EROFS)
		return response_fail(resp, -EBUSY,
				     "%s %s on image %s failed: the image is read-only for this client (another client holds its lock and does not release it, or it is a non-primary mirror image)%s",
				     doing, name, ref->spec, done);
	return response_fail(resp, err, "%s %s on image %s failed: %s (errno %d)%s", doing, name,
			     ref->spec, strerror(-err), -err, done);
}

/* librbd changes features under the image's exclusive lock, which an
 * advisory lock (`rbd lock add`) keeps it from taking: it then refuses
 * some changes and waits forever on others (enabling journaling). So an
 * advisory lock is a 409 before anything changes. */
static int check_advisory_lock(struct response *resp, rbd_image_t image,
			       const struct image_ref *ref)
{
	const struct image_locker *k;
	struct image_locks locks;
	int r;

	r = image_locks_read(image, &locks);
	if (r < 0) {
		image_locks_free(&locks);
		return api_image_fail(resp, r, ref, "listing the locks of");
	}
	k = image_locks_advisory(&locks);
	if (k)
		r = response_fail(resp, -EBUSY,
				  "image %s has an advisory lock (cookie \"%s\", held by %s at %s), so librbd cannot take the image's exclusive lock to change features; release it first (`rbd lock rm %s '%s' %s`)",
				  ref->spec, k->cookie, k->client, k->address, ref->spec, k->cookie,
				  k->client);
	image_locks_free(&locks);
	return r;
}

/* The change on the open image: refused before anything changes when it
 * conflicts or an advisory lock is in the way; nothing when the image is
 * already as asked. */
static int apply_to(struct response *resp, rbd_image_t image, const struct image_ref *ref,
		    const struct feature_change *change)
{
	struct feature_conflict conflict;
	struct feature_failure failure;
	uint64_t current;
	int r;

	r = image_handle_features(image, &current);
	if (r < 0)
		return api_image_fail(resp, r, ref, "reading the features of");
	r = image_features_conflict(current, change, &conflict);
	if (r < 0)
		return conflict_failed(resp, ref, &conflict);
	/* Nothing to do is done: the image already is as asked. */
	if (!(change->enable & ~current) && !(change->disable & current))
		return 0;
	r = check_advisory_lock(resp, image, ref);
	if (r < 0)
		return r;
	r = image_features_change(image, change, &failure);
	if (r < 0)
		return change_failed(resp, r, ref, &failure, image, current);
	return 0;
}

int api_features_apply(struct request *req, struct response *resp, rados_ioctx_t ioctx,
		       const struct image_ref *ref, const struct feature_change *change)
{
	rbd_image_t image;
	int r;

	r = api_image_open_owned(req, resp, ioctx, ref, 1, &image);
	if (r < 0)
		return r;
	r = apply_to(resp, image, ref, change);
	/* Closed at once: a resize or rename may follow in the request. */
	api_release(req, image);
	return r;
}
