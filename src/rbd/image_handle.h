/* SPDX-License-Identifier: Apache-2.0 */
/* image_handle.h - opening and closing one image, and the few calls on
 * an open image that handlers need without a sequence around them.
 *
 * The api layer names rbd_image_t but calls no librbd function: it opens
 * through here, and gives image_handle_close to the request (api_own) so
 * the image is closed when the request ends. */
#ifndef RBD_REST_API_IMAGE_HANDLE_H
#define RBD_REST_API_IMAGE_HANDLE_H

#include <stdint.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

/* Opens image name of ioctx's pool and namespace, read-write or
 * read-only (no lock, no watch). Returns 0 or a negative errno. */
int image_handle_open(rados_ioctx_t ioctx, const char *name, int writable, rbd_image_t *image);

/* Closes an image opened by image_handle_open; NULL is nothing. Its type
 * is that of a release function for api_own. */
void image_handle_close(void *image);

/* The image's size in bytes. */
int image_handle_size(rbd_image_t image, uint64_t *size);

/* The image's id (format 2). */
int image_handle_id(rbd_image_t image, char *id, size_t len);

/* Does the image have a parent? 1 yes, 0 no, or a negative errno. */
int image_handle_has_parent(rbd_image_t image);

/* The progress callback for librbd calls that take one: librbd calls it
 * unconditionally, so NULL would crash it. Reports nothing. */
int image_handle_no_progress(uint64_t offset, uint64_t total, void *arg);

/* Copies the parent's data in, ending the image's link to its parent:
 * -EINVAL when it has no parent (any more). */
int image_handle_flatten(rbd_image_t image);

/* Resizes to size; a shrink only when allow_shrink, which librbd checks
 * again itself. */
int image_handle_resize(rbd_image_t image, uint64_t size, int allow_shrink);

/* Sets the snapshot the image is read at; -ENOENT when there is none. */
int image_handle_at_snapshot(rbd_image_t image, const char *snapshot);

/* The image's features (RBD_FEATURE_* bits). */
int image_handle_features(rbd_image_t image, uint64_t *features);

/* The image's object size in bytes. */
int image_handle_object_size(rbd_image_t image, uint64_t *bytes);

/* Gives back the space of zeroed runs of sparse_size bytes (a power of
 * two from 4 KiB to the object size), as `rbd sparsify` does. */
int image_handle_sparsify(rbd_image_t image, uint64_t sparse_size);

/* The id of the image's snapshot name; -ENOENT when there is none. */
int image_handle_snapshot_id(rbd_image_t image, const char *name, uint64_t *id);

/* Takes the image's exclusive lock for the rest of a write, so no other
 * client gets it in between (librbd does not hand over a lock taken this
 * way). Without the exclusive-lock feature there is none to take: 0.
 * -EBUSY when another client holds it; another negative errno with
 * *locking 0 when reading the features failed, 1 when taking it did. */
int image_handle_lock_for_write(rbd_image_t image, int *locking);

#endif
