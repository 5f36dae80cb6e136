/* SPDX-License-Identifier: Apache-2.0 */
/* ceph_decode.h - reading Ceph's little-endian wire encoding, as the rbd
 * object class answers in it, with every length checked against what is
 * left. */
#ifndef RBD_REST_API_CEPH_DECODE_H
#define RBD_REST_API_CEPH_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct decoder {
	const unsigned char *at;
	size_t left;
};

static inline struct decoder decoder_of(const char *buf, size_t len)
{
	return (struct decoder){(const unsigned char *)buf, len};
}

/* Each returns 0, or -EBADMSG when the buffer ends first. */
int decode_bytes(struct decoder *d, void *out, size_t len);
int decode_u32(struct decoder *d, uint32_t *value);
int decode_u64(struct decoder *d, uint64_t *value);
/* A string (u32 length, bytes) copied into out with a NUL;
 * -ENAMETOOLONG when it does not fit. */
int decode_string(struct decoder *d, char *out, size_t outlen);
/* A string left where it is: *bytes points into the buffer. */
int decode_string_ref(struct decoder *d, const char **bytes, uint32_t *len);
/* A utime_t: u32 seconds, u32 nanoseconds. */
int decode_time(struct decoder *d, struct timespec *ts);

/* The encodings of what the rbd class methods take. */
void encode_u32(unsigned char out[4], uint32_t value);
void encode_u64(unsigned char out[8], uint64_t value);

#endif
