/* image_features.c - enabling and disabling features of an existing image
 * (see image_features.h).
 *
 * librbd changes one feature per rbd_update_features call and refuses a
 * change that leaves a feature without what it needs, so we check the
 * whole request against the image's current features first (features.c
 * knows the rules), and then apply it in an order librbd accepts:
 * enabling exclusive-lock before journaling and object-map, object-map
 * before fast-diff; disabling in the opposite order.
 *
 * librbd switches object-map and fast-diff together on an existing image
 * (enabling either enables both, disabling either disables both), and so
 * does this API, openly: naming one in a list counts as naming both. An
 * object map enabled later starts out flagged invalid until rebuilt
 * (`rbd object-map rebuild`); until then readers fall back to slow paths. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rbd/librbd.h>

#include "rbd_features.h"
#include "image_features.h"
#include "image_locks.h"

static const struct field_spec image_features_fields[] = {
	{"enable", FIELD_STRING_ARRAY, 0},
	{"disable", FIELD_STRING_ARRAY, 0},
	{NULL, 0, 0},
};

/* Enabling order; disabling walks it backwards. These are all the
 * features librbd can change on an existing image (deep-flatten can only
 * be disabled). */
static const uint64_t change_order[] = {
	RBD_FEATURE_EXCLUSIVE_LOCK,
	RBD_FEATURE_JOURNALING,
	RBD_FEATURE_OBJECT_MAP,
	RBD_FEATURE_FAST_DIFF,
	RBD_FEATURE_DEEP_FLATTEN,
};
#define N_CHANGE (sizeof(change_order) / sizeof(change_order[0]))

#define ENABLE_LATER (RBD_FEATURE_EXCLUSIVE_LOCK | RBD_FEATURE_JOURNALING | \
		      RBD_FEATURE_OBJECT_MAP | RBD_FEATURE_FAST_DIFF)
#define DISABLE_LATER (ENABLE_LATER | RBD_FEATURE_DEEP_FLATTEN)
/* On an existing image librbd enables and disables these together. */
#define PAIRED (RBD_FEATURE_OBJECT_MAP | RBD_FEATURE_FAST_DIFF)

/* "a, b, c" for the names of bits. */
static const char *names_of(uint64_t bits, char *buf, size_t buflen)
{
	struct json_object *names = features_json(bits);
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; names && i < json_object_array_length(names); i++) {
		int n = snprintf(buf + used, buflen - used, "%s%s", i ? ", " : "",
				 json_object_get_string(json_object_array_get_idx(names, i)));

		if (n < 0 || (size_t)n >= buflen - used)
			break;
		used += (size_t)n;
	}
	json_object_put(names);
	return buf;
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

int image_features_parse(struct response *resp, struct json_object *features,
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
	if ((*enable & ~ENABLE_LATER) || enable_data_pool)
		return response_fail(resp, -EINVAL,
				     "field \"features\": %s%s%s cannot be enabled on an existing image, only chosen when an image is created; copy the image to a new one that has %s",
				     names_of(*enable & ~ENABLE_LATER, names, sizeof(names)),
				     (*enable & ~ENABLE_LATER) && enable_data_pool ? ", " : "",
				     enable_data_pool ? "data-pool" : "",
				     pronoun(*enable & ~ENABLE_LATER, enable_data_pool));
	if ((*disable & ~DISABLE_LATER) || disable_data_pool)
		return response_fail(resp, -EINVAL,
				     "field \"features\": %s%s%s cannot be disabled on an existing image; copy the image to a new one without %s",
				     names_of(*disable & ~DISABLE_LATER, names, sizeof(names)),
				     (*disable & ~DISABLE_LATER) && disable_data_pool ? ", " : "",
				     disable_data_pool ? "data-pool" : "",
				     pronoun(*disable & ~DISABLE_LATER, disable_data_pool));
	/* librbd switches these two as a pair on an existing image. */
	if (*enable & PAIRED)
		*enable |= PAIRED;
	if (*disable & PAIRED)
		*disable |= PAIRED;
	if (*enable & *disable)
		return response_fail(resp, -EINVAL,
				     "field \"features\": %s both in \"enable\" and in \"disable\"; name each feature once",
				     names_of(*enable & *disable, names, sizeof(names)));
	if (!*enable && !*disable)
		return response_fail(resp, -EINVAL,
				     "field \"features\": nothing to change: give \"enable\" and/or \"disable\" with feature names");
	return 0;
}

/* features.c says "X requires Y": the bit of X, or of Y. */
static uint64_t named_in_why(const char *why, int requirement)
{
	const char *sep = strstr(why, " requires ");
	char name[64];
	uint64_t bit = 0;
	size_t len;

	if (!sep)
		return 0;
	if (requirement) {
		snprintf(name, sizeof(name), "%s", sep + strlen(" requires "));
	} else {
		len = (size_t)(sep - why);
		if (len >= sizeof(name))
			return 0;
		memcpy(name, why, len);
		name[len] = '\0';
	}
	feature_from_name(name, &bit);
	return bit;
}

/* Would the image, with current features, be left with a feature that
 * lacks what it needs? The message says what to add to the request. */
static int check_dependencies(struct response *resp, const struct image_ref *ref,
			      uint64_t current, uint64_t enable, uint64_t disable)
{
	uint64_t target = (current | enable) & ~disable, dependents = 0, left = target;
	char why[128], first[128], needed[64], keeping[64], also[256];

	if (features_check_dependencies(target, why, sizeof(why)) == 0)
		return 0;
	/* Caused by enabling something without what it needs. */
	if (features_check_dependencies(target | (disable & current), first, sizeof(first)) < 0)
		return response_fail(resp, -EINVAL,
				     "field \"features\": on image %s, %s: enable %s too or first",
				     ref->spec, first,
				     names_of(named_in_why(first, 1), needed, sizeof(needed)));
	/* Caused by disabling something others need: find every feature
	 * that would have to go as well (fast-diff goes with object-map). */
	snprintf(first, sizeof(first), "%s", why);
	while (features_check_dependencies(left, why, sizeof(why)) < 0) {
		uint64_t bit = named_in_why(why, 0);

		if (!bit)
			break;
		dependents |= bit;
		left &= ~bit;
	}
	return response_fail(resp, -EINVAL,
			     "field \"features\": cannot disable %s on image %s and keep %s (%s): disable %s too",
			     names_of(named_in_why(first, 1), needed, sizeof(needed)), ref->spec,
			     names_of(named_in_why(first, 0), keeping, sizeof(keeping)), first,
			     names_of(dependents, also, sizeof(also)));
}

/* The answer when librbd refuses a change half-way; what was applied
 * before stays applied, and the message says so. */
static int change_failed(struct response *resp, int err, const struct image_ref *ref,
			 uint64_t bit, int enabling, rbd_image_t image, uint64_t before)
{
	uint64_t now = before;
	char name[64], list[256], done[300] = "";

	rbd_get_features(image, &now);
	names_of(bit, name, sizeof(name));
	if (now != before)
		snprintf(done, sizeof(done), "; the image's features are now: %s",
			 names_of(now, list, sizeof(list)));
	if (err == -ENOENT)
		return api_image_fail(resp, err, ref, "changing features of");
	/* librbd's answer when it cannot take the exclusive lock. */
	if (err == -EROFS)
		return response_fail(resp, -EBUSY,
				     "%s %s on image %s failed: the image is read-only for this client (another client holds its lock and does not release it, or it is a non-primary mirror image)%s",
				     enabling ? "enabling" : "disabling", name, ref->spec, done);
	return response_fail(resp, err, "%s %s on image %s failed: %s (errno %d)%s",
			     enabling ? "enabling" : "disabling", name, ref->spec, strerror(-err),
			     -err, done);
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

int image_features_apply(struct response *resp, rados_ioctx_t ioctx,
			 const struct image_ref *ref, const struct feature_change *change)
{
	uint64_t enable = change->enable, disable = change->disable, current;
	rbd_image_t image;
	int r;

	r = api_image_open(resp, ioctx, ref, 1, &image);
	if (r < 0)
		return r;
	r = rbd_get_features(image, &current);
	if (r < 0) {
		api_image_fail(resp, r, ref, "reading the features of");
		goto out;
	}
	r = check_dependencies(resp, ref, current, enable, disable);
	if (r < 0)
		goto out;
	/* Nothing to do is done: the image already is as asked. */
	if (!(enable & ~current) && !(disable & current))
		goto out;
	r = check_advisory_lock(resp, image, ref);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < N_CHANGE; i++) {
		if (!(enable & change_order[i]))
			continue;
		r = change_one(image, change_order[i], 1);
		if (r < 0) {
			change_failed(resp, r, ref, change_order[i], 1, image, current);
			goto out;
		}
	}
	for (size_t i = N_CHANGE; i-- > 0;) {
		if (!(disable & change_order[i]))
			continue;
		r = change_one(image, change_order[i], 0);
		if (r < 0) {
			change_failed(resp, r, ref, change_order[i], 0, image, current);
			goto out;
		}
	}
out:
	rbd_close(image);
	return r;
}
