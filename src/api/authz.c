/* SPDX-License-Identifier: Apache-2.0 */
/* authz.c - who may run which route on which object, and what they see.
 *
 * The route table (routes.c) gives every route a verb and a scope; this
 * file turns the request's REMOTE_USER, the policy the worker inherited
 * from the master (conf->authz) and the route's captures into allow, 403
 * or 404. Objects outside every scope of the user answer 404 worded as a
 * missing one, so a scoped user cannot learn which pools or namespaces
 * exist; inside a visible scope a refused verb is a 403 that says why. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "api_tasks.h"
#include "authz.h"
#include "conf.h"
#include "json_in.h"
#include "json_out.h"
#include "policy.h"
#include "routes.h"

static const struct policy *req_policy(const struct request *req)
{
	return req->env->conf->authz;
}

static int deny(struct request *req, struct response *resp, const char *role, unsigned verb,
		const char *action, const char *pool, const char *ns)
{
	req->decision = "denied";
	if (!role)
		return response_fail(resp, -EACCES, "user %s has no role in the policy", req->user);
	if (!pool)
		return response_fail(resp, -EACCES, "user %s (role %s) may not %s (verb %s on scope *)",
				     req->user, role, action, policy_verb_name(verb));
	return response_fail(resp, -EACCES, "user %s (role %s) may not %s in %s%s%s (verb %s)",
			     req->user, role, action, pool, ns && *ns ? "/" : "", ns ? ns : "",
			     policy_verb_name(verb));
}

static int item_visible(const struct request *req, struct json_object *item);

/* Only the task knows its image: read it first (a read, the only cluster
 * call before a decision), then ask for the verb where the image is. A
 * task outside the user's scopes is missing to them. Users with the verb
 * on every pool skip the read. */
static int check_task_cancel(struct request *req, struct response *resp)
{
	const struct policy *policy = req_policy(req);
	struct json_object *image;
	struct response probe;
	const char *role, *pool, *ns;
	int r = 0;

	if (policy_verbs(policy, req->user, NULL, NULL, &role) & VERB_TASKS)
		return 0;
	response_init(&probe);
	/* A failed read is not this check's to answer: the cancel itself
	 * meets the same and says so. */
	if (api_task_get(req, &probe) < 0 || probe.status != 200 || !probe.body)
		goto out;
	if (!item_visible(req, probe.body)) {
		req->decision = "denied";
		r = api_task_missing(req, resp);
		goto out;
	}
	if (!json_object_object_get_ex(probe.body, "image", &image))
		goto out;
	pool = json_in_get_string(image, "pool");
	ns = json_in_get_string(image, "namespace");
	if (pool && !(policy_verbs(policy, req->user, pool, ns ? ns : "", &role) & VERB_TASKS))
		r = deny(req, resp, role, VERB_TASKS, "cancel tasks", pool, ns);
out:
	response_free(&probe);
	return r;
}

/* The 404 of a missing object, for one in a namespace outside the
 * user's scopes: the handlers' own answer for the first object the path
 * names, so a hidden object and a missing one read alike. Returns 0 when
 * the path names none (a collection: the caller answers 403, since every
 * pool has a default namespace and saying so tells nothing). */
static int object_hidden(struct request *req, struct response *resp)
{
	const char *image = request_capture(req, "image");
	struct image_ref ref;

	if (req->match.route->handler == api_snapshot_schedule_delete)
		return api_snapshot_schedule_missing(req, resp);
	if (image) {
		api_image_ref(&ref, req, image);
		return api_image_fail(resp, -ENOENT, &ref, "reading");
	}
	if (request_capture(req, "group"))
		return api_group_missing(req, resp);
	return 0;
}

int authz_sees(const struct request *req, const char *pool, const char *ns)
{
	return policy_sees(req_policy(req), req->user, pool, ns);
}

int authz_check_item(struct request *req, struct response *resp, const char *pool,
		     const char *ns)
{
	const struct route *route = req->match.route;
	const char *role;

	if (policy_verbs(req_policy(req), req->user, pool, ns, &role) & route->verb)
		return 0;
	return deny(req, resp, role, route->verb, route->action, pool, ns);
}

int authz_check(struct request *req, struct response *resp)
{
	const struct route *route = req->match.route;
	const struct policy *policy = req_policy(req);
	const char *pool = request_capture(req, "pool");
	const char *ns_capture = request_capture(req, "namespace");
	const char *ns = ns_capture ? ns_capture : "";
	const char *role = NULL;
	unsigned verbs;
	int r;

	req->decision = "allowed";
	if (route->scope == ROUTE_SCOPE_PUBLIC)
		return 0;
	/* The web server authenticates; without its user nobody is anybody. */
	if (strcmp(req->user, "-") == 0) {
		req->decision = "denied";
		return response_fail(resp, -EACCES,
				     "the request carries no authenticated user (REMOTE_USER is empty); the web server must authenticate it");
	}
	switch (route->scope) {
	case ROUTE_SCOPE_ANY:
		verbs = policy_verbs_anywhere(policy, req->user, &role);
		req->role = role;
		if (!role || !(verbs & route->verb))
			return deny(req, resp, role, route->verb, route->action, NULL, NULL);
		if (route->handler == api_task_delete)
			return check_task_cancel(req, resp);
		return 0;
	case ROUTE_SCOPE_CLUSTER:
		verbs = policy_verbs(policy, req->user, NULL, NULL, &role);
		req->role = role;
		if (!(verbs & route->verb))
			return deny(req, resp, role, route->verb, route->action, NULL, NULL);
		return 0;
	case ROUTE_SCOPE_POOL:
	case ROUTE_SCOPE_NAMESPACE:
	case ROUTE_SCOPE_ITEMS: break;
	default:
		req->decision = "denied";
		return response_fail_http(resp, 500, "route %s has no authorization rule",
					  route->pattern);
	}
	if (route->scope == ROUTE_SCOPE_ITEMS)
		verbs = policy_verbs_inside(policy, req->user, pool, &role);
	else
		verbs = policy_verbs(policy, req->user, pool,
				     route->scope == ROUTE_SCOPE_POOL ? NULL : ns, &role);
	req->role = role;
	if (!role)
		return deny(req, resp, role, route->verb, route->action, pool, ns);
	if (!policy_sees(policy, req->user, pool, NULL)) {
		req->decision = "denied";
		return response_fail(resp, -ENOENT, "pool %s does not exist", pool);
	}
	if (ns_capture && !policy_sees(policy, req->user, pool, ns_capture)) {
		req->decision = "denied";
		return response_fail(resp, -ENOENT, "namespace %s in pool %s does not exist",
				     ns_capture, pool);
	}
	/* The default namespace of a pool seen only through namespaces: its
	 * objects are missing to the user, as those of a hidden namespace. */
	if (route->scope == ROUTE_SCOPE_NAMESPACE && !ns_capture &&
	    !policy_sees(policy, req->user, pool, "")) {
		r = object_hidden(req, resp);
		if (r < 0) {
			req->decision = "denied";
			return r;
		}
	}
	/* Reading a pool's own record only needs some scope inside it. */
	if (route->scope == ROUTE_SCOPE_POOL && route->verb == VERB_READ)
		return 0;
	if (!(verbs & route->verb))
		return deny(req, resp, role, route->verb, route->action, pool,
			    route->scope == ROUTE_SCOPE_NAMESPACE ? ns : NULL);
	return 0;
}

/* verb on pool/ns named in the body; 403 whether or not it exists. */
static int check_target(struct request *req, struct response *resp, unsigned verb,
			const char *action, const char *pool, const char *ns)
{
	const char *role;

	if (!pool)
		return 0;
	if (policy_verbs(req_policy(req), req->user, pool, ns ? ns : "", &role) & verb)
		return 0;
	return deny(req, resp, role, verb, action, pool, ns);
}

int authz_check_body(struct request *req, struct response *resp)
{
	route_handler handler = req->match.route->handler;
	struct json_object *body, *parent;
	int r = 0;

	/* A create from an upload writes content too. */
	if (handler == api_image_create && req->body_streamed)
		return check_target(req, resp, VERB_WRITE_DATA, "write image content",
				    request_capture(req, "pool"), api_namespace(req));
	if (!req_policy(req) || !req->body ||
	    (handler != api_image_copy && handler != api_image_create && handler != api_image_patch &&
	     handler != api_group_image_add && handler != api_group_image_remove &&
	     handler != api_migration_prepare))
		return 0;
	body = json_tokener_parse(req->body);
	if (!body || !json_object_is_type(body, json_type_object))
		goto out;
	/* Features change what clients of the image can do (krbd maps it or
	 * not): an admin's decision, not a PATCH like a resize. */
	if (handler == api_image_patch) {
		if (json_object_object_get_ex(body, "features", NULL))
			r = check_target(req, resp, VERB_FEATURES, "change the features of images",
					 request_capture(req, "pool"), api_namespace(req));
	} else if (handler == api_group_image_add || handler == api_group_image_remove) {
		/* A member joins or leaves in its own pool: that is a change to it.
		 * It is in the group's namespace, which the body may leave out. */
		const char *ns = json_in_get_string(body, "namespace");

		r = check_target(req, resp, VERB_CHANGE, "change images",
				 json_in_get_string(body, "pool"), ns ? ns : api_namespace(req));
	} else if (handler == api_migration_prepare) {
		/* The destination is a new image there. */
		r = check_target(req, resp, VERB_CREATE, "create images",
				 json_in_get_string(body, "pool"), json_in_get_string(body, "namespace"));
	} else if (handler == api_image_copy)
		r = check_target(req, resp, VERB_CREATE, "create images",
				 json_in_get_string(body, "pool"),
				 json_in_get_string(body, "namespace"));
	else if (json_object_object_get_ex(body, "source", NULL))
		/* An import from a URL writes the new image's content. */
		r = check_target(req, resp, VERB_WRITE_DATA, "write image content",
				 request_capture(req, "pool"), api_namespace(req));
	else if (json_object_object_get_ex(body, "parent", &parent) &&
		 json_object_is_type(parent, json_type_object))
		r = check_target(req, resp, VERB_READ, "read images",
				 json_in_get_string(parent, "pool"),
				 json_in_get_string(parent, "namespace"));
out:
	json_object_put(body);
	return r;
}

/* Where a listed item lives: tasks name it in "image", children carry
 * "pool" and "namespace", pools and namespaces are their "name". An item
 * with "namespace" but no "pool" is in the request's pool (mirror
 * snapshot schedules), and one at "level": "pool" (a pool's schedule) is
 * the pool's own, which any user who sees the pool may read. */
static int item_visible(const struct request *req, struct json_object *item)
{
	const struct policy *policy = req_policy(req);
	route_handler handler = req->match.route->handler;
	struct json_object *image;
	const char *pool, *ns, *level;

	if (!json_object_is_type(item, json_type_object))
		return 1;
	if (handler == api_pools_list) {
		pool = json_in_get_string(item, "name");
		return !pool || policy_sees(policy, req->user, pool, NULL);
	}
	if (handler == api_namespaces_list) {
		ns = json_in_get_string(item, "name");
		return !ns || policy_sees(policy, req->user, request_capture(req, "pool"), ns);
	}
	if (json_object_object_get_ex(item, "image", &image) &&
	    json_object_is_type(image, json_type_object))
		item = image;
	pool = json_in_get_string(item, "pool");
	ns = json_in_get_string(item, "namespace");
	if (!pool && ns)
		pool = request_capture(req, "pool");
	if (!pool)
		return 1;
	level = json_in_get_string(item, "level");
	if (level && strcmp(level, "pool") == 0)
		return policy_sees(policy, req->user, pool, NULL);
	return policy_sees(policy, req->user, pool, ns ? ns : "");
}

void authz_filter(struct request *req, struct response *resp)
{
	struct json_object *items;

	if (!req_policy(req) || resp->status != 200 || !resp->body)
		return;
	if (req->match.route->handler == api_task_get && !item_visible(req, resp->body)) {
		req->decision = "denied";
		api_task_missing(req, resp);
		return;
	}
	if (!json_object_object_get_ex(resp->body, "Items", &items) ||
	    !json_object_is_type(items, json_type_array))
		return;
	for (size_t i = json_object_array_length(items); i-- > 0;)
		if (!item_visible(req, json_object_array_get_idx(items, i)))
			json_object_array_del_idx(items, i, 1);
}

struct identity {
	struct json_object *roles;
	struct json_object *scopes;
	struct json_object *grants;
	int r;
};

static int array_has(struct json_object *array, const char *text)
{
	for (size_t i = 0; i < json_object_array_length(array); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(array, i)), text) == 0)
			return 1;
	return 0;
}

static int add_unique(struct json_object *array, const char *text)
{
	if (array_has(array, text))
		return 0;
	return json_array_take(array, json_object_new_string(text));
}

static void add_grant(void *arg, const char *role, const char *scope)
{
	struct identity *id = arg;
	struct json_object *grant;

	if (id->r < 0)
		return;
	grant = json_object_new_object();
	if (!grant || json_add_string(grant, "role", role) < 0 ||
	    json_add_string(grant, "scope", scope) < 0) {
		json_object_put(grant);
		id->r = -ENOMEM;
		return;
	}
	if (json_array_take(id->grants, grant) < 0 || add_unique(id->roles, role) < 0 ||
	    add_unique(id->scopes, scope) < 0)
		id->r = -ENOMEM;
}

int api_whoami(struct request *req, struct response *resp)
{
	struct json_object *body = json_envelope("Identity");
	struct identity id = {json_object_new_array(), json_object_new_array(),
			      json_object_new_array(), 0};
	int r = -ENOMEM;

	if (!body || !id.roles || !id.scopes || !id.grants)
		goto out;
	policy_each_grant(req_policy(req), req->user, add_grant, &id);
	if (id.r < 0 || json_add_string(body, "user", req->user) < 0)
		goto out;
	json_object_object_add(body, "roles", id.roles);
	json_object_object_add(body, "scopes", id.scopes);
	json_object_object_add(body, "grants", id.grants);
	id.roles = id.scopes = id.grants = NULL;
	response_json(resp, 200, body);
	body = NULL;
	r = 0;
out:
	if (r < 0)
		response_oom(resp);
	json_object_put(body);
	json_object_put(id.roles);
	json_object_put(id.scopes);
	json_object_put(id.grants);
	return r;
}
