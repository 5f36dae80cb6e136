/* SPDX-License-Identifier: Apache-2.0 */
/* api_metadata.c - .../images/{image}/metadata: an image's key/value pairs.
 *
 * Image metadata is what `rbd image-meta` shows: free-form pairs stored in
 * the image header. Keys that start with "conf_" are librbd's per-image
 * configuration overrides (conf_rbd_qos_iops_limit, conf_rbd_cache, ...);
 * librbd checks their names and values itself when they are set. They
 * are allowed here; api_qos.c is the friendlier way to the QoS ones.
 *
 * Reads open the image read-only; writes open it read-write under this
 * service's image lock.
 *
 * The checks and answers of the four verbs (metadata_serve) are also
 * those of a pool's metadata (api_pool_metadata.c): the handlers only
 * say whose pairs they are. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_metadata.h"
#include "json_out.h"
#include "routes.h"

#define CONF_PREFIX "conf_"

const struct field_spec metadata_put_fields[] = {
	{"value", FIELD_STRING, 1},
	{NULL, 0, 0},
};

/* The offset of the first byte of key that keys may not hold (printable
 * ASCII without '/'), or -1. */
static long key_bad_byte(const char *key)
{
	for (size_t i = 0; key[i]; i++) {
		unsigned char c = (unsigned char)key[i];

		if (c < 0x20 || c > 0x7e || c == '/')
			return (long)i;
	}
	return -1;
}

static int refuse_key(struct response *resp, const char *key, long at)
{
	unsigned char c = (unsigned char)key[at];

	return response_fail(resp, -EINVAL,
			     "metadata key \"%s\" has byte 0x%02x at offset %ld; keys are printable ASCII (space to '~') without '/'",
			     c >= 0x20 && c <= 0x7e ? key : "(not printable)", c, at);
}

/* The {key} capture: 1..250 bytes of printable ASCII without '/'. A key
 * the rbd CLI made of other bytes (but no '/') can still be read and
 * removed (existing: GET and DELETE, which call metadata_missing_key on a
 * 404), only not made. */
static int metadata_check_key(struct response *resp, const char *key, int existing)
{
	size_t len = strlen(key);
	long at = key_bad_byte(key);

	if (len == 0 || len > METADATA_KEY_MAX)
		return response_fail(resp, -EINVAL,
				     "metadata key must be 1 to %d bytes long, not %zu",
				     METADATA_KEY_MAX, len);
	if (at >= 0 && !(existing && key[at] != '/'))
		return refuse_key(resp, key, at);
	return 0;
}

/* A missing key that breaks the rule is the rule's 400, not a 404: the
 * leniency of check_key is for keys that exist. */
static int metadata_missing_key(struct response *resp, const char *owner, const char *key)
{
	long at = key_bad_byte(key);

	if (at >= 0)
		return refuse_key(resp, key, at);
	return response_fail(resp, -ENOENT, "%s has no metadata key \"%s\"", owner, key);
}

/* The 400 when librbd refused a "conf_" key (an RBD option override)
 * with EINVAL; 0 (nothing answered) for any other failure. */
static int metadata_conf_refused(struct response *resp, int err, const char *owner,
				 const char *key, const char *value)
{
	if (err != -EINVAL || strncmp(key, CONF_PREFIX, strlen(CONF_PREFIX)) != 0)
		return 0;
	return response_fail(resp, err,
			     "librbd refused metadata key \"%s\" of %s: keys starting with \"" CONF_PREFIX "\" override an RBD configuration option, and either \"%s\" is not one or \"%s\" is not a valid value for it",
			     key, owner, key + strlen(CONF_PREFIX), value);
}

/* The answer for a librbd error about owner's metadata: "<doing> <owner>
 * failed: <reason>", or 404 for an image that is gone. */
static int owner_fail(struct response *resp, int err, const struct metadata_owner *owner,
		      const char *doing)
{
	if (owner->is_image)
		return api_image_fail(resp, err, &owner->image, doing);
	return response_fail_errno(resp, err, "%s %s failed", doing, owner->name);
}

static struct json_object *metadata_entry_json(const char *key, const char *value, int envelope)
{
	struct json_object *obj = envelope ? json_envelope("MetadataEntry") : json_object_new_object();

	if (!obj)
		return NULL;
	if (json_add_name(obj, "key", key, "metadata key") < 0 ||
	    json_add_text(obj, "value", value) < 0) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static int add_item(void *items, const char *key, const char *value)
{
	return json_array_take(items, metadata_entry_json(key, value, 0));
}

static int metadata_respond_list(struct response *resp, const struct metadata_owner *owner)
{
	struct json_object *body, *items;
	int r;

	body = json_list_envelope("MetadataList", &items);
	if (!body)
		return response_oom(resp);
	r = metadata_each(&owner->place, add_item, items);
	/* A pool that never held an RBD object has no rbd_info: no pairs. */
	if (r == -ENOENT && !owner->is_image)
		r = 0;
	if (r < 0) {
		json_object_put(body);
		return owner_fail(resp, r, owner, "listing the metadata of");
	}
	response_json(resp, 200, body);
	return 0;
}

static int metadata_respond_get(struct response *resp, const struct metadata_owner *owner,
			 const char *key)
{
	struct json_object *body;
	char *value;
	int r;

	r = metadata_get(&owner->place, key, &value);
	if (r == -ENOENT)
		return metadata_missing_key(resp, owner->name, key);
	if (r < 0)
		return owner_fail(resp, r, owner, "reading the metadata of");
	body = metadata_entry_json(key, value, 1);
	free(value);
	if (!body)
		return response_oom(resp);
	response_json(resp, 200, body);
	return 0;
}

static int metadata_respond_put(struct response *resp, const struct metadata_owner *owner,
			 const char *key, const char *value, int *created)
{
	struct json_object *entry;
	char *old;
	int r;

	r = metadata_get(&owner->place, key, &old);
	free(old);
	if (r < 0 && r != -ENOENT)
		return owner_fail(resp, r, owner, "reading the metadata of");
	*created = r == -ENOENT;
	r = metadata_set(&owner->place, key, value);
	if (r < 0) {
		if (metadata_conf_refused(resp, r, owner->name, key, value) < 0)
			return r;
		return owner_fail(resp, r, owner, "setting metadata on");
	}
	entry = metadata_entry_json(key, value, 1);
	if (!entry)
		return response_oom(resp);
	response_json(resp, *created ? 201 : 200, entry);
	return 0;
}

static int metadata_respond_delete(struct response *resp, const struct metadata_owner *owner,
			    const char *key)
{
	int r = metadata_remove(&owner->place, key);

	if (r == -ENOENT)
		return metadata_missing_key(resp, owner->name, key);
	if (r < 0)
		return owner_fail(resp, r, owner, "removing metadata from");
	response_json(resp, 204, NULL);
	return 0;
}

static int metadata_put_value(struct request *req, struct response *resp, const char **value)
{
	struct json_object *body, *field;
	int r = api_request_body(req, resp, metadata_put_fields, &body);

	if (r < 0)
		return r;
	json_object_object_get_ex(body, "value", &field);
	*value = json_object_get_string(field);
	/* librbd takes a C string: an embedded NUL would cut the value short. */
	if ((size_t)json_object_get_string_len(field) != strlen(*value))
		return response_fail(resp, -EINVAL,
				     "field \"value\" contains a NUL character (\\u0000), which metadata cannot hold");
	return 0;
}

/* Sets Location to the new key: the image's path or the pool's, and
 * /metadata/{key}. The key is set: without a Location it is still a 201. */
static int key_location(struct response *resp, const struct metadata_owner *owner,
			const char *key)
{
	char encoded[3 * METADATA_KEY_MAX + 1], suffix[sizeof(encoded) + 16];
	char pool[ENCODED_NAME_MAX];

	percent_encode_segment(key, encoded, sizeof(encoded));
	if (owner->is_image) {
		snprintf(suffix, sizeof(suffix), "/metadata/%s", encoded);
		return api_location_image(resp, &owner->image, suffix);
	}
	percent_encode_segment(owner->pool, pool, sizeof(pool));
	response_set_location(resp, "/api/v1/pools/%s/metadata/%s", pool, encoded);
	return 0;
}

int metadata_serve(struct request *req, struct response *resp, metadata_owner_fn find,
		   enum metadata_verb verb)
{
	const char *key = request_capture(req, "key");
	struct metadata_owner owner;
	const char *value = NULL;
	int created = 0, r;

	if (verb != METADATA_LIST) {
		r = metadata_check_key(resp, key, verb != METADATA_PUT);
		if (r < 0)
			return r;
	}
	if (verb == METADATA_PUT) {
		r = metadata_put_value(req, resp, &value);
		if (r < 0)
			return r;
	}
	r = find(req, resp, verb == METADATA_PUT || verb == METADATA_DELETE, &owner);
	if (r < 0)
		return r;
	switch (verb) {
	case METADATA_LIST: return metadata_respond_list(resp, &owner);
	case METADATA_GET: return metadata_respond_get(resp, &owner, key);
	case METADATA_DELETE: return metadata_respond_delete(resp, &owner, key);
	case METADATA_PUT: break;
	}
	r = metadata_respond_put(resp, &owner, key, value, &created);
	if (r < 0 || !created)
		return r;
	return key_location(resp, &owner, key);
}

/* The request's image as the owner, opened (read-write under the image
 * lock for a change) and owned by the request. */
static int image_owner(struct request *req, struct response *resp, int change,
		       struct metadata_owner *owner)
{
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = change ? api_image_use_for_change(req, resp, &owner->image, &ioctx, &image)
		   : api_image_use(req, resp, &owner->image, &ioctx, &image);
	if (r < 0)
		return r;
	owner->place = metadata_of_image(image);
	snprintf(owner->name, sizeof(owner->name), "image %s", owner->image.spec);
	owner->pool = owner->image.pool;
	owner->is_image = 1;
	return 0;
}

int api_metadata_list(struct request *req, struct response *resp)
{
	return metadata_serve(req, resp, image_owner, METADATA_LIST);
}

int api_metadata_get(struct request *req, struct response *resp)
{
	return metadata_serve(req, resp, image_owner, METADATA_GET);
}

int api_metadata_put(struct request *req, struct response *resp)
{
	return metadata_serve(req, resp, image_owner, METADATA_PUT);
}

int api_metadata_delete(struct request *req, struct response *resp)
{
	return metadata_serve(req, resp, image_owner, METADATA_DELETE);
}
