/* SPDX-License-Identifier: Apache-2.0 */
/* etag_version.c - an image's version as its entity tag sees it (see
 * etag_version.h). */
#include "config.h"

#include <inttypes.h>

#include "etag_version.h"
#include "response.h"

int api_etag_image_version(struct response *resp, const char *id, uint64_t version)
{
	return response_set_version(resp, "image %s %" PRIu64, id, version);
}
