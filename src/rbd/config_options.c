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

/* Where overrides live: librbd's pool and image metadata calls take the
 * same arguments after their handle (rados_ioctx_t and rbd_image_t are
 * both void pointers), so one set and one read serve both. */
struct override_ops {
	int (*get)(void *handle, const char *key, char *value, size_t *len);
	int (*set)(void *handle, const char *key, const char *value);
	int (*remove)(void *handle, const char *key);
};

static const struct override_ops pool_overrides = {rbd_pool_metadata_get, rbd_pool_metadata_set,
						   rbd_pool_metadata_remove};
static const struct override_ops image_overrides = {rbd_metadata_get, rbd_metadata_set,
						    rbd_metadata_remove};

static int override_set(const struct override_ops *ops, void *handle, const char *option,
			const char *value)
{
	char key[CONF_KEY_MAX];
	int r;

	r = conf_key(option, key);
	if (r < 0)
		return r;
	if (value)
		return ops->set(handle, key, value);
	r = ops->remove(handle, key);
	return r == -ENOENT ? 0 : r;
}

struct override_read {
	const struct override_ops *ops;
	void *handle;
	const char *key;
};

static int override_read(void *arg, char *buf, size_t *len)
{
	struct override_read *read = arg;

	return read->ops->get(read->handle, read->key, buf, len);
}

static int override_get(const struct override_ops *ops, void *handle, const char *option,
			char **value)
{
	char key[CONF_KEY_MAX];
	struct override_read read = {ops, handle, key};
	size_t len = 0;
	int r;

	*value = NULL;
	r = conf_key(option, key);
	if (r < 0)
		return r;
	return ceph_read_list(override_read, &read, value, &len);
}

int config_pool_override(rados_ioctx_t ioctx, const char *option, const char *value)
{
	return override_set(&pool_overrides, ioctx, option, value);
}

int config_pool_override_get(rados_ioctx_t ioctx, const char *option, char **value)
{
	return override_get(&pool_overrides, ioctx, option, value);
}

int config_image_override(rbd_image_t image, const char *option, const char *value)
{
	return override_set(&image_overrides, image, option, value);
}

int config_image_override_get(rbd_image_t image, const char *option, char **value)
{
	return override_get(&image_overrides, image, option, value);
}
