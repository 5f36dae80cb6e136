/* SPDX-License-Identifier: Apache-2.0 */
/* Strict UTF-8 (RFC 3629) checking and repair with U+FFFD. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/utf8.h"
#include "tap.h"

static void repaired(const char *in, size_t len, const char *want, const char *label)
{
	size_t n = utf8_repaired_len(in, len);
	char *out = malloc(n + 1);

	utf8_repair(in, len, out);
	is_int(n, strlen(want), "%s: length", label);
	is_str(out, want, "%s", label);
	free(out);
}

int main(void)
{
	size_t at = 99;
	uint32_t cp = 0;

	is_int(utf8_check("plain", 5, &at), 0, "ASCII is valid");
	is_int(utf8_check("\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xbe", 9, NULL), 0,
	       "two, three and four bytes are valid");
	is_int(utf8_check("ab\xc0\xaf", 4, &at), -EILSEQ, "an overlong '/' is not");
	is_int(at, 2, "  and is found at its offset");
	is_int(utf8_check("\xed\xbf\xbf", 3, NULL), -EILSEQ, "a low surrogate is not");
	is_int(utf8_check("\xf5\x80\x80\x80", 4, NULL), -EILSEQ, "F5 never starts a sequence");
	is_int(utf8_check("\x80", 1, NULL), -EILSEQ, "a stray continuation byte is not");
	is_int(utf8_check("\xe2\x82", 2, NULL), -EILSEQ, "a cut sequence at the end is not");
	is_int(utf8_check("a\0b", 3, NULL), 0, "NUL is valid UTF-8 (the name rule refuses it)");

	is_int(utf8_decode("\xe2\x82\xac", 3, &cp), 3, "the euro sign is three bytes");
	is_int(cp, 0x20ac, "  and is U+20AC");
	is_int(utf8_decode("\xf4\x8f\xbf\xbf", 4, &cp), 4, "U+10FFFF decodes");
	is_int(cp, 0x10ffff, "  to itself");
	is_int(utf8_decode("\xe2\x82\xac", 2, &cp), 0, "a sequence cut by the length does not");

	repaired("ok \xc3\xa9", 5, "ok \xc3\xa9", "valid text is unchanged");
	repaired("\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd", "each byte of an overlong form is one U+FFFD");
	repaired("a\xe2\x82z", 4, "a\xef\xbf\xbdz", "a cut three-byte sequence is one U+FFFD");
	repaired("\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
		 "a surrogate is three U+FFFD (ED A0 is no prefix)");
	repaired("\xf0\x9f\x92", 3, "\xef\xbf\xbd", "a cut emoji at the end is one U+FFFD");
	repaired("\xff\xfe", 2, "\xef\xbf\xbd\xef\xbf\xbd", "FF FE are two");
	return done_testing();
}
