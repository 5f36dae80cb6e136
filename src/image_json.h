/* image_json.h - the contract's Image object, from an open image. */
#ifndef RBD_REST_API_IMAGE_JSON_H
#define RBD_REST_API_IMAGE_JSON_H

#include <json-c/json.h>
#include <rados/librados.h>
#include <rbd/librbd.h>

/* Adds the Image fields of image (opened from ioctx, read-only is
 * enough) to obj: an envelope for a single image, a bare object for a list
 * item. Everything it reads is already in the opened image, so this costs
 * no cluster round trip. Returns 0 or a negative errno. */
int image_json(rbd_image_t image, rados_ioctx_t ioctx, const char *pool, const char *ns,
	       const char *name, struct json_object *obj);

/* Number of snapshots of an open image, or a negative errno. */
int image_snapshot_count(rbd_image_t image);

#endif
