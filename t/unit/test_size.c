/* SPDX-License-Identifier: Apache-2.0 */
/* Size strings: the contract's grammar, overflow, and what is refused. */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "../../src/core/size.h"
#include "tap.h"

static void accepts(const char *text, uint64_t want)
{
	uint64_t got = 0;
	int r = size_parse(text, &got);

	ok(r == 0 && got == want, "\"%s\" is %llu bytes", text, (unsigned long long)want);
}

static void refuses(const char *text, int want)
{
	uint64_t got = 0;

	is_int(size_parse(text, &got), want, "\"%s\" is refused", text);
}

int main(void)
{
	accepts("0", 0);
	accepts("1024", 1024);
	accepts("10G", 10ull << 30);
	accepts("10g", 10ull << 30);
	accepts("512MiB", 512ull << 20);
	accepts("512MB", 512ull << 20);
	accepts("1t", 1ull << 40);
	accepts("4k", 4096);
	accepts("2P", 2ull << 50);
	accepts("100B", 100);
	accepts("18446744073709551615", UINT64_MAX);
	accepts("16383P", 16383ull << 50);

	refuses("", -EINVAL);
	refuses("-1", -EINVAL);
	refuses("10X", -EINVAL);
	refuses("1e9", -EINVAL);
	refuses("1.5G", -EINVAL);
	refuses(" 10G", -EINVAL);
	refuses("10G ", -EINVAL);
	refuses("G", -EINVAL);
	refuses("10i", -EINVAL);
	refuses("10GiBB", -EINVAL);
	refuses("0x10", -EINVAL);
	refuses("18446744073709551616", -ERANGE);
	refuses("16384P", -ERANGE);
	refuses("99999999999999999999999G", -ERANGE);
	return done_testing();
}
