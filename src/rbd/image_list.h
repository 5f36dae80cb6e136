/* SPDX-License-Identifier: Apache-2.0 */
/* image_list.h - GET .../images: names or full Images, page by page.
 *
 * Pages are in name order; the Continue token is the last name of a page
 * (hex-encoded, so it survives any URL handling), so a page stays correct
 * when images are created or deleted between calls: nothing is listed
 * twice, and nothing that existed throughout is skipped. */
#ifndef RBD_REST_API_IMAGE_LIST_H
#define RBD_REST_API_IMAGE_LIST_H

#include <rados/librados.h>

#include <json-c/json.h>

struct image_directory;

#define IMAGE_LIST_DETAIL_DEFAULT 100
#define IMAGE_LIST_MAX 10000

/* The longest name a continue token carries: RADOS's default limit on
 * object names (osd_max_object_name_len), which bounds "rbd_id.<name>". */
#define IMAGE_LIST_TOKEN_NAME_MAX 2048

struct image_list_page {
	const char *pool;
	const char *ns;
	int detail;
	unsigned long limit;         /* 0 = everything */
	const char *after;           /* the decoded continue token; NULL = from the start */
	/* Turns item (holding only "name") into the entry of an image that
	 * cannot be read (err): the caller words the error. 0 or -ENOMEM. */
	int (*item_error)(struct json_object *item, const struct image_list_page *page,
			  const char *name, int err);
};

/* The ImageList page of dir (already read, image_directory_read) in
 * *body: names, or full Images when page->detail. Returns 0 or -ENOMEM. */
int image_list_render(rados_ioctx_t ioctx, const struct image_list_page *page,
		      const struct image_directory *dir, struct json_object **body);

/* Token <-> name, exposed for unit tests. Decode returns 0 or -EINVAL. */
int continue_token_encode(const char *name, char *out, size_t outlen);
int continue_token_decode(const char *token, char *name, size_t namelen);

#endif
