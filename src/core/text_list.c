/* SPDX-License-Identifier: Apache-2.0 */
/* text_list.c - a bounded list of names for messages (see text_list.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "text_list.h"

void text_list_init(struct text_list *list, char *buf, size_t size)
{
	*list = (struct text_list){.buf = buf, .size = size};
	buf[0] = '\0';
}

/* Appends to buf; a part that does not fit is dropped whole. */
static void append(struct text_list *list, const char *fmt, va_list ap)
{
	int n;

	if (list->used >= list->size)
		return;
	n = vsnprintf(list->buf + list->used, list->size - list->used, fmt, ap);
	if (n > 0 && (size_t)n < list->size - list->used)
		list->used += (size_t)n;
	else
		list->buf[list->used] = '\0';
}

static void append_text(struct text_list *list, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void append_text(struct text_list *list, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append(list, fmt, ap);
	va_end(ap);
}

void text_list_add(struct text_list *list, const char *fmt, ...)
{
	va_list ap;

	if (list->count++ >= TEXT_LIST_NAMED)
		return;
	if (list->count > 1)
		append_text(list, ", ");
	va_start(ap, fmt);
	append(list, fmt, ap);
	va_end(ap);
}

const char *text_list_finish(struct text_list *list)
{
	if (list->count > TEXT_LIST_NAMED)
		append_text(list, " and %zu more", list->count - TEXT_LIST_NAMED);
	return list->buf;
}
