/* image_list.h - GET .../images: names or full Images, page by page.
 *
 * Pages are in name order; the Continue token is the last name of a page
 * (hex-encoded, so it survives any URL handling), so a page stays correct
 * when images are created or deleted between calls: nothing is listed
 * twice, and nothing that existed throughout is skipped. */
#ifndef RBD_REST_API_IMAGE_LIST_H
#define RBD_REST_API_IMAGE_LIST_H

#include <rados/librados.h>

struct image_directory;
struct response;

#define IMAGE_LIST_DETAIL_DEFAULT 100
#define IMAGE_LIST_MAX 10000

struct image_list_page {
	const char *pool;
	const char *ns;
	int detail;
	unsigned long limit;         /* 0 = everything */
	const char *continue_token;  /* NULL = from the start */
};

int image_list_respond(rados_ioctx_t ioctx, const struct image_list_page *page,
		       struct image_directory *dir, struct response *resp);

/* Token <-> name, exposed for unit tests. Decode returns 0 or -EINVAL. */
int continue_token_encode(const char *name, char *out, size_t outlen);
int continue_token_decode(const char *token, char *name, size_t namelen);

#endif
