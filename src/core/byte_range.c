/* SPDX-License-Identifier: Apache-2.0 */
/* byte_range.c - Range and Content-Range, strictly. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "byte_range.h"

/* Decimal digits at *p into *value (no sign, no overflow); advances *p. */
static int number(const char **p, uint64_t *value)
{
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	*value = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (*value > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		*value = *value * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	return 0;
}

int byte_range_parse(const char *text, uint64_t size, uint64_t *first, uint64_t *length)
{
	const char *p = text;
	uint64_t a, b;

	if (strncmp(p, "bytes=", 6) != 0)
		return -EINVAL;
	p += 6;
	if (strchr(p, ','))
		return -E2BIG;
	while (*p == ' ')
		p++;
	if (*p == '-') {
		/* The last b bytes. */
		p++;
		if (number(&p, &b) < 0 || *p)
			return -EINVAL;
		if (b == 0 || size == 0)
			return -ERANGE;
		*length = b < size ? b : size;
		*first = size - *length;
		return 0;
	}
	if (number(&p, &a) < 0 || *p++ != '-')
		return -EINVAL;
	if (!*p) {
		b = UINT64_MAX;
	} else if (number(&p, &b) < 0 || *p || b < a) {
		return -EINVAL;
	}
	if (a >= size)
		return -ERANGE;
	if (b >= size)
		b = size - 1;
	*first = a;
	*length = b - a + 1;
	return 0;
}

int content_range_parse(const char *text, uint64_t *first, uint64_t *length, uint64_t *total)
{
	const char *p = text;
	uint64_t a, b;

	if (strncmp(p, "bytes ", 6) != 0)
		return -EINVAL;
	p += 6;
	if (number(&p, &a) < 0 || *p++ != '-' || number(&p, &b) < 0 || *p++ != '/' || b < a)
		return -EINVAL;
	if (strcmp(p, "*") == 0)
		*total = UINT64_MAX;
	else if (number(&p, total) < 0 || *p || b >= *total)
		return -EINVAL;
	*first = a;
	*length = b - a + 1;
	return 0;
}
