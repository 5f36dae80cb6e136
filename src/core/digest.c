/* SPDX-License-Identifier: Apache-2.0 */
/* digest.c - FNV-1a 64 (see digest.h). */
#include "config.h"

#include "digest.h"

uint64_t digest64(uint64_t hash, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		hash = (hash ^ p[i]) * UINT64_C(1099511628211);
	return hash;
}

uint64_t digest64_str(uint64_t hash, const char *text)
{
	return digest64(hash, text, text ? __builtin_strlen(text) + 1 : 0);
}
