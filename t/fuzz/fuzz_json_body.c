/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: request bodies through the strict JSON validator with
 * the image-create field table, and the typed getters afterwards. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "json_in.h"
#include "response.h"

static const struct field_spec spec[] = {
	{"name", FIELD_NAME, 1},
	{"size", FIELD_SIZE, 1},
	{"object_size", FIELD_SIZE, 0},
	{"features", FIELD_STRING_ARRAY, 0},
	{"stripe_count", FIELD_UINT, 0},
	{"allow_shrink", FIELD_BOOL, 0},
	{"parent", FIELD_OBJECT, 0},
	{"data_pool", FIELD_STRING, 0},
	{NULL, 0, 0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct response resp;
	struct json_object *body = NULL;
	const char *name;
	uint64_t value;
	int flag;

	response_init(&resp);
	if (json_in_parse_body("application/json", (const char *)data, size, spec, &resp, &body) ==
	    0) {
		json_in_string(body, "name", &name);
		json_in_size(body, "size", &value);
		json_in_size(body, "object_size", &value);
		json_in_u64(body, "stripe_count", &value);
		json_in_bool(body, "allow_shrink", &flag);
		json_object_put(body);
	}
	response_free(&resp);
	return 0;
}
