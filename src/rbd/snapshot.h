/* SPDX-License-Identifier: Apache-2.0 */
/* snapshot.h - the user snapshots of an open image as librbd keeps them:
 * finding one by name, reading what a Snapshot shows, its clones, and the
 * changes (create, protect, unprotect, rename, remove, rollback). Plain
 * data and negative errnos; which message an error becomes is the
 * caller's (api_snapshots.c). */
#ifndef RBD_REST_API_SNAPSHOT_H
#define RBD_REST_API_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

/* What a Snapshot resource shows of one snapshot, besides its name. */
struct snapshot_facts {
	uint64_t id;
	uint64_t size;
	rbd_snap_namespace_type_t type;
	int is_protected;             /* only user snapshots can be */
	struct timespec timestamp;
};

/* 1 when snapshot id of image is a user snapshot, 0 when it is librbd's
 * own (group, mirror, trash) or cannot be read. */
int snapshot_is_user(rbd_image_t image, uint64_t id);

/* What made a snapshot, as `rbd snap ls --all` says it: "user", "group",
 * "mirror", "trash" (a removed snapshot still held by clones). */
const char *snapshot_namespace_name(rbd_snap_namespace_type_t type);

/* Finds the user snapshot name of image: 1 with *id and *size, 0 when
 * there is none, or a negative errno when the list cannot be read. */
int snapshot_find(rbd_image_t image, const char *name, uint64_t *id, uint64_t *size);

/* Fills facts for snapshot name (with id and size from the list). */
int snapshot_read(rbd_image_t image, const char *name, uint64_t id, uint64_t size,
		  struct snapshot_facts *facts);

/* Sets image to read at snapshot id (librbd's rbd_snap_set_by_id). */
int snapshot_select(rbd_image_t image, uint64_t id);

/* The clones of snapshot name: *clones (free with snapshot_clones_free)
 * and *count. Leaves image reading its head. */
int snapshot_clones(rbd_image_t image, const char *name, rbd_linked_image_spec_t **clones,
		    size_t *count);
void snapshot_clones_free(rbd_linked_image_spec_t *clones, size_t count);

/* Whether name is taken by a snapshot (*exists), whether it is protected
 * (*is_protected), whether image may have protected snapshots at all (1:
 * it has the layering feature, 0: not). */
int snapshot_exists(rbd_image_t image, const char *name, bool *exists);
int snapshot_is_protected(rbd_image_t image, const char *name, int *is_protected);
int snapshot_protectable(rbd_image_t image);

/* The most snapshots image may have (UINT64_MAX: no limit), and setting
 * it (-ERANGE: the image has more already). */
int snapshot_limit(rbd_image_t image, uint64_t *limit);
int snapshot_set_limit(rbd_image_t image, uint64_t limit);

/* How a snapshot is taken with respect to the image's clients (rbd snap
 * create's --skip-quiesce and --ignore-quiesce-error). asked 0 leaves it
 * to the client's rbd_default_snapshot_quiesce_mode. */
struct snapshot_quiesce {
	int asked;
	int quiesce;        /* ask clients (rbd-nbd with a quiesce hook) to quiesce I/O */
	int ignore_error;   /* take the snapshot even if a client fails to */
};

/* Takes snapshot name of image (open read-write): -EEXIST when the name
 * is taken, -EDQUOT over the image's limit (or a pool quota). */
int snapshot_create(rbd_image_t image, const char *name, const struct snapshot_quiesce *quiesce);

/* Which step of a change failed, for the caller's message. */
enum snapshot_step {
	SNAPSHOT_OPEN = 1, SNAPSHOT_LIST, SNAPSHOT_FIND, SNAPSHOT_SELECT,
	SNAPSHOT_PROTECT, SNAPSHOT_UNPROTECT, SNAPSHOT_RENAME, SNAPSHOT_REMOVE,
};

/* Opens image name of ioctx read-only, reading at its user snapshot
 * snap: 0 with *image (the caller closes it), *id and *size; on failure
 * nothing stays open and *step says what failed (SNAPSHOT_FIND with
 * -ENOENT: no such snapshot). */
int snapshot_open_at(rados_ioctx_t ioctx, const char *name, const char *snap, rbd_image_t *image,
		     uint64_t *id, uint64_t *size, enum snapshot_step *step);

/* Protects (protect > 0) or unprotects (protect < 0) snapshot name, then
 * renames it to new_name (NULL: keeps it). A protection already as asked
 * (set or cleared meanwhile) is no failure. On failure *step says which
 * step failed; the earlier ones stay made. */
int snapshot_change(rbd_image_t image, const char *name, int protect, const char *new_name,
		    enum snapshot_step *step);

/* Removes snapshot name, unprotecting it first when unprotect is set. On
 * failure *step says which step failed (-EBUSY from SNAPSHOT_UNPROTECT:
 * clones made with clone format 1 need the protection). */
int snapshot_remove(rbd_image_t image, const char *name, int unprotect,
		    enum snapshot_step *step);

/* Rolls image (open read-write) back to snapshot name. */
int snapshot_rollback(rbd_image_t image, const char *name);

#endif
