/* SPDX-License-Identifier: Apache-2.0 */
/* group_change.h - RBD consistency groups changed: made, renamed,
 * removed, their member images added and removed, their group snapshots
 * renamed and removed; and each member resolved to its pool's name.
 *
 * Each change that takes more than one librbd call is one function here:
 * the checks that must come before librbd is asked (it leaves an
 * "incomplete" member entry behind when it refuses an image, for one),
 * then the change. When the answer must say which step failed or what
 * stood in the way, the caller passes a struct group_problem. */
#ifndef RBD_REST_API_GROUP_CHANGE_H
#define RBD_REST_API_GROUP_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

#include "names.h"

enum group_step {
	GROUP_STEP_CHANGE,        /* librbd's change itself */
	GROUP_STEP_OPEN,          /* opening the member image */
	GROUP_STEP_READ,          /* reading the member image's group */
	GROUP_STEP_LIST_IMAGES,   /* listing the group's images */
	GROUP_STEP_LIST_SNAPS,    /* listing the group's snapshots */
};

struct group_problem {
	enum group_step step;     /* where the error came from */
	size_t count;             /* group_remove's -ENOTEMPTY: its group snapshots */
	/* group_remove's -ENOTEMPTY: the first group snapshot; group_member_add's
	 * -EEXIST: the group the image is in already, and that group's pool. */
	char name[NAME_MAX_BYTES + 1];
	char pool[NAME_MAX_BYTES + 1];
};

int group_create(rados_ioctx_t ioctx, const char *name);

/* Renames group to name unless that is taken (-EEXIST); the same name is
 * no change. */
int group_rename(rados_ioctx_t ioctx, const char *group, const char *name);

/* Removes group unless it has group snapshots, which would go with it:
 * then -ENOTEMPTY, with their count and the first one's name in p. */
int group_remove(rados_ioctx_t ioctx, const char *group, struct group_problem *p);

/* Adds image (of member_ioctx, the group's namespace in its pool) to
 * group: -EEXIST, with that group's pool and name in p, when the image
 * belongs to a group already. */
int group_member_add(rados_ioctx_t ioctx, const char *group, rados_ioctx_t member_ioctx,
		     const char *image, struct group_problem *p);

/* Removes image from group: -ENOENT (step GROUP_STEP_CHANGE) when it is
 * no member of it. */
int group_member_remove(rados_ioctx_t ioctx, const char *group, rados_ioctx_t member_ioctx,
			const char *image, struct group_problem *p);

/* Renames group snapshot snap of group to name unless that is taken
 * (-EEXIST); the same name is no change. */
int group_snap_rename(rados_ioctx_t ioctx, const char *group, const char *snap, const char *name);

int group_snap_remove(rados_ioctx_t ioctx, const char *group, const char *snap);

/* Makes group snapshot name of group and reads back its state: -ENOENT
 * with step GROUP_STEP_LIST_SNAPS when it is gone already. */
int group_snap_create(rados_ioctx_t ioctx, const char *group, const char *name,
		      rbd_group_snap_state_t *state, struct group_problem *p);

/* Rolls every member back to group snapshot snap. Blocks until done. */
int group_snap_rollback(rados_ioctx_t ioctx, const char *group, const char *snap);

/* A member image as the API names it. */
struct group_member {
	int64_t pool_id;
	char *pool;               /* NULL when pool_error says why it is unknown */
	int pool_error;
	char *name;
	rbd_group_image_state_t state;
};

struct group_members {
	struct group_member *members;
	size_t count;
};

/* The member images of group, each with its pool's name: 0 with *out
 * (group_members_free), or a negative errno. */
int group_members_read(rados_ioctx_t ioctx, const char *group, struct group_members **out);
void group_members_free(struct group_members *members);

#endif
