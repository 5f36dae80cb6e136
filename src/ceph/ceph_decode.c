/* SPDX-License-Identifier: Apache-2.0 */
/* ceph_decode.c - Ceph's little-endian encoding (see ceph_decode.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ceph_decode.h"

int decode_bytes(struct decoder *d, void *out, size_t len)
{
	if (d->left < len)
		return -EBADMSG;
	memcpy(out, d->at, len);
	d->at += len;
	d->left -= len;
	return 0;
}

int decode_u64(struct decoder *d, uint64_t *value)
{
	unsigned char b[8];
	int r = decode_bytes(d, b, sizeof(b));

	*value = 0;
	for (int i = 7; r == 0 && i >= 0; i--)
		*value = *value << 8 | b[i];
	return r;
}

int decode_u32(struct decoder *d, uint32_t *value)
{
	uint64_t wide = 0;
	unsigned char b[4];
	int r = decode_bytes(d, b, sizeof(b));

	for (int i = 3; r == 0 && i >= 0; i--)
		wide = wide << 8 | b[i];
	*value = (uint32_t)wide;
	return r;
}

int decode_string_ref(struct decoder *d, const char **bytes, uint32_t *len)
{
	int r = decode_u32(d, len);

	if (r < 0)
		return r;
	if (d->left < *len)
		return -EBADMSG;
	*bytes = (const char *)d->at;
	d->at += *len;
	d->left -= *len;
	return 0;
}

int decode_string(struct decoder *d, char *out, size_t outlen)
{
	const char *bytes;
	uint32_t len;
	int r = decode_string_ref(d, &bytes, &len);

	if (r < 0)
		return r;
	if (len >= outlen)
		return -ENAMETOOLONG;
	memcpy(out, bytes, len);
	out[len] = '\0';
	return 0;
}

int decode_time(struct decoder *d, struct timespec *ts)
{
	uint32_t sec = 0, nsec = 0;
	int r = decode_u32(d, &sec);

	if (r == 0)
		r = decode_u32(d, &nsec);
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return r;
}

void encode_u32(unsigned char out[4], uint32_t value)
{
	for (int i = 0; i < 4; i++)
		out[i] = (unsigned char)(value >> (8 * i));
}

void encode_u64(unsigned char out[8], uint64_t value)
{
	for (int i = 0; i < 8; i++)
		out[i] = (unsigned char)(value >> (8 * i));
}
