/* SPDX-License-Identifier: Apache-2.0 */
/* image_list.c - image listings with pagination (see image_list.h).
 *
 * A detail page opens all its images at once with rbd_aio_open_read_only
 * (bounded in flight), so a page of 100 costs about one open's latency,
 * not a hundred. An image that cannot be opened is listed with an error
 * instead of failing the page. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "image_directory.h"
#include "image_header.h"
#include "image_json.h"
#include "image_list.h"
#include "json_out.h"
#include "names.h"

/* Opens in flight at once: enough to hide latency, few enough that one
 * listing cannot flood the OSDs. */
#define OPEN_BATCH 128

int continue_token_encode(const char *name, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(name);

	if (outlen < 2 * len + 1)
		return -ENOSPC;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[(unsigned char)name[i] >> 4];
		out[2 * i + 1] = hex[(unsigned char)name[i] & 15];
	}
	out[2 * len] = '\0';
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int continue_token_decode(const char *token, char *name, size_t namelen)
{
	size_t len = strlen(token);

	if (len == 0 || len % 2 || len / 2 + 1 > namelen)
		return -EINVAL;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(token[2 * i]), lo = hex_digit(token[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		name[i] = (char)(hi * 16 + lo);
	}
	name[len / 2] = '\0';
	/* Any name the directory can hold comes back, the rbd CLI's too;
	 * the token only says where the next page starts. */
	return memchr(name, '\0', len / 2) ? -EINVAL : 0;
}

/* Starts item again from a bare {"name"}: a half-rendered one would mix
 * fields and an error. Then the caller adds the error. */
static int add_item_error(struct json_object *item, const struct image_list_page *page,
			  const char *name, int err)
{
	json_object_object_foreach(item, key, value) {
		(void)value;
		if (strcmp(key, "name") != 0)
			json_object_object_del(item, key);
	}
	return page->item_error(item, page, name, err);
}

/* Closes the opened images concurrently too: a close is a round trip or
 * two, and a hundred in a row cost as much as the opens. */
static void close_all(rbd_image_t *images, const int *opened, size_t n)
{
	rbd_completion_t done[OPEN_BATCH];

	for (size_t i = 0; i < n; i++) {
		done[i] = NULL;
		if (opened[i] != 0)
			continue;
		if (rbd_aio_create_completion(NULL, NULL, &done[i]) < 0 ||
		    rbd_aio_close(images[i], done[i]) < 0) {
			if (done[i])
				rbd_aio_release(done[i]);
			done[i] = NULL;
			rbd_close(images[i]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!done[i])
			continue;
		rbd_aio_wait_for_complete(done[i]);
		rbd_aio_release(done[i]);
	}
}

/* Opens, renders and closes images [0, n) into items (pre-made objects
 * holding each "name"). */
static int open_and_render(rados_ioctx_t ioctx, const struct image_list_page *page,
			   struct image_entry *entries, struct json_object **items, size_t n)
{
	rbd_image_t images[OPEN_BATCH];
	rbd_completion_t done[OPEN_BATCH];
	int opened[OPEN_BATCH];
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		opened[i] = rbd_aio_create_completion(NULL, NULL, &done[i]);
		if (opened[i] == 0)
			opened[i] = rbd_aio_open_read_only(ioctx, entries[i].name, &images[i], NULL,
							   done[i]);
		else
			done[i] = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (opened[i] == 0) {
			rbd_aio_wait_for_complete(done[i]);
			opened[i] = (int)rbd_aio_get_return_value(done[i]);
		}
		if (done[i])
			rbd_aio_release(done[i]);
	}
	for (size_t i = 0; i < n; i++) {
		int rendered = opened[i];

		if (rendered == 0)
			rendered = image_json(images[i], ioctx, page->pool, page->ns, entries[i].name,
					      items[i]);
		if (rendered < 0 && r == 0)
			r = add_item_error(items[i], page, entries[i].name, rendered);
	}
	close_all(images, opened, n);
	return r;
}

/* Renders images [0, n) into items: from their headers, all read at once
 * (image_header.h), and the images the header cannot describe alone by
 * opening them. */
static int render_batch(rados_ioctx_t ioctx, const struct image_list_page *page,
			struct image_entry *entries, struct json_object **items, size_t n)
{
	struct image_header_read reads[OPEN_BATCH];
	struct image_entry to_open[OPEN_BATCH];
	struct json_object *to_open_items[OPEN_BATCH];
	int started[OPEN_BATCH];
	size_t opening = 0;
	int r = 0;

	for (size_t i = 0; i < n; i++)
		started[i] = image_header_start(ioctx, entries[i].id, &reads[i]);
	for (size_t i = 0; i < n; i++) {
		struct image_facts facts;
		int read = started[i] == 0 ? image_header_finish(&reads[i], &facts) : started[i];

		if (read == 0) {
			int rendered = image_facts_json(&facts, ioctx, page->pool, page->ns,
							entries[i].name, items[i]);

			image_facts_cleanup(&facts);
			if (rendered < 0 && r == 0)
				r = add_item_error(items[i], page, entries[i].name, rendered);
			continue;
		}
		to_open[opening] = entries[i];
		to_open_items[opening++] = items[i];
	}
	if (r == 0 && opening)
		r = open_and_render(ioctx, page, to_open, to_open_items, opening);
	return r;
}

int image_list_render(rados_ioctx_t ioctx, const struct image_list_page *page,
		      const struct image_directory *dir, struct json_object **body)
{
	struct json_object *list = NULL, *items, **page_items = NULL;
	struct image_entry *entries = dir->entries;
	size_t count = dir->count, first = 0, end;
	char *token = NULL;
	int r = -ENOMEM;

	if (page->after)
		while (first < count && strcmp(entries[first].name, page->after) <= 0)
			first++;
	end = page->limit && count - first > page->limit ? first + page->limit : count;

	list = json_list_envelope("ImageList", &items);
	page_items = calloc(end - first + 1, sizeof(*page_items));
	if (!list || !page_items)
		goto out;
	for (size_t i = first; i < end; i++) {
		struct json_object *item = json_object_new_object();

		if (json_array_take(items, item) < 0) {
			r = -ENOMEM;
			goto out;
		}
		page_items[i - first] = item;
		r = json_add_name(item, "name", entries[i].name, "image");
		if (r < 0)
			goto out;
	}
	for (size_t i = first; page->detail && i < end; i += OPEN_BATCH) {
		size_t n = end - i < OPEN_BATCH ? end - i : OPEN_BATCH;

		r = render_batch(ioctx, page, entries + i, page_items + (i - first), n);
		if (r < 0)
			goto out;
	}
	if (end < count) {
		size_t token_len = 2 * strlen(entries[end - 1].name) + 1;

		token = malloc(token_len);
		r = token ? continue_token_encode(entries[end - 1].name, token, token_len) : -ENOMEM;
		if (r == 0)
			r = json_add_string(list, "Continue", token);
		if (r < 0)
			goto out;
	}
	*body = list;
	list = NULL;
	r = 0;
out:
	json_object_put(list);
	free(token);
	free(page_items);
	return r;
}
