/* SPDX-License-Identifier: Apache-2.0 */
/* size.c - size strings to bytes (see size.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>

#include "size.h"

static int unit_shift(char unit)
{
	switch (tolower((unsigned char)unit)) {
	case 'k': return 10;
	case 'm': return 20;
	case 'g': return 30;
	case 't': return 40;
	case 'p': return 50;
	default: return -1;
	}
}

int size_parse(const char *text, uint64_t *bytes)
{
	const char *p = text;
	uint64_t value = 0;
	int shift = 0;
	int overflow = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (value > (UINT64_MAX - digit) / 10)
			overflow = 1;
		else
			value = value * 10 + digit;
	}

	if (*p && unit_shift(*p) >= 0) {
		shift = unit_shift(*p);
		p++;
		/* "i" only makes sense after a unit letter: "10Gi", not "10i". */
		if (*p == 'i' || *p == 'I')
			p++;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		return -EINVAL;

	if (overflow || (shift && value > (UINT64_MAX >> shift)))
		return -ERANGE;
	*bytes = value << shift;
	return 0;
}
