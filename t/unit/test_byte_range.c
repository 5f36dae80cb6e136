/* SPDX-License-Identifier: Apache-2.0 */
/* Range and Content-Range of the data routes: one range of bytes, what
 * is unsatisfiable, and what is malformed. */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "../../src/core/byte_range.h"
#include "tap.h"

static void range(const char *text, uint64_t size, uint64_t first, uint64_t length)
{
	uint64_t f = 0, l = 0;
	int r = byte_range_parse(text, size, &f, &l);

	ok(r == 0 && f == first && l == length, "Range \"%s\" of %llu bytes: %llu bytes from %llu",
	   text, (unsigned long long)size, (unsigned long long)length, (unsigned long long)first);
}

static void range_refused(const char *text, uint64_t size, int want)
{
	uint64_t f, l;

	is_int(byte_range_parse(text, size, &f, &l), want, "Range \"%s\" of %llu bytes is refused",
	       text, (unsigned long long)size);
}

static void content_range(const char *text, uint64_t first, uint64_t length, uint64_t total)
{
	uint64_t f = 0, l = 0, t = 0;
	int r = content_range_parse(text, &f, &l, &t);

	ok(r == 0 && f == first && l == length && t == total, "Content-Range \"%s\"", text);
}

static void content_range_refused(const char *text)
{
	uint64_t f, l, t;

	is_int(content_range_parse(text, &f, &l, &t), -EINVAL, "Content-Range \"%s\" is malformed",
	       text);
}

int main(void)
{
	range("bytes=0-99", 1000, 0, 100);
	range("bytes=990-2000", 1000, 990, 10);
	range("bytes=10-", 1000, 10, 990);
	range("bytes=-7", 1000, 993, 7);
	range("bytes=-5000", 1000, 0, 1000);
	range("bytes=999-999", 1000, 999, 1);
	range_refused("bytes=1000-", 1000, -ERANGE);
	range_refused("bytes=-0", 1000, -ERANGE);
	range_refused("bytes=0-", 0, -ERANGE);
	range_refused("bytes=0-1,5-6", 1000, -E2BIG);
	range_refused("bytes=5-1", 1000, -EINVAL);
	range_refused("lines=0-1", 1000, -EINVAL);
	range_refused("bytes=a-b", 1000, -EINVAL);
	range_refused("bytes=0-1x", 1000, -EINVAL);
	range_refused("bytes=99999999999999999999-", 1000, -EINVAL);

	content_range("bytes 0-99/1000", 0, 100, 1000);
	content_range("bytes 900-999/*", 900, 100, UINT64_MAX);
	content_range_refused("bytes 5-1/*");
	content_range_refused("bytes 0-1000/1000");
	content_range_refused("bytes */1000");
	content_range_refused("bytes=0-1/2");
	content_range_refused("bytes 0-1/");
	content_range_refused("bytes 0-1/2x");
	return done_testing();
}
