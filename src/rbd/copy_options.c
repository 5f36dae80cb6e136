/* SPDX-License-Identifier: Apache-2.0 */
/* copy_options.c - a copy's choices (copy_options.h) as librbd's image
 * options. */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "copy_options.h"

static const struct {
	const char *key;
	int option;
} uint_options[] = {
	{"order", RBD_IMAGE_OPTION_ORDER},
	{"features", RBD_IMAGE_OPTION_FEATURES},
	{"stripe_unit", RBD_IMAGE_OPTION_STRIPE_UNIT},
	{"stripe_count", RBD_IMAGE_OPTION_STRIPE_COUNT},
};

int copy_options_set(struct json_object *options, rbd_image_options_t opts)
{
	struct json_object *value;
	int r = 0;

	if (!options)
		return 0;
	for (size_t i = 0; r == 0 && i < sizeof(uint_options) / sizeof(uint_options[0]); i++)
		if (json_object_object_get_ex(options, uint_options[i].key, &value))
			r = rbd_image_options_set_uint64(opts, uint_options[i].option,
							 (uint64_t)json_object_get_int64(value));
	if (r == 0 && json_object_object_get_ex(options, "data_pool", &value))
		r = rbd_image_options_set_string(opts, RBD_IMAGE_OPTION_DATA_POOL,
						 json_object_get_string(value));
	/* librbd reads the flatten option as a uint64 (0 or 1). */
	if (r == 0 && json_object_object_get_ex(options, "flatten", &value) &&
	    json_object_get_boolean(value))
		r = rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_FLATTEN, 1);
	return r;
}
