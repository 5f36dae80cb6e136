/* SPDX-License-Identifier: Apache-2.0 */
/* mirror_image.h - the changes of one image's mirroring, each one
 * sequence: enable (in journal or snapshot mode), disable, and the
 * failover actions (promote, demote, resync, mirror snapshot).
 *
 * Each checks first what librbd would refuse with a bare EINVAL or EBUSY
 * (mirroring disabled on the pool, not enabled on the image, the wrong
 * side primary, journaling missing), and says which in the outcome, so
 * the caller can tell the user what to do instead. Knows nothing of
 * HTTP: functions return 0 or a negative errno, and the outcome says
 * what was refused or which step failed. */
#ifndef RBD_REST_API_MIRROR_IMAGE_H
#define RBD_REST_API_MIRROR_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

/* What was refused before librbd was asked to change anything. */
enum mirror_image_refusal {
	MIRROR_DONE,            /* nothing refused (a failure says its step) */
	MIRROR_POOL_DISABLED,   /* enable: the pool's mode is disabled (-EBUSY) */
	MIRROR_POOL_MODE_POOL,  /* enable snapshot mode in a pool of mode pool (-EBUSY) */
	MIRROR_OTHER_MODE,      /* enable: already on in another mode, .current (-EBUSY) */
	MIRROR_NO_JOURNALING,   /* enable journal mode without the feature (-EINVAL) */
	MIRROR_NOT_ENABLED,     /* an action on an image not mirrored (-EINVAL) */
	MIRROR_PRIMARY,         /* promote (-EBUSY) or resync (-EINVAL) of a primary */
	MIRROR_NOT_PRIMARY,     /* disable without force (-EBUSY), demote (-EBUSY)
				 * or mirror snapshot (-EINVAL) of a non-primary */
	MIRROR_JOURNAL_MODE,    /* mirror snapshot of an image in journal mode (-EINVAL) */
};

/* The librbd call that failed, when nothing was refused. */
enum mirror_image_step {
	MIRROR_STEP_POOL_MODE,  /* reading the pool's mirroring mode */
	MIRROR_STEP_INFO,       /* reading the image's mirroring */
	MIRROR_STEP_MODE,       /* reading the image's mirroring mode */
	MIRROR_STEP_FEATURES,   /* reading the image's features */
	MIRROR_STEP_CHANGE,     /* the change itself */
};

enum mirror_image_action {
	MIRROR_PROMOTE,
	MIRROR_DEMOTE,
	MIRROR_RESYNC,
	MIRROR_SNAPSHOT,
};

struct mirror_image_outcome {
	enum mirror_image_refusal refused;
	enum mirror_image_step step;
	rbd_mirror_image_mode_t current;  /* MIRROR_OTHER_MODE: the mode it has */
	uint64_t snap_id;                 /* MIRROR_SNAPSHOT: the snapshot taken */
};

/* Enables mirroring of image (in the pool of ioctx) in mode; 0 too when
 * it is already on in that mode. */
int mirror_image_enable(rados_ioctx_t ioctx, rbd_image_t image, rbd_mirror_image_mode_t mode,
			struct mirror_image_outcome *out);

/* Disables mirroring of image; 0 too when it is off. A non-primary copy
 * only with force (it then stays on its own). */
int mirror_image_disable(rbd_image_t image, int force, struct mirror_image_outcome *out);

/* A failover action on an image whose mirroring is enabled; force only
 * for MIRROR_PROMOTE (promote even while the peer is primary). */
int mirror_image_act(rbd_image_t image, enum mirror_image_action action, int force,
		     struct mirror_image_outcome *out);

/* The peer sites whose copy of image says it is primary, or every peer
 * site when none says so (the status can lag), as "site-a, site-b" in
 * buf. Returns 0, or a negative errno when the peers cannot be read. */
int mirror_image_primary_peers(rados_ioctx_t ioctx, rbd_image_t image, char *buf, size_t len);

#endif
