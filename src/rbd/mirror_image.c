/* SPDX-License-Identifier: Apache-2.0 */
/* mirror_image.c - the changes of one image's mirroring (see
 * mirror_image.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/features.h>

#include "ceph.h"
#include "mirror_image.h"
#include "text_list.h"

static int refuse(struct mirror_image_outcome *out, enum mirror_image_refusal why, int err)
{
	out->refused = why;
	return err;
}

static int failed(struct mirror_image_outcome *out, enum mirror_image_step step, int err)
{
	out->step = step;
	return err;
}

static void outcome_init(struct mirror_image_outcome *out)
{
	memset(out, 0, sizeof(*out));
	out->refused = MIRROR_DONE;
}

/* Is mirroring enabled on image, and is it primary here? */
static int read_info(rbd_image_t image, int *enabled, int *primary,
		     struct mirror_image_outcome *out)
{
	rbd_mirror_image_info_t info;
	int r = rbd_mirror_image_get_info(image, &info, sizeof(info));

	*enabled = *primary = 0;
	if (r < 0)
		return failed(out, MIRROR_STEP_INFO, r);
	*enabled = info.state == RBD_MIRROR_IMAGE_ENABLED;
	*primary = info.primary;
	rbd_mirror_image_get_info_cleanup(&info);
	return 0;
}

/* Does the pool's mode allow enabling an image in mode image_mode? Not
 * when mirroring is disabled on the pool, nor snapshot mode when the
 * pool mirrors every journaled image by itself (mode pool). */
static int pool_allows(rados_ioctx_t ioctx, rbd_mirror_image_mode_t image_mode,
		       struct mirror_image_outcome *out)
{
	rbd_mirror_mode_t mode;
	int r = rbd_mirror_mode_get(ioctx, &mode);

	if (r < 0)
		return failed(out, MIRROR_STEP_POOL_MODE, r);
	if (mode == RBD_MIRROR_MODE_DISABLED)
		return refuse(out, MIRROR_POOL_DISABLED, -EBUSY);
	if (mode == RBD_MIRROR_MODE_POOL && image_mode == RBD_MIRROR_IMAGE_MODE_SNAPSHOT)
		return refuse(out, MIRROR_POOL_MODE_POOL, -EBUSY);
	return 0;
}

int mirror_image_enable(rados_ioctx_t ioctx, rbd_image_t image, rbd_mirror_image_mode_t mode,
			struct mirror_image_outcome *out)
{
	int enabled, primary, r;
	uint64_t features;

	outcome_init(out);
	r = pool_allows(ioctx, mode, out);
	if (r < 0)
		return r;
	r = read_info(image, &enabled, &primary, out);
	if (r < 0)
		return r;
	if (enabled) {
		r = rbd_mirror_image_get_mode(image, &out->current);
		if (r < 0)
			return failed(out, MIRROR_STEP_MODE, r);
		return out->current == mode ? 0 : refuse(out, MIRROR_OTHER_MODE, -EBUSY);
	}
	if (mode == RBD_MIRROR_IMAGE_MODE_JOURNAL) {
		r = rbd_get_features(image, &features);
		if (r < 0)
			return failed(out, MIRROR_STEP_FEATURES, r);
		if (!(features & RBD_FEATURE_JOURNALING))
			return refuse(out, MIRROR_NO_JOURNALING, -EINVAL);
	}
	r = rbd_mirror_image_enable2(image, mode);
	return r < 0 ? failed(out, MIRROR_STEP_CHANGE, r) : 0;
}

int mirror_image_disable(rbd_image_t image, int force, struct mirror_image_outcome *out)
{
	int enabled, primary, r;

	outcome_init(out);
	r = read_info(image, &enabled, &primary, out);
	if (r < 0 || !enabled)
		return r;
	if (!primary && !force)
		return refuse(out, MIRROR_NOT_PRIMARY, -EBUSY);
	r = rbd_mirror_image_disable(image, force);
	return r < 0 ? failed(out, MIRROR_STEP_CHANGE, r) : 0;
}

/* Is the image as the action needs it? 0, or the refusal. */
static int action_allowed(rbd_image_t image, enum mirror_image_action action, int primary,
			  struct mirror_image_outcome *out)
{
	int r;

	switch (action) {
	case MIRROR_PROMOTE:
		return primary ? refuse(out, MIRROR_PRIMARY, -EBUSY) : 0;
	case MIRROR_DEMOTE:
		return primary ? 0 : refuse(out, MIRROR_NOT_PRIMARY, -EBUSY);
	case MIRROR_RESYNC:
		return primary ? refuse(out, MIRROR_PRIMARY, -EINVAL) : 0;
	case MIRROR_SNAPSHOT:
		r = rbd_mirror_image_get_mode(image, &out->current);
		if (r < 0)
			return failed(out, MIRROR_STEP_MODE, r);
		if (!primary)
			return refuse(out, MIRROR_NOT_PRIMARY, -EINVAL);
		if (out->current != RBD_MIRROR_IMAGE_MODE_SNAPSHOT)
			return refuse(out, MIRROR_JOURNAL_MODE, -EINVAL);
		return 0;
	}
	return -EINVAL;
}

int mirror_image_act(rbd_image_t image, enum mirror_image_action action, int force,
		     struct mirror_image_outcome *out)
{
	int enabled, primary, r;

	outcome_init(out);
	r = read_info(image, &enabled, &primary, out);
	if (r == 0 && !enabled)
		r = refuse(out, MIRROR_NOT_ENABLED, -EINVAL);
	if (r < 0)
		return r;
	r = action_allowed(image, action, primary, out);
	if (r < 0)
		return r;
	switch (action) {
	case MIRROR_PROMOTE:
		r = rbd_mirror_image_promote(image, force);
		break;
	case MIRROR_DEMOTE:
		r = rbd_mirror_image_demote(image);
		break;
	case MIRROR_RESYNC:
		r = rbd_mirror_image_resync(image);
		break;
	case MIRROR_SNAPSHOT:
		r = rbd_mirror_image_create_snapshot(image, &out->snap_id);
		break;
	}
	return r < 0 ? failed(out, MIRROR_STEP_CHANGE, r) : 0;
}

/* ceph_read_array's kind of call, for the pool's peer sites. */
static int list_peers(void *ioctx, void *buf, size_t *count)
{
	int n = *count > 1024 ? 1024 : (int)*count;
	int r = rbd_mirror_peer_site_list((rados_ioctx_t)ioctx, buf, &n);

	*count = (size_t)n;
	return r;
}

int mirror_image_primary_peers(rados_ioctx_t ioctx, rbd_image_t image, char *buf, size_t len)
{
	rbd_mirror_image_global_status_t global;
	rbd_mirror_peer_site_t *peers = NULL;
	struct text_list names;
	size_t count = 0;
	int named = 0, r;

	text_list_init(&names, buf, len);
	r = ceph_read_array(list_peers, ioctx, sizeof(*peers), (void **)&peers, &count);
	if (r < 0)
		return r;
	if (rbd_mirror_image_get_global_status(image, &global, sizeof(global)) == 0) {
		for (uint32_t i = 0; i < global.site_statuses_count; i++) {
			const rbd_mirror_image_site_status_t *s = &global.site_statuses[i];

			if (!s->mirror_uuid[0] || !strstr(s->description, "primary"))
				continue;
			for (size_t j = 0; j < count; j++) {
				if (strcmp(peers[j].mirror_uuid, s->mirror_uuid) == 0) {
					text_list_add(&names, "%s", peers[j].site_name);
					named++;
				}
			}
		}
		rbd_mirror_image_global_status_cleanup(&global);
	}
	for (size_t j = 0; !named && j < count; j++)
		text_list_add(&names, "%s", peers[j].site_name);
	rbd_mirror_peer_site_list_cleanup(peers, (int)count);
	free(peers);
	text_list_finish(&names);
	return 0;
}
