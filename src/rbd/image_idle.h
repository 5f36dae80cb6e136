/* SPDX-License-Identifier: Apache-2.0 */
/* image_idle.h - whether an image is free to delete, asked of its header.
 *
 * A delete must not disturb a client using the image, and Pacific's
 * rbd_remove asks for the exclusive lock (a running client hands it over)
 * before it looks for watchers. So the delete handler looks first. Opening
 * the image read-only to list its watchers takes several round trips
 * (~6 ms, an eighth of a whole delete); nearly every image deleted is idle,
 * and two round trips say so: the image's id from the pool's directory,
 * then, at once, the header's snapshot ids and a notify to the header,
 * whose reply names every watcher that answered or did not. */
#ifndef RBD_REST_API_IMAGE_IDLE_H
#define RBD_REST_API_IMAGE_IDLE_H

#include <rados/librados.h>

/* Returns 0 when image name (format 2, in ioctx's pool and namespace) has
 * no snapshots and no watchers; -ENOTEMPTY (snapshots) or -EBUSY (a
 * watcher); any other negative errno when it cannot tell (no such image,
 * format 1, a cluster error). Only 0 is an answer to act on: the caller
 * opens the image to find out and name what is in the way otherwise. */
int image_idle_check(rados_ioctx_t ioctx, const char *name);

#endif
