/* SPDX-License-Identifier: Apache-2.0 */
/* image_make.c - new images, made whole under a name of their own
 * (image_make.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <rbd/librbd.h>

#include "copy_options.h"
#include "image_handle.h"
#include "image_header.h"
#include "image_make.h"
#include "unfinished.h"

int image_layout_options(const struct image_layout *layout, rbd_image_options_t opts)
{
	int r = rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_FORMAT, 2);

	if (r == 0 && layout->has_features)
		r = rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_FEATURES, layout->features);
	if (r == 0 && layout->object_size)
		r = rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_ORDER,
						 (uint64_t)__builtin_ctzll(layout->object_size));
	if (r == 0 && layout->stripe_unit)
		r = rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_STRIPE_UNIT,
						 layout->stripe_unit);
	if (r == 0 && layout->stripe_count)
		r = rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_STRIPE_COUNT,
						 layout->stripe_count);
	if (r == 0 && layout->data_pool)
		r = rbd_image_options_set_string(opts, RBD_IMAGE_OPTION_DATA_POOL,
						 layout->data_pool);
	return r;
}

/* A result before the first step: nothing made, nothing left. */
static void result_start(struct image_make_result *res)
{
	res->left = 0;
	res->temp[0] = '\0';
	res->step = IMAGE_MAKE_OPTIONS;
}

/* Makes the image under temp, setting *step to the step that failed. */
typedef int (*make_fn)(void *arg, rados_ioctx_t ioctx, const char *temp,
		       enum image_make_step *step);

/* The sequence every make shares: the name must be free, the image is
 * made under a name of its own and renamed once whole; on failure what
 * was made is removed (it has a name nobody else uses, so whatever
 * exists of it is ours). */
static int make(rados_ioctx_t ioctx, const char *name, make_fn fn, void *arg,
		struct image_make_result *res)
{
	char id[64];
	int r;

	result_start(res);
	res->step = IMAGE_MAKE_EXISTS;
	if (image_header_id(ioctx, name, id, sizeof(id)) == 0)
		return -EEXIST;
	res->step = IMAGE_MAKE_NAME;
	r = unfinished_name(name, res->temp, sizeof(res->temp));
	if (r < 0)
		return r;
	r = fn(arg, ioctx, res->temp, &res->step);
	if (r == 0) {
		res->step = IMAGE_MAKE_RENAME;
		r = rbd_rename(ioctx, res->temp, name);
	}
	if (r < 0)
		res->left = unfinished_remove(ioctx, res->temp);
	return r;
}

/* Image options for layout, into *opts (created either way: the caller
 * destroys them). */
static int layout_opts(const struct image_layout *layout, rbd_image_options_t *opts)
{
	rbd_image_options_create(opts);
	return image_layout_options(layout, *opts);
}

/* make, once the image options opts are set up (r says how that went);
 * destroys them after. */
static int make_with(int r, rbd_image_options_t opts, rados_ioctx_t ioctx, const char *name,
		     make_fn fn, void *arg, struct image_make_result *res)
{
	if (r == 0)
		r = make(ioctx, name, fn, arg, res);
	rbd_image_options_destroy(opts);
	return r;
}

int image_create(rados_ioctx_t ioctx, const char *name, uint64_t size,
		 const struct image_layout *layout, struct image_make_result *res)
{
	rbd_image_options_t opts;
	int r;

	result_start(res);
	r = layout_opts(layout, &opts);
	if (r == 0) {
		res->step = IMAGE_MAKE_CREATE;
		r = rbd_create4(ioctx, name, size, opts);
	}
	rbd_image_options_destroy(opts);
	return r;
}

struct clone_args {
	rados_ioctx_t parent_ioctx;
	const char *parent;
	const char *snapshot;
	rbd_image_options_t opts;
};

static int clone_step(void *arg, rados_ioctx_t ioctx, const char *temp,
		      enum image_make_step *step)
{
	const struct clone_args *a = arg;

	*step = IMAGE_MAKE_CLONE;
	return rbd_clone3(a->parent_ioctx, a->parent, a->snapshot, ioctx, temp, a->opts);
}

int image_make_clone(rados_ioctx_t parent_ioctx, const char *parent, const char *snapshot,
		     uint64_t clone_format, rados_ioctx_t ioctx, const char *name,
		     const struct image_layout *layout, struct image_make_result *res)
{
	struct clone_args a = {parent_ioctx, parent, snapshot, NULL};
	int r;

	result_start(res);
	r = layout_opts(layout, &a.opts);
	if (r == 0 && clone_format)
		r = rbd_image_options_set_uint64(a.opts, RBD_IMAGE_OPTION_CLONE_FORMAT,
						 clone_format);
	return make_with(r, a.opts, ioctx, name, clone_step, &a, res);
}

struct copy_args {
	rbd_image_t source;
	int deep;
	rbd_image_options_t opts;
};

static int copy_step(void *arg, rados_ioctx_t ioctx, const char *temp,
		     enum image_make_step *step)
{
	const struct copy_args *a = arg;

	*step = IMAGE_MAKE_COPY;
	if (a->deep)
		return rbd_deep_copy_with_progress(a->source, ioctx, temp, a->opts,
						   image_handle_no_progress, NULL);
	/* 4 KiB: zeroed runs of that size are left as holes, as the rbd CLI
	 * does. */
	return rbd_copy4(a->source, ioctx, temp, a->opts, 4096);
}

int image_make_copy(rbd_image_t source, int deep, struct json_object *options,
		    rados_ioctx_t ioctx, const char *name, struct image_make_result *res)
{
	struct copy_args a = {source, deep, NULL};
	int r;

	result_start(res);
	rbd_image_options_create(&a.opts);
	r = copy_options_set(options, a.opts);
	return make_with(r, a.opts, ioctx, name, copy_step, &a, res);
}

struct fill_args {
	uint64_t size;
	rbd_image_options_t opts;
	image_fill_fn fill;
	void *arg;
};

static int fill_step(void *arg, rados_ioctx_t ioctx, const char *temp,
		     enum image_make_step *step)
{
	const struct fill_args *a = arg;
	rbd_image_t image;
	int r;

	*step = IMAGE_MAKE_CREATE;
	r = rbd_create4(ioctx, temp, a->size, a->opts);
	if (r < 0)
		return r;
	*step = IMAGE_MAKE_OPEN;
	r = rbd_open(ioctx, temp, &image, NULL);
	if (r < 0)
		return r;
	*step = IMAGE_MAKE_FILL;
	r = a->fill(a->arg, image);
	rbd_close(image);
	return r;
}

int image_make_filled(rados_ioctx_t ioctx, const char *name, uint64_t size,
		      const struct image_layout *layout, image_fill_fn fill, void *arg,
		      struct image_make_result *res)
{
	struct fill_args a = {size, NULL, fill, arg};
	int r;

	result_start(res);
	r = layout_opts(layout, &a.opts);
	return make_with(r, a.opts, ioctx, name, fill_step, &a, res);
}
