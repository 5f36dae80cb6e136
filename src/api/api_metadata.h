/* SPDX-License-Identifier: Apache-2.0 */
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
	const char *pool;
	int is_image;
	struct image_ref image;   /* when is_image */
};

/* Fills owner for the request: its place opened for reading, or for a
 * change when change is set. Answers on failure. */
typedef int (*metadata_owner_fn)(struct request *req, struct response *resp, int change,
				 struct metadata_owner *owner);

enum metadata_verb { METADATA_LIST, METADATA_GET, METADATA_PUT, METADATA_DELETE };

/* A metadata request, the same for every owner: checks the {key} capture
 * (1..250 bytes of printable ASCII without '/'; a key the rbd CLI made of
 * other bytes can still be read and removed, only not made) and the
 * body, then finds the owner, then answers: every pair as a MetadataList;
 * one as a MetadataEntry (404 for a missing key); setting one (200, or
 * 201 with its Location); removing one (204). */
int metadata_serve(struct request *req, struct response *resp, metadata_owner_fn find,
		   enum metadata_verb verb);

#endif
