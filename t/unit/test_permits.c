/* SPDX-License-Identifier: Apache-2.0 */
/* Permits: at most max taken at once, a bounded wait, and a give that
 * wakes a waiter. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "../../src/core/permits.h"
#include "tap.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *give_later(void *arg)
{
	usleep(100 * 1000);
	permits_give(arg);
	return NULL;
}

int main(void)
{
	struct permits p;
	pthread_t giver;
	double start;

	is_int(permits_init(&p, 2), 0, "two permits made");
	is_int(permits_take(&p, 0), 0, "the first is taken at once");
	is_int(permits_take(&p, 0), 0, "the second too");
	is_int((int)permits_used(&p), 2, "both are counted");
	start = now_s();
	is_int(permits_take(&p, 1), -ETIMEDOUT, "a third waits, then gives up");
	ok(now_s() - start >= 0.9, "after about the wait asked for");
	is_int((int)permits_used(&p), 2, "and took nothing");
	ok(pthread_create(&giver, NULL, give_later, &p) == 0, "a holder gives one back later");
	start = now_s();
	is_int(permits_take(&p, 10), 0, "a waiter gets the one given back");
	ok(now_s() - start < 5, "as soon as it is given, not at the end of the wait");
	pthread_join(giver, NULL);
	permits_give(&p);
	permits_give(&p);
	is_int((int)permits_used(&p), 0, "all given back");
	permits_destroy(&p);
	return done_testing();
}
