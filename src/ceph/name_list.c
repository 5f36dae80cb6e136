/* SPDX-License-Identifier: Apache-2.0 */
/* name_list.c - walking a NUL-separated list of names (see name_list.h). */
#include "config.h"

#include <string.h>

#include "name_list.h"

const char *name_list_next(const char *names, size_t len, size_t *at)
{
	while (*at < len) {
		const char *name = names + *at;
		size_t n = strnlen(name, len - *at);

		*at += n + 1;
		if (n > 0)
			return name;
	}
	return NULL;
}
