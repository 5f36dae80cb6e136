/* api_metadata.h - what the metadata of an image (api_metadata.c) and of
 * a pool (api_pool_metadata.c) share: the key rule and the answers of
 * the four verbs. Where the pairs live is rbd/metadata.h's place; the
 * handlers only say whose pairs they are. */
#ifndef RBD_REST_API_API_METADATA_H
#define RBD_REST_API_API_METADATA_H

#include "api.h"
#include "metadata.h"

#define METADATA_KEY_MAX 250

/* Whose pairs a request is about: where they live, how messages name the
 * owner ("image rbd/a", "pool rbd"), and for an image its ref (a missing
 * image is then "image X does not exist"). */
struct metadata_owner {
	struct metadata_place place;
	char name[IMAGE_SPEC_MAX + ENCODED_NAME_MAX + 8];
	const struct image_ref *image;   /* NULL for a pool */
};

/* The {key} capture: 1..250 bytes of printable ASCII without '/'. A key
 * the rbd CLI made of other bytes (but no '/') can still be read and
 * removed (existing: GET and DELETE), only not made. 400 in resp. */
int metadata_check_key(struct response *resp, const char *key, int existing);

/* The body of a PUT: {"value": string without NUL}, owned by the
 * request. */
int metadata_put_value(struct request *req, struct response *resp, const char **value);

/* The answers: every pair as a MetadataList; one as a MetadataEntry (404
 * for a missing key); setting one (200, or 201 with *created set: the
 * caller adds the Location); removing one (204). */
int metadata_respond_list(struct response *resp, const struct metadata_owner *owner);
int metadata_respond_get(struct response *resp, const struct metadata_owner *owner,
			 const char *key);
int metadata_respond_put(struct response *resp, const struct metadata_owner *owner,
			 const char *key, const char *value, int *created);
int metadata_respond_delete(struct response *resp, const struct metadata_owner *owner,
			    const char *key);

#endif
