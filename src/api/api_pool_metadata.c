/* api_pool_metadata.c - /api/v1/pools/{pool}/metadata: a pool's key/value
 * pairs: librbd's pool metadata (rbd_pool_metadata_*), which the rbd CLI
 * of Ceph 16 has no command for.
 *
 * librbd keeps them in the pool's rbd_info object. Keys that start with
 * "conf_" are the pool's RBD configuration overrides, the ones
 * .../pools/{pool}/config and `rbd config pool` set: librbd checks their
 * names and values itself. The answers and the key rule are those of
 * image metadata (api_metadata.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "api.h"
#include "api_metadata.h"
#include "json_out.h"
#include "routes.h"

static int pool_metadata_get(void *ioctx, const char *key, char *value, size_t *len)
{
	return rbd_pool_metadata_get(ioctx, key, value, len);
}

static int pool_metadata_list(void *ioctx, const char *start, uint64_t max, char *keys,
			      size_t *keys_len, char *values, size_t *values_len)
{
	return rbd_pool_metadata_list(ioctx, start, max, keys, keys_len, values, values_len);
}

/* The io context of the {pool} capture (its default namespace, where
 * librbd keeps pool metadata) as a place, and how messages name it. */
static int pool_request(struct request *req, struct response *resp, struct metadata_place *place,
			char *owner, size_t owner_len)
{
	const char *pool = request_capture(req, "pool");
	rados_ioctx_t ioctx;
	int r;

	snprintf(owner, owner_len, "pool %s", pool);
	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	*place = (struct metadata_place){ioctx, pool_metadata_get, pool_metadata_list};
	return 0;
}

#define OWNER_MAX (ENCODED_NAME_MAX + 8)

int api_pool_metadata_list(struct request *req, struct response *resp)
{
	struct json_object *body = NULL, *items;
	struct metadata_place place;
	char owner[OWNER_MAX];
	int r;

	r = pool_request(req, resp, &place, owner, sizeof(owner));
	if (r < 0)
		return r;
	body = json_list_envelope("MetadataList", &items);
	if (!body)
		return response_oom(resp);
	/* A pool that never held an RBD object has no rbd_info: no pairs. */
	r = metadata_list_all(&place, items);
	if (r < 0 && r != -ENOENT) {
		json_object_put(body);
		return response_fail_errno(resp, r, "listing the metadata of %s failed", owner);
	}
	response_json(resp, 200, body);
	return 0;
}

int api_pool_metadata_get(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	struct metadata_place place;
	struct json_object *body;
	char owner[OWNER_MAX];
	char *value = NULL;
	int r;

	r = metadata_check_key(resp, key, 1);
	if (r < 0)
		return r;
	r = pool_request(req, resp, &place, owner, sizeof(owner));
	if (r < 0)
		return r;
	r = metadata_get(&place, key, &value);
	if (r == -ENOENT)
		return metadata_missing_key(resp, owner, key);
	if (r < 0)
		return response_fail_errno(resp, r, "reading the metadata of %s failed", owner);
	body = metadata_entry_json(key, value, 1);
	free(value);
	if (!body)
		return response_oom(resp);
	response_json(resp, 200, body);
	return 0;
}

/* 201 with Location for a new key, 200 for a changed one. */
int api_pool_metadata_put(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	char pool[ENCODED_NAME_MAX], encoded[3 * METADATA_KEY_MAX + 1];
	struct json_object *body = NULL, *entry;
	struct metadata_place place;
	char owner[OWNER_MAX];
	const char *value;
	char *old = NULL;
	int existed, r;

	r = metadata_check_key(resp, key, 0);
	if (r < 0)
		return r;
	r = metadata_put_value(req, resp, &body, &value);
	if (r < 0)
		goto out;
	r = pool_request(req, resp, &place, owner, sizeof(owner));
	if (r < 0)
		goto out;
	r = metadata_get(&place, key, &old);
	existed = r == 0;
	if (r < 0 && r != -ENOENT) {
		response_fail_errno(resp, r, "reading the metadata of %s failed", owner);
		goto out;
	}
	r = rbd_pool_metadata_set(place.handle, key, value);
	if (r < 0) {
		if (metadata_conf_refused(resp, r, owner, key, value) == 0)
			response_fail_errno(resp, r, "setting metadata on %s failed", owner);
		goto out;
	}
	entry = metadata_entry_json(key, value, 1);
	if (!entry) {
		r = response_oom(resp);
		goto out;
	}
	response_json(resp, existed ? 200 : 201, entry);
	if (!existed) {
		percent_encode_segment(request_capture(req, "pool"), pool, sizeof(pool));
		percent_encode_segment(key, encoded, sizeof(encoded));
		/* The key is set: without a Location it is still a 201. */
		response_set_location(resp, "/api/v1/pools/%s/metadata/%s", pool, encoded);
	}
	r = 0;
out:
	free(old);
	json_object_put(body);
	return r;
}

int api_pool_metadata_delete(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	struct metadata_place place;
	char owner[OWNER_MAX];
	int r;

	r = metadata_check_key(resp, key, 1);
	if (r < 0)
		return r;
	r = pool_request(req, resp, &place, owner, sizeof(owner));
	if (r < 0)
		return r;
	r = rbd_pool_metadata_remove(place.handle, key);
	if (r == -ENOENT)
		return metadata_missing_key(resp, owner, key);
	if (r < 0)
		return response_fail_errno(resp, r, "removing metadata from %s failed", owner);
	response_json(resp, 204, NULL);
	return 0;
}
