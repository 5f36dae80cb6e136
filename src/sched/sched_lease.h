/* SPDX-License-Identifier: Apache-2.0 */
/* sched_lease.h - a lease in the cluster: at most one holder at a time
 * among every process of every replica, and a holder that dies (kill -9,
 * a lost host) is waited out within the lease's duration.
 *
 * It is an exclusive RADOS class lock (the `lock` class, as `rados lock`
 * and librbd's image locks use) taken with a duration: the OSD forgets it
 * once the duration passes without a renewal. The holder renews it well
 * before then (each call to sched_lease_hold renews), and releases it on
 * a clean stop so another replica takes over at once.
 *
 * Minimal on purpose, to be folded into a generic lease of the ceph layer
 * later: hold (take or renew), release. */
#ifndef RBD_REST_API_SCHED_LEASE_H
#define RBD_REST_API_SCHED_LEASE_H

#include <rados/librados.h>

struct sched_lease {
	const char *oid; /* the object the lock is on (created if absent) */
	const char *name; /* the lock's name on it */
	char cookie[64]; /* this holder: set by sched_lease_init */
	unsigned duration_ms;
};

/* A holder identity unique to this process and moment. */
void sched_lease_init(struct sched_lease *lease, const char *oid, const char *name,
		      unsigned duration_ms);

/* Takes the lease on ioctx's object, or renews it when this holder has
 * it. Returns 0 when held for duration_ms from now, -EBUSY when another
 * holder has it, or another negative errno. */
int sched_lease_hold(struct sched_lease *lease, rados_ioctx_t ioctx);

/* Gives it up (no error when not held). */
int sched_lease_release(struct sched_lease *lease, rados_ioctx_t ioctx);

#endif
