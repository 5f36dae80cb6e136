/* SPDX-License-Identifier: Apache-2.0 */
/* json_out.h - small json-c helpers for the response envelope. */
#ifndef RBD_REST_API_JSON_OUT_H
#define RBD_REST_API_JSON_OUT_H

#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

/* {"Kind": kind, "APIVersion": "v1"}; NULL only when out of memory. */
struct json_object *json_envelope(const char *kind);

/* A list envelope with an empty "Items" array; *items points into it. */
struct json_object *json_list_envelope(const char *kind, struct json_object **items);

/* Appends item to array, which takes it over: on failure (and for a NULL
 * item, from an allocation that failed) item is put. 0 or -ENOMEM. */
int json_array_take(struct json_object *array, struct json_object *item);

/* Add helpers: json-c's add takes ownership even on failure, so these
 * cannot leak; they return 0 or -ENOMEM. */
int json_add_string(struct json_object *obj, const char *key, const char *value);
int json_add_u64(struct json_object *obj, const char *key, uint64_t value);
int json_add_i64(struct json_object *obj, const char *key, int64_t value);
int json_add_bool(struct json_object *obj, const char *key, int value);
/* value clamped to 0.0 ... 1.0, with at most four decimals (json-c would
 * print the binary fraction's seventeen digits). */
int json_add_fraction(struct json_object *obj, const char *key, double value);
/* A name read from the cluster (pool, namespace, image, snapshot, metadata
 * key). One that breaks the name rule in a way only other tools allow
 * (names.h: not UTF-8, control characters) is added with U+FFFD for each
 * invalid sequence, beside "<key>_hex" with its exact bytes; under the key
 * "name" also with an "error" {reason "InvalidName"} saying how to
 * address it. what names the object ("image") in that message. */
int json_add_name(struct json_object *obj, const char *key, const char *value,
		  const char *what);
/* Text read from the cluster that is not a name (a metadata value): when
 * it is not UTF-8, added repaired beside "<key>_hex" with its bytes. */
int json_add_text(struct json_object *obj, const char *key, const char *value);
int json_add_time(struct json_object *obj, const char *key, const struct timespec *ts);

/* The UTC time as json_add_time writes it, "2026-11-23T13:47:59Z".
 * Returns 0 or -EINVAL. */
#define JSON_TIME_TEXT_LEN 32
int json_time_text(time_t seconds, char text[JSON_TIME_TEXT_LEN]);

#endif
