/* SPDX-License-Identifier: Apache-2.0 */
/* digest.h - a 64-bit fingerprint of bytes (FNV-1a).
 *
 * For entity tags and for telling a retried request's body from another:
 * both compare what one service produced with what it produces again, so
 * a fast non-cryptographic hash is enough; nothing here defends against a
 * client crafting collisions (a client could only spoil its own retry). */
#ifndef RBD_REST_API_DIGEST_H
#define RBD_REST_API_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST64_INIT UINT64_C(14695981039346656037)

/* Folds len bytes into hash (start from DIGEST64_INIT). */
uint64_t digest64(uint64_t hash, const void *data, size_t len);

/* The same for a NUL-terminated string, with its terminator folded in
 * too, so "ab"+"c" and "a"+"bc" differ. */
uint64_t digest64_str(uint64_t hash, const char *text);

#endif
