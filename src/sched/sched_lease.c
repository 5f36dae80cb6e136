/* SPDX-License-Identifier: Apache-2.0 */
/* sched_lease.c - a lease in the cluster (see sched_lease.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "sched_lease.h"

void sched_lease_init(struct sched_lease *lease, const char *oid, const char *name, unsigned duration_ms)
{
	struct timespec now;
	char host[64] = "";

	clock_gettime(CLOCK_REALTIME, &now);
	gethostname(host, sizeof(host) - 1);
	lease->oid = oid;
	lease->name = name;
	lease->duration_ms = duration_ms;
	snprintf(lease->cookie, sizeof(lease->cookie), "%.32s-%ld-%lld.%09ld", host, (long)getpid(),
		 (long long)now.tv_sec, now.tv_nsec);
}

int sched_lease_hold(struct sched_lease *lease, rados_ioctx_t ioctx)
{
	struct timeval duration = {
		.tv_sec = lease->duration_ms / 1000,
		.tv_usec = (lease->duration_ms % 1000) * 1000,
	};
	int r;

	/* MAY_RENEW: one call takes a free lock and renews our own. */
	r = rados_lock_exclusive(ioctx, lease->oid, lease->name, lease->cookie,
				 "rbd-rest-api lease", &duration, LIBRADOS_LOCK_FLAG_MAY_RENEW);
	if (r == -EEXIST)
		r = -EBUSY;
	return r;
}

int sched_lease_release(struct sched_lease *lease, rados_ioctx_t ioctx)
{
	int r = rados_unlock(ioctx, lease->oid, lease->name, lease->cookie);

	return r == -ENOENT ? 0 : r;
}
