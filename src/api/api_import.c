/* SPDX-License-Identifier: Apache-2.0 */
/* api_import.c - POST .../images with {"name", "source": {"url",
 * "format"}}: an image imported from a URL, as a task of this service's
 * own (task_runner.c runs librbd's import-only live migration,
 * image_import.h).
 *
 * The service fetches the URL on the user's behalf, so it is read
 * strictly and must match one of the administrator's import_url_allow
 * patterns (url_allow.h) before anything reaches librbd: none by default,
 * and then every import is a 403 naming the key. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "api.h"
#include "api_create.h"
#include "api_images.h"
#include "api_tasks.h"
#include "conf.h"
#include "image_entry.h"
#include "image_import.h"
#include "json_out.h"
#include "url_allow.h"

const struct field_spec source_fields[] = {
	{"url", FIELD_STRING, 1},
	{"format", FIELD_STRING, 1},
	{NULL, 0, 0},
};

/* The new image's layout, in the form task records keep (copy_options.h). */
static int layout_options(const struct create_request *c, struct json_object **options)
{
	int r = 0;

	*options = json_object_new_object();
	if (!*options)
		return -ENOMEM;
	if (c->object_size)
		r = json_add_u64(*options, "order", (uint64_t)__builtin_ctzll(c->object_size));
	if (r == 0 && c->has_features)
		r = json_add_u64(*options, "features", c->features);
	if (r == 0 && c->stripe_unit)
		r = json_add_u64(*options, "stripe_unit", c->stripe_unit);
	if (r == 0 && c->stripe_count)
		r = json_add_u64(*options, "stripe_count", c->stripe_count);
	if (r == 0 && c->data_pool)
		r = json_add_string(*options, "data_pool", c->data_pool);
	return r < 0 ? -ENOMEM : 0;
}

/* The source object: its fields, the format, the URL read strictly and
 * allowed by import_url_allow. 400/403 in resp. */
static int check_source(struct request *req, struct response *resp, struct json_object *source,
			struct url_parts *url, const char **format)
{
	const char *patterns = req->env->conf->import_url_allow, *text;
	char why[512];
	int r;

	r = json_in_check_fields(source, source_fields, "field \"source\"", resp);
	if (r < 0)
		return r;
	json_in_string(source, "url", &text);
	json_in_string(source, "format", format);
	if (strcmp(*format, "raw") != 0 && strcmp(*format, "qcow2") != 0)
		return response_fail(resp, -EINVAL,
				     "field \"source.format\" must be \"raw\" or \"qcow2\", not \"%s\"",
				     *format);
	if (url_parse_strict(text, url, why, sizeof(why)) < 0)
		return response_fail(resp, -EINVAL, "field \"source.url\": %s", why);
	if (!*patterns)
		return response_fail(resp, -EACCES,
				     "importing from a URL is off on this service: its administrator has set no import_url_allow patterns (see docs/operations.md)");
	if (!url_allow_match(patterns, url))
		return response_fail(resp, -EACCES,
				     "URL %s://%s:%u%s matches none of this service's import_url_allow patterns; ask its administrator to allow it",
				     url->scheme, url->host, url->port, url->path);
	return 0;
}

int api_image_import(struct request *req, struct response *resp, struct json_object *body)
{
	struct json_object *source, *options = NULL, *record, *where;
	struct create_request c;
	struct url_parts url;
	struct image_ref ref;
	rados_ioctx_t ioctx;
	const char *format;
	char text[sizeof(url.scheme) + sizeof(url.host) + sizeof(url.path) + sizeof(url.query) + 16];
	char shown[sizeof(url.scheme) + sizeof(url.host) + sizeof(url.path) + 24];
	int r;

	if (json_object_object_get_ex(body, "size", NULL) ||
	    json_object_object_get_ex(body, "parent", NULL))
		return response_fail(resp, -EINVAL,
				     "field \"%s\" does not go with \"source\": an imported image takes its size and content from the source",
				     json_object_object_get_ex(body, "size", NULL) ? "size" : "parent");
	json_object_object_get_ex(body, "source", &source);
	r = check_source(req, resp, source, &url, &format);
	if (r < 0)
		return r;
	r = api_create_request_parse(body, &c, resp);
	if (r < 0)
		return r;
	if (url_text(&url, text, sizeof(text)) < 0)
		return response_fail(resp, -EINVAL, "field \"source.url\" is too long");
	/* A query may hold a presigned URL's credentials: the task and the
	 * logs show "?..." in its place; only the runner reads it. */
	snprintf(shown, sizeof(shown), "%s://%s:%u%s%s", url.scheme, url.host, url.port, url.path,
		 url.query[0] ? "?..." : "");
	r = api_create_target(req, resp, &c, &ref, &ioctx);
	if (r < 0)
		return r;
	r = image_entry_free(ioctx, c.name);
	if (r == -EEXIST)
		return response_fail(resp, r, "image %s already exists", ref.spec);
	if (r < 0)
		return response_fail_errno(resp, r, "checking the name of image %s failed", ref.spec);
	if (layout_options(&c, &options) < 0)
		return response_oom(resp);
	record = api_local_task_record("import", &ref, "Importing image %s from %s", ref.spec, shown);
	if (!record || json_object_object_add(record, "options", options) < 0) {
		json_object_put(options);
		json_object_put(record);
		return response_oom(resp);
	}
	where = json_object_new_object();
	if (!where || json_object_object_add(record, "source", where) < 0) {
		json_object_put(where);
		json_object_put(record);
		return response_oom(resp);
	}
	if (json_add_string(where, "url", shown) < 0 || json_add_string(where, "format", format) < 0 ||
	    json_add_string(record, "fetch_url", text) < 0) {
		json_object_put(record);
		return response_oom(resp);
	}
	return api_local_task_start(req, resp, record);
}
