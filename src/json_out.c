/* json_out.c - envelope and typed add helpers (see json_out.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json_out.h"

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
