/* api_config.c - librbd's options of a pool and of an image:
 *   GET/PUT /api/v1/pools/{pool}/config: the pool's RBD defaults, what
 *     `rbd config pool ls/get/set/rm` reads and sets (rbd_default_features,
 *     rbd_default_order, rbd_cache, the QoS limits, ...);
 *   GET/PUT/DELETE .../images/{image}/config: one image's, what
 *     `rbd config image ls/get/set/rm` reads and sets.
 * Every option librbd lets the pool (or the image) override is listed,
 * with its value and where that comes from ("image" for an image's
 * override, "pool" for the pool's, else "config"); a PUT sets the options
 * it names (null removes an override); DELETE of an image's removes all
 * its overrides, so the image follows its pool again.
 *
 * librbd's own option table decides which keys exist (an unknown one is a
 * 400 naming it, before anything is written) and librbd checks each value
 * as it is written; a value it refuses undoes the PUT's earlier changes,
 * so a PUT changes all it names or nothing. The QoS resources (api_qos.c)
 * are views of the same overrides, through one mechanism
 * (rbd/config_options.h). */
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

const struct field_spec config_put_fields[] = {
	{"options", FIELD_OBJECT, 1},
	{NULL, 0, 0},
};

/* Whose options a request reads or changes: a pool's (image NULL) or an
 * open image's. */
struct config_owner {
	rados_ioctx_t ioctx;
	const char *pool;
	rbd_image_t image;
	const struct image_ref *ref;
	char what[IMAGE_SPEC_MAX + 8]; /* "pool rbd", "image rbd/vol1" */
};

static void owner_pool(struct config_owner *owner, rados_ioctx_t ioctx, const char *pool)
{
	memset(owner, 0, sizeof(*owner));
	owner->ioctx = ioctx;
	owner->pool = pool;
	snprintf(owner->what, sizeof(owner->what), "pool %s", pool);
}

static void owner_image(struct config_owner *owner, rados_ioctx_t ioctx,
			const struct image_ref *ref, rbd_image_t image)
{
	memset(owner, 0, sizeof(*owner));
	owner->ioctx = ioctx;
	owner->pool = ref->pool;
	owner->image = image;
	owner->ref = ref;
	snprintf(owner->what, sizeof(owner->what), "image %s", ref->spec);
}

static int owner_override(const struct config_owner *owner, const char *option, const char *value)
{
	return owner->image ? config_image_override(owner->image, option, value)
			    : config_pool_override(owner->ioctx, option, value);
}

static int owner_override_get(const struct config_owner *owner, const char *option, char **value)
{
	return owner->image ? config_image_override_get(owner->image, option, value)
			    : config_pool_override_get(owner->ioctx, option, value);
}

/* The envelope naming the owner: a PoolConfig or an ImageConfig. */
static struct json_object *config_envelope(const struct config_owner *owner)
{
	struct json_object *body = json_envelope(owner->image ? "ImageConfig" : "PoolConfig");
	int r = body ? json_add_name(body, "pool", owner->pool, "pool") : -ENOMEM;

	if (r == 0 && owner->image)
		r = json_add_name(body, "namespace", owner->ref->ns, "namespace");
	if (r == 0 && owner->image)
		r = json_add_name(body, "image", owner->ref->name, "image");
	if (r < 0) {
		json_object_put(body);
		return NULL;
	}
	return body;
}

static int respond_config(struct response *resp, const struct config_owner *owner, int status)
{
	struct json_object *body = config_envelope(owner);
	struct json_object *options = json_object_new_object();
	struct json_object *sources = json_object_new_object();
	rbd_config_option_t *list = NULL;
	int count = 0, r;

	r = body && options && sources ? 0 : -ENOMEM;
	if (r < 0)
		goto oom;
	r = config_options_list(owner->image, owner->ioctx, &list, &count);
	if (r == -ENOMEM)
		goto oom;
	if (r < 0) {
		json_object_put(body);
		json_object_put(options);
		json_object_put(sources);
		return response_fail(resp, r, "cannot read the RBD options of %s: %s", owner->what,
				     strerror(-r));
	}
	for (int i = 0; r == 0 && i < count; i++) {
		r = json_add_string(options, list[i].name, list[i].value);
		if (r == 0)
			r = json_add_string(sources, list[i].name,
					    config_source_name(list[i].source));
	}
	config_options_free(owner->image, list, count);
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
static int value_text(struct response *resp, const char *kind, const char *name,
		      struct json_object *value, struct config_change *c)
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
				     "option \"%s\" in field \"options\" must be a string, an integer, a boolean or null (to remove the %s's override), not %s",
				     name, kind, json_type_to_name(json_object_get_type(value)));
	}
}

/* The body's options into changes, before any cluster call: 400 for an
 * empty object or a value of the wrong JSON type. */
static int parse_changes(struct response *resp, const char *kind, struct json_object *options,
			 struct config_change *changes, size_t *n)
{
	int r = 0;

	*n = 0;
	if (json_object_object_length(options) == 0)
		return response_fail(resp, -EINVAL,
				     "field \"options\" is empty: give one or more options, a value or null to remove the %s's override",
				     kind);
	json_object_object_foreach(options, key, value)
	{
		r = value_text(resp, kind, key, value, &changes[*n]);
		if (r < 0)
			break;
		(*n)++;
	}
	return r;
}

/* Checks every name against librbd's option table for the owner before
 * anything is written: 400 naming the first it does not know. */
static int check_known(struct response *resp, const struct config_owner *owner,
		       const struct config_change *changes, size_t n)
{
	rbd_config_option_t *list = NULL;
	int count = 0, r;

	r = config_options_list(owner->image, owner->ioctx, &list, &count);
	if (r < 0)
		return response_fail(resp, r, "cannot read the RBD options of %s: %s", owner->what,
				     strerror(-r));
	for (size_t c = 0; r == 0 && c < n; c++) {
		int known = 0;

		for (int i = 0; i < count && !known; i++)
			known = strcmp(list[i].name, changes[c].name) == 0;
		if (!known)
			r = response_fail(resp, -EINVAL,
					  "unknown option \"%s\" in field \"options\": librbd has no such option %s can set (GET %s%s/config lists them)",
					  changes[c].name, owner->image ? "an image" : "a pool",
					  owner->image ? ".../images/" : "/api/v1/pools/",
					  owner->image ? owner->ref->name : owner->pool);
	}
	config_options_free(owner->image, list, count);
	return r;
}

/* Puts back the overrides changes[0..n) had. */
static void undo(const struct config_owner *owner, const struct config_change *changes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(void)owner_override(owner, changes[i].name, changes[i].before);
}

/* Applies changes[0..n) in order, each after noting the override it
 * replaces; on a failure puts the earlier ones back and answers. */
static int apply_changes(struct response *resp, const struct config_owner *owner,
			 struct config_change *changes, size_t n)
{
	size_t done;
	int r = 0;

	for (done = 0; done < n; done++) {
		struct config_change *c = &changes[done];

		r = owner_override_get(owner, c->name, &c->before);
		if (r == -ENOENT)
			r = 0;
		if (r == 0)
			r = owner_override(owner, c->name, c->text);
		if (r < 0)
			break;
	}
	if (r == 0)
		return 0;
	undo(owner, changes, done);
	if (r == -EINVAL)
		return response_fail(resp, r,
				     "option \"%s\" in field \"options\": librbd refuses the value \"%s\"; nothing changed",
				     changes[done].name, changes[done].text ? changes[done].text : "");
	return response_fail(resp, r, "setting option %s of %s failed: %s%s", changes[done].name,
			     owner->what, strerror(-r),
			     done ? "; the options before it were put back" : "");
}

static void free_changes(struct config_change *changes, size_t n)
{
	for (size_t i = 0; changes && i < n; i++)
		free(changes[i].before);
	free(changes);
}

/* The body of a PUT, its changes parsed (no cluster call yet). */
static int read_put(struct request *req, struct response *resp, const char *kind,
		    struct json_object **body, struct config_change **changes, size_t *n)
{
	struct json_object *options;
	int r;

	*changes = NULL;
	*n = 0;
	r = api_body(req, resp, config_put_fields, body);
	if (r < 0)
		return r;
	json_object_object_get_ex(*body, "options", &options);
	*changes = calloc((size_t)json_object_object_length(options) + 1, sizeof(**changes));
	if (!*changes)
		return response_oom(resp);
	return parse_changes(resp, kind, options, *changes, n);
}

int api_pool_config_get(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct config_owner owner;
	rados_ioctx_t ioctx;
	int r;

	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	owner_pool(&owner, ioctx, pool);
	return respond_config(resp, &owner, 200);
}

int api_pool_config_put(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct json_object *body = NULL;
	struct config_change *changes = NULL;
	struct config_owner owner;
	rados_ioctx_t ioctx;
	size_t n = 0;
	int r;

	r = read_put(req, resp, "pool", &body, &changes, &n);
	if (r < 0)
		goto out;
	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		goto out;
	owner_pool(&owner, ioctx, pool);
	r = check_known(resp, &owner, changes, n);
	if (r == 0)
		r = apply_changes(resp, &owner, changes, n);
	if (r == 0)
		r = respond_config(resp, &owner, 200);
out:
	free_changes(changes, n);
	json_object_put(body);
	return r;
}

int api_image_config_get(struct request *req, struct response *resp)
{
	struct config_owner owner;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = api_image_open_request(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	owner_image(&owner, ioctx, &ref, image);
	r = respond_config(resp, &owner, 200);
	rbd_close(image);
	return r;
}

/* librbd lists an image's options afresh from its pool's and its own
 * metadata, so the handle the changes were made through gives the
 * answer. */
int api_image_config_put(struct request *req, struct response *resp)
{
	struct json_object *body = NULL;
	struct config_change *changes = NULL;
	struct config_owner owner;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image = NULL;
	size_t n = 0;
	int r;

	r = read_put(req, resp, "image", &body, &changes, &n);
	if (r < 0)
		goto out;
	r = api_image_open_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		goto out;
	owner_image(&owner, ioctx, &ref, image);
	r = check_known(resp, &owner, changes, n);
	if (r == 0)
		r = apply_changes(resp, &owner, changes, n);
	if (r == 0)
		r = respond_config(resp, &owner, 200);
out:
	if (image)
		rbd_close(image);
	free_changes(changes, n);
	json_object_put(body);
	return r;
}

/* Every override the image has, as changes that remove them. */
static int image_overrides(struct response *resp, const struct config_owner *owner,
			   struct config_change **changes, size_t *n)
{
	rbd_config_option_t *list = NULL;
	int count = 0, r;

	*changes = NULL;
	*n = 0;
	r = config_options_list(owner->image, owner->ioctx, &list, &count);
	if (r < 0)
		return response_fail(resp, r, "cannot read the RBD options of %s: %s", owner->what,
				     strerror(-r));
	*changes = calloc((size_t)count + 1, sizeof(**changes));
	r = *changes ? 0 : -ENOMEM;
	for (int i = 0; r == 0 && i < count; i++) {
		if (list[i].source != RBD_CONFIG_SOURCE_IMAGE)
			continue;
		/* librbd's list lives until config_options_free. */
		(*changes)[*n].name = strdup(list[i].name);
		if (!(*changes)[*n].name)
			r = -ENOMEM;
		else
			(*n)++;
	}
	config_options_free(owner->image, list, count);
	return r < 0 ? response_oom(resp) : 0;
}

int api_image_config_delete(struct request *req, struct response *resp)
{
	struct config_change *changes = NULL;
	struct config_owner owner;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	size_t n = 0;
	int r;

	r = api_image_open_for_change(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	owner_image(&owner, ioctx, &ref, image);
	r = image_overrides(resp, &owner, &changes, &n);
	if (r == 0)
		r = apply_changes(resp, &owner, changes, n);
	if (r == 0)
		response_json(resp, 204, NULL);
	for (size_t i = 0; changes && i < n; i++)
		free((char *)changes[i].name);
	free_changes(changes, n);
	rbd_close(image);
	return r;
}
