/* SPDX-License-Identifier: Apache-2.0 */
/* api_qos.c - .../images/{image}/qos and /api/v1/pools/{pool}/qos.
 *
 * QoS limits are librbd configuration options (rbd_qos_iops_limit, ...),
 * stored where Ceph itself stores overrides, so `rbd config image ls` and
 * `rbd config pool get` show what this API sets:
 *   - per image as image metadata "conf_<option>" (`rbd config image set`),
 *   - per pool as pool metadata "conf_<option>" (`rbd config pool set`),
 *     the same keys as a pool's RBD defaults and an image's options
 *     (api_config.c), through one mechanism (rbd/config_options.h).
 * An image override wins over a pool one, which wins over the Ceph
 * configuration. An explicit 0 is an override too ("unlimited", even if
 * the pool says otherwise), so a PUT of null removes an override instead.
 *
 * Only librbd clients (QEMU, rbd-nbd, ...) enforce these limits; the
 * kernel's krbd does not. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config_options.h"
#include "json_out.h"
#include "routes.h"

#define QOS_FIELD(name) {name, FIELD_SIZE | FIELD_NULLABLE, 0}

/* The options this API manages, in the order responses list them. The
 * *_iops_* ones count operations: integers only, no size strings. */
const struct field_spec qos_fields[] = {
	QOS_FIELD("rbd_qos_iops_limit"),
	QOS_FIELD("rbd_qos_iops_burst"),
	QOS_FIELD("rbd_qos_bps_limit"),
	QOS_FIELD("rbd_qos_bps_burst"),
	QOS_FIELD("rbd_qos_read_iops_limit"),
	QOS_FIELD("rbd_qos_read_iops_burst"),
	QOS_FIELD("rbd_qos_write_iops_limit"),
	QOS_FIELD("rbd_qos_write_iops_burst"),
	QOS_FIELD("rbd_qos_read_bps_limit"),
	QOS_FIELD("rbd_qos_read_bps_burst"),
	QOS_FIELD("rbd_qos_write_bps_limit"),
	QOS_FIELD("rbd_qos_write_bps_burst"),
	{NULL, 0, 0},
};
#define QOS_KEYS (sizeof(qos_fields) / sizeof(qos_fields[0]) - 1)

/* One key of a PUT: set to value, or (clear) remove the override. */
struct qos_change {
	const char *key;
	int clear;
	uint64_t value;
};

/* Reads the PUT body into changes (at most QOS_KEYS); 400 before any
 * cluster call for an empty body or a size string on an iops key. */
static int parse_put(struct request *req, struct response *resp, struct qos_change *changes,
		     size_t *nchanges)
{
	struct json_object *body;
	int r = api_request_body(req, resp, qos_fields, &body);

	if (r < 0)
		return r;
	*nchanges = 0;
	for (size_t i = 0; i < QOS_KEYS; i++) {
		const char *key = qos_fields[i].name;
		struct qos_change *c = &changes[*nchanges];
		struct json_object *field;

		if (!json_object_object_get_ex(body, key, &field))
			continue;
		c->key = key;
		c->clear = field == NULL;
		if (field && strstr(key, "_iops_") && json_object_is_type(field, json_type_string))
			return response_fail(resp, -EINVAL,
					     "field \"%s\" counts I/O operations per second: give an integer, not \"%s\"",
					     key, json_object_get_string(field));
		if (field)
			json_in_size(body, key, &c->value);
		(*nchanges)++;
	}
	if (*nchanges == 0)
		return response_fail(resp, -EINVAL,
				     "nothing to change: give one or more rbd_qos_* keys, a number (0 = unlimited) or null to remove the override");
	return 0;
}

/* Fills body's "limits" (effective value per key) and "sources" (where
 * each comes from) from librbd's option list. */
static int add_limits(struct json_object *body, const rbd_config_option_t *options, int count)
{
	struct json_object *limits = json_object_new_object();
	struct json_object *sources = json_object_new_object();
	int r = 0;

	if (!limits || !sources) {
		json_object_put(limits);
		json_object_put(sources);
		return -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < QOS_KEYS; i++) {
		const char *key = qos_fields[i].name;
		rbd_config_source_t source = RBD_CONFIG_SOURCE_CONFIG;
		uint64_t value = 0;

		for (int j = 0; j < count; j++) {
			if (strcmp(options[j].name, key) == 0) {
				value = strtoull(options[j].value, NULL, 10);
				source = options[j].source;
				break;
			}
		}
		r = json_add_u64(limits, key, value);
		if (r == 0)
			r = json_add_string(sources, key, config_source_name(source));
	}
	if (r < 0) {
		json_object_put(limits);
		json_object_put(sources);
		return r;
	}
	json_object_object_add(body, "limits", limits);
	json_object_object_add(body, "sources", sources);
	return 0;
}

/* Whose limits a request reads or changes: a pool's (image NULL) or an
 * open image's (ref). */
struct qos_owner {
	rados_ioctx_t ioctx;
	rbd_image_t image;
	struct image_ref ref;            /* the image's, when image is set */
	const char *pool;
	char what[IMAGE_SPEC_MAX + 8];   /* "pool rbd", "image rbd/vol1" */
};

/* The QoS resource of the owner, answered with status. */
static int respond_qos(struct response *resp, const struct qos_owner *owner, int status)
{
	struct json_object *body = json_envelope("QoS");
	rbd_config_option_t *options = NULL;
	int count = 0, r;

	r = body ? json_add_string(body, "pool", owner->pool) : -ENOMEM;
	if (r == 0 && owner->image)
		r = json_add_string(body, "namespace", owner->ref.ns);
	if (r == 0 && owner->image)
		r = json_add_name(body, "image", owner->ref.name, "image");
	if (r < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	/* librbd reads the pool's and the image's overrides afresh here. */
	r = config_options_list(owner->image, owner->ioctx, &options, &count);
	if (r == 0)
		r = add_limits(body, options, count);
	config_options_free(owner->image, options, count);
	if (r < 0) {
		json_object_put(body);
		if (owner->image)
			return api_image_fail(resp, r, &owner->ref, "reading the configuration of");
		return response_fail_errno(resp, r, "reading the configuration of %s failed",
					   owner->what);
	}
	response_json(resp, status, body);
	return 0;
}

/* What the changes before index i did, for a message about a failure
 * half-way: "" when i is 0. */
static const char *applied_before(const struct qos_change *changes, size_t i, char *buf,
				  size_t buflen)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t j = 0; j < i; j++) {
		int n = snprintf(buf + used, buflen - used, "%s%s", j ? ", " : "", changes[j].key);

		if (n < 0 || (size_t)n >= buflen - used)
			break;
		used += (size_t)n;
	}
	if (used)
		strncat(buf, " changed, but ", buflen - used - 1);
	return buf;
}

/* Sets or removes the owner's overrides, in the body's order; on a
 * failure says which were changed before it. */
static int apply_changes(struct response *resp, const struct qos_owner *owner,
			 const struct qos_change *changes, size_t nchanges)
{
	char value[24], done[512];
	int r;

	for (size_t i = 0; i < nchanges; i++) {
		const char *text = changes[i].clear ? NULL : value;

		snprintf(value, sizeof(value), "%" PRIu64, changes[i].value);
		r = owner->image ? config_image_override(owner->image, changes[i].key, text)
				 : config_pool_override(owner->ioctx, changes[i].key, text);
		if (r < 0)
			return response_fail_errno(resp, r, "%ssetting %s on %s failed",
						   applied_before(changes, i, done, sizeof(done)),
						   changes[i].key, owner->what);
	}
	return 0;
}

/* Fills owner for the request, opened for reading, or for a change when
 * change is set; answers on failure. */
typedef int (*qos_owner_fn)(struct request *req, struct response *resp, int change,
			    struct qos_owner *owner);

/* The request's image as the owner, opened (read-write under the image
 * lock for a change) and owned by the request. */
static int image_owner(struct request *req, struct response *resp, int change,
		       struct qos_owner *owner)
{
	int r = change ? api_image_use_for_change(req, resp, &owner->ref, &owner->ioctx,
						  &owner->image)
		       : api_image_use(req, resp, &owner->ref, &owner->ioctx, &owner->image);

	if (r < 0)
		return r;
	owner->pool = owner->ref.pool;
	snprintf(owner->what, sizeof(owner->what), "image %s", owner->ref.spec);
	return 0;
}

/* The pool of the {pool} capture as the owner (its default namespace). */
static int pool_owner(struct request *req, struct response *resp, int change,
		      struct qos_owner *owner)
{
	(void)change;
	owner->image = NULL;
	owner->pool = request_capture(req, "pool");
	snprintf(owner->what, sizeof(owner->what), "pool %s", owner->pool);
	return api_ioctx(req, resp, owner->pool, "", &owner->ioctx);
}

static int get_limits(struct request *req, struct response *resp, qos_owner_fn find)
{
	struct qos_owner owner;
	int r = find(req, resp, 0, &owner);

	return r < 0 ? r : respond_qos(resp, &owner, 200);
}

/* An image's answer reads it afresh, through a new read-only open. */
static int put_limits(struct request *req, struct response *resp, qos_owner_fn find)
{
	struct qos_change changes[QOS_KEYS];
	struct qos_owner owner;
	size_t nchanges;
	int r;

	r = parse_put(req, resp, changes, &nchanges);
	if (r < 0)
		return r;
	r = find(req, resp, 1, &owner);
	if (r < 0)
		return r;
	r = apply_changes(resp, &owner, changes, nchanges);
	if (r < 0)
		return r;
	if (owner.image) {
		api_release(req, owner.image);
		r = api_image_open_owned(req, resp, owner.ioctx, &owner.ref, 0, &owner.image);
		if (r < 0)
			return r;
	}
	return respond_qos(resp, &owner, 200);
}

int api_image_qos_get(struct request *req, struct response *resp)
{
	return get_limits(req, resp, image_owner);
}

int api_image_qos_put(struct request *req, struct response *resp)
{
	return put_limits(req, resp, image_owner);
}

int api_pool_qos_get(struct request *req, struct response *resp)
{
	return get_limits(req, resp, pool_owner);
}

int api_pool_qos_put(struct request *req, struct response *resp)
{
	return put_limits(req, resp, pool_owner);
}
