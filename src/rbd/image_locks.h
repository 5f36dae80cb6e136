/* SPDX-License-Identifier: Apache-2.0 */
/* image_locks.h - who holds the lock on an image's header.
 *
 * Locks live on the image header as one cls lock, "rbd_lock". librbd's
 * exclusive-lock feature holds it with the tag "internal" and a cookie
 * "auto <n>" (that is how librbd itself recognises its owner); `rbd lock
 * add` (rbd_lock_exclusive/rbd_lock_shared) holds it with a tag and
 * cookie of the user's choosing: an advisory lock. One listing shows both
 * kinds. (rbd_lock_get_owners reads the same lock, but only through an
 * image opened read-write, which would make this service a watcher of the
 * image it reports on.) */
#ifndef RBD_REST_API_IMAGE_LOCKS_H
#define RBD_REST_API_IMAGE_LOCKS_H

#include <stddef.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

struct image_locker {
	const char *client;   /* "client.4168" */
	const char *cookie;
	const char *address;
	int managed;          /* held by librbd's exclusive-lock feature */
};

struct image_locks {
	int exclusive;        /* the lock is exclusive (else shared) */
	char *tag;
	size_t count;
	struct image_locker *lockers;
	char *clients, *cookies, *addresses;   /* what lockers point into */
};

/* Reads the lockers of image (open read-only is enough). 0 or a negative
 * errno; free with image_locks_free either way. */
int image_locks_read(rbd_image_t image, struct image_locks *locks);
void image_locks_free(struct image_locks *locks);

/* The first advisory (not librbd-managed) locker, or NULL. */
const struct image_locker *image_locks_advisory(const struct image_locks *locks);

/* The locker holding the lock with cookie for client ("client.4168"), or
 * NULL. */
const struct image_locker *image_locks_find(const struct image_locks *locks, const char *client,
					    const char *cookie);

/* Does the locker still watch the image's header? A client that died
 * keeps its watch until the OSDs time it out (osd_client_watch_timeout,
 * 30 s by default) or until it is blocklisted; a live one keeps it for
 * as long as it has the image open. 1 yes, 0 no, or a negative errno. */
int image_locker_watching(rbd_image_t image, const struct image_locker *locker);

/* Breaks locker's hold of the lock, the way librbd's own lock break
 * does: first (when blocklist) blocklists its address for the cluster's
 * default time (mon_osd_blocklist_default_expire, an hour) and waits for
 * the OSD map that says so, so that a holder that was only asleep cannot
 * write after another client took the lock; then removes it from the
 * header's lock. Done on the header object itself rather than through
 * rbd_break_lock, which blocklists or not by the option
 * rbd_blocklist_on_break_lock of our own connection, not by the request.
 * Works for librbd's managed lock as for advisory ones (`rbd lock rm`
 * does the same for both). ioctx is the image's pool and namespace.
 * Returns 0, or a negative errno; *blocklisted says whether the
 * blocklist step was done (it comes first: a failed break may follow a
 * done blocklist). */
int image_lock_break(rados_ioctx_t ioctx, rbd_image_t image, const char *name,
		     const struct image_locker *locker, int blocklist, int *blocklisted);

/* Takes an advisory lock for this connection's client: exclusive, or
 * shared with tag. It is a lock on the header object and outlives the
 * open image: it stays until broken. -EBUSY when another holds the lock
 * (or librbd's exclusive lock is held), -EEXIST when this client holds it
 * already with that cookie. The image must be open read-write. */
int image_lock_take(rbd_image_t image, int exclusive, const char *cookie, const char *tag);

#endif
