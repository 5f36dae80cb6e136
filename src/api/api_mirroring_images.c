/* SPDX-License-Identifier: Apache-2.0 */
/* api_mirroring_images.c - .../images/{image}/mirroring: mirroring of one
 * image (enable in journal or snapshot mode, disable), its failover
 * actions (promote, demote, resync), mirror snapshots, and its state on
 * every site (docs/api.md, "Mirroring").
 *
 * The usual mistakes are refused before librbd is asked, with what to do
 * instead: librbd's own answers for them are a bare EINVAL or EBUSY. The
 * status follows librbd's errno (the contract's table): what librbd calls
 * invalid (a resync of a primary, a mirror snapshot of an image that is
 * not a primary in snapshot mode, mirroring not enabled) is 400, what it
 * calls busy (the peer site still primary) is 409. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>

#include "api.h"
#include "api_mirroring.h"
#include "json_out.h"
#include "mirror_image.h"
#include "mirror_json.h"
#include "routes.h"

static int respond_image_mirroring(struct response *resp, rados_ioctx_t ioctx,
				   const struct image_ref *ref, rbd_image_t image)
{
	struct json_object *body = json_envelope("ImageMirroring");
	int r;

	if (!body || json_add_string(body, "pool", ref->pool) < 0 ||
	    json_add_string(body, "namespace", ref->ns) < 0 ||
	    json_add_name(body, "image", ref->name, "image") < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	r = mirror_image_json(image, ioctx, body);
	if (r < 0) {
		json_object_put(body);
		return api_image_fail(resp, r, ref, "reading the mirroring of");
	}
	response_json(resp, 200, body);
	return 0;
}

int api_image_mirroring_get(struct request *req, struct response *resp)
{
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_image_use(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	return respond_image_mirroring(resp, ioctx, &ref, image);
}

/* What a change of the image's mirroring is, for its messages. */
enum change {
	CHANGE_ENABLE,
	CHANGE_DISABLE,
	CHANGE_PROMOTE,
	CHANGE_DEMOTE,
	CHANGE_RESYNC,
	CHANGE_SNAPSHOT,
};

/* "<doing> image X failed", by change, for librbd's failure of the change. */
static const char *const change_doing[] = {
	[CHANGE_ENABLE] = "enabling mirroring of",
	[CHANGE_DISABLE] = "disabling mirroring of",
	[CHANGE_PROMOTE] = "promoting",
	[CHANGE_DEMOTE] = "demoting",
	[CHANGE_RESYNC] = "flagging for resync",
	[CHANGE_SNAPSHOT] = "taking a mirror snapshot of",
};

/* The answer for a change refused before librbd was asked. mode_name
 * is the mode asked (enable). */
static int refused(struct response *resp, const struct image_ref *ref, enum change change,
		   const char *mode_name, const struct mirror_image_outcome *out, int err)
{
	switch (out->refused) {
	case MIRROR_POOL_DISABLED:
		return response_fail(resp, err,
				     "mirroring is disabled on pool %s, so image %s cannot be mirrored; set the pool's mode first: PUT /api/v1/pools/%s/mirroring {\"mode\": \"image\"}",
				     ref->pool, ref->spec, ref->pool);
	case MIRROR_POOL_MODE_POOL:
		return response_fail(resp, err,
				     "pool %s mirrors in mode pool (every image with journaling, in journal mode); snapshot mirroring of image %s needs the pool in mode image",
				     ref->pool, ref->spec);
	case MIRROR_OTHER_MODE:
		return response_fail(resp, err,
				     "image %s is already mirrored in %s mode; disable its mirroring first to switch to %s mode",
				     ref->spec, mirror_image_mode_name(out->current), mode_name);
	case MIRROR_NO_JOURNALING:
		return response_fail(resp, err,
				     "journal mirroring needs the journaling feature, which image %s lacks: enable it first (PATCH the image with {\"features\": {\"enable\": [\"journaling\"]}}) or use mode snapshot",
				     ref->spec);
	case MIRROR_NOT_ENABLED:
		return response_fail(resp, err,
				     "mirroring is not enabled on image %s; enable it first with PUT .../images/%s/mirroring {\"enabled\": true}",
				     ref->spec, ref->name);
	case MIRROR_PRIMARY:
		if (change == CHANGE_PROMOTE)
			return response_fail(resp, err, "image %s is already primary on this site",
					     ref->spec);
		return response_fail(resp, err,
				     "image %s is primary on this site: a resync replaces a non-primary copy with the primary's data; demote it first",
				     ref->spec);
	case MIRROR_NOT_PRIMARY:
		if (change == CHANGE_DISABLE)
			return response_fail(resp, err,
					     "image %s is a non-primary copy; disable mirroring on the primary site, or here with {\"enabled\": false, \"force\": true} to keep this copy on its own",
					     ref->spec);
		if (change == CHANGE_DEMOTE)
			return response_fail(resp, err, "image %s is not primary on this site",
					     ref->spec);
		/* A mirror snapshot of a non-primary: */
		/* fall through */
	case MIRROR_JOURNAL_MODE:
		return response_fail(resp, err,
				     "image %s is %s; mirror snapshots are taken of a primary image in snapshot mode",
				     ref->spec,
				     out->refused == MIRROR_NOT_PRIMARY ? "not primary on this site"
									 : "mirrored in journal mode");
	case MIRROR_DONE:
		break;
	}
	return response_fail_errno(resp, err, "changing the mirroring of image %s failed", ref->spec);
}

/* The peer sites where image is primary, for a promote's 409. */
static const char *primary_peers(rados_ioctx_t ioctx, rbd_image_t image, char *buf, size_t len)
{
	return mirror_image_primary_peers(ioctx, image, buf, len) < 0 ? "the peer site" : buf;
}

/* The answer for a change that failed or was refused (out says which). */
static int change_failed(struct response *resp, rados_ioctx_t ioctx, rbd_image_t image,
			 const struct image_ref *ref, enum change change, int force,
			 const char *mode_name, const struct mirror_image_outcome *out, int err)
{
	char sites[512];

	if (out->refused != MIRROR_DONE)
		return refused(resp, ref, change, mode_name, out, err);
	switch (out->step) {
	case MIRROR_STEP_POOL_MODE:
		return response_fail_errno(resp, err, "reading the mirroring mode of pool %s failed",
					   ref->pool);
	case MIRROR_STEP_INFO:
		return api_image_fail(resp, err, ref, "reading the mirroring of");
	case MIRROR_STEP_MODE:
		return api_image_fail(resp, err, ref, "reading the mirroring mode of");
	case MIRROR_STEP_FEATURES:
		return api_image_fail(resp, err, ref, "reading the features of");
	case MIRROR_STEP_CHANGE:
		break;
	}
	/* EROFS: the demotion is on its way. The demote's mirror snapshot
	 * has not been copied here yet, and this site's rbd-mirror holds the
	 * image's exclusive lock while it copies, refusing (read-only) to
	 * hand it over to the promote. A second later the promote works. */
	if (change == CHANGE_PROMOTE && err == -EROFS && !force)
		return response_fail(resp, -EBUSY,
				     "image %s is still primary on peer site %s, or its demotion there has not reached this site yet; demote it there first and try again in a moment, or promote with {\"force\": true} if that site is lost",
				     ref->spec, primary_peers(ioctx, image, sites, sizeof(sites)));
	if (change == CHANGE_PROMOTE && err == -EBUSY)
		return response_fail(resp, err,
				     "image %s is still primary on peer site %s; demote it there first, or promote with {\"force\": true} if that site is lost",
				     ref->spec, primary_peers(ioctx, image, sites, sizeof(sites)));
	return api_image_fail(resp, err, ref, change_doing[change]);
}

const struct field_spec put_fields[] = {
	{"enabled", FIELD_BOOL, 1},
	{"mode", FIELD_STRING, 0},
	{"force", FIELD_BOOL, 0},
	{NULL, 0, 0},
};

int api_image_mirroring_put(struct request *req, struct response *resp)
{
	struct mirror_image_outcome out;
	struct json_object *body;
	const char *mode_name = "snapshot";
	rbd_mirror_image_mode_t mode;
	int enabled_wanted, force = 0, r;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;

	r = api_request_body(req, resp, put_fields, &body);
	if (r < 0)
		return r;
	json_in_bool(body, "enabled", &enabled_wanted);
	json_in_string(body, "mode", &mode_name);
	json_in_bool(body, "force", &force);
	if (mirror_image_mode_parse(mode_name, &mode) < 0)
		return response_fail(resp, -EINVAL,
				     "field \"mode\" must be \"journal\" or \"snapshot\", not \"%s\"",
				     mode_name);
	r = api_image_use_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = enabled_wanted ? mirror_image_enable(ioctx, image, mode, &out)
			   : mirror_image_disable(image, force, &out);
	if (r < 0)
		return change_failed(resp, ioctx, image, &ref,
				     enabled_wanted ? CHANGE_ENABLE : CHANGE_DISABLE, force, mode_name,
				     &out, r);
	return respond_image_mirroring(resp, ioctx, &ref, image);
}

/* Answers with the mirror snapshot taken. 200, not 201: a mirror
 * snapshot is no resource of its own here (it is listed with the
 * image's snapshots by the rbd CLI only). */
static int respond_snapshot(struct response *resp, const struct image_ref *ref, uint64_t snap_id)
{
	struct json_object *body = json_envelope("MirrorSnapshot");

	if (!body || json_add_string(body, "pool", ref->pool) < 0 ||
	    json_add_string(body, "namespace", ref->ns) < 0 ||
	    json_add_name(body, "image", ref->name, "image") < 0 ||
	    json_add_u64(body, "snapshot_id", snap_id) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	response_json(resp, 200, body);
	return 0;
}

/* A failover action (which needs mirroring enabled on the image), then
 * the image's mirroring as it is now, or the snapshot taken. */
static int failover(struct request *req, struct response *resp, enum change change,
		    enum mirror_image_action action, int force)
{
	struct mirror_image_outcome out;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_image_use_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = mirror_image_act(image, action, force, &out);
	if (r < 0)
		return change_failed(resp, ioctx, image, &ref, change, force, NULL, &out, r);
	if (action == MIRROR_SNAPSHOT)
		return respond_snapshot(resp, &ref, out.snap_id);
	r = respond_image_mirroring(resp, ioctx, &ref, image);
	if (r == 0 && action == MIRROR_RESYNC)
		resp->status = 202;   /* rbd-mirror does it, later */
	return r;
}

const struct field_spec promote_fields[] = {
	{"force", FIELD_BOOL, 0},
	{NULL, 0, 0},
};

int api_image_mirroring_promote(struct request *req, struct response *resp)
{
	struct json_object *body;
	int force = 0, r;

	/* The body is optional: a bare POST promotes without force. */
	if (req->body_len) {
		r = api_request_body(req, resp, promote_fields, &body);
		if (r < 0)
			return r;
		json_in_bool(body, "force", &force);
	}
	return failover(req, resp, CHANGE_PROMOTE, MIRROR_PROMOTE, force);
}

int api_image_mirroring_demote(struct request *req, struct response *resp)
{
	return failover(req, resp, CHANGE_DEMOTE, MIRROR_DEMOTE, 0);
}

int api_image_mirroring_resync(struct request *req, struct response *resp)
{
	return failover(req, resp, CHANGE_RESYNC, MIRROR_RESYNC, 0);
}

int api_image_mirroring_snapshot(struct request *req, struct response *resp)
{
	return failover(req, resp, CHANGE_SNAPSHOT, MIRROR_SNAPSHOT, 0);
}
