/* api_metadata.h - what the metadata of an image (api_metadata.c) and of
 * a pool (api_pool_metadata.c) share: the key rule, the answers, the
 * paged listing. librbd's image and pool families take the same
 * arguments after their handle, so one place describes either. */
#ifndef RBD_REST_API_API_METADATA_H
#define RBD_REST_API_API_METADATA_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "request.h"
#include "response.h"

#define METADATA_KEY_MAX 250

/* Where pairs live: an rbd_image_t with rbd_metadata_get/list, or a
 * rados_ioctx_t with rbd_pool_metadata_get/list. */
struct metadata_place {
	void *handle;
	int (*get)(void *handle, const char *key, char *value, size_t *len);
	int (*list)(void *handle, const char *start, uint64_t max, char *keys, size_t *keys_len,
		    char *values, size_t *values_len);
};

/* The {key} capture: 1..250 bytes of printable ASCII without '/'. A key
 * the rbd CLI made of other bytes (but no '/') can still be read and
 * removed (existing: GET and DELETE), only not made. 400 in resp. */
int metadata_check_key(struct response *resp, const char *key, int existing);

/* The 404 of a missing key of owner ("image rbd/a", "pool rbd"), or the
 * key rule's 400 for a key that breaks it. */
int metadata_missing_key(struct response *resp, const char *owner, const char *key);

/* The 400 when librbd refused a "conf_" key (an RBD option override)
 * with EINVAL; 0 (nothing answered) for any other failure. */
int metadata_conf_refused(struct response *resp, int err, const char *owner, const char *key,
			  const char *value);

/* The value of key, malloc'd, or -ENOENT when place has no such key. */
int metadata_get(const struct metadata_place *place, const char *key, char **value);

/* Appends every pair of place to items as {"key", "value"}. */
int metadata_list_all(const struct metadata_place *place, struct json_object *items);

/* {"key", "value"} as an item, or with envelope as a MetadataEntry. */
struct json_object *metadata_entry_json(const char *key, const char *value, int envelope);

/* The body of a PUT: {"value": string without NUL}; *body is the
 * caller's to put, also on failure. */
int metadata_put_value(struct request *req, struct response *resp, struct json_object **body,
		       const char **value);

#endif
