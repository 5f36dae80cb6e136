/* SPDX-License-Identifier: Apache-2.0 */
/* trash.c - the RBD trash of a pool across its namespaces (see trash.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_query.h"
#include "name_list.h"
#include "trash.h"

static struct trash_list *list_new(void)
{
	struct trash_list *list = calloc(1, sizeof(*list));

	if (list)
		list->failed = "";
	return list;
}

void trash_list_free(struct trash_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		rbd_trash_get_cleanup(&list->entries[i].info);
	free(list->entries);
	free(list->names);
	free(list);
}

/* Takes over entries (count of them, in namespace ns) into list. */
static int list_take(struct trash_list *list, const char *ns, rbd_trash_image_info_t *entries,
		     size_t count)
{
	struct trash_entry *grown = realloc(list->entries,
					    (list->count + count + 1) * sizeof(*grown));

	if (!grown) {
		rbd_trash_list_cleanup(entries, count);
		free(entries);
		return -ENOMEM;
	}
	list->entries = grown;
	for (size_t i = 0; i < count; i++) {
		grown[list->count].ns = ns;
		grown[list->count].info = entries[i];
		list->count++;
	}
	/* Each entry's strings now belong to list. */
	free(entries);
	return 0;
}

static int list_namespace(rados_ioctx_t ioctx, const char *ns, struct trash_list *list)
{
	rbd_trash_image_info_t *entries = NULL;
	size_t count = 0;
	int r;

	rados_ioctx_set_namespace(ioctx, ns);
	r = trash_entries_read(ioctx, &entries, &count);
	if (r < 0)
		return r;
	return list_take(list, ns, entries, count);
}

/* The pool's namespaces into list->names (read from the default one). */
static int read_namespaces(rados_ioctx_t ioctx, struct trash_list *list)
{
	rados_ioctx_set_namespace(ioctx, "");
	return namespace_names(ioctx, &list->names, &list->names_len);
}

int trash_list_pool(rados_ioctx_t ioctx, trash_sees_fn sees, void *arg, struct trash_list **out)
{
	struct trash_list *list = list_new();
	const char *ns;
	int r;

	*out = list;
	if (!list)
		return -ENOMEM;
	r = sees(arg, "") ? list_namespace(ioctx, "", list) : 0;
	if (r == 0)
		r = read_namespaces(ioctx, list);
	for (size_t at = 0; r == 0 && (ns = name_list_next(list->names, list->names_len, &at));) {
		if (!sees(arg, ns))
			continue;
		list->failed = ns;
		r = list_namespace(ioctx, ns, list);
	}
	if (r == 0)
		list->failed = "";
	return r;
}

/* Entry id of namespace ns into list: 0, -ENOENT, or another errno. */
static int find_in(rados_ioctx_t ioctx, const char *ns, const char *id, struct trash_list *list)
{
	rbd_trash_image_info_t *info = malloc(sizeof(*info));
	int r;

	if (!info)
		return -ENOMEM;
	rados_ioctx_set_namespace(ioctx, ns);
	r = rbd_trash_get(ioctx, id, info);
	if (r < 0) {
		free(info);
		return r;
	}
	return list_take(list, ns, info, 1);
}

int trash_find(rados_ioctx_t ioctx, const char *id, trash_sees_fn sees, void *arg,
	       struct trash_list **out)
{
	struct trash_list *list = list_new();
	const char *ns;
	int r = -ENOENT;

	*out = NULL;
	if (!list)
		return -ENOMEM;
	if (sees(arg, ""))
		r = find_in(ioctx, "", id, list);
	if (r == -ENOENT) {
		int read = read_namespaces(ioctx, list);

		if (read < 0)
			r = read;
	}
	for (size_t at = 0; r == -ENOENT && (ns = name_list_next(list->names, list->names_len, &at));)
		if (sees(arg, ns))
			r = find_in(ioctx, ns, id, list);
	if (r < 0) {
		trash_list_free(list);
		return r;
	}
	*out = list;
	return 0;
}

int trash_image_id(rbd_image_t image, char *id, size_t idlen)
{
	return rbd_get_id(image, id, idlen);
}

int trash_move(rados_ioctx_t ioctx, const char *ns, const char *name, uint64_t delay,
	       const char *id, struct trash_list **out)
{
	struct trash_list *list;
	int r;

	*out = NULL;
	rados_ioctx_set_namespace(ioctx, ns);
	r = rbd_trash_move(ioctx, name, delay);
	if (r < 0)
		return r;
	list = list_new();
	if (!list)
		return -ENOMEM;
	list->names = strdup(ns);
	r = list->names ? find_in(ioctx, ns, id, list) : -ENOMEM;
	if (r < 0) {
		trash_list_free(list);
		return r == -ENOMEM ? r : -ESTALE;
	}
	list->entries[0].ns = list->names;
	*out = list;
	return 0;
}

int trash_restore(rados_ioctx_t ioctx, const char *ns, const char *id, const char *name)
{
	rados_ioctx_set_namespace(ioctx, ns);
	return rbd_trash_restore(ioctx, id, name);
}

/* librbd reports progress; nobody here waits on it. */
static int no_progress(uint64_t offset, uint64_t total, void *arg)
{
	(void)offset;
	(void)total;
	(void)arg;
	return 0;
}

int trash_remove(rados_ioctx_t ioctx, const char *ns, const char *id, bool force)
{
	rados_ioctx_set_namespace(ioctx, ns);
	return rbd_trash_remove_with_progress(ioctx, id, force, no_progress, NULL);
}
