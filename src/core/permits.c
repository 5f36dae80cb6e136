/* SPDX-License-Identifier: Apache-2.0 */
/* permits.c - see permits.h. */
#include "config.h"

#include <errno.h>
#include <time.h>

#include "permits.h"

int permits_init(struct permits *p, unsigned max)
{
	pthread_condattr_t attr;
	int r;

	p->used = 0;
	p->max = max;
	r = pthread_mutex_init(&p->lock, NULL);
	if (r)
		return -r;
	/* The wait must not stretch or shrink when the wall clock is set. */
	r = pthread_condattr_init(&attr);
	if (!r)
		r = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!r)
		r = pthread_cond_init(&p->freed, &attr);
	pthread_condattr_destroy(&attr);
	if (r) {
		pthread_mutex_destroy(&p->lock);
		return -r;
	}
	return 0;
}

void permits_destroy(struct permits *p)
{
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
}

int permits_take(struct permits *p, unsigned wait_s)
{
	struct timespec deadline;
	int r = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += wait_s;
	pthread_mutex_lock(&p->lock);
	while (p->used >= p->max && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&p->freed, &p->lock, &deadline);
	if (p->used < p->max) {
		p->used++;
		r = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return -r;
}

void permits_give(struct permits *p)
{
	pthread_mutex_lock(&p->lock);
	p->used--;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

unsigned permits_used(struct permits *p)
{
	unsigned used;

	pthread_mutex_lock(&p->lock);
	used = p->used;
	pthread_mutex_unlock(&p->lock);
	return used;
}
