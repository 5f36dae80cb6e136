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

#include <rbd/librbd.h>

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
static int parse_put(struct request *req, struct response *resp, struct json_object **body,
		     struct qos_change *changes, size_t *nchanges)
{
	int r = api_body(req, resp, qos_fields, body);

	if (r < 0)
		return r;
	*nchanges = 0;
	for (size_t i = 0; i < QOS_KEYS; i++) {
		const char *key = qos_fields[i].name;
		struct qos_change *c = &changes[*nchanges];
		struct json_object *field;

		if (!json_object_object_get_ex(*body, key, &field))
			continue;
		c->key = key;
		c->clear = field == NULL;
		if (field && strstr(key, "_iops_") && json_object_is_type(field, json_type_string))
			return response_fail(resp, -EINVAL,
					     "field \"%s\" counts I/O operations per second: give an integer, not \"%s\"",
					     key, json_object_get_string(field));
		if (field)
			json_in_size(*body, key, &c->value);
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

/* The QoS resource of an image, answered with status. */
static int respond_image_qos(struct response *resp, rados_ioctx_t ioctx,
			     const struct image_ref *ref, int status)
{
	struct json_object *body = json_envelope("QoS");
	rbd_config_option_t *options = NULL;
	rbd_image_t image;
	int count = 0, r;

	if (!body || json_add_string(body, "pool", ref->pool) < 0 ||
	    json_add_string(body, "namespace", ref->ns) < 0 ||
	    json_add_name(body, "image", ref->name, "image") < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	r = api_image_open(resp, ioctx, ref, 0, &image);
	if (r < 0) {
		json_object_put(body);
		return r;
	}
	/* librbd reads the pool's and the image's overrides afresh here. */
	r = config_options_list(image, NULL, &options, &count);
	if (r == 0)
		r = add_limits(body, options, count);
	config_options_free(image, options, count);
	rbd_close(image);
	if (r < 0) {
		json_object_put(body);
		return api_image_fail(resp, r, ref, "reading the configuration of");
	}
	response_json(resp, status, body);
	return 0;
}

/* The QoS resource of a pool, answered with status. */
static int respond_pool_qos(struct response *resp, rados_ioctx_t ioctx, const char *pool,
			    int status)
{
	struct json_object *body = json_envelope("QoS");
	rbd_config_option_t *options = NULL;
	int count = 0, r;

	if (!body || json_add_string(body, "pool", pool) < 0) {
		json_object_put(body);
		return response_oom(resp);
	}
	r = config_options_list(NULL, ioctx, &options, &count);
	if (r == 0)
		r = add_limits(body, options, count);
	config_options_free(NULL, options, count);
	if (r < 0) {
		json_object_put(body);
		return response_fail_errno(resp, r, "reading the configuration of pool %s failed",
					   pool);
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

int api_image_qos_get(struct request *req, struct response *resp)
{
	struct image_ref ref;
	rados_ioctx_t ioctx;
	int r;

	r = api_image_request(req, resp, &ref, &ioctx);
	if (r < 0)
		return r;
	return respond_image_qos(resp, ioctx, &ref, 200);
}

int api_image_qos_put(struct request *req, struct response *resp)
{
	struct qos_change changes[QOS_KEYS];
	struct json_object *body = NULL;
	char value[24], done[512];
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image = NULL;
	size_t nchanges;
	int r;

	r = parse_put(req, resp, &body, changes, &nchanges);
	if (r < 0)
		goto out;
	r = api_image_open_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < nchanges; i++) {
		snprintf(value, sizeof(value), "%" PRIu64, changes[i].value);
		r = config_image_override(image, changes[i].key, changes[i].clear ? NULL : value);
		if (r < 0) {
			response_fail_errno(resp, r, "%ssetting %s on image %s failed",
					    applied_before(changes, i, done, sizeof(done)),
					    changes[i].key, ref.spec);
			goto out;
		}
	}
	rbd_close(image);
	image = NULL;
	r = respond_image_qos(resp, ioctx, &ref, 200);
out:
	if (image)
		rbd_close(image);
	json_object_put(body);
	return r;
}

int api_pool_qos_get(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	rados_ioctx_t ioctx;
	int r;

	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	return respond_pool_qos(resp, ioctx, pool, 200);
}

int api_pool_qos_put(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct qos_change changes[QOS_KEYS];
	struct json_object *body = NULL;
	char value[24], done[512];
	rados_ioctx_t ioctx;
	size_t nchanges;
	int r;

	r = parse_put(req, resp, &body, changes, &nchanges);
	if (r < 0)
		goto out;
	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < nchanges; i++) {
		snprintf(value, sizeof(value), "%" PRIu64, changes[i].value);
		r = config_pool_override(ioctx, changes[i].key, changes[i].clear ? NULL : value);
		if (r < 0) {
			response_fail_errno(resp, r, "%ssetting %s on pool %s failed",
					    applied_before(changes, i, done, sizeof(done)),
					    changes[i].key, pool);
			goto out;
		}
	}
	r = respond_pool_qos(resp, ioctx, pool, 200);
out:
	json_object_put(body);
	return r;
}
