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

#endif
