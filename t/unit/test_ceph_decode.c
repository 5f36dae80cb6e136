/* SPDX-License-Identifier: Apache-2.0 */
/* Ceph's wire encoding as the rbd class answers in it: values, strings,
 * and every way an answer can end too soon. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../../src/ceph/ceph_decode.h"
#include "tap.h"

int main(void)
{
	/* u32 7, u64 2^32 + 1, string "abc", utime 5 s 6 ns, string "xy" */
	static const char wire[] = "\x07\0\0\0"
				   "\x01\0\0\0\x01\0\0\0"
				   "\x03\0\0\0" "abc"
				   "\x05\0\0\0\x06\0\0\0"
				   "\x02\0\0\0" "xy";
	struct decoder d = decoder_of(wire, sizeof(wire) - 1);
	unsigned char encoded[8];
	struct timespec ts;
	const char *ref;
	uint32_t u32, len;
	uint64_t u64;
	char small[3], text[8];

	is_int(decode_u32(&d, &u32), 0, "a u32");
	is_int((int)u32, 7, "little-endian");
	is_int(decode_u64(&d, &u64), 0, "a u64");
	ok(u64 == (1ULL << 32) + 1, "all eight bytes");
	is_int(decode_string(&d, text, sizeof(text)), 0, "a string");
	is_str(text, "abc", "copied with its NUL");
	is_int(decode_time(&d, &ts), 0, "a utime");
	ok(ts.tv_sec == 5 && ts.tv_nsec == 6, "seconds, then nanoseconds");
	is_int(decode_string_ref(&d, &ref, &len), 0, "a string left in place");
	ok(len == 2 && memcmp(ref, "xy", 2) == 0, "pointing into the buffer");
	is_int((int)d.left, 0, "everything read");
	is_int(decode_u32(&d, &u32), -EBADMSG, "past the end: -EBADMSG");

	d = decoder_of(wire, 3);
	is_int(decode_u32(&d, &u32), -EBADMSG, "a u32 cut short");
	d = decoder_of(wire + 12, 5);
	is_int(decode_string(&d, text, sizeof(text)), -EBADMSG, "a string longer than what is left");
	d = decoder_of(wire + 12, 5);
	is_int(decode_string_ref(&d, &ref, &len), -EBADMSG, "the same, left in place");
	d = decoder_of(wire + 12, 7);
	is_int(decode_string(&d, small, sizeof(small)), -ENAMETOOLONG,
	       "a string with no room for it and its NUL");
	d = decoder_of(NULL, 0);
	is_int(decode_u64(&d, &u64), -EBADMSG, "nothing at all");

	encode_u32(encoded, 0x01020304);
	ok(memcmp(encoded, "\x04\x03\x02\x01", 4) == 0, "encode_u32 is little-endian");
	encode_u64(encoded, 0x0102030405060708ULL);
	ok(memcmp(encoded, "\x08\x07\x06\x05\x04\x03\x02\x01", 8) == 0,
	   "encode_u64 is little-endian");
	return done_testing();
}
