/* SPDX-License-Identifier: Apache-2.0 */
/* group_change.c - RBD consistency groups changed (see group_change.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceph.h"
#include "group_change.h"
#include "group_query.h"

int group_create(rados_ioctx_t ioctx, const char *name)
{
	return rbd_group_create(ioctx, name);
}

int group_rename(rados_ioctx_t ioctx, const char *group, const char *name)
{
	int r;

	if (strcmp(group, name) == 0)
		return 0;
	r = group_exists(ioctx, name);
	if (r == 0)
		return -EEXIST;
	if (r != -ENOENT)
		return r;
	return rbd_group_rename(ioctx, group, name);
}

int group_remove(rados_ioctx_t ioctx, const char *group, struct group_problem *p)
{
	rbd_group_snap_info_t *snaps = NULL;
	int r;

	p->step = GROUP_STEP_LIST_SNAPS;
	p->count = 0;
	r = group_snaps_read(ioctx, group, &snaps, &p->count);
	if (r < 0)
		return r;
	if (p->count > 0)
		snprintf(p->name, sizeof(p->name), "%s", snaps[0].name);
	group_snaps_free(snaps, p->count);
	if (p->count > 0)
		return -ENOTEMPTY;
	p->step = GROUP_STEP_CHANGE;
	return rbd_group_remove(ioctx, group);
}

/* -EEXIST, with its group in p, when image belongs to a group. Checked
 * before librbd is asked: its own refusal comes after it has written an
 * "incomplete" member entry into the new group, which then cannot be
 * deleted. */
static int refuse_if_grouped(rados_ioctx_t member_ioctx, const char *image,
			     struct group_problem *p)
{
	rbd_group_info_t info = {0};
	rbd_image_t opened;
	char *pool = NULL;
	int r;

	p->step = GROUP_STEP_OPEN;
	r = rbd_open_read_only(member_ioctx, image, &opened, NULL);
	if (r < 0)
		return r;
	p->step = GROUP_STEP_READ;
	r = rbd_get_group(opened, &info, sizeof(info));
	rbd_close(opened);
	if (r < 0)
		return r;
	if (info.pool >= 0 && info.name && *info.name) {
		if (ceph_pool_name(rados_ioctx_get_cluster(member_ioctx), info.pool, &pool) < 0)
			pool = NULL;
		if (pool)
			snprintf(p->pool, sizeof(p->pool), "%s", pool);
		else
			snprintf(p->pool, sizeof(p->pool), "%" PRId64, info.pool);
		snprintf(p->name, sizeof(p->name), "%s", info.name);
		free(pool);
		r = -EEXIST;
	}
	rbd_group_info_cleanup(&info, sizeof(info));
	return r;
}

int group_member_add(rados_ioctx_t ioctx, const char *group, rados_ioctx_t member_ioctx,
		     const char *image, struct group_problem *p)
{
	int r = refuse_if_grouped(member_ioctx, image, p);

	if (r < 0)
		return r;
	p->step = GROUP_STEP_CHANGE;
	return rbd_group_image_add(ioctx, group, member_ioctx, image);
}

/* -ENOENT unless image is in group. Checked before librbd is asked: it
 * marks the entry "incomplete" in the group first, even for an image
 * that is not a member, and the group then cannot be deleted. */
static int require_member(rados_ioctx_t ioctx, const char *group, rados_ioctx_t member_ioctx,
			  const char *image, struct group_problem *p)
{
	int64_t pool_id = rados_ioctx_get_id(member_ioctx);
	rbd_group_image_info_t *images = NULL;
	size_t count = 0;
	int r;

	p->step = GROUP_STEP_LIST_IMAGES;
	r = group_images_read(ioctx, group, &images, &count);
	if (r < 0)
		return r;
	p->step = GROUP_STEP_CHANGE;
	r = -ENOENT;
	for (size_t i = 0; i < count; i++)
		if (images[i].pool == pool_id && strcmp(images[i].name, image) == 0)
			r = 0;
	group_images_free(images, count);
	return r;
}

int group_member_remove(rados_ioctx_t ioctx, const char *group, rados_ioctx_t member_ioctx,
			const char *image, struct group_problem *p)
{
	int r = require_member(ioctx, group, member_ioctx, image, p);

	if (r < 0)
		return r;
	return rbd_group_image_remove(ioctx, group, member_ioctx, image);
}

int group_snap_rename(rados_ioctx_t ioctx, const char *group, const char *snap, const char *name)
{
	rbd_group_snap_state_t taken;
	int r;

	if (strcmp(snap, name) == 0)
		return 0;
	r = group_snap_state(ioctx, group, name, &taken);
	if (r == 0)
		return -EEXIST;
	if (r != -ENOENT)
		return r;
	return rbd_group_snap_rename(ioctx, group, snap, name);
}

int group_snap_remove(rados_ioctx_t ioctx, const char *group, const char *snap)
{
	return rbd_group_snap_remove(ioctx, group, snap);
}

int group_snap_create(rados_ioctx_t ioctx, const char *group, const char *name,
		      rbd_group_snap_state_t *state, struct group_problem *p)
{
	int r;

	/* librbd quiesces the members' clients (rbd-nbd, krbd's fsfreeze
	 * hooks), takes every member's exclusive lock, snapshots them all,
	 * and undoes every member's snapshot when one fails. */
	p->step = GROUP_STEP_CHANGE;
	r = rbd_group_snap_create(ioctx, group, name);
	if (r < 0)
		return r;
	p->step = GROUP_STEP_LIST_SNAPS;
	return group_snap_state(ioctx, group, name, state);
}

/* librbd reports progress; nobody here waits on it. */
static int no_progress(uint64_t offset, uint64_t total, void *arg)
{
	(void)offset;
	(void)total;
	(void)arg;
	return 0;
}

int group_snap_rollback(rados_ioctx_t ioctx, const char *group, const char *snap)
{
	return rbd_group_snap_rollback_with_progress(ioctx, group, snap, no_progress, NULL);
}

void group_members_free(struct group_members *members)
{
	if (!members)
		return;
	for (size_t i = 0; i < members->count; i++) {
		free(members->members[i].pool);
		free(members->members[i].name);
	}
	free(members->members);
	free(members);
}

int group_members_read(rados_ioctx_t ioctx, const char *group, struct group_members **out)
{
	rados_t cluster = rados_ioctx_get_cluster(ioctx);
	rbd_group_image_info_t *images = NULL;
	struct group_members *m;
	size_t count = 0;
	int r;

	*out = NULL;
	r = group_images_read(ioctx, group, &images, &count);
	if (r < 0)
		return r;
	m = calloc(1, sizeof(*m));
	if (m)
		m->members = calloc(count ? count : 1, sizeof(*m->members));
	r = m && m->members ? 0 : -ENOMEM;
	for (size_t i = 0; r == 0 && i < count; i++) {
		struct group_member *member = &m->members[m->count++];

		member->pool_id = images[i].pool;
		member->state = images[i].state;
		member->name = strdup(images[i].name);
		if (!member->name)
			r = -ENOMEM;
		member->pool_error = ceph_pool_name(cluster, images[i].pool, &member->pool);
		if (member->pool_error == -ENOMEM)
			r = -ENOMEM;
		if (member->pool_error < 0)
			member->pool = NULL;
	}
	group_images_free(images, count);
	if (r < 0) {
		group_members_free(m);
		return r;
	}
	*out = m;
	return 0;
}
