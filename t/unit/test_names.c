/* SPDX-License-Identifier: Apache-2.0 */
/* The name rule for pools, images, snapshots and namespaces. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../../src/core/names.h"
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
	/* What the rbd CLI accepts and we refuse to create: -EILSEQ. */
	check("a\nb", 3, -EILSEQ, "newline is refused");
	check("a\x7f", 2, -EILSEQ, "DEL is refused");
	check("a\xc2\x85", 3, -EILSEQ, "the C1 control U+0085 is refused");
	check("a\xc2\x9f", 3, -EILSEQ, "the C1 control U+009F is refused");
	check("a\xc2\xa0", 3, 0, "U+00A0, just past C1, is fine");
	check("a\xc0\xaf", 3, -EILSEQ, "an overlong '/' is refused");
	check("\xe0\x80\xaf", 3, -EILSEQ, "a three-byte overlong form is refused");
	check("\xed\xa0\x80", 3, -EILSEQ, "a surrogate (U+D800) is refused");
	check("\xf4\x90\x80\x80", 4, -EILSEQ, "U+110000 is refused");
	check("\xf4\x8f\xbf\xbf", 4, 0, "U+10FFFF is fine");
	check("\xf0\x9f\x92\xbe", 4, 0, "an emoji is fine");
	check("a\xc3", 2, -EILSEQ, "a cut sequence is refused");
	check("\xff", 1, -EILSEQ, "a byte that is never UTF-8 is refused");
	check("a\0b", 3, -EINVAL, "an embedded NUL is refused");

	memset(long_name, 'x', sizeof(long_name));
	check(long_name, 250, 0, "250 bytes is the limit");
	check(long_name, 251, -EINVAL, "251 bytes is refused");
	return done_testing();
}
