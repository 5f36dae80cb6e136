/* SPDX-License-Identifier: Apache-2.0 */
/* text_list.h - "a, b, c and 4 more": what is in the way, named in one
 * message (snapshots of an image, clients that have it open, clones of a
 * snapshot), however many there are. */
#ifndef RBD_REST_API_TEXT_LIST_H
#define RBD_REST_API_TEXT_LIST_H

#include <stddef.h>

/* Items named before the rest are only counted. */
#define TEXT_LIST_NAMED 10

struct text_list {
	char *buf;
	size_t size, used;
	size_t count;  /* items added, named or not */
};

void text_list_init(struct text_list *list, char *buf, size_t size);

/* Names the item while fewer than TEXT_LIST_NAMED are named (cut, never
 * overflowing, when buf is full); counts it either way. */
void text_list_add(struct text_list *list, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The names, followed by " and N more" when some were only counted. */
const char *text_list_finish(struct text_list *list);

#endif
