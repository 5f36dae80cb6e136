/* SPDX-License-Identifier: Apache-2.0 */
/* name_list_next: walking the NUL-separated name lists of librados and
 * librbd. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "../../src/ceph/name_list.h"
#include "tap.h"

/* The names of list (len bytes), joined with ',' into out. */
static const char *walk(const char *list, size_t len, char *out, size_t outlen)
{
	const char *name;

	out[0] = '\0';
	for (size_t at = 0; (name = name_list_next(list, len, &at));) {
		if (out[0])
			strncat(out, ",", outlen - strlen(out) - 1);
		strncat(out, name, outlen - strlen(out) - 1);
	}
	return out;
}

int main(void)
{
	char out[64];

	is_str(walk("", 0, out, sizeof(out)), "", "an empty list has no names");
	is_str(walk("a\0", 2, out, sizeof(out)), "a", "one name");
	is_str(walk("rbd\0rgw\0", 8, out, sizeof(out)), "rbd,rgw", "two names");
	is_str(walk("a\0\0b\0", 5, out, sizeof(out)), "a,b", "an empty name is skipped");
	is_str(walk("a\0b\0\0\0\0", 7, out, sizeof(out)), "a,b", "padding at the end is skipped");
	is_str(walk("a\0b\0c\0", 4, out, sizeof(out)), "a,b", "nothing is read past len");
	return done_testing();
}
