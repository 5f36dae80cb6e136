/* SPDX-License-Identifier: Apache-2.0 */
/* name_list.h - walking a NUL-separated list of names, as librados and
 * librbd write them (pools, namespaces, groups, applications; see
 * ceph_read_list).
 *
 * Every such list is walked the same way, skipping the empty names that
 * a list's end (or librbd's padding) leaves:
 *
 *	for (size_t at = 0; (name = name_list_next(names, len, &at));)
 *		...
 */
#ifndef RBD_REST_API_NAME_LIST_H
#define RBD_REST_API_NAME_LIST_H

#include <stddef.h>

/* The first non-empty name at or after *at in names (len bytes), with
 * *at moved past it; NULL at the end. Each name ends with its NUL within
 * len, as librados and librbd write them; nothing past len is read. */
const char *name_list_next(const char *names, size_t len, size_t *at);

#endif
