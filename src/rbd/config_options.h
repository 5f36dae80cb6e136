/* SPDX-License-Identifier: Apache-2.0 */
/* config_options.h - librbd's configuration options as `rbd config image`
 * and `rbd config pool` see them: every option librbd lets an image or a
 * pool override, with its value and where that comes from; and the pool's
 * overrides, kept where Ceph keeps them (pool metadata "conf_<option>"),
 * checked by librbd's own option table. QoS limits (api_qos.c) and a
 * pool's and an image's options (api_config.c) are views of these. */
#ifndef RBD_REST_API_CONFIG_OPTIONS_H
#define RBD_REST_API_CONFIG_OPTIONS_H

#include <rbd/librbd.h>

/* The options of image (when not NULL) or of ioctx's pool, in *options
 * (count of them), for config_options_free. */
int config_options_list(rbd_image_t image, rados_ioctx_t ioctx, rbd_config_option_t **options,
			int *count);
void config_options_free(rbd_image_t image, rbd_config_option_t *options, int count);

/* "image", "pool" or "config": where an option's value comes from. */
const char *config_source_name(rbd_config_source_t source);

/* Sets the pool's override of option to value, or removes it (value
 * NULL; removing one that is not there is 0). librbd refuses a value that
 * does not parse for the option's type with -EINVAL. */
int config_pool_override(rados_ioctx_t ioctx, const char *option, const char *value);

/* The pool's override of option into *value (the caller frees it), or
 * -ENOENT when it has none. */
int config_pool_override_get(rados_ioctx_t ioctx, const char *option, char **value);

/* The same for an image's own overrides (image metadata "conf_<option>",
 * what `rbd config image set/rm` writes), on an image open read-write. An
 * image's override wins over its pool's. */
int config_image_override(rbd_image_t image, const char *option, const char *value);
int config_image_override_get(rbd_image_t image, const char *option, char **value);

#endif
