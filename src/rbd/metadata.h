/* SPDX-License-Identifier: Apache-2.0 */
/* metadata.h - the key/value pairs librbd keeps for an image (in its
 * header: `rbd image-meta`) or for a pool (in its rbd_info object: pool
 * metadata), one mechanism for both. librbd's image and pool families
 * take the same arguments after their handle, so a place names the
 * handle and its family, and every read and write below serves either.
 * Keys "conf_<option>" are librbd's configuration overrides
 * (config_options.h reads and writes them through the same places). */
#ifndef RBD_REST_API_METADATA_H
#define RBD_REST_API_METADATA_H

#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

struct metadata_family;

/* Where pairs live: an image (open read-only to read, read-write to
 * change) or a pool's io context (its default namespace). */
struct metadata_place {
	void *handle;
	const struct metadata_family *family;
};

struct metadata_place metadata_of_image(rbd_image_t image);
struct metadata_place metadata_of_pool(rados_ioctx_t ioctx);

/* The value of key (*value the caller's), or -ENOENT when there is no
 * such key. */
int metadata_get(const struct metadata_place *place, const char *key, char **value);

/* Sets key to value; librbd refuses a "conf_" key that is no option, or
 * a value that does not parse for it, with -EINVAL. */
int metadata_set(const struct metadata_place *place, const char *key, const char *value);

/* Removes key: -ENOENT when there is no such key. */
int metadata_remove(const struct metadata_place *place, const char *key);

/* Calls fn for every pair, in key order (librbd's pages, one after the
 * other). Stops at fn's first negative return and returns it. */
typedef int (*metadata_pair_fn)(void *arg, const char *key, const char *value);
int metadata_each(const struct metadata_place *place, metadata_pair_fn fn, void *arg);

#endif
