/* SPDX-License-Identifier: Apache-2.0 */
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

/* The pool of the {pool} capture as the owner (its default namespace);
 * answers on failure. */
static int owner_pool(struct request *req, struct response *resp, struct config_owner *owner)
{
	memset(owner, 0, sizeof(*owner));
	owner->pool = request_capture(req, "pool");
	snprintf(owner->what, sizeof(owner->what), "pool %s", owner->pool);
	return api_ioctx(req, resp, owner->pool, "", &owner->ioctx);
}

/* The request's image as the owner, opened (read-write under the image
 * lock for a change) and owned by the request; answers on failure. */
static int owner_image(struct request *req, struct response *resp, int change,
		       struct image_ref *ref, struct config_owner *owner)
{
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	r = change ? api_image_use_for_change(req, resp, ref, &ioctx, &image)
		   : api_image_use(req, resp, ref, &ioctx, &image);
	if (r < 0)
		return r;
	memset(owner, 0, sizeof(*owner));
	owner->ioctx = ioctx;
	owner->pool = ref->pool;
	owner->image = image;
	owner->ref = ref;
	snprintf(owner->what, sizeof(owner->what), "image %s", ref->spec);
	return 0;
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

/* The changes of one request, owned by it. */
struct change_set {
	size_t n;
	int own_names;   /* names strdup'd (an image's overrides), else the body's */
	struct config_change changes[];
};

static void release_changes(void *what)
{
	struct change_set *set = what;

	for (size_t i = 0; i < set->n; i++) {
		free(set->changes[i].before);
		if (set->own_names)
			free((char *)set->changes[i].name);
	}
	free(set);
}

/* Room for room changes, owned by the request. */
static int change_set_new(struct request *req, struct response *resp, size_t room,
			  struct change_set **set)
{
	*set = calloc(1, sizeof(**set) + (room + 1) * sizeof((*set)->changes[0]));
	if (!*set)
		return response_oom(resp);
	return api_own(req, resp, release_changes, *set);
}

/* The body of a PUT, its changes parsed (no cluster call yet). */
static int read_put(struct request *req, struct response *resp, const char *kind,
		    struct change_set **set)
{
	struct json_object *body, *options;
	int r;

	r = api_request_body(req, resp, config_put_fields, &body);
	if (r < 0)
		return r;
	json_object_object_get_ex(body, "options", &options);
	r = change_set_new(req, resp, (size_t)json_object_object_length(options), set);
	if (r < 0)
		return r;
	return parse_changes(resp, kind, options, (*set)->changes, &(*set)->n);
}

/* Checks the changes against the owner's option table, then makes them
 * all or none, then answers with the options as they are now. librbd
 * lists an image's options afresh from its pool's and its own metadata,
 * so the handle the changes were made through gives the answer. */
static int change_config(struct response *resp, const struct config_owner *owner,
			 struct change_set *set)
{
	int r = check_known(resp, owner, set->changes, set->n);

	if (r == 0)
		r = apply_changes(resp, owner, set->changes, set->n);
	if (r == 0)
		r = respond_config(resp, owner, 200);
	return r;
}

int api_pool_config_get(struct request *req, struct response *resp)
{
	struct config_owner owner;
	int r;

	r = owner_pool(req, resp, &owner);
	if (r < 0)
		return r;
	return respond_config(resp, &owner, 200);
}

int api_pool_config_put(struct request *req, struct response *resp)
{
	struct config_owner owner;
	struct change_set *set = NULL;
	int r;

	r = read_put(req, resp, "pool", &set);
	if (r < 0)
		return r;
	r = owner_pool(req, resp, &owner);
	if (r < 0)
		return r;
	return change_config(resp, &owner, set);
}

int api_image_config_get(struct request *req, struct response *resp)
{
	struct config_owner owner;
	struct image_ref ref;
	int r;

	r = owner_image(req, resp, 0, &ref, &owner);
	if (r < 0)
		return r;
	return respond_config(resp, &owner, 200);
}

int api_image_config_put(struct request *req, struct response *resp)
{
	struct config_owner owner;
	struct change_set *set = NULL;
	struct image_ref ref;
	int r;

	r = read_put(req, resp, "image", &set);
	if (r < 0)
		return r;
	r = owner_image(req, resp, 1, &ref, &owner);
	if (r < 0)
		return r;
	return change_config(resp, &owner, set);
}

/* Every override the image has, as changes that remove them. */
static int image_overrides(struct request *req, struct response *resp,
			   const struct config_owner *owner, struct change_set **set)
{
	rbd_config_option_t *list = NULL;
	int count = 0, r;

	r = config_options_list(owner->image, owner->ioctx, &list, &count);
	if (r < 0)
		return response_fail(resp, r, "cannot read the RBD options of %s: %s", owner->what,
				     strerror(-r));
	r = change_set_new(req, resp, (size_t)count, set);
	if (r == 0)
		(*set)->own_names = 1;
	for (int i = 0; r == 0 && i < count; i++) {
		struct config_change *c = &(*set)->changes[(*set)->n];

		if (list[i].source != RBD_CONFIG_SOURCE_IMAGE)
			continue;
		/* librbd's list lives until config_options_free. */
		c->name = strdup(list[i].name);
		if (!c->name)
			r = response_oom(resp);
		else
			(*set)->n++;
	}
	config_options_free(owner->image, list, count);
	return r;
}

int api_image_config_delete(struct request *req, struct response *resp)
{
	struct config_owner owner;
	struct change_set *set = NULL;
	struct image_ref ref;
	int r;

	r = owner_image(req, resp, 1, &ref, &owner);
	if (r < 0)
		return r;
	r = image_overrides(req, resp, &owner, &set);
	if (r < 0)
		return r;
	r = apply_changes(resp, &owner, set->changes, set->n);
	if (r < 0)
		return r;
	response_json(resp, 204, NULL);
	return 0;
}
