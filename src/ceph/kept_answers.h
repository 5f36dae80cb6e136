/* SPDX-License-Identifier: Apache-2.0 */
/* kept_answers.h - the store behind Idempotency-Key (api/idempotency.h):
 * entries kept in the omap of one object, KEPT_ANSWERS_OBJECT, of a
 * pool's default namespace, so every replica of the service sees them.
 *
 * The store knows keys and texts only; what an entry says (running or
 * answered, how old) is the caller's. Every function returns 0 or a
 * negative errno (librados'). */
#ifndef RBD_REST_API_KEPT_ANSWERS_H
#define RBD_REST_API_KEPT_ANSWERS_H

#include <stddef.h>

#include <rados/librados.h>

#define KEPT_ANSWERS_OBJECT "rbd_rest_api.idempotency"

/* Writes value under key when the entry holds exactly expected ("" = no
 * entry), in one operation, so of two racing writers one wins: the other
 * gets -ECANCELED. Creates the object when missing. */
int kept_answers_claim(rados_ioctx_t ioctx, const char *key, const char *expected,
		       const char *value);

/* Writes value under key, whatever the entry held. */
int kept_answers_set(rados_ioctx_t ioctx, const char *key, const char *value);

/* The entry's text (*value is the caller's), or -ENOENT. */
int kept_answers_read(rados_ioctx_t ioctx, const char *key, char **value);

/* Removes the entry (none is no error). */
int kept_answers_remove(rados_ioctx_t ioctx, const char *key);

/* Is the entry with this text to go? (value NUL-terminated.) */
typedef int (*kept_answers_dead_fn)(const char *value, void *arg);

/* One slice of a sweep: reads up to batch entries after the key `after`
 * ("" = from the first), removes those dead() says are, and leaves in
 * after (afterlen bytes) where the next slice starts: "" again after the
 * last entry, or when the last key read does not fit (the next slice
 * then rereads some). Returns 0, or the removal's negative errno; a read
 * that fails sweeps nothing and is no error (the next slice tries again). */
int kept_answers_sweep(rados_ioctx_t ioctx, char *after, size_t afterlen, size_t batch,
		       kept_answers_dead_fn dead, void *arg);

#endif
