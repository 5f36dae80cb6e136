/* SPDX-License-Identifier: Apache-2.0 */
/* trash.h - the RBD trash of a pool across its namespaces: its entries
 * listed and found, an image moved there, an entry restored or removed.
 *
 * An entry lives in the trash of its image's namespace, but the API
 * addresses the trash per pool: a listing walks the default namespace
 * and then each namespace, and an id is looked up the same way. Which
 * namespaces a user may see is the caller's business (a sees function);
 * these functions know nothing of users or answers. Each leaves the io
 * context set to the namespace it last worked in (every user of a cached
 * io context sets its namespace first). */
#ifndef RBD_REST_API_TRASH_H
#define RBD_REST_API_TRASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

/* May the caller look into namespace ns ("" the default)? */
typedef bool (*trash_sees_fn)(void *arg, const char *ns);

struct trash_entry {
	const char *ns;                  /* the entry's namespace ("" the default) */
	rbd_trash_image_info_t info;
};

/* Entries of one or more namespaces, with the names they point into. */
struct trash_list {
	struct trash_entry *entries;
	size_t count;
	char *names;                     /* the pool's namespaces, NUL-separated */
	size_t names_len;
	const char *failed;              /* on failure: the namespace being read */
};

/* Every entry of the namespaces sees allows, the default one first.
 * Returns 0 or a negative errno; *list is the caller's either way
 * (trash_list_free), and on failure says which namespace failed. */
int trash_list_pool(rados_ioctx_t ioctx, trash_sees_fn sees, void *arg, struct trash_list **list);

/* Entry id, in the default namespace or else in one of the namespaces
 * sees allows: 0 with *found (trash_list_free) holding it, -ENOENT when
 * none of them has it, or another negative errno. */
int trash_find(rados_ioctx_t ioctx, const char *id, trash_sees_fn sees, void *arg,
	       struct trash_list **found);

void trash_list_free(struct trash_list *list);

/* The id of an open image: the id of its trash entry once moved. */
int trash_image_id(rbd_image_t image, char *id, size_t idlen);

/* Moves image name of namespace ns to the trash, kept delay seconds, and
 * reads back its entry, id: 0 with *moved (trash_list_free), librbd's
 * errno when the move is refused, or -ESTALE when the move went through
 * but left no entry id (the name was renamed or replaced meanwhile;
 * librbd's move never answers ESTALE itself). */
int trash_move(rados_ioctx_t ioctx, const char *ns, const char *name, uint64_t delay,
	       const char *id, struct trash_list **moved);

/* Restores entry id of namespace ns as image name. */
int trash_restore(rados_ioctx_t ioctx, const char *ns, const char *id, const char *name);

/* Removes entry id of namespace ns, data and all (force: even before its
 * deferment ends). Blocks until done. */
int trash_remove(rados_ioctx_t ioctx, const char *ns, const char *id, bool force);

#endif
