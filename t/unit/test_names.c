/* The name rule for pools, images, snapshots and namespaces. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../../src/names.h"
#include "tap.h"

static void check(const char *name, size_t len, int want, const char *label)
{
	const char *why = "";

	is_int(name_check(name, len, &why), want, "%s", label);
}

int main(void)
{
	char long_name[300];

	check("vol1", 4, 0, "a plain name is fine");
	check("my volume-1_x.y", 15, 0, "spaces, dots, dashes are fine");
	check("\xc3\xa9t\xc3\xa9", 5, 0, "UTF-8 is fine");
	check("", 0, -EINVAL, "empty is refused");
	check(".", 1, -EINVAL, "\".\" is refused");
	check("..", 2, -EINVAL, "\"..\" is refused");
	check("...", 3, 0, "\"...\" is a name");
	check("a/b", 3, -EINVAL, "'/' is refused");
	check("a@b", 3, -EINVAL, "'@' is refused");
	check("a\nb", 3, -EINVAL, "newline is refused");
	check("a\x7f", 2, -EINVAL, "DEL is refused");
	check("a\0b", 3, -EINVAL, "an embedded NUL is refused");

	memset(long_name, 'x', sizeof(long_name));
	check(long_name, 250, 0, "250 bytes is the limit");
	check(long_name, 251, -EINVAL, "251 bytes is refused");
	return done_testing();
}
