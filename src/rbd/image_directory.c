/* SPDX-License-Identifier: Apache-2.0 */
/* image_directory.c - a pool's images from its directory object (see
 * image_directory.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "ceph.h"
#include "ceph_decode.h"
#include "image_directory.h"

#define DIRECTORY_OBJECT "rbd_directory"
#define ENTRIES_PER_CALL 512

/* A growing array of entries. */
struct entry_list {
	struct image_entry *entries;
	size_t count, room;
};

static int add_entry(struct entry_list *list, const char *name, size_t name_len, const char *id,
		     size_t id_len)
{
	char *block;

	if (list->count == list->room) {
		size_t room = list->room ? 2 * list->room : 256;
		struct image_entry *grown = realloc(list->entries, room * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		list->entries = grown;
		list->room = room;
	}
	block = malloc(name_len + id_len + 2);
	if (!block)
		return -ENOMEM;
	memcpy(block, name, name_len);
	block[name_len] = '\0';
	memcpy(block + name_len + 1, id, id_len);
	block[name_len + 1 + id_len] = '\0';
	list->entries[list->count].name = block;
	list->entries[list->count++].id = block + name_len + 1;
	return 0;
}

/* dir_list's answer, map<string name, string id>, onto the list; sets
 * *held to the count of entries it held. */
static int add_page(struct entry_list *list, const char *page, size_t page_len, uint32_t *held)
{
	struct decoder d = decoder_of(page, page_len);
	int r = decode_u32(&d, held);

	for (uint32_t i = 0; r == 0 && i < *held; i++) {
		const char *name, *id;
		uint32_t name_len, id_len;

		r = decode_string_ref(&d, &name, &name_len);
		if (r == 0)
			r = decode_string_ref(&d, &id, &id_len);
		if (r == 0)
			r = add_entry(list, name, name_len, id, id_len);
	}
	return r;
}

/* One call: entries after the name start_after. Sets *v1_data when the
 * directory's data (format 1 images) is not empty, *version to the
 * object's version (0 when there is no directory). */
static int read_page(rados_ioctx_t ioctx, struct entry_list *list, const char *start_after,
		     uint32_t *held, int *v1_data, uint64_t *version)
{
	size_t after_len = strlen(start_after);
	unsigned char *in = malloc(4 + after_len + 8);
	rados_read_op_t op = NULL;
	char *page = NULL;
	size_t page_len = 0;
	uint64_t data_size = 0;
	int stat_rval = 0, list_rval = 0;
	int r;

	*held = 0;
	*version = 0;
	if (!in)
		return -ENOMEM;
	encode_u32(in, (uint32_t)after_len);
	memcpy(in + 4, start_after, after_len);
	encode_u64(in + 4 + after_len, ENTRIES_PER_CALL);
	op = rados_create_read_op();
	if (!op) {
		r = -ENOMEM;
		goto out;
	}
	rados_read_op_stat(op, &data_size, NULL, &stat_rval);
	rados_read_op_exec(op, "rbd", "dir_list", (const char *)in, 4 + after_len + 8, &page,
			   &page_len, &list_rval);
	r = rados_read_op_operate(op, ioctx, DIRECTORY_OBJECT, 0);
	/* No directory yet: no images. */
	if (r == -ENOENT) {
		r = 0;
		goto out;
	}
	if (r == 0)
		r = stat_rval < 0 ? stat_rval : list_rval;
	if (r < 0)
		goto out;
	*version = rados_get_last_version(ioctx);
	*v1_data = data_size > 0;
	r = add_page(list, page, page_len, held);
out:
	if (page)
		rados_buffer_free(page);
	if (op)
		rados_release_read_op(op);
	free(in);
	return r;
}

static void free_entries(struct image_entry *entries, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(entries[i].name);
	free(entries);
}

static int spec_list(void *ioctx, void *buf, size_t *count)
{
	return rbd_list2(ioctx, buf, count);
}

/* librbd's listing, copied into entries: for a directory with format 1
 * images, which only it decodes. */
static int librbd_list(rados_ioctx_t ioctx, struct entry_list *list)
{
	rbd_image_spec_t *specs;
	size_t max = 0;
	void *buf;
	int r = ceph_read_array(spec_list, ioctx, sizeof(*specs), &buf, &max);

	if (r < 0)
		return r;
	specs = buf;
	for (size_t i = 0; r == 0 && i < max; i++)
		r = add_entry(list, specs[i].name, strlen(specs[i].name), specs[i].id,
			      strlen(specs[i].id));
	rbd_image_spec_list_cleanup(specs, max);
	free(specs);
	return r;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(((const struct image_entry *)a)->name, ((const struct image_entry *)b)->name);
}

/* Reads the listing into list; *version is the directory's, or 0 when
 * the listing cannot be reused (pages read at different versions, format 1
 * images, no directory). */
static int read_listing(rados_ioctx_t ioctx, struct entry_list *list, uint64_t *version)
{
	uint32_t held = ENTRIES_PER_CALL;
	uint64_t page_version = 0;
	int v1_data = 0;
	int r = 0;

	*version = 0;
	for (int page = 0; r == 0 && held == ENTRIES_PER_CALL && !v1_data; page++) {
		r = read_page(ioctx, list, list->count ? list->entries[list->count - 1].name : "",
			      &held, &v1_data, &page_version);
		if (page == 0)
			*version = page_version;
		else if (page_version != *version)
			*version = 0;
	}
	if (r == 0 && v1_data) {
		*version = 0;
		free_entries(list->entries, list->count);
		*list = (struct entry_list){NULL, 0, 0};
		r = librbd_list(ioctx, list);
		/* librbd puts format 1 images first. */
		if (r == 0)
			qsort(list->entries, list->count, sizeof(*list->entries), compare_names);
	}
	return r;
}

/* Whether dir holds the listing of ioctx's directory as it is now. */
static int still_current(rados_ioctx_t ioctx, const struct image_directory *dir, const char *ns)
{
	uint64_t size;

	if (!dir->version || dir->pool_id != rados_ioctx_get_id(ioctx) || !dir->ns ||
	    strcmp(dir->ns, ns) != 0)
		return 0;
	return rados_stat(ioctx, DIRECTORY_OBJECT, &size, NULL) == 0 && size == 0 &&
	       rados_get_last_version(ioctx) == dir->version;
}

int image_directory_read(rados_ioctx_t ioctx, struct image_directory *dir)
{
	struct entry_list list = {NULL, 0, 0};
	char ns[256];
	int r;

	r = rados_ioctx_get_namespace(ioctx, ns, sizeof(ns));
	if (r < 0)
		return r;
	if (still_current(ioctx, dir, ns))
		return 0;
	image_directory_clear(dir);
	r = read_listing(ioctx, &list, &dir->version);
	if (r == 0) {
		dir->ns = strdup(ns);
		r = dir->ns ? 0 : -ENOMEM;
	}
	if (r < 0) {
		free_entries(list.entries, list.count);
		image_directory_clear(dir);
		return r;
	}
	dir->pool_id = rados_ioctx_get_id(ioctx);
	dir->entries = list.entries;
	dir->count = list.count;
	return 0;
}

void image_directory_clear(struct image_directory *dir)
{
	free_entries(dir->entries, dir->count);
	free(dir->ns);
	memset(dir, 0, sizeof(*dir));
}
