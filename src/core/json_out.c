/* SPDX-License-Identifier: Apache-2.0 */
/* json_out.c - envelope and typed add helpers (see json_out.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "names.h"
#include "utf8.h"

struct json_object *json_envelope(const char *kind)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	if (json_add_string(obj, "Kind", kind) < 0 ||
	    json_add_string(obj, "APIVersion", "v1") < 0) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

struct json_object *json_list_envelope(const char *kind, struct json_object **items)
{
	struct json_object *obj = json_envelope(kind);
	struct json_object *array;

	if (!obj)
		return NULL;
	array = json_object_new_array();
	if (!array || json_object_object_add(obj, "Items", array) < 0) {
		json_object_put(array);
		json_object_put(obj);
		return NULL;
	}
	*items = array;
	return obj;
}

int json_array_take(struct json_object *array, struct json_object *item)
{
	if (!item)
		return -ENOMEM;
	if (json_object_array_add(array, item) < 0) {
		json_object_put(item);
		return -ENOMEM;
	}
	return 0;
}

static int add_owned(struct json_object *obj, const char *key, struct json_object *value)
{
	if (!value)
		return -ENOMEM;
	if (json_object_object_add(obj, key, value) < 0) {
		json_object_put(value);
		return -ENOMEM;
	}
	return 0;
}

int json_add_string(struct json_object *obj, const char *key, const char *value)
{
	return add_owned(obj, key, json_object_new_string(value));
}

/* "<key>_hex" with the bytes of value in lower-case hex. */
static int add_hex(struct json_object *obj, const char *key, const char *value)
{
	static const char digits[] = "0123456789abcdef";
	size_t len = strlen(value);
	char hex_key[64], *hex;
	int r;

	if ((size_t)snprintf(hex_key, sizeof(hex_key), "%s_hex", key) >= sizeof(hex_key))
		return -EINVAL;
	hex = malloc(2 * len + 1);
	if (!hex)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[(unsigned char)value[i] >> 4];
		hex[2 * i + 1] = digits[(unsigned char)value[i] & 15];
	}
	hex[2 * len] = '\0';
	r = json_add_string(obj, hex_key, hex);
	free(hex);
	return r;
}

static int add_invalid_name_error(struct json_object *obj, const char *what, const char *why)
{
	struct json_object *error = json_object_new_object();
	char message[256];

	snprintf(message, sizeof(message),
		 "%s name %s%s, which the API does not accept in names; name_hex holds its exact "
		 "bytes: percent-encode them in the path to read or delete it, or rename it with "
		 "the rbd CLI",
		 what, why, strcmp(why, "is not valid UTF-8") == 0
				    ? " (shown with U+FFFD for each invalid sequence)" : "");
	if (!error)
		return -ENOMEM;
	if (json_add_i64(error, "code", 400) < 0 ||
	    json_add_string(error, "reason", "InvalidName") < 0 ||
	    json_add_string(error, "message", message) < 0 ||
	    json_add_i64(error, "errno", EILSEQ) < 0) {
		json_object_put(error);
		return -ENOMEM;
	}
	return add_owned(obj, "error", error);
}

/* Adds value with each invalid UTF-8 sequence replaced by U+FFFD, and
 * "<key>_hex" with its exact bytes. */
static int add_repaired(struct json_object *obj, const char *key, const char *value)
{
	size_t len = strlen(value), repaired_len = utf8_repaired_len(value, len);
	char *repaired = malloc(repaired_len + 1);
	int r;

	if (!repaired)
		return -ENOMEM;
	utf8_repair(value, len, repaired);
	r = json_add_string(obj, key, repaired);
	free(repaired);
	return r < 0 ? r : add_hex(obj, key, value);
}

int json_add_name(struct json_object *obj, const char *key, const char *value,
		  const char *what)
{
	const char *why;
	int r;

	if (name_check(value, strlen(value), &why) != -EILSEQ)
		return json_add_string(obj, key, value);
	r = add_repaired(obj, key, value);
	if (r == 0 && strcmp(key, "name") == 0)
		r = add_invalid_name_error(obj, what, why);
	return r;
}

int json_add_text(struct json_object *obj, const char *key, const char *value)
{
	if (utf8_check(value, strlen(value), NULL) == 0)
		return json_add_string(obj, key, value);
	return add_repaired(obj, key, value);
}

int json_add_u64(struct json_object *obj, const char *key, uint64_t value)
{
	return add_owned(obj, key, json_object_new_uint64(value));
}

int json_add_i64(struct json_object *obj, const char *key, int64_t value)
{
	return add_owned(obj, key, json_object_new_int64(value));
}

int json_add_bool(struct json_object *obj, const char *key, int value)
{
	return add_owned(obj, key, json_object_new_boolean(value));
}

int json_time_text(time_t seconds, char text[JSON_TIME_TEXT_LEN])
{
	struct tm tm;

	if (!gmtime_r(&seconds, &tm))
		return -EINVAL;
	if (strftime(text, JSON_TIME_TEXT_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -EINVAL;
	return 0;
}

int json_add_time(struct json_object *obj, const char *key, const struct timespec *ts)
{
	char text[JSON_TIME_TEXT_LEN];
	int r = json_time_text(ts->tv_sec, text);

	return r < 0 ? r : json_add_string(obj, key, text);
}

int json_add_fraction(struct json_object *obj, const char *key, double value)
{
	char text[32];
	size_t len;

	if (!(value >= 0))
		value = 0;
	if (value > 1)
		value = 1;
	snprintf(text, sizeof(text), "%.4f", value);
	len = strlen(text);
	while (len > 3 && text[len - 1] == '0')
		text[--len] = '\0';
	return json_object_object_add(obj, key, json_object_new_double_s(value, text)) < 0 ? -ENOMEM
											      : 0;
}
