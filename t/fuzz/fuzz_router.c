/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: request paths through splitting, percent-decoding and
 * the route walk, over a table shaped like the real one. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "router.h"

static int handler(struct request *req, struct response *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

static const struct route table[] = {
	{HTTP_GET, "/api/v1/pools", "detail", handler},
	{HTTP_POST, "/api/v1/pools", NULL, handler},
	{HTTP_GET, "/api/v1/pools/{pool}", NULL, handler},
	{HTTP_GET, "/api/v1/pools/{pool}/images/{image}", NULL, handler},
	{HTTP_DELETE, "/api/v1/pools/{pool}/images/{image}", NULL, handler},
	{HTTP_GET, "/api/v1/pools/{pool}/namespaces/{namespace}/images/{image}/snapshots/{snapshot}",
	 NULL, handler},
	{HTTP_PUT, "/api/v1/pools/{pool}/images/{image}/metadata/{key}", NULL, handler},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = malloc(size + 1);
	char **segments = NULL;
	size_t nsegments = 0;
	struct route_match match;
	unsigned allow;
	char allow_text[96], encoded[3 * 256 + 1];

	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	if (size > 0 && path_split(path, &segments, &nsegments) == 0) {
		for (enum http_method m = HTTP_GET; m <= HTTP_DELETE; m <<= 1) {
			int r = router_match(table, sizeof(table) / sizeof(table[0]), m, segments,
					     nsegments, &match, &allow);

			if (r == 0) {
				for (size_t i = 0; i < match.ncaptures; i++) {
					const char *why;

					name_check(match.values[i], strlen(match.values[i]), &why);
					if (strlen(match.values[i]) < 256)
						percent_encode_segment(match.values[i], encoded,
								       sizeof(encoded));
				}
			} else if (r == -EOPNOTSUPP) {
				router_format_allow(allow, allow_text, sizeof(allow_text));
			}
		}
		path_segments_free(segments);
	}
	free(path);
	return 0;
}
