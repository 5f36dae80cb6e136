/* SPDX-License-Identifier: Apache-2.0 */
/* image_directory.h - the names and ids of the images of a pool (or of
 * one of its namespaces), from its directory object.
 *
 * librbd's rbd_list2 reads the directory twice in a row (format 1 images
 * are in its data, format 2 in its omap, read 1,024 at a time), builds C++
 * maps and copies every string out of them: of a 1,000-image listing that
 * was most of the time. Here one read operation asks for both at once (the
 * data's size, and the rbd class's dir_list, 512 entries a call) and the
 * answer is decoded in place. A directory that holds format 1 images is
 * listed by librbd as before.
 *
 * A worker keeps the last listing it read with the directory object's
 * version. Every change to the directory (create, rename, delete, trash)
 * writes that object and so moves its version, so the next listing of the
 * same directory first asks only for the version (one small round trip)
 * and reads the entries again only when it moved: never stale, and a pool
 * listed again and again is not read again and again. */
#ifndef RBD_REST_API_IMAGE_DIRECTORY_H
#define RBD_REST_API_IMAGE_DIRECTORY_H

#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>

struct image_entry {
	char *name;   /* owns the block; id points into it */
	char *id;     /* "" for a format 1 image */
};

/* One directory's listing, sorted by name (byte order, as strcmp). */
struct image_directory {
	int64_t pool_id;
	char *ns;
	uint64_t version;             /* the object's when read; 0: not to be reused */
	struct image_entry *entries;
	size_t count;
};

/* Makes dir the listing of ioctx's pool and namespace as it is now:
 * reuses what dir holds when it is of that directory and the object's
 * version has not moved, else reads it. Returns 0, or a negative errno
 * with dir emptied. */
int image_directory_read(rados_ioctx_t ioctx, struct image_directory *dir);

/* Frees what dir holds and empties it. */
void image_directory_clear(struct image_directory *dir);

#endif
