/* SPDX-License-Identifier: Apache-2.0 */
/* image_import.h - an image made from a raw or qcow2 file served over
 * HTTP(S): librbd's import-only live migration (Ceph's "Image
 * Live-Migration", external data sources).
 *
 * prepare makes the destination image, linked to the source (librbd
 * reads it from the URL on demand); execute copies every block into the
 * cluster; commit drops the link: from then on the image is an ordinary
 * one. The steps are separate so the caller (task_runner.c) can claim
 * the end of its task between execute and commit. undo takes back a
 * prepare at any point before commit. Which URLs may be fetched is the
 * caller's business (url_allow.h): nothing here checks them. */
#ifndef RBD_REST_API_IMAGE_IMPORT_H
#define RBD_REST_API_IMAGE_IMPORT_H

#include <rados/librados.h>
#include <rbd/librbd.h>

/* The source spec librbd takes, as a JSON text to free: format "raw" or
 * "qcow2" (librbd's "qcow" reads both qcow versions), stream "http".
 * Returns 0, -EINVAL for another format, or -ENOMEM. */
int image_import_source_spec(const char *format, const char *url, char **spec);

/* Makes image name in ioctx's pool and namespace from the source spec,
 * with opts (layout, features, data pool; librbd's defaults for the
 * rest). librbd opens the source here: an unreachable URL or content that
 * is not of the format fails now. Returns 0 or a negative errno. */
int image_import_prepare(rados_ioctx_t ioctx, const char *name, const char *spec,
			 rbd_image_options_t opts);

/* Copies the source's blocks into the image, reporting progress. */
int image_import_execute(rados_ioctx_t ioctx, const char *name, librbd_progress_fn_t progress,
			 void *arg);

/* Ends the migration: the image no longer refers to its source. */
int image_import_commit(rados_ioctx_t ioctx, const char *name);

/* Takes back an import: aborts the migration if there still is one
 * (which removes an import's destination) and removes what is left of
 * image name, which must be the importer's own (an unfinished name,
 * unfinished.h). Returns 0 when nothing of it is left (also when there
 * was nothing), -EBUSY while a client (a killed importer's watch) still
 * has it open, or another negative errno. */
int image_import_undo(rados_ioctx_t ioctx, const char *name);

#endif
