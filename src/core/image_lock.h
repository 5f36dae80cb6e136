/* SPDX-License-Identifier: Apache-2.0 */
/* image_lock.h - this service's per-image locks, shared by all workers.
 *
 * The mutexes live in the scoreboard's shared memory (created there, before
 * the fork); this is the only code that takes and releases them. The api
 * layer holds one for the rest of a request (api_image_lock) and releases
 * it when the request ends (api_request_end). */
#ifndef RBD_REST_API_IMAGE_LOCK_H
#define RBD_REST_API_IMAGE_LOCK_H

struct scoreboard;

/* Serialises mutating calls on one image across all workers: librbd
 * misbehaves when two clients race (concurrent removes of one image can
 * hang one of them for minutes; concurrent resizes bounce the exclusive
 * lock). Waits at most timeout_s; returns the lock index, -ETIMEDOUT when
 * another request kept it that long, or another negative errno. */
int image_lock_acquire(struct scoreboard *board, const char *pool, const char *ns,
		       const char *image, unsigned timeout_s);
void image_lock_release(struct scoreboard *board, int index);

#endif
