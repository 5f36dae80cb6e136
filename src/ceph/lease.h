/* SPDX-License-Identifier: Apache-2.0 */
/* lease.h - an exclusive lease in the cluster, for "one at a time across
 * every replica of the service".
 *
 * A lease is a RADOS exclusive lock (cls_lock) on an object, taken for a
 * duration and renewed by a thread of its own every third of it while it
 * is held. A holder that dies (kill -9, a lost host) stops renewing, and
 * the lock lapses by itself when its duration ends: nobody has to break
 * it. Generic: the object, the lock name and the duration are the
 * caller's (the per-image change lock of the api layer takes one on
 * "rbd_rest_api.lock.<image>"; a scheduler that must run on one replica
 * only would hold one on an object of its own for as long as it runs).
 *
 * The cookie names the holder ("host:pid:random"), so a waiter that gives
 * up can say who holds it. Each lease has an io context of its own: the
 * renewals must not disturb the caller's (its namespace, its last-op
 * version). */
#ifndef RBD_REST_API_LEASE_H
#define RBD_REST_API_LEASE_H

#include <stddef.h>

#include <rados/librados.h>

struct lease;

/* Takes the lease `name` on object oid in pool and namespace ns ("" for
 * the default), waiting up to wait_ms while someone else holds it.
 * Returns 0 and the held lease in *out; -EBUSY when still held by another
 * after the wait, with that holder described in holder ("client.4120 at
 * 10.0.0.5:0/123, host h pid 77"); -ENOENT when the pool does not exist;
 * another negative errno when the cluster failed. */
int lease_acquire(rados_t cluster, const char *pool, const char *ns, const char *oid,
		  const char *name, unsigned duration_s, unsigned wait_ms, char *holder,
		  size_t holderlen, struct lease **out);

/* Did a renewal fail (the cluster unreachable past the duration, or the
 * lock broken)? Then another may hold it now. */
int lease_lost(const struct lease *lease);

/* Stops renewing and lets the lease go; with remove_object, the object
 * goes too in the same operation (one per image name would otherwise be
 * left behind), unless another holder has it by then. NULL is a no-op. */
void lease_release(struct lease *lease, int remove_object);

#endif
