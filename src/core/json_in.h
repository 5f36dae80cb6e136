/* SPDX-License-Identifier: Apache-2.0 */
/* json_in.h - strict request bodies.
 *
 * A body is accepted only when it is application/json, parses completely,
 * is an object, and every field is one the endpoint declares, with the
 * declared type. Everything else becomes a 400/415 that names the field or
 * the byte offset, so a typo such as "szie" is never silently ignored. */
#ifndef RBD_REST_API_JSON_IN_H
#define RBD_REST_API_JSON_IN_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

struct response;

enum field_type {
	FIELD_STRING,   /* any JSON string */
	FIELD_NAME,     /* string obeying the name rule (names.h) */
	FIELD_SIZE,     /* non-negative integer or size string ("10G") */
	FIELD_UINT,     /* non-negative integer */
	FIELD_BOOL,
	FIELD_OBJECT,
	FIELD_STRING_ARRAY,
	/* Or'ed into a type: JSON null is accepted as well, for fields a
	 * client clears by sending null (getters then report the null). */
	FIELD_NULLABLE = 0x100,
};

struct field_spec {
	const char *name;
	enum field_type type;   /* possibly | FIELD_NULLABLE */
	int required;
};

/* Checks the content type (415), parses (400 with the offset), checks the
 * top level is an object, and validates fields against spec (a table
 * ended by {NULL}). On success *out owns the parsed object. On failure the
 * error is in resp and the return is negative. */
int json_in_parse_body(const char *content_type, const char *body, size_t len,
		       const struct field_spec *spec, struct response *resp,
		       struct json_object **out);

/* Validates an object (the body or a nested object) against spec;
 * what names the object in messages ("request body", "field \"parent\""). */
int json_in_check_fields(struct json_object *obj, const struct field_spec *spec,
			 const char *what, struct response *resp);

/* Getters for fields already validated by json_in_check_fields. They
 * return 0 when present, -ENOENT when absent. A FIELD_NULLABLE field
 * sent as null is present: test it with json_in_is_null first. */
int json_in_is_null(struct json_object *obj, const char *key);

/* A string field of JSON that was not validated (the manager's answers,
 * task records): its value, or NULL when absent or not a string. */
const char *json_in_get_string(struct json_object *obj, const char *key);
int json_in_string(struct json_object *obj, const char *key, const char **value);
int json_in_bool(struct json_object *obj, const char *key, int *value);
int json_in_u64(struct json_object *obj, const char *key, uint64_t *value);
/* A FIELD_SIZE: the integer or the parsed size string. */
int json_in_size(struct json_object *obj, const char *key, uint64_t *value);

#endif
