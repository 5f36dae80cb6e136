/* SPDX-License-Identifier: Apache-2.0 */
/* pool_trash.c - the trash object made ahead of a quota (see pool_trash.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image_query.h"
#include "name_list.h"
#include "pool_trash.h"

/* librbd's RBD_TRASH (librbd/Types.h, not in its public headers). */
#define TRASH_OBJECT "rbd_trash"

int pool_trash_prepare(rados_ioctx_t ioctx)
{
	rados_write_op_t op = rados_create_write_op();
	int r;

	if (!op)
		return -ENOMEM;
	rados_write_op_create(op, LIBRADOS_CREATE_IDEMPOTENT, NULL);
	r = rados_write_op_operate(op, ioctx, TRASH_OBJECT, NULL, 0);
	rados_release_write_op(op);
	return r;
}

int pool_trash_prepare_all(rados_ioctx_t ioctx)
{
	const char *ns;
	char *names = NULL;
	size_t len = 0;
	int r;

	r = pool_trash_prepare(ioctx);
	if (r < 0)
		return r;
	r = namespace_names(ioctx, &names, &len);
	/* A pool that never had namespaces may lack their directory. */
	if (r == -ENOENT)
		r = 0;
	for (size_t at = 0; r == 0 && (ns = name_list_next(names, len, &at));) {
		rados_ioctx_set_namespace(ioctx, ns);
		r = pool_trash_prepare(ioctx);
	}
	rados_ioctx_set_namespace(ioctx, "");
	free(names);
	return r;
}
