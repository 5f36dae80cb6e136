/* api_pool_config.c - GET/PUT /api/v1/pools/{pool}/config: the pool's
 * RBD defaults, what `rbd config pool ls/get/set/rm` reads and sets
 * (rbd_default_features, rbd_default_order, rbd_cache, the QoS limits,
 * ...). Every option librbd lets a pool override is listed, with its
 * value and where that comes from ("pool" for an override, else
 * "config"); a PUT sets the options it names (null removes an override).
 *
 * librbd's own option table decides which keys exist (an unknown one is a
 * 400 naming it, before anything is written) and librbd checks each value
 * as it is written; a value it refuses undoes the PUT's earlier changes,
 * so a PUT changes all it names or nothing. The QoS resource of a pool
 * (api_qos.c) is a view of the same overrides (rbd/config_options.h). */
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

static const struct field_spec config_put_fields[] = {
	{"options", FIELD_OBJECT, 1},
	{NULL, 0, 0},
};

static int respond_config(struct response *resp, rados_ioctx_t ioctx, const char *pool,
			  int status)
{
	struct json_object *body = json_envelope("PoolConfig");
	struct json_object *options = json_object_new_object();
	struct json_object *sources = json_object_new_object();
	rbd_config_option_t *list = NULL;
	int count = 0, r;

	r = body && options && sources ? 0 : -ENOMEM;
	if (r == 0)
		r = json_add_name(body, "pool", pool, "pool");
	if (r < 0)
		goto oom;
	r = config_options_list(NULL, ioctx, &list, &count);
	if (r == -ENOMEM)
		goto oom;
	if (r < 0) {
		json_object_put(body);
		json_object_put(options);
		json_object_put(sources);
		return response_fail(resp, r, "cannot read the RBD options of pool %s: %s", pool,
				     strerror(-r));
	}
	for (int i = 0; r == 0 && i < count; i++) {
		r = json_add_string(options, list[i].name, list[i].value);
		if (r == 0)
			r = json_add_string(sources, list[i].name,
					    config_source_name(list[i].source));
	}
	config_options_free(NULL, list, count);
	if (r < 0)
		goto oom;
	json_object_object_add(body, "options", options);
	json_object_object_add(body, "sources", sources);
	response_json(resp, status, body);
	return 0;
oom:
	json_object_put(body);
	json_object_put(options);
	json_object_put(sources);
	return response_oom(resp);
}

int api_pool_config_get(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	rados_ioctx_t ioctx;
	int r;

	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	return respond_config(resp, ioctx, pool, 200);
}

/* One option of a PUT: its new text (NULL = remove the override), and
 * the override it had (NULL = none), to undo it. */
struct config_change {
	const char *name;
	char value[64];
	const char *text;
	char *before;
};

/* The text librbd parses for value: a string as it is, a number or a
 * boolean as JSON writes it. 400 naming the option for anything else. */
static int value_text(struct response *resp, const char *name, struct json_object *value,
		      struct config_change *c)
{
	c->name = name;
	c->text = NULL;
	c->before = NULL;
	switch (value ? json_object_get_type(value) : json_type_null) {
	case json_type_null:
		return 0;
	case json_type_string:
		c->text = json_object_get_string(value);
		return 0;
	case json_type_int:
	case json_type_boolean:
		snprintf(c->value, sizeof(c->value), "%s",
			 json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN));
		c->text = c->value;
		return 0;
	default:
		return response_fail(resp, -EINVAL,
				     "option \"%s\" in field \"options\" must be a string, an integer, a boolean or null (to remove the pool's override), not %s",
				     name, json_type_to_name(json_object_get_type(value)));
	}
}

/* Checks every key against librbd's option table before anything is
 * written. */
static int parse_changes(struct response *resp, rados_ioctx_t ioctx, const char *pool,
			 struct json_object *options, struct config_change *changes, size_t *n)
{
	rbd_config_option_t *list = NULL;
	int count = 0, r;

	*n = 0;
	if (json_object_object_length(options) == 0)
		return response_fail(resp, -EINVAL,
				     "field \"options\" is empty: give one or more options, a value or null to remove the pool's override");
	r = config_options_list(NULL, ioctx, &list, &count);
	if (r < 0)
		return response_fail(resp, r, "cannot read the RBD options of pool %s: %s", pool,
				     strerror(-r));
	json_object_object_foreach(options, key, value)
	{
		int known = 0;

		for (int i = 0; i < count && !known; i++)
			known = strcmp(list[i].name, key) == 0;
		if (!known) {
			r = response_fail(resp, -EINVAL,
					  "unknown option \"%s\" in field \"options\": librbd has no such option a pool can set (GET /api/v1/pools/%s/config lists them)",
					  key, pool);
			break;
		}
		r = value_text(resp, key, value, &changes[*n]);
		if (r < 0)
			break;
		(*n)++;
	}
	config_options_free(NULL, list, count);
	return r;
}

/* Puts back the overrides changes[0..n) had. */
static void undo(rados_ioctx_t ioctx, const struct config_change *changes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(void)config_pool_override(ioctx, changes[i].name, changes[i].before);
}

int api_pool_config_put(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct json_object *body = NULL, *options;
	struct config_change *changes = NULL;
	rados_ioctx_t ioctx;
	size_t n = 0, done = 0;
	int r;

	r = api_body(req, resp, config_put_fields, &body);
	if (r < 0)
		return r;
	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		goto out;
	json_object_object_get_ex(body, "options", &options);
	changes = calloc((size_t)json_object_object_length(options) + 1, sizeof(*changes));
	if (!changes) {
		r = response_oom(resp);
		goto out;
	}
	r = parse_changes(resp, ioctx, pool, options, changes, &n);
	if (r < 0)
		goto out;
	for (done = 0; done < n; done++) {
		struct config_change *c = &changes[done];

		r = config_pool_override_get(ioctx, c->name, &c->before);
		if (r == -ENOENT)
			r = 0;
		if (r == 0)
			r = config_pool_override(ioctx, c->name, c->text);
		if (r < 0)
			break;
	}
	if (r < 0) {
		undo(ioctx, changes, done);
		if (r == -EINVAL)
			response_fail(resp, r,
				      "option \"%s\" in field \"options\": librbd refuses the value \"%s\"; nothing changed",
				      changes[done].name, changes[done].text ? changes[done].text : "");
		else
			response_fail(resp, r, "setting option %s of pool %s failed: %s%s",
				      changes[done].name, pool, strerror(-r),
				      done ? "; the options before it were put back" : "");
		goto out;
	}
	r = respond_config(resp, ioctx, pool, 200);
out:
	for (size_t i = 0; changes && i < n; i++)
		free(changes[i].before);
	free(changes);
	json_object_put(body);
	return r;
}
