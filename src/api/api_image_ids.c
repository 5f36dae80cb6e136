/* SPDX-License-Identifier: Apache-2.0 */
/* api_image_ids.c - GET /api/v1/pools/{pool}[/namespaces/{namespace}]/
 * image-ids/{id}: an image by its id, as trash entries, mirror peers,
 * group members and clones' parents (parent.id) name it.
 *
 * A route of its own rather than a form of {image} ("id:..."), because
 * an image name may hold any character but '/' and '@' (names.c): every
 * name stays a name. The answer is the Image, as by name, with Location
 * naming the path by name, where every other operation on it is. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "api.h"
#include "image_header.h"
#include "routes.h"

/* librbd makes ids of lowercase hex digits (12 to 16 of them); other
 * tools' ids are letters and digits too. */
#define IMAGE_ID_MAX 64

static int check_id(struct response *resp, const char *id)
{
	size_t len = strlen(id);

	if (len == 0 || len > IMAGE_ID_MAX)
		return response_fail(resp, -EINVAL,
				     "image id \"%s\" in the path must be 1 to %d letters and digits",
				     id, IMAGE_ID_MAX);
	for (size_t i = 0; i < len; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') ||
		      (id[i] >= 'A' && id[i] <= 'Z')))
			return response_fail(resp, -EINVAL,
					     "image id \"%s\" in the path must be letters and digits (as the \"id\" of an Image)",
					     id);
	return 0;
}

int api_image_by_id_get(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	const char *ns = api_namespace(req);
	const char *id = request_capture(req, "id");
	/* Another tool's names may be longer than ours. */
	char name[1024];
	struct image_ref ref;
	rados_ioctx_t ioctx;
	int r;

	r = check_id(resp, id);
	if (r < 0)
		return r;
	r = api_ioctx(req, resp, pool, ns, &ioctx);
	if (r < 0)
		return r;
	r = image_header_name(ioctx, id, name, sizeof(name));
	if (r == -ENOENT)
		return response_fail(resp, r,
				     "no image with id %s in pool %s%s%s (an image in the trash is GET /api/v1/pools/%s/trash/%s)",
				     id, pool, *ns ? " namespace " : "", ns, pool, id);
	if (r < 0)
		return response_fail_errno(resp, r, "looking up image id %s failed", id);
	api_image_ref(&ref, req, name);
	r = api_respond_image(resp, ioctx, &ref, 200);
	if (r == 0)
		(void)api_location_image(resp, &ref, "");
	return r;
}
