/* SPDX-License-Identifier: Apache-2.0 */
/* response.c - building answers, errors in one shape (see response.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "response.h"
#include "errno_status.h"
#include "utf8.h"

void response_init(struct response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = 500;
}

void response_free(struct response *resp)
{
	json_object_put(resp->body);
	free(resp->text);
	free(resp->location);
	free(resp->etag);
	free(resp->version);
	memset(resp, 0, sizeof(*resp));
}

void response_json(struct response *resp, int status, struct json_object *body)
{
	json_object_put(resp->body);
	resp->status = status;
	resp->body = body;
}

void response_text(struct response *resp, int status, char *text, const char *type)
{
	free(resp->text);
	resp->status = status;
	resp->text = text;
	resp->text_type = type;
}

int response_set_location(struct response *resp, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	free(resp->location);
	resp->location = text;
	return 0;
}

int response_set_version(struct response *resp, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	free(resp->version);
	resp->version = text;
	return 0;
}

struct json_object *response_error_object(int err, const char *message)
{
	struct http_status st = status_for_errno(err);
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	if (json_add_i64(obj, "code", st.code) < 0 ||
	    json_add_string(obj, "reason", st.reason) < 0 ||
	    json_add_string(obj, "message", message) < 0 ||
	    json_add_i64(obj, "errno", -err) < 0) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* The Status body shared by both failure builders. errno_value is 0 when
 * the failure has no errno behind it. */
static void fill_failure(struct response *resp, int code, const char *reason,
			 const char *message, int errno_value)
{
	struct json_object *body = json_envelope("Status");

	if (body && (json_add_string(body, "status", "Failure") < 0 ||
		     json_add_i64(body, "code", code) < 0 ||
		     json_add_string(body, "reason", reason) < 0 ||
		     json_add_string(body, "message", message) < 0 ||
		     (errno_value && json_add_i64(body, "errno", errno_value) < 0))) {
		json_object_put(body);
		body = NULL;
	}
	/* Out of memory leaves body NULL; http.c then sends a fixed text. */
	response_json(resp, code, body);
	resp->retry_after = code == 503 ? 5 : 0;
}

int response_fail(struct response *resp, int err, const char *fmt, ...)
{
	struct http_status st = status_for_errno(err);
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	fill_failure(resp, st.code, st.reason, message, -err);
	return err;
}

int response_fail_errno(struct response *resp, int err, const char *fmt, ...)
{
	struct http_status st = status_for_errno(err);
	char message[1024];
	size_t used;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	used = strlen(message);
	snprintf(message + used, sizeof(message) - used, ": %s (errno %d)", strerror(-err), -err);
	fill_failure(resp, st.code, st.reason, message, -err);
	return err;
}

int response_oom(struct response *resp)
{
	return response_fail(resp, -ENOMEM, "out of memory");
}

int response_fail_http(struct response *resp, int code, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	fill_failure(resp, code, status_reason(code), message, 0);
	return -EINVAL;
}

const char *response_json_text(const struct response *resp, size_t *len, char **owned)
{
	const char *text = json_object_to_json_string_length(
		resp->body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
	size_t repaired_len;

	*owned = NULL;
	if (!text || utf8_check(text, *len, NULL) == 0)
		return text;
	repaired_len = utf8_repaired_len(text, *len);
	*owned = malloc(repaired_len + 1);
	if (!*owned)
		return NULL;
	utf8_repair(text, *len, *owned);
	*len = repaired_len;
	return *owned;
}
