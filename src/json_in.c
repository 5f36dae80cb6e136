/* json_in.c - strict JSON request bodies (see json_in.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "json_in.h"
#include "names.h"
#include "response.h"
#include "size.h"

/* Deep enough for any body we accept; deeper is an attack, not a request. */
#define JSON_MAX_DEPTH 16

static int content_type_is_json(const char *content_type)
{
	size_t len = strlen("application/json");

	if (!content_type || strncasecmp(content_type, "application/json", len) != 0)
		return 0;
	/* Parameters such as "; charset=utf-8" may follow, nothing else. */
	return content_type[len] == '\0' || content_type[len] == ';' ||
	       content_type[len] == ' ';
}

static void describe_position(const char *body, size_t offset, char *out, size_t outlen)
{
	size_t line = 1, column = 1;

	for (size_t i = 0; i < offset; i++) {
		if (body[i] == '\n') {
			line++;
			column = 1;
		} else {
			column++;
		}
	}
	snprintf(out, outlen, "at byte %zu (line %zu, column %zu)", offset, line, column);
}

/* json-c saturates integers above 2^64-1 to 2^64-1 without a word, which
 * would turn an overflowing size into a valid one. Returns the offset of
 * the first integer literal above 2^64-1, or -1. */
static long oversized_integer_at(const char *body, size_t len)
{
	static const char max[] = "18446744073709551615";
	int in_string = 0;

	for (size_t i = 0; i < len; i++) {
		size_t start = i, digits;

		if (in_string) {
			if (body[i] == '\\')
				i++;
			else if (body[i] == '"')
				in_string = 0;
			continue;
		}
		if (body[i] == '"') {
			in_string = 1;
			continue;
		}
		if (body[i] < '0' || body[i] > '9')
			continue;
		while (i < len && body[i] >= '0' && body[i] <= '9')
			i++;
		digits = i - start;
		/* A fraction or exponent makes it a double: refused by type. */
		if (i < len && (body[i] == '.' || body[i] == 'e' || body[i] == 'E'))
			continue;
		if (digits > sizeof(max) - 1 ||
		    (digits == sizeof(max) - 1 && strncmp(body + start, max, digits) > 0))
			return (long)start;
		i--;
	}
	return -1;
}

/* json-c keeps the last of duplicate keys without a word, so
 * {"size":"1G","size":"1T"} would mean whatever came last. Returns the
 * offset of the first key repeated within one object, or -1. Keys are
 * compared as written (escapes undecoded). The body is known to hold no
 * NUL; nesting is bounded by JSON_MAX_DEPTH (deeper bodies fail parsing
 * anyway, so the scan just stops looking there). */
static long duplicate_key_at(const char *body, size_t len)
{
	struct level {
		int is_object;
		int expect_key;
		size_t nkeys;
		size_t key_start[32];
		size_t key_len[32];
	} stack[JSON_MAX_DEPTH + 1];
	int depth = -1;

	for (size_t i = 0; i < len; i++) {
		char c = body[i];

		if (c == '"') {
			size_t start = ++i;

			while (i < len && body[i] != '"')
				i += body[i] == '\\' ? 2 : 1;
			if (i >= len)
				return -1;
			if (depth >= 0 && stack[depth].is_object && stack[depth].expect_key) {
				struct level *l = &stack[depth];
				size_t klen = i - start;

				for (size_t k = 0; k < l->nkeys; k++)
					if (l->key_len[k] == klen &&
					    memcmp(body + l->key_start[k], body + start, klen) == 0)
						return (long)start - 1;
				if (l->nkeys < 32) {
					l->key_start[l->nkeys] = start;
					l->key_len[l->nkeys++] = klen;
				}
				l->expect_key = 0;
			}
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_MAX_DEPTH)
				return -1;
			stack[depth] = (struct level){.is_object = c == '{', .expect_key = c == '{'};
		} else if (c == '}' || c == ']') {
			if (--depth < -1)
				return -1;
		} else if (c == ',' && depth >= 0 && stack[depth].is_object) {
			stack[depth].expect_key = 1;
		}
	}
	return -1;
}

int json_in_parse_body(const char *content_type, const char *body, size_t len,
		       const struct field_spec *spec, struct response *resp,
		       struct json_object **out)
{
	struct json_tokener *tok = NULL;
	struct json_object *obj = NULL;
	enum json_tokener_error jerr;
	char where[96];
	size_t end;
	int r;

	*out = NULL;
	if (len == 0)
		return response_fail(resp, -EINVAL,
				     "a JSON object request body is required");
	if (!content_type_is_json(content_type))
		return response_fail_http(resp, 415,
					  "request body must be sent with Content-Type: application/json, not %s",
					  content_type && *content_type ? content_type : "none");
	if (memchr(body, '\0', len)) {
		describe_position(body, (size_t)((const char *)memchr(body, '\0', len) - body),
				  where, sizeof(where));
		return response_fail(resp, -EINVAL,
				     "request body is not valid JSON: NUL byte %s", where);
	}

	if (oversized_integer_at(body, len) >= 0) {
		describe_position(body, (size_t)oversized_integer_at(body, len), where, sizeof(where));
		return response_fail(resp, -EINVAL,
				     "request body has an integer larger than 2^64-1 %s", where);
	}

	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (!tok)
		return response_fail(resp, -ENOMEM, "out of memory parsing the request body");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	/* A bare top-level number or literal ("42", "null") is only complete
	 * once the tokener sees the end of input: tell it so. */
	if (jerr == json_tokener_continue) {
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		if (jerr != json_tokener_success) {
			describe_position(body, len, where, sizeof(where));
			r = response_fail(resp, -EINVAL,
					  "request body is not valid JSON: unexpected end of input %s",
					  where);
			goto out;
		}
		end = len;
	}
	if (jerr != json_tokener_success) {
		describe_position(body, end, where, sizeof(where));
		r = response_fail(resp, -EINVAL, "request body is not valid JSON: %s %s",
				  json_tokener_error_desc(jerr), where);
		goto out;
	}
	/* Trailing white space is fine, trailing data is a second document. */
	for (size_t i = end; i < len; i++) {
		if (!strchr(" \t\r\n", body[i])) {
			describe_position(body, i, where, sizeof(where));
			r = response_fail(resp, -EINVAL,
					  "request body is not valid JSON: unexpected data after the object %s",
					  where);
			goto out;
		}
	}
	if (duplicate_key_at(body, len) >= 0) {
		describe_position(body, (size_t)duplicate_key_at(body, len), where, sizeof(where));
		r = response_fail(resp, -EINVAL, "request body repeats a key in one object %s", where);
		goto out;
	}
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		r = response_fail(resp, -EINVAL, "request body must be a JSON object, not %s",
				  json_type_to_name(json_object_get_type(obj)));
		goto out;
	}
	r = json_in_check_fields(obj, spec, "request body", resp);
	if (r < 0)
		goto out;
	*out = obj;
	obj = NULL;
out:
	json_object_put(obj);
	json_tokener_free(tok);
	return r;
}

static const char *type_phrase(enum field_type type)
{
	switch (type) {
	case FIELD_STRING: return "a string";
	case FIELD_NAME: return "a name (string)";
	case FIELD_SIZE: return "a size: an integer number of bytes or a string such as \"10G\"";
	case FIELD_UINT: return "a non-negative integer";
	case FIELD_BOOL: return "true or false";
	case FIELD_OBJECT: return "an object";
	case FIELD_STRING_ARRAY: return "an array of strings";
	case FIELD_NULLABLE: break;
	}
	return "?";
}

/* A JSON integer that fits in uint64. json-c keeps numbers above INT64_MAX
 * as unsigned, so the sign check has to look at the text for negatives. */
static int integer_value(struct json_object *value, uint64_t *out)
{
	if (!json_object_is_type(value, json_type_int))
		return -EINVAL;
	if (json_object_get_int64(value) < 0)
		return -ERANGE;
	*out = json_object_get_uint64(value);
	return 0;
}

static int check_value(struct json_object *value, const struct field_spec *field,
		       const char *what, struct response *resp)
{
	enum json_type type = json_object_get_type(value);
	enum field_type expected = (enum field_type)(field->type & ~FIELD_NULLABLE);
	const char *why;
	uint64_t number;
	int r;

	if (type == json_type_null && (field->type & FIELD_NULLABLE))
		return 0;
	switch (expected) {
	case FIELD_STRING:
	case FIELD_NAME:
		if (type != json_type_string)
			break;
		if (field->type == FIELD_NAME &&
		    name_check(json_object_get_string(value),
			       (size_t)json_object_get_string_len(value), &why) < 0)
			return response_fail(resp, -EINVAL, "field \"%s\" in %s: name %s",
					     field->name, what, why);
		return 0;
	case FIELD_SIZE:
		if (type == json_type_string) {
			r = size_parse(json_object_get_string(value), &number);
			if (r == -ERANGE)
				return response_fail(resp, r,
						     "field \"%s\" in %s: size \"%s\" is larger than 2^64-1 bytes",
						     field->name, what, json_object_get_string(value));
			if (r < 0)
				return response_fail(resp, r,
						     "field \"%s\" in %s: \"%s\" is not a size; use bytes or <n>[K|M|G|T|P][i][B] such as \"10G\"",
						     field->name, what, json_object_get_string(value));
			return 0;
		}
		/* An integer size follows the FIELD_UINT rules. */
		__attribute__((fallthrough));
	case FIELD_UINT:
		r = integer_value(value, &number);
		if (r == -ERANGE)
			return response_fail(resp, -EINVAL, "field \"%s\" in %s must not be negative",
					     field->name, what);
		if (r < 0)
			break;
		return 0;
	case FIELD_BOOL:
		if (type == json_type_boolean)
			return 0;
		break;
	case FIELD_OBJECT:
		if (type == json_type_object)
			return 0;
		break;
	case FIELD_NULLABLE:
		break;
	case FIELD_STRING_ARRAY:
		if (type != json_type_array)
			break;
		for (size_t i = 0; i < json_object_array_length(value); i++)
			if (!json_object_is_type(json_object_array_get_idx(value, i),
						 json_type_string))
				return response_fail(resp, -EINVAL,
						     "field \"%s\" in %s must be an array of strings; item %zu is %s",
						     field->name, what, i,
						     json_type_to_name(json_object_get_type(
							     json_object_array_get_idx(value, i))));
		return 0;
	}
	return response_fail(resp, -EINVAL, "field \"%s\" in %s must be %s%s, not %s",
			     field->name, what, type_phrase(expected),
			     (field->type & FIELD_NULLABLE) ? " (or null)" : "",
			     json_type_to_name(type));
}

int json_in_check_fields(struct json_object *obj, const struct field_spec *spec,
			 const char *what, struct response *resp)
{
	int r;

	json_object_object_foreach(obj, key, value) {
		const struct field_spec *field = NULL;
		char allowed[512] = "";
		size_t used = 0;

		for (const struct field_spec *f = spec; f->name; f++)
			if (strcmp(f->name, key) == 0)
				field = f;
		if (!field) {
			for (const struct field_spec *f = spec; f->name; f++) {
				int n = snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
						 used ? ", " : "", f->name);
				if (n < 0 || (size_t)n >= sizeof(allowed) - used)
					break;
				used += (size_t)n;
			}
			return response_fail(resp, -EINVAL,
					     "unknown field \"%s\" in %s; allowed fields: %s", key,
					     what, used ? allowed : "none");
		}
		r = check_value(value, field, what, resp);
		if (r < 0)
			return r;
	}
	for (const struct field_spec *f = spec; f->name; f++)
		if (f->required && !json_object_object_get_ex(obj, f->name, NULL))
			return response_fail(resp, -EINVAL, "field \"%s\" is required in %s",
					     f->name, what);
	return 0;
}

int json_in_is_null(struct json_object *obj, const char *key)
{
	struct json_object *field;

	return json_object_object_get_ex(obj, key, &field) && field == NULL;
}

const char *json_in_get_string(struct json_object *obj, const char *key)
{
	struct json_object *field;

	if (!json_object_object_get_ex(obj, key, &field) ||
	    !json_object_is_type(field, json_type_string))
		return NULL;
	return json_object_get_string(field);
}

int json_in_string(struct json_object *obj, const char *key, const char **value)
{
	struct json_object *field;

	if (!json_object_object_get_ex(obj, key, &field))
		return -ENOENT;
	*value = json_object_get_string(field);
	return 0;
}

int json_in_bool(struct json_object *obj, const char *key, int *value)
{
	struct json_object *field;

	if (!json_object_object_get_ex(obj, key, &field))
		return -ENOENT;
	*value = json_object_get_boolean(field);
	return 0;
}

int json_in_u64(struct json_object *obj, const char *key, uint64_t *value)
{
	struct json_object *field;

	if (!json_object_object_get_ex(obj, key, &field))
		return -ENOENT;
	*value = json_object_get_uint64(field);
	return 0;
}

int json_in_size(struct json_object *obj, const char *key, uint64_t *value)
{
	struct json_object *field;

	if (!json_object_object_get_ex(obj, key, &field))
		return -ENOENT;
	if (json_object_is_type(field, json_type_string))
		return size_parse(json_object_get_string(field), value);
	*value = json_object_get_uint64(field);
	return 0;
}
