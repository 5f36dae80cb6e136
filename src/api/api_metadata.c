/* api_metadata.c - .../images/{image}/metadata: an image's key/value pairs.
 *
 * Image metadata is what `rbd image-meta` shows: free-form pairs stored in
 * the image header. Keys that start with "conf_" are librbd's per-image
 * configuration overrides (conf_rbd_qos_iops_limit, conf_rbd_cache, ...);
 * librbd checks their names and values itself when they are set. They
 * are allowed here; api_qos.c is the friendlier way to the QoS ones.
 *
 * Reads open the image read-only; writes open it read-write under this
 * service's image lock. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "api.h"
#include "ceph.h"
#include "json_out.h"
#include "routes.h"

#define METADATA_KEY_MAX 250
/* Pairs fetched per rbd_metadata_list call. */
#define METADATA_PAGE 64
#define CONF_PREFIX "conf_"

static const struct field_spec metadata_put_fields[] = {
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
 * removed (existing: GET and DELETE, which call refuse_missing_key on a
 * 404), only not made. */
static int check_key(struct response *resp, const char *key, int existing)
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
static int missing_key(struct response *resp, const struct image_ref *ref, const char *key)
{
	long at = key_bad_byte(key);

	if (at >= 0)
		return refuse_key(resp, key, at);
	return response_fail(resp, -ENOENT, "image %s has no metadata key \"%s\"", ref->spec, key);
}

/* The answer when librbd refuses to set a key. A "conf_" key is checked
 * by librbd against its configuration options. */
static int set_failed(struct response *resp, int r, const struct image_ref *ref,
		      const char *key, const char *value)
{
	if (r == -EINVAL && strncmp(key, CONF_PREFIX, strlen(CONF_PREFIX)) == 0)
		return response_fail(resp, r,
				     "librbd refused metadata key \"%s\" of image %s: keys starting with \"" CONF_PREFIX "\" override an RBD configuration option, and either \"%s\" is not one or \"%s\" is not a valid value for it",
				     key, ref->spec, key + strlen(CONF_PREFIX), value);
	return api_image_fail(resp, r, ref, "setting metadata on");
}

struct metadata_key {
	rbd_image_t image;
	const char *key;
};

static int metadata_value(void *handle, char *buf, size_t *len)
{
	const struct metadata_key *where = handle;

	return rbd_metadata_get(where->image, where->key, buf, len);
}

/* The value of key, malloc'd, or -ENOENT when the image has no such key. */
static int metadata_get(rbd_image_t image, const char *key, char **value)
{
	struct metadata_key where = {image, key};
	size_t len;

	return ceph_read_list(metadata_value, &where, value, &len);
}

/* {"key", "value"} as an item, or with envelope as a MetadataEntry. */
static struct json_object *entry_json(const char *key, const char *value, int envelope)
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

/* Appends every pair after start (exclusive) to items, a page at a time,
 * and leaves the last key seen in *last (malloc'd). Returns the number of
 * pairs added or a negative errno. */
static int list_page(rbd_image_t image, const char *start, struct json_object *items,
		     char **last)
{
	size_t keys_len = 4096, vals_len = 4096;
	char *keys = NULL, *vals = NULL;
	int count = 0, r;

	for (;;) {
		char *k = realloc(keys, keys_len), *v;

		if (k)
			keys = k;
		v = k ? realloc(vals, vals_len) : NULL;
		if (v)
			vals = v;
		if (!k || !v) {
			r = -ENOMEM;
			goto out;
		}
		/* librbd fills in the sizes it needs when the buffers are short. */
		r = rbd_metadata_list(image, start, METADATA_PAGE, keys, &keys_len, vals, &vals_len);
		if (r != -ERANGE)
			break;
	}
	if (r < 0)
		goto out;
	for (size_t ko = 0, vo = 0; ko < keys_len && vo < vals_len; count++) {
		const char *key = keys + ko, *value = vals + vo;
		struct json_object *item = entry_json(key, value, 0);

		if (json_array_take(items, item) < 0) {
			r = -ENOMEM;
			goto out;
		}
		ko += strlen(key) + 1;
		vo += strlen(value) + 1;
		free(*last);
		*last = strdup(key);
		if (!*last) {
			r = -ENOMEM;
			goto out;
		}
	}
	r = count;
out:
	free(keys);
	free(vals);
	return r;
}

int api_metadata_list(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *items;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	char *last = NULL;
	int r;

	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	body = json_list_envelope("MetadataList", &items);
	if (!body) {
		r = response_oom(resp);
		goto out;
	}
	/* librbd returns at most a page per call: go on after the last key
	 * until a page comes back short. */
	do {
		r = list_page(image, last ? last : "", items, &last);
	} while (r == METADATA_PAGE);
	if (r < 0) {
		api_image_fail(resp, r, &ref, "listing the metadata of");
		goto out;
	}
	response_json(resp, 200, body);
	body = NULL;
	r = 0;
out:
	free(last);
	json_object_put(body);
	rbd_close(image);
	return r;
}

int api_metadata_get(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	struct json_object *body;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	char *value = NULL;
	int r;

	r = check_key(resp, key, 1);
	if (r < 0)
		return r;
	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = metadata_get(image, key, &value);
	rbd_close(image);
	if (r == -ENOENT)
		return missing_key(resp, &ref, key);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "reading the metadata of");
	body = entry_json(key, value, 1);
	free(value);
	if (!body)
		return response_oom(resp);
	response_json(resp, 200, body);
	return 0;
}

int api_metadata_put(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	struct json_object *body = NULL, *field, *entry;
	char encoded[3 * METADATA_KEY_MAX + 1], suffix[sizeof(encoded) + 16];
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image = NULL;
	const char *value;
	char *old = NULL;
	int existed, r;

	r = check_key(resp, key, 0);
	if (r < 0)
		return r;
	r = api_body(req, resp, metadata_put_fields, &body);
	if (r < 0)
		return r;
	json_object_object_get_ex(body, "value", &field);
	value = json_object_get_string(field);
	/* librbd takes a C string: an embedded NUL would cut the value short. */
	if ((size_t)json_object_get_string_len(field) != strlen(value)) {
		r = response_fail(resp, -EINVAL,
				  "field \"value\" contains a NUL character (\\u0000), which image metadata cannot hold");
		goto out;
	}
	r = api_image_open_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		goto out;
	r = metadata_get(image, key, &old);
	existed = r == 0;
	if (r < 0 && r != -ENOENT) {
		api_image_fail(resp, r, &ref, "reading the metadata of");
		goto out;
	}
	r = rbd_metadata_set(image, key, value);
	if (r < 0) {
		set_failed(resp, r, &ref, key, value);
		goto out;
	}
	entry = entry_json(key, value, 1);
	if (!entry) {
		r = response_oom(resp);
		goto out;
	}
	response_json(resp, existed ? 200 : 201, entry);
	if (!existed) {
		percent_encode_segment(key, encoded, sizeof(encoded));
		snprintf(suffix, sizeof(suffix), "/metadata/%s", encoded);
		r = api_location_image(resp, &ref, suffix);
	}
out:
	if (image)
		rbd_close(image);
	free(old);
	json_object_put(body);
	return r;
}

int api_metadata_delete(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = check_key(resp, key, 1);
	if (r < 0)
		return r;
	r = api_image_open_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = rbd_metadata_remove(image, key);
	rbd_close(image);
	if (r == -ENOENT)
		return missing_key(resp, &ref, key);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "removing metadata from");
	response_json(resp, 204, NULL);
	return 0;
}
