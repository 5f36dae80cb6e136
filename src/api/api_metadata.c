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
#include "api_metadata.h"
#include "ceph.h"
#include "json_out.h"
#include "routes.h"

/* Pairs fetched per list call. */
#define METADATA_PAGE 64
#define CONF_PREFIX "conf_"

const struct field_spec metadata_put_fields[] = {
	{"value", FIELD_STRING, 1},
	{NULL, 0, 0},
};

/* librbd's image family, with the image as the handle. */
static int image_metadata_get(void *image, const char *key, char *value, size_t *len)
{
	return rbd_metadata_get(image, key, value, len);
}

static int image_metadata_list(void *image, const char *start, uint64_t max, char *keys,
			       size_t *keys_len, char *values, size_t *values_len)
{
	return rbd_metadata_list(image, start, max, keys, keys_len, values, values_len);
}

static struct metadata_place image_place(rbd_image_t image)
{
	return (struct metadata_place){image, image_metadata_get, image_metadata_list};
}

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
int metadata_check_key(struct response *resp, const char *key, int existing)
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
int metadata_missing_key(struct response *resp, const char *owner, const char *key)
{
	long at = key_bad_byte(key);

	if (at >= 0)
		return refuse_key(resp, key, at);
	return response_fail(resp, -ENOENT, "%s has no metadata key \"%s\"", owner, key);
}

int metadata_conf_refused(struct response *resp, int err, const char *owner, const char *key,
			  const char *value)
{
	if (err != -EINVAL || strncmp(key, CONF_PREFIX, strlen(CONF_PREFIX)) != 0)
		return 0;
	return response_fail(resp, err,
			     "librbd refused metadata key \"%s\" of %s: keys starting with \"" CONF_PREFIX "\" override an RBD configuration option, and either \"%s\" is not one or \"%s\" is not a valid value for it",
			     key, owner, key + strlen(CONF_PREFIX), value);
}

/* "image pool/[ns/]name", how messages about an image's metadata name it. */
static const char *image_owner(const struct image_ref *ref, char *buf, size_t len)
{
	snprintf(buf, len, "image %s", ref->spec);
	return buf;
}

/* The answer when librbd refuses to set a key on an image. */
static int set_failed(struct response *resp, int r, const struct image_ref *ref,
		      const char *key, const char *value)
{
	char owner[IMAGE_SPEC_MAX + 8];

	if (metadata_conf_refused(resp, r, image_owner(ref, owner, sizeof(owner)), key, value) < 0)
		return r;
	return api_image_fail(resp, r, ref, "setting metadata on");
}

struct metadata_key {
	const struct metadata_place *place;
	const char *key;
};

static int metadata_value(void *handle, char *buf, size_t *len)
{
	const struct metadata_key *where = handle;

	return where->place->get(where->place->handle, where->key, buf, len);
}

int metadata_get(const struct metadata_place *place, const char *key, char **value)
{
	struct metadata_key where = {place, key};
	size_t len;

	return ceph_read_list(metadata_value, &where, value, &len);
}

struct json_object *metadata_entry_json(const char *key, const char *value, int envelope)
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
static int list_page(const struct metadata_place *place, const char *start,
		     struct json_object *items, char **last)
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
		r = place->list(place->handle, start, METADATA_PAGE, keys, &keys_len, vals, &vals_len);
		if (r != -ERANGE)
			break;
	}
	if (r < 0)
		goto out;
	for (size_t ko = 0, vo = 0; ko < keys_len && vo < vals_len; count++) {
		const char *key = keys + ko, *value = vals + vo;
		struct json_object *item = metadata_entry_json(key, value, 0);

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

int metadata_list_all(const struct metadata_place *place, struct json_object *items)
{
	char *last = NULL;
	int r;

	/* librbd returns at most a page per call: go on after the last key
	 * until a page comes back short. */
	do {
		r = list_page(place, last ? last : "", items, &last);
	} while (r == METADATA_PAGE);
	free(last);
	return r < 0 ? r : 0;
}

int metadata_put_value(struct request *req, struct response *resp, struct json_object **body,
		       const char **value)
{
	struct json_object *field;
	int r = api_body(req, resp, metadata_put_fields, body);

	if (r < 0)
		return r;
	json_object_object_get_ex(*body, "value", &field);
	*value = json_object_get_string(field);
	/* librbd takes a C string: an embedded NUL would cut the value short. */
	if ((size_t)json_object_get_string_len(field) != strlen(*value))
		return response_fail(resp, -EINVAL,
				     "field \"value\" contains a NUL character (\\u0000), which metadata cannot hold");
	return 0;
}

int api_metadata_list(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *items;
	struct metadata_place place;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	place = image_place(image);
	body = json_list_envelope("MetadataList", &items);
	if (!body) {
		r = response_oom(resp);
		goto out;
	}
	r = metadata_list_all(&place, items);
	if (r < 0) {
		api_image_fail(resp, r, &ref, "listing the metadata of");
		goto out;
	}
	response_json(resp, 200, body);
	body = NULL;
out:
	json_object_put(body);
	rbd_close(image);
	return r;
}

int api_metadata_get(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	char owner[IMAGE_SPEC_MAX + 8];
	struct metadata_place place;
	struct json_object *body;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	char *value = NULL;
	int r;

	r = metadata_check_key(resp, key, 1);
	if (r < 0)
		return r;
	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	place = image_place(image);
	r = metadata_get(&place, key, &value);
	rbd_close(image);
	if (r == -ENOENT)
		return metadata_missing_key(resp, image_owner(&ref, owner, sizeof(owner)), key);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "reading the metadata of");
	body = metadata_entry_json(key, value, 1);
	free(value);
	if (!body)
		return response_oom(resp);
	response_json(resp, 200, body);
	return 0;
}

int api_metadata_put(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	char encoded[3 * METADATA_KEY_MAX + 1], suffix[sizeof(encoded) + 16];
	struct json_object *body = NULL, *entry;
	struct metadata_place place;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image = NULL;
	const char *value;
	char *old = NULL;
	int existed, r;

	r = metadata_check_key(resp, key, 0);
	if (r < 0)
		return r;
	r = metadata_put_value(req, resp, &body, &value);
	if (r < 0)
		goto out;
	r = api_image_open_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		goto out;
	place = image_place(image);
	r = metadata_get(&place, key, &old);
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
	entry = metadata_entry_json(key, value, 1);
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
	char owner[IMAGE_SPEC_MAX + 8];
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = metadata_check_key(resp, key, 1);
	if (r < 0)
		return r;
	r = api_image_open_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = rbd_metadata_remove(image, key);
	rbd_close(image);
	if (r == -ENOENT)
		return metadata_missing_key(resp, image_owner(&ref, owner, sizeof(owner)), key);
	if (r < 0)
		return api_image_fail(resp, r, &ref, "removing metadata from");
	response_json(resp, 204, NULL);
	return 0;
}
