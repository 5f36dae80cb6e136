/* SPDX-License-Identifier: Apache-2.0 */
/* permits.h - a counting semaphore with a bounded wait, for work that
 * may run only so many at once in one process. */
#ifndef RBD_REST_API_PERMITS_H
#define RBD_REST_API_PERMITS_H

#include <pthread.h>

struct permits {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	unsigned used, max;
};

/* 0, or a negative errno from pthread. */
int permits_init(struct permits *p, unsigned max);
void permits_destroy(struct permits *p);
/* Takes one, waiting up to wait_s seconds for one to be given back:
 * 0, or -ETIMEDOUT. */
int permits_take(struct permits *p, unsigned wait_s);
void permits_give(struct permits *p);
/* How many are taken now. */
unsigned permits_used(struct permits *p);

#endif
