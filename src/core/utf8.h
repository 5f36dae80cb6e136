/* SPDX-License-Identifier: Apache-2.0 */
/* utf8.h - strict UTF-8 (RFC 3629): checking input, repairing output.
 *
 * Ceph stores names as bytes, and json-c copies bytes into JSON as they
 * are, so both what clients send and what the cluster holds can be text
 * that is not UTF-8. Input is refused (names.h, json_in.h); output is
 * repaired in one place (response.c) so every answer is valid UTF-8. */
#ifndef RBD_REST_API_UTF8_H
#define RBD_REST_API_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The well-formed sequence at s (at most left bytes): its length (1-4)
 * with the code point in *cp, or 0 when s starts an ill-formed one
 * (overlong form, surrogate, above U+10FFFF, stray or missing
 * continuation byte). */
size_t utf8_decode(const char *s, size_t left, uint32_t *cp);

/* 0 when s[0..len) is well-formed UTF-8, else -EILSEQ with *bad_at (if
 * not NULL) the offset of the first ill-formed sequence. */
int utf8_check(const char *s, size_t len, size_t *bad_at);

/* The length s[0..len) has once utf8_repair has replaced each maximal
 * ill-formed subpart with U+FFFD (Unicode's "best practice", as browsers
 * and Python do). Equal to len exactly when s is well-formed. */
size_t utf8_repaired_len(const char *s, size_t len);

/* Writes the repaired text (utf8_repaired_len(s, len) bytes) to out and a
 * NUL after it. */
void utf8_repair(const char *s, size_t len, char *out);

#endif
