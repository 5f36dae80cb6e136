/* SPDX-License-Identifier: Apache-2.0 */
/* etag.c - entity tags and conditional requests (see etag.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_call.h"
#include "authz.h"
#include "digest.h"
#include "etag.h"
#include "etag_version.h"
#include "image_header.h"
#include "pool_handle.h"
#include "routes.h"

/* '"' + 16 hex digits + '"' */
#define ETAG_MAX 19

static const struct route *get_route(const char *pattern, size_t len)
{
	for (size_t i = 0; i < api_nroutes; i++)
		if (api_routes[i].method == HTTP_GET && strlen(api_routes[i].pattern) == len &&
		    strncmp(api_routes[i].pattern, pattern, len) == 0)
			return &api_routes[i];
	return NULL;
}

/* A GET route answers about one resource when its path ends in a
 * {capture} (an image, a snapshot, a metadata entry, a task) or when the
 * same path can be PUT (an image's QoS): a list has neither. */
static int route_is_single(const struct route *get)
{
	size_t len = strlen(get->pattern);

	if (len && get->pattern[len - 1] == '}')
		return 1;
	for (size_t i = 0; i < api_nroutes; i++)
		if (api_routes[i].method == HTTP_PUT && strcmp(api_routes[i].pattern, get->pattern) == 0)
			return 1;
	return 0;
}

/* The GET route of the resource a change is about: the same path for
 * PATCH, PUT and DELETE; for a POST, the path without its last segment
 * (".../{image}/flatten" acts on the image, ".../{image}/snapshots"
 * creates under it). NULL when there is none. */
static const struct route *object_route(const struct route *route)
{
	const char *pattern = route->pattern;
	size_t len = strlen(pattern);
	const struct route *get;

	if (route->method == HTTP_POST) {
		const char *slash = strrchr(pattern, '/');

		if (!slash || slash[1] == '{')
			return NULL;
		len = (size_t)(slash - pattern);
	}
	get = get_route(pattern, len);
	return get && route_is_single(get) ? get : NULL;
}

/* What the cluster versions about the object req names, into resp:
 * the image's id and header version for anything under an image, the
 * pool's id for anything else in a pool (so a pool deleted and made again
 * has new tags). Returns 0, or a negative errno: -ENOENT when the image
 * is gone (renamed or deleted by this very request) or of format 1. */
static int fetch_version(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct response scratch;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	uint64_t version;
	char id[64];
	int r;

	if (resp->version || !pool)
		return 0;
	response_init(&scratch);
	if (!request_capture(req, "image")) {
		r = api_ioctx(req, &scratch, pool, "", &ioctx);
		if (r == 0)
			r = response_set_version(resp, "pool %" PRId64, pool_handle_ioctx_id(ioctx));
		goto out;
	}
	r = api_image_request(req, &scratch, &ref, &ioctx);
	if (r < 0)
		goto out;
	/* -ENOENT also for a format 1 image (no id): it gets no tag. */
	r = image_header_id(ioctx, ref.name, id, sizeof(id));
	if (r == 0)
		r = image_header_version(ioctx, id, &version);
	if (r == 0)
		r = api_etag_image_version(resp, id, version);
out:
	response_free(&scratch);
	return r;
}

/* The text of body without its "stats" member, into *owned: usage moves
 * by itself (a pool's bytes and objects as clients write), and a tag is
 * for telling whether what a client may change has changed. NULL when
 * out of memory. */
static const char *text_without_stats(struct json_object *body, size_t *len, char **owned)
{
	struct json_object *copy = json_object_new_object();
	const char *text = NULL;

	if (!copy)
		return NULL;
	json_object_object_foreach(body, key, value)
	{
		if (strcmp(key, "stats") != 0 &&
		    json_object_object_add(copy, key, json_object_get(value)) < 0)
			goto out;
	}
	text = json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN);
	*owned = text ? strdup(text) : NULL;
	text = *owned;
	*len = text ? strlen(text) : 0;
out:
	json_object_put(copy);
	return text;
}

/* The tag of a 200 answer about the object req names. */
static int make_tag(struct request *req, struct response *resp, char tag[ETAG_MAX + 1])
{
	const char *body;
	char *owned = NULL;
	uint64_t hash;
	size_t len;
	int r;

	r = fetch_version(req, resp);
	if (r < 0)
		return r;
	if (resp->text) {
		body = resp->text;
		len = strlen(body);
	} else {
		if (resp->body && json_object_is_type(resp->body, json_type_object) &&
		    json_object_object_get_ex(resp->body, "stats", NULL))
			body = text_without_stats(resp->body, &len, &owned);
		else
			body = resp->body ? response_json_text(resp, &len, &owned) : "";
		if (!body)
			return -ENOMEM;
		if (!resp->body)
			len = 0;
	}
	hash = digest64_str(DIGEST64_INIT, resp->version ? resp->version : "");
	hash = digest64(hash, body, len);
	free(owned);
	snprintf(tag, ETAG_MAX + 1, "\"%016" PRIx64 "\"", hash);
	return 0;
}

/* Does the If-Match / If-None-Match list match tag? "*" matches any
 * current representation; weak (W/) tags match only when weak is set. */
static int tag_list_matches(const char *list, const char *tag, int weak)
{
	size_t tag_len = strlen(tag);
	const char *p = list;

	while (*p) {
		const char *end;
		int is_weak = 0;

		p += strspn(p, " \t,");
		if (!*p)
			break;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0) {
			is_weak = 1;
			p += 2;
		}
		end = p + strcspn(p, ",");
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((!is_weak || weak) && (size_t)(end - p) == tag_len && strncmp(p, tag, tag_len) == 0)
			return 1;
		p = end + strcspn(end, ",");
	}
	return 0;
}

int api_etag_precondition(struct request *req, struct response *resp)
{
	const struct route *get;
	struct request sub;
	struct response now;
	struct image_ref ref;
	char tag[ETAG_MAX + 1];
	int r;

	if (!req->if_match || (req->method & (HTTP_GET | HTTP_HEAD)))
		return 0;
	/* Content is not a resource with a tag of its own (its GET would
	 * be the whole image); snapshots' content has one, for reading. */
	get = req->match.route->flags & ROUTE_TRANSFER ? NULL : object_route(req->match.route);
	if (!get)
		return response_fail_http(resp, 412,
					  "If-Match cannot hold here: %s %s is not about a resource with an entity tag",
					  http_method_name(req->method), req->match.route->pattern);
	/* A change of an image holds its lock from the check to the change,
	 * so nothing comes between (the handler's own api_image_lock then
	 * finds it held). A POST may lock another image (a copy's target),
	 * so it is checked without. */
	if (request_capture(req, "image") && !(req->method & HTTP_POST)) {
		api_image_ref(&ref, req, request_capture(req, "image"));
		r = api_image_lock(req, resp, &ref);
		if (r < 0)
			return r;
	}

	/* The object's GET, with its own captures (a prefix of ours). */
	sub = *req;
	sub.method = HTTP_GET;
	sub.match.route = get;
	sub.match.ncaptures = 0;
	for (const char *c = get->pattern; (c = strchr(c, '{')); c++)
		sub.match.ncaptures++;
	sub.body = NULL;
	sub.body_len = 0;
	sub.query = NULL;
	sub.nquery = 0;
	response_init(&now);
	/* A GET that failed without saying so is made a 500 by api_call. */
	r = api_call(get, &sub, &now);
	if (r >= 0)
		authz_filter(&sub, &now);
	if (r < 0 || now.status != 200) {
		/* The error the object itself gives (404 above all) says more
		 * than a failed precondition. */
		response_free(resp);
		*resp = now;
		return r < 0 ? r : -ENOENT;
	}
	r = make_tag(&sub, &now, tag);
	response_free(&now);
	if (r < 0)
		return response_fail(resp, r, "cannot compute the entity tag: %s", strerror(-r));
	if (!tag_list_matches(req->if_match, tag, 0))
		return response_fail_http(resp, 412,
					  "If-Match %s does not match the current entity tag %s: it changed since it was read",
					  req->if_match, tag);
	return 0;
}

void api_etag_finish(struct request *req, struct response *resp)
{
	const struct route *route = req->match.route;
	char tag[ETAG_MAX + 1];

	if (resp->status != 200 || !route || resp->sent || (route->flags & ROUTE_TRANSFER))
		return;
	if (req->method & (HTTP_GET | HTTP_HEAD)) {
		if (!route_is_single(route))
			return;
	} else if (!(req->method & (HTTP_PATCH | HTTP_PUT)) || object_route(route) == NULL) {
		return;
	}
	/* A rename leaves no image under the old name: no tag then. */
	if (make_tag(req, resp, tag) < 0)
		return;
	free(resp->etag);
	resp->etag = strdup(tag);
	if (!resp->etag || !(req->method & (HTTP_GET | HTTP_HEAD)) || !req->if_none_match ||
	    !tag_list_matches(req->if_none_match, tag, 1))
		return;
	resp->status = 304;
	json_object_put(resp->body);
	resp->body = NULL;
	free(resp->text);
	resp->text = NULL;
}
