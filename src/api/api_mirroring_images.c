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
#include <string.h>

#include <rbd/features.h>

#include "api.h"
#include "api_mirroring.h"
#include "json_out.h"
#include "mirror_json.h"
#include "routes.h"
#include "text_list.h"

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

	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	r = respond_image_mirroring(resp, ioctx, &ref, image);
	rbd_close(image);
	return r;
}

/* The image's mirroring info; 0 with *enabled and *primary, or an answer. */
static int read_info(struct response *resp, rbd_image_t image, const struct image_ref *ref,
		     int *enabled, int *primary)
{
	rbd_mirror_image_info_t info;
	int r = rbd_mirror_image_get_info(image, &info, sizeof(info));

	*enabled = *primary = 0;
	if (r < 0)
		return api_image_fail(resp, r, ref, "reading the mirroring of");
	*enabled = info.state == RBD_MIRROR_IMAGE_ENABLED;
	*primary = info.primary;
	rbd_mirror_image_get_info_cleanup(&info);
	return 0;
}

/* The pool's mode, checked for enabling an image in mode image_mode:
 * 409 when mirroring is disabled on the pool, or when the pool mirrors
 * every journaled image by itself (mode pool) and snapshot mode is asked. */
static int check_pool_allows(struct response *resp, rados_ioctx_t ioctx,
			     const struct image_ref *ref, rbd_mirror_image_mode_t image_mode)
{
	rbd_mirror_mode_t mode;
	int r = rbd_mirror_mode_get(ioctx, &mode);

	if (r < 0)
		return response_fail_errno(resp, r, "reading the mirroring mode of pool %s failed",
					   ref->pool);
	if (mode == RBD_MIRROR_MODE_DISABLED)
		return response_fail(resp, -EBUSY,
				     "mirroring is disabled on pool %s, so image %s cannot be mirrored; set the pool's mode first: PUT /api/v1/pools/%s/mirroring {\"mode\": \"image\"}",
				     ref->pool, ref->spec, ref->pool);
	if (mode == RBD_MIRROR_MODE_POOL && image_mode == RBD_MIRROR_IMAGE_MODE_SNAPSHOT)
		return response_fail(resp, -EBUSY,
				     "pool %s mirrors in mode pool (every image with journaling, in journal mode); snapshot mirroring of image %s needs the pool in mode image",
				     ref->pool, ref->spec);
	return 0;
}

static int enable(struct response *resp, rados_ioctx_t ioctx, const struct image_ref *ref,
		  rbd_image_t image, const char *mode_name)
{
	rbd_mirror_image_mode_t mode = RBD_MIRROR_IMAGE_MODE_SNAPSHOT, current;
	int enabled, primary, r;
	uint64_t features;

	mirror_image_mode_parse(mode_name, &mode);
	r = check_pool_allows(resp, ioctx, ref, mode);
	if (r < 0)
		return r;
	r = read_info(resp, image, ref, &enabled, &primary);
	if (r < 0)
		return r;
	if (enabled) {
		r = rbd_mirror_image_get_mode(image, &current);
		if (r < 0)
			return api_image_fail(resp, r, ref, "reading the mirroring mode of");
		if (current == mode)
			return 0;
		return response_fail(resp, -EBUSY,
				     "image %s is already mirrored in %s mode; disable its mirroring first to switch to %s mode",
				     ref->spec, mirror_image_mode_name(current), mode_name);
	}
	if (mode == RBD_MIRROR_IMAGE_MODE_JOURNAL) {
		r = rbd_get_features(image, &features);
		if (r < 0)
			return api_image_fail(resp, r, ref, "reading the features of");
		if (!(features & RBD_FEATURE_JOURNALING))
			return response_fail(resp, -EINVAL,
					     "journal mirroring needs the journaling feature, which image %s lacks: enable it first (PATCH the image with {\"features\": {\"enable\": [\"journaling\"]}}) or use mode snapshot",
					     ref->spec);
	}
	r = rbd_mirror_image_enable2(image, mode);
	if (r < 0)
		return api_image_fail(resp, r, ref, "enabling mirroring of");
	return 0;
}

static int disable(struct response *resp, const struct image_ref *ref, rbd_image_t image,
		   int force)
{
	int enabled, primary, r;

	r = read_info(resp, image, ref, &enabled, &primary);
	if (r < 0)
		return r;
	if (!enabled)
		return 0;
	if (!primary && !force)
		return response_fail(resp, -EBUSY,
				     "image %s is a non-primary copy; disable mirroring on the primary site, or here with {\"enabled\": false, \"force\": true} to keep this copy on its own",
				     ref->spec);
	r = rbd_mirror_image_disable(image, force);
	if (r < 0)
		return api_image_fail(resp, r, ref, "disabling mirroring of");
	return 0;
}

const struct field_spec put_fields[] = {
	{"enabled", FIELD_BOOL, 1},
	{"mode", FIELD_STRING, 0},
	{"force", FIELD_BOOL, 0},
	{NULL, 0, 0},
};

int api_image_mirroring_put(struct request *req, struct response *resp)
{
	struct json_object *body = NULL;
	const char *mode_name = "snapshot";
	rbd_mirror_image_mode_t mode;
	int enabled_wanted, force = 0, r;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image = NULL;

	r = api_body(req, resp, put_fields, &body);
	if (r < 0)
		goto out;
	json_in_bool(body, "enabled", &enabled_wanted);
	json_in_string(body, "mode", &mode_name);
	json_in_bool(body, "force", &force);
	if (mirror_image_mode_parse(mode_name, &mode) < 0) {
		r = response_fail(resp, -EINVAL,
				  "field \"mode\" must be \"journal\" or \"snapshot\", not \"%s\"",
				  mode_name);
		goto out;
	}
	r = api_image_open_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		goto out;
	r = enabled_wanted ? enable(resp, ioctx, &ref, image, mode_name)
			   : disable(resp, &ref, image, force);
	if (r < 0)
		goto out;
	r = respond_image_mirroring(resp, ioctx, &ref, image);
out:
	if (image)
		rbd_close(image);
	json_object_put(body);
	return r;
}

/* Opens the image for a failover action, which needs mirroring enabled
 * on it: 409 saying how to enable it otherwise. */
static int open_mirrored(struct request *req, struct response *resp, struct image_ref *ref,
			 rados_ioctx_t *ioctx, rbd_image_t *image, int *primary)
{
	int enabled, r;

	r = api_image_open_for_change(req, resp, ref, ioctx, image);
	if (r < 0)
		return r;
	r = read_info(resp, *image, ref, &enabled, primary);
	if (r == 0 && !enabled)
		r = response_fail(resp, -EINVAL,
				  "mirroring is not enabled on image %s; enable it first with PUT .../images/%s/mirroring {\"enabled\": true}",
				  ref->spec, ref->name);
	if (r < 0) {
		rbd_close(*image);
		*image = NULL;
	}
	return r;
}

/* The peer sites whose copy of the image says it is primary, or every
 * peer site when none says so (the status can lag), as "site-a, site-b". */
static const char *primary_peers(rados_ioctx_t ioctx, rbd_image_t image, char *buf, size_t len)
{
	rbd_mirror_image_global_status_t global;
	rbd_mirror_peer_site_t peers[16];
	struct text_list names;
	int count = 16, named = 0;

	text_list_init(&names, buf, len);
	if (rbd_mirror_peer_site_list(ioctx, peers, &count) < 0)
		return "the peer site";
	if (rbd_mirror_image_get_global_status(image, &global, sizeof(global)) == 0) {
		for (uint32_t i = 0; i < global.site_statuses_count; i++) {
			const rbd_mirror_image_site_status_t *s = &global.site_statuses[i];

			if (!s->mirror_uuid[0] || !strstr(s->description, "primary"))
				continue;
			for (int j = 0; j < count; j++) {
				if (strcmp(peers[j].mirror_uuid, s->mirror_uuid) == 0) {
					text_list_add(&names, "%s", peers[j].site_name);
					named++;
				}
			}
		}
		rbd_mirror_image_global_status_cleanup(&global);
	}
	for (int j = 0; !named && j < count; j++)
		text_list_add(&names, "%s", peers[j].site_name);
	rbd_mirror_peer_site_list_cleanup(peers, count);
	return text_list_finish(&names);
}

const struct field_spec promote_fields[] = {
	{"force", FIELD_BOOL, 0},
	{NULL, 0, 0},
};

int api_image_mirroring_promote(struct request *req, struct response *resp)
{
	struct json_object *body = NULL;
	int force = 0, primary, r;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image = NULL;
	char sites[512];

	/* The body is optional: a bare POST promotes without force. */
	if (req->body_len) {
		r = api_body(req, resp, promote_fields, &body);
		if (r < 0)
			goto out;
		json_in_bool(body, "force", &force);
	}
	r = open_mirrored(req, resp, &ref, &ioctx, &image, &primary);
	if (r < 0)
		goto out;
	if (primary) {
		r = response_fail(resp, -EBUSY, "image %s is already primary on this site",
				  ref.spec);
		goto out;
	}
	r = rbd_mirror_image_promote(image, force);
	/* EROFS: the demotion is on its way. The demote's mirror snapshot
	 * has not been copied here yet, and this site's rbd-mirror holds the
	 * image's exclusive lock while it copies, refusing (read-only) to
	 * hand it over to the promote. A second later the promote works. */
	if (r == -EROFS && !force) {
		r = response_fail(resp, -EBUSY,
				  "image %s is still primary on peer site %s, or its demotion there has not reached this site yet; demote it there first and try again in a moment, or promote with {\"force\": true} if that site is lost",
				  ref.spec, primary_peers(ioctx, image, sites, sizeof(sites)));
		goto out;
	}
	if (r == -EBUSY) {
		r = response_fail(resp, r,
				  "image %s is still primary on peer site %s; demote it there first, or promote with {\"force\": true} if that site is lost",
				  ref.spec, primary_peers(ioctx, image, sites, sizeof(sites)));
		goto out;
	}
	if (r < 0) {
		api_image_fail(resp, r, &ref, "promoting");
		goto out;
	}
	r = respond_image_mirroring(resp, ioctx, &ref, image);
out:
	if (image)
		rbd_close(image);
	json_object_put(body);
	return r;
}

int api_image_mirroring_demote(struct request *req, struct response *resp)
{
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image = NULL;
	int primary, r;

	r = open_mirrored(req, resp, &ref, &ioctx, &image, &primary);
	if (r < 0)
		return r;
	if (!primary) {
		r = response_fail(resp, -EBUSY, "image %s is not primary on this site", ref.spec);
		goto out;
	}
	r = rbd_mirror_image_demote(image);
	if (r < 0) {
		api_image_fail(resp, r, &ref, "demoting");
		goto out;
	}
	r = respond_image_mirroring(resp, ioctx, &ref, image);
out:
	rbd_close(image);
	return r;
}

int api_image_mirroring_resync(struct request *req, struct response *resp)
{
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image = NULL;
	int primary, r;

	r = open_mirrored(req, resp, &ref, &ioctx, &image, &primary);
	if (r < 0)
		return r;
	if (primary) {
		r = response_fail(resp, -EINVAL,
				  "image %s is primary on this site: a resync replaces a non-primary copy with the primary's data; demote it first",
				  ref.spec);
		goto out;
	}
	r = rbd_mirror_image_resync(image);
	if (r < 0) {
		api_image_fail(resp, r, &ref, "flagging for resync");
		goto out;
	}
	r = respond_image_mirroring(resp, ioctx, &ref, image);
	if (r == 0)
		resp->status = 202;   /* rbd-mirror does it, later */
out:
	rbd_close(image);
	return r;
}

int api_image_mirroring_snapshot(struct request *req, struct response *resp)
{
	rbd_mirror_image_mode_t mode;
	struct json_object *body;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image = NULL;
	uint64_t snap_id;
	int primary, r;

	r = open_mirrored(req, resp, &ref, &ioctx, &image, &primary);
	if (r < 0)
		return r;
	r = rbd_mirror_image_get_mode(image, &mode);
	if (r < 0) {
		api_image_fail(resp, r, &ref, "reading the mirroring mode of");
		goto out;
	}
	if (mode != RBD_MIRROR_IMAGE_MODE_SNAPSHOT || !primary) {
		r = response_fail(resp, -EINVAL,
				  "image %s is %s; mirror snapshots are taken of a primary image in snapshot mode",
				  ref.spec, !primary ? "not primary on this site" : "mirrored in journal mode");
		goto out;
	}
	r = rbd_mirror_image_create_snapshot(image, &snap_id);
	if (r < 0) {
		api_image_fail(resp, r, &ref, "taking a mirror snapshot of");
		goto out;
	}
	body = json_envelope("MirrorSnapshot");
	if (!body || json_add_string(body, "pool", ref.pool) < 0 ||
	    json_add_string(body, "namespace", ref.ns) < 0 ||
	    json_add_name(body, "image", ref.name, "image") < 0 ||
	    json_add_u64(body, "snapshot_id", snap_id) < 0) {
		json_object_put(body);
		r = response_oom(resp);
		goto out;
	}
	/* 200, not 201: a mirror snapshot is no resource of its own here
	 * (it is listed with the image's snapshots by the rbd CLI only). */
	response_json(resp, 200, body);
out:
	rbd_close(image);
	return r;
}
