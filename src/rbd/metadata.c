/* SPDX-License-Identifier: Apache-2.0 */
/* metadata.c - image and pool metadata through one mechanism (see
 * metadata.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ceph.h"
#include "metadata.h"

/* Pairs fetched per list call. */
#define METADATA_PAGE 64

/* One of librbd's two families (rados_ioctx_t and rbd_image_t are both
 * void pointers, so the calls fit as they are). */
struct metadata_family {
	int (*get)(void *handle, const char *key, char *value, size_t *len);
	int (*set)(void *handle, const char *key, const char *value);
	int (*remove)(void *handle, const char *key);
	int (*list)(void *handle, const char *start, uint64_t max, char *keys, size_t *keys_len,
		    char *values, size_t *values_len);
};

static const struct metadata_family image_family = {
	rbd_metadata_get, rbd_metadata_set, rbd_metadata_remove, rbd_metadata_list,
};

static const struct metadata_family pool_family = {
	rbd_pool_metadata_get, rbd_pool_metadata_set, rbd_pool_metadata_remove,
	rbd_pool_metadata_list,
};

struct metadata_place metadata_of_image(rbd_image_t image)
{
	return (struct metadata_place){image, &image_family};
}

struct metadata_place metadata_of_pool(rados_ioctx_t ioctx)
{
	return (struct metadata_place){ioctx, &pool_family};
}

struct metadata_key {
	const struct metadata_place *place;
	const char *key;
};

static int metadata_value(void *handle, char *buf, size_t *len)
{
	const struct metadata_key *where = handle;

	return where->place->family->get(where->place->handle, where->key, buf, len);
}

int metadata_get(const struct metadata_place *place, const char *key, char **value)
{
	struct metadata_key where = {place, key};
	size_t len;

	*value = NULL;
	return ceph_read_list(metadata_value, &where, value, &len);
}

int metadata_set(const struct metadata_place *place, const char *key, const char *value)
{
	return place->family->set(place->handle, key, value);
}

int metadata_remove(const struct metadata_place *place, const char *key)
{
	return place->family->remove(place->handle, key);
}

/* One page of pairs after start (exclusive): keys and values, each a run
 * of NUL-terminated strings of keys_len and values_len bytes. */
struct metadata_page {
	char *keys, *values;
	size_t keys_len, values_len;
};

static int page_read(const struct metadata_place *place, const char *start,
		     struct metadata_page *page)
{
	int r;

	page->keys_len = page->values_len = 4096;
	for (;;) {
		char *k = realloc(page->keys, page->keys_len), *v;

		if (k)
			page->keys = k;
		v = k ? realloc(page->values, page->values_len) : NULL;
		if (v)
			page->values = v;
		if (!k || !v)
			return -ENOMEM;
		/* librbd fills in the sizes it needs when the buffers are
		 * short. */
		r = place->family->list(place->handle, start, METADATA_PAGE, page->keys,
					&page->keys_len, page->values, &page->values_len);
		if (r != -ERANGE)
			return r;
	}
}

/* Calls fn for each pair of one page after start; the number of pairs,
 * with the last key in *last (malloc'd), or a negative errno. */
static int page_each(const struct metadata_place *place, const char *start,
		     metadata_pair_fn fn, void *arg, char **last)
{
	struct metadata_page page = {NULL, NULL, 0, 0};
	int count = 0, r;

	r = page_read(place, start, &page);
	for (size_t ko = 0, vo = 0; r == 0 && ko < page.keys_len && vo < page.values_len;
	     count++) {
		const char *key = page.keys + ko, *value = page.values + vo;

		r = fn(arg, key, value);
		ko += strlen(key) + 1;
		vo += strlen(value) + 1;
		free(*last);
		*last = strdup(key);
		if (r == 0 && !*last)
			r = -ENOMEM;
	}
	free(page.keys);
	free(page.values);
	return r < 0 ? r : count;
}

int metadata_each(const struct metadata_place *place, metadata_pair_fn fn, void *arg)
{
	char *last = NULL;
	int r;

	/* librbd returns at most a page per call: go on after the last key
	 * until a page comes back short. */
	do {
		r = page_each(place, last ? last : "", fn, arg, &last);
	} while (r == METADATA_PAGE);
	free(last);
	return r < 0 ? r : 0;
}
