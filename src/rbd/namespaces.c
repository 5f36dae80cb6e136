/* SPDX-License-Identifier: Apache-2.0 */
/* namespaces.c - RBD namespaces checked, made and removed (see
 * namespaces.h). */
#include "config.h"

#include <errno.h>

#include <rbd/librbd.h>

#include "namespaces.h"

int namespace_exists(rados_ioctx_t ioctx, const char *ns, bool *exists)
{
	return rbd_namespace_exists(ioctx, ns, exists);
}

int namespace_create(rados_ioctx_t ioctx, const char *ns)
{
	return rbd_namespace_create(ioctx, ns);
}

/* How many images (and trashed images) namespace ns holds. */
static void count_contents(rados_ioctx_t ioctx, const char *ns, struct namespace_contents *left)
{
	rbd_trash_image_info_t none;
	rbd_image_spec_t no_spec;

	left->images = 0;
	left->trashed = 0;
	rados_ioctx_set_namespace(ioctx, ns);
	/* With room for none, both answer -ERANGE and say how many. */
	if (rbd_list2(ioctx, &no_spec, &left->images) != -ERANGE)
		left->images = 0;
	if (rbd_trash_list(ioctx, &none, &left->trashed) != -ERANGE)
		left->trashed = 0;
	rados_ioctx_set_namespace(ioctx, "");
}

int namespace_remove(rados_ioctx_t ioctx, const char *ns, struct namespace_contents *left)
{
	int r = rbd_namespace_remove(ioctx, ns);

	left->images = 0;
	left->trashed = 0;
	if (r == -EBUSY || r == -ENOTEMPTY)
		count_contents(ioctx, ns, left);
	return r;
}
