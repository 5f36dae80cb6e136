/* SPDX-License-Identifier: Apache-2.0 */
/* utf8.c - strict UTF-8 checking and repair (see utf8.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "utf8.h"

/* How many leading bytes of s belong to a well-formed sequence, whether
 * or not it is complete: the "maximal subpart" that one U+FFFD replaces.
 * *complete says whether those bytes are a whole sequence. The ranges of
 * the second byte are RFC 3629's table, which is what rules out overlong
 * forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4). */
static size_t sequence_prefix(const unsigned char *s, size_t left, int *complete)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	*complete = 0;
	if (s[0] < 0x80) {
		*complete = 1;
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 1;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	for (i = 1; i < need && i < left; i++) {
		if (s[i] < lo || s[i] > hi)
			return i;
		lo = 0x80;
		hi = 0xbf;
	}
	*complete = i == need;
	return i;
}

size_t utf8_decode(const char *s, size_t left, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	int complete;
	size_t n;

	if (left == 0)
		return 0;
	n = sequence_prefix(u, left, &complete);
	if (!complete)
		return 0;
	switch (n) {
	case 1: *cp = u[0]; break;
	case 2: *cp = (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f); break;
	case 3: *cp = (uint32_t)(u[0] & 0x0f) << 12 | (uint32_t)(u[1] & 0x3f) << 6 | (u[2] & 0x3f); break;
	default:
		*cp = (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3f) << 12 |
		      (uint32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
	}
	return n;
}

int utf8_check(const char *s, size_t len, size_t *bad_at)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		int complete;
		size_t n;

		if (u[i] < 0x80) {
			i++;
			continue;
		}
		n = sequence_prefix(u + i, len - i, &complete);
		if (!complete) {
			if (bad_at)
				*bad_at = i;
			return -EILSEQ;
		}
		i += n;
	}
	return 0;
}

size_t utf8_repaired_len(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, out = 0;

	while (i < len) {
		int complete;
		size_t n;

		if (u[i] < 0x80) {
			i++;
			out++;
			continue;
		}
		n = sequence_prefix(u + i, len - i, &complete);
		out += complete ? n : 3;
		i += n;
	}
	return out;
}

void utf8_repair(const char *s, size_t len, char *out)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (i < len) {
		int complete = 1;
		size_t n = u[i] < 0x80 ? 1 : sequence_prefix(u + i, len - i, &complete);

		if (complete)
			memcpy(out + o, s + i, n);
		else
			memcpy(out + o, replacement, 3);
		o += complete ? n : 3;
		i += n;
	}
	out[o] = '\0';
}
