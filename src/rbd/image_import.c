/* SPDX-License-Identifier: Apache-2.0 */
/* image_import.c - import from a URL by librbd's import-only live
 * migration (see image_import.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "image_import.h"
#include "unfinished.h"

int image_import_source_spec(const char *format, const char *url, char **spec)
{
	struct json_object *root, *stream;
	const char *type = strcmp(format, "raw") == 0	  ? "raw"
			   : strcmp(format, "qcow2") == 0 ? "qcow"
							  : NULL;
	const char *text;

	*spec = NULL;
	if (!type)
		return -EINVAL;
	root = json_object_new_object();
	stream = json_object_new_object();
	if (!root || !stream || json_object_object_add(root, "stream", stream) < 0) {
		json_object_put(stream);
		json_object_put(root);
		return -ENOMEM;
	}
	if (json_object_object_add(root, "type", json_object_new_string(type)) < 0 ||
	    json_object_object_add(stream, "type", json_object_new_string("http")) < 0 ||
	    json_object_object_add(stream, "url", json_object_new_string(url)) < 0) {
		json_object_put(root);
		return -ENOMEM;
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	*spec = text ? strdup(text) : NULL;
	json_object_put(root);
	return *spec ? 0 : -ENOMEM;
}

int image_import_prepare(rados_ioctx_t ioctx, const char *name, const char *spec,
			 rbd_image_options_t opts)
{
	return rbd_migration_prepare_import(spec, ioctx, name, opts);
}

int image_import_execute(rados_ioctx_t ioctx, const char *name, librbd_progress_fn_t progress, void *arg)
{
	return rbd_migration_execute_with_progress(ioctx, name, progress, arg);
}

int image_import_commit(rados_ioctx_t ioctx, const char *name)
{
	return rbd_migration_commit(ioctx, name);
}

int image_import_undo(rados_ioctx_t ioctx, const char *name)
{
	rbd_image_migration_status_t status;
	int r = rbd_migration_status(ioctx, name, &status, sizeof(status));

	if (r == -ENOENT)
		return 0;
	/* -EINVAL: not (or no longer) a migration's destination: committed,
	 * or made by a prepare that stopped before it linked the source. */
	if (r < 0 && r != -EINVAL)
		return r;
	if (r == 0) {
		rbd_migration_status_cleanup(&status);
		r = rbd_migration_abort(ioctx, name);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	/* An import's abort removes the destination; whatever is left goes
	 * the way unfinished images go. */
	r = unfinished_remove(ioctx, name);
	return r == -ENOENT ? 0 : r;
}
