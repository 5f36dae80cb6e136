/* SPDX-License-Identifier: Apache-2.0 */
/* image_lock.c - this service's per-image locks (see image_lock.h). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "image_lock.h"
#include "scoreboard.h"

/* FNV-1a over "pool/ns/image": the stripe for one image. */
static unsigned lock_index(const char *pool, const char *ns, const char *image)
{
	const char *parts[] = {pool, "/", ns, "/", image};
	uint32_t hash = 2166136261u;

	for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++)
		for (const char *c = parts[p]; *c; c++)
			hash = (hash ^ (unsigned char)*c) * 16777619u;
	return hash % IMAGE_LOCKS;
}

int image_lock_acquire(struct scoreboard *board, const char *pool, const char *ns,
		       const char *image, unsigned timeout_s)
{
	unsigned index = lock_index(pool, ns, image);
	struct timespec until;
	int r;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_s;
	r = pthread_mutex_timedlock(&board->image_locks[index], &until);
	/* The previous holder died mid-request; the image itself is Ceph's
	 * to keep consistent, the lock only needs to be usable again. */
	if (r == EOWNERDEAD)
		r = pthread_mutex_consistent(&board->image_locks[index]);
	if (r != 0)
		return -r;
	return (int)index;
}

void image_lock_release(struct scoreboard *board, int index)
{
	if (index >= 0)
		pthread_mutex_unlock(&board->image_locks[index]);
}
