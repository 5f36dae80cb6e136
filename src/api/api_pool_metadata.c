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

#include <stdio.h>

#include "api.h"
#include "api_metadata.h"
#include "routes.h"

/* The pool of the {pool} capture as the owner: its default namespace,
 * where librbd keeps pool metadata. */
static int pool_owner(struct request *req, struct response *resp, struct metadata_owner *owner)
{
	const char *pool = request_capture(req, "pool");
	rados_ioctx_t ioctx;
	int r;

	snprintf(owner->name, sizeof(owner->name), "pool %s", pool);
	owner->image = NULL;
	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	owner->place = metadata_of_pool(ioctx);
	return 0;
}

int api_pool_metadata_list(struct request *req, struct response *resp)
{
	struct metadata_owner owner;
	int r;

	r = pool_owner(req, resp, &owner);
	if (r < 0)
		return r;
	return metadata_respond_list(resp, &owner);
}

int api_pool_metadata_get(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	struct metadata_owner owner;
	int r;

	r = metadata_check_key(resp, key, 1);
	if (r < 0)
		return r;
	r = pool_owner(req, resp, &owner);
	if (r < 0)
		return r;
	return metadata_respond_get(resp, &owner, key);
}

/* 201 with Location for a new key, 200 for a changed one. */
int api_pool_metadata_put(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	char pool[ENCODED_NAME_MAX], encoded[3 * METADATA_KEY_MAX + 1];
	struct metadata_owner owner;
	const char *value;
	int created, r;

	r = metadata_check_key(resp, key, 0);
	if (r < 0)
		return r;
	r = metadata_put_value(req, resp, &value);
	if (r < 0)
		return r;
	r = pool_owner(req, resp, &owner);
	if (r < 0)
		return r;
	r = metadata_respond_put(resp, &owner, key, value, &created);
	if (r < 0 || !created)
		return r;
	percent_encode_segment(request_capture(req, "pool"), pool, sizeof(pool));
	percent_encode_segment(key, encoded, sizeof(encoded));
	/* The key is set: without a Location it is still a 201. */
	response_set_location(resp, "/api/v1/pools/%s/metadata/%s", pool, encoded);
	return 0;
}

int api_pool_metadata_delete(struct request *req, struct response *resp)
{
	const char *key = request_capture(req, "key");
	struct metadata_owner owner;
	int r;

	r = metadata_check_key(resp, key, 1);
	if (r < 0)
		return r;
	r = pool_owner(req, resp, &owner);
	if (r < 0)
		return r;
	return metadata_respond_delete(resp, &owner, key);
}
