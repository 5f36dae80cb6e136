/* SPDX-License-Identifier: Apache-2.0 */
/* config_options.c - librbd's options and the overrides of a pool or an
 * image (see config_options.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceph.h"
#include "config_options.h"
#include "metadata.h"

/* Where `rbd config pool set` keeps an override (librbd's
 * ImageCtx::METADATA_CONF_PREFIX). */
#define CONF_PREFIX "conf_"
/* Room for "conf_" and the longest option name librbd has (~50). */
#define CONF_KEY_MAX 128

struct option_list {
	rbd_image_t image;
	rados_ioctx_t ioctx;
};

/* librbd counts options in an int: the image's list, or else the pool's. */
static int option_list(void *arg, void *buf, size_t *count)
{
	const struct option_list *list = arg;
	int max = *count > INT_MAX ? INT_MAX : (int)*count;
	int r = list->image ? rbd_config_image_list(list->image, buf, &max)
			    : rbd_config_pool_list(list->ioctx, buf, &max);

	*count = (size_t)max;
	return r < 0 ? r : 0;
}

int config_options_list(rbd_image_t image, rados_ioctx_t ioctx, rbd_config_option_t **options, int *count)
{
	struct option_list list = {image, ioctx};
	size_t n = 0;
	void *buf;
	int r = ceph_read_array(option_list, &list, sizeof(**options), &buf, &n);

	*options = r == 0 ? buf : NULL;
	*count = (int)n;
	return r;
}

void config_options_free(rbd_image_t image, rbd_config_option_t *options, int count)
{
	if (!options)
		return;
	if (image)
		rbd_config_image_list_cleanup(options, count);
	else
		rbd_config_pool_list_cleanup(options, count);
	free(options);
}

const char *config_source_name(rbd_config_source_t source)
{
	switch (source) {
	case RBD_CONFIG_SOURCE_IMAGE: return "image";
	case RBD_CONFIG_SOURCE_POOL: return "pool";
	case RBD_CONFIG_SOURCE_CONFIG: return "config";
	}
	return "config";
}

static int conf_key(const char *option, char key[CONF_KEY_MAX])
{
	int n = snprintf(key, CONF_KEY_MAX, CONF_PREFIX "%s", option);

	return n < 0 || n >= CONF_KEY_MAX ? -ENAMETOOLONG : 0;
}

/* Overrides are metadata (metadata.h) of the pool or of the image. */
static int override_set(struct metadata_place place, const char *option, const char *value)
{
	char key[CONF_KEY_MAX];
	int r;

	r = conf_key(option, key);
	if (r < 0)
		return r;
	if (value)
		return metadata_set(&place, key, value);
	r = metadata_remove(&place, key);
	return r == -ENOENT ? 0 : r;
}

static int override_get(struct metadata_place place, const char *option, char **value)
{
	char key[CONF_KEY_MAX];
	int r;

	*value = NULL;
	r = conf_key(option, key);
	if (r < 0)
		return r;
	return metadata_get(&place, key, value);
}

int config_pool_override(rados_ioctx_t ioctx, const char *option, const char *value)
{
	return override_set(metadata_of_pool(ioctx), option, value);
}

int config_pool_override_get(rados_ioctx_t ioctx, const char *option, char **value)
{
	return override_get(metadata_of_pool(ioctx), option, value);
}

int config_image_override(rbd_image_t image, const char *option, const char *value)
{
	return override_set(metadata_of_image(image), option, value);
}

int config_image_override_get(rbd_image_t image, const char *option, char **value)
{
	return override_get(metadata_of_image(image), option, value);
}
