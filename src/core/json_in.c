/* SPDX-License-Identifier: Apache-2.0 */
/* json_in.c - strict JSON request bodies (see json_in.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_in.h"
#include "names.h"
#include "response.h"
#include "size.h"
#include "utf8.h"

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

/* What json-c lets through without a word, found by one walk over the
 * body's text once json-c has accepted it as JSON:
 * - integers above 2^64-1 are saturated to 2^64-1, and numbers such as
 *   1e26 or 1e400 are doubles, so an overflowing size could pass as a
 *   valid one or be refused without naming its field;
 * - of duplicate keys the last wins ({"size":"1G","\u0073ize":"1T"});
 * - strings are taken as bytes: overlong forms, surrogates and code
 *   points above U+10FFFF pass, and a lone \ud800 becomes U+FFFD.
 * Every problem is reported with the field it is in. */
struct body_problem {
	const char *why;        /* NULL: none found */
	size_t offset;          /* where in the body */
	char field[160];        /* dotted path of the field, "" for none */
	char number[48];        /* the literal, for an oversized number */
	int in_key;             /* the problem is in a key, not a value */
};

#define SCAN_KEYS 64
#define SCAN_KEY_BYTES 1024

struct scan_level {
	int is_object, expect_key;
	size_t nkeys, used;
	size_t key_at[SCAN_KEYS];       /* offsets into keys */
	char keys[SCAN_KEY_BYTES];      /* decoded keys, each NUL-terminated */
	const char *current;            /* the key whose value comes next */
};

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v = v * 16 + (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
						  : c - 'A' + 10);
	}
	return v;
}

/* Checks the JSON string whose opening quote is at body[*i] and leaves *i
 * on its closing quote. Writes the decoded text, NUL-terminated, to out
 * when it fits in outlen (else out[0] = '\0' and *fits = 0). Returns the
 * problem's phrase, or NULL. */
static const char *scan_string(const char *body, size_t len, size_t *i, char *out,
			       size_t outlen, int *fits)
{
	size_t o = 0;

	*fits = 1;
	for ((*i)++; *i < len && body[*i] != '"';) {
		char utf8[4];
		size_t n = 1;
		uint32_t cp;

		if (body[*i] == '\\' && body[*i + 1] == 'u') {
			int unit = hex4(body + *i + 2);

			*i += 6;
			if (unit >= 0xdc00 && unit <= 0xdfff)
				return "has a \\u escape of a lone low surrogate";
			cp = (uint32_t)unit;
			if (unit >= 0xd800 && unit <= 0xdbff) {
				int low = body[*i] == '\\' && body[*i + 1] == 'u' ? hex4(body + *i + 2) : -1;

				if (low < 0xdc00 || low > 0xdfff)
					return "has a \\u escape of a lone high surrogate";
				cp = 0x10000 + (((uint32_t)unit - 0xd800) << 10) + ((uint32_t)low - 0xdc00);
				*i += 6;
			}
			if (cp < 0x80) {
				utf8[0] = (char)cp;
			} else if (cp < 0x800) {
				utf8[0] = (char)(0xc0 | cp >> 6);
				utf8[1] = (char)(0x80 | (cp & 0x3f));
				n = 2;
			} else if (cp < 0x10000) {
				utf8[0] = (char)(0xe0 | cp >> 12);
				utf8[1] = (char)(0x80 | (cp >> 6 & 0x3f));
				utf8[2] = (char)(0x80 | (cp & 0x3f));
				n = 3;
			} else {
				utf8[0] = (char)(0xf0 | cp >> 18);
				utf8[1] = (char)(0x80 | (cp >> 12 & 0x3f));
				utf8[2] = (char)(0x80 | (cp >> 6 & 0x3f));
				utf8[3] = (char)(0x80 | (cp & 0x3f));
				n = 4;
			}
		} else if (body[*i] == '\\') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";

			utf8[0] = to[strchr(from, body[*i + 1]) - from];
			*i += 2;
		} else {
			n = utf8_decode(body + *i, len - *i, &cp);
			if (n == 0)
				return "is not valid UTF-8";
			memcpy(utf8, body + *i, n);
			*i += n;
		}
		if (*fits && o + n < outlen) {
			memcpy(out + o, utf8, n);
			o += n;
		} else {
			*fits = 0;
		}
	}
	out[*fits ? o : 0] = '\0';
	return NULL;
}

/* A number literal at body[*i], left on its last character: an
 * oversized one (a non-negative value above 2^64-1) is a problem. */
static const char *scan_number(const char *body, size_t len, size_t *i, char *literal,
			       size_t literal_len)
{
	static const char max[] = "18446744073709551615";
	size_t start = *i, digits;
	int fraction = 0;

	while (*i < len && strchr("+-0123456789.eE", body[*i])) {
		fraction |= body[*i] == '.' || body[*i] == 'e' || body[*i] == 'E';
		(*i)++;
	}
	digits = *i - start;
	(*i)--;
	snprintf(literal, literal_len, "%.*s%s", (int)(digits < 40 ? digits : 40), body + start,
		 digits < 40 ? "" : "...");
	if (body[start] == '-')
		return NULL;  /* negative: refused by the type check, with its field */
	if (fraction)
		return strtod(literal, NULL) >= 18446744073709551616.0 ? "is larger than 2^64-1"
								       : NULL;
	if (digits > sizeof(max) - 1 ||
	    (digits == sizeof(max) - 1 && strncmp(body + start, max, digits) > 0))
		return "is larger than 2^64-1";
	return NULL;
}

static void scan_field_path(const struct scan_level *stack, int depth, char *out, size_t outlen)
{
	size_t used = 0;

	out[0] = '\0';
	for (int d = 0; d <= depth; d++) {
		int n;

		if (!stack[d].is_object || !stack[d].current)
			continue;
		n = snprintf(out + used, outlen - used, "%s%s", used ? "." : "", stack[d].current);
		if (n < 0 || (size_t)n >= outlen - used)
			return;
		used += (size_t)n;
	}
}

/* The body is JSON that json-c accepted, holds no NUL, and nests at most
 * JSON_MAX_DEPTH deep, so this lexer need not check its syntax. */
static void scan_body(const char *body, size_t len, struct body_problem *problem)
{
	struct scan_level *stack = calloc(JSON_MAX_DEPTH + 2, sizeof(*stack));
	int depth = -1;

	memset(problem, 0, sizeof(*problem));
	if (!stack) {
		problem->why = "could not be checked: out of memory";
		return;
	}
	for (size_t i = 0; i < len && !problem->why; i++) {
		char c = body[i];
		struct scan_level *l = depth >= 0 ? &stack[depth] : NULL;

		if (c == '"') {
			int is_key = l && l->is_object && l->expect_key;
			char scratch[256], *out = scratch;
			size_t outlen = sizeof(scratch), start = i;
			int fits;

			if (is_key) {
				out = l->keys + l->used;
				outlen = l->nkeys < SCAN_KEYS ? SCAN_KEY_BYTES - l->used : 0;
			}
			problem->why = scan_string(body, len, &i, outlen ? out : scratch,
						   outlen ? outlen : sizeof(scratch), &fits);
			if (problem->why) {
				problem->offset = start;
				problem->in_key = is_key;
				if (!is_key)
					scan_field_path(stack, depth, problem->field,
							sizeof(problem->field));
				break;
			}
			if (!is_key)
				continue;
			l->expect_key = 0;
			l->current = NULL;
			if (!outlen || !fits)
				continue;  /* too long to be a field of ours: unknown anyway */
			for (size_t k = 0; k < l->nkeys; k++) {
				if (strcmp(l->keys + l->key_at[k], out) == 0) {
					problem->why = "repeats a key in one object";
					problem->offset = start;
					snprintf(problem->field, sizeof(problem->field), "%.100s", out);
					break;
				}
			}
			l->current = out;
			l->key_at[l->nkeys++] = l->used;
			l->used += strlen(out) + 1;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t start = i;

			problem->why = scan_number(body, len, &i, problem->number,
						   sizeof(problem->number));
			if (problem->why) {
				problem->offset = start;
				scan_field_path(stack, depth, problem->field, sizeof(problem->field));
			} else {
				problem->number[0] = '\0';
			}
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_MAX_DEPTH)
				break;
			memset(&stack[depth], 0, sizeof(stack[depth]));
			stack[depth].is_object = c == '{';
			stack[depth].expect_key = c == '{';
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == ',' && l && l->is_object) {
			l->expect_key = 1;
		}
	}
	free(stack);
}

static const struct field_spec *field_in_spec(const struct field_spec *spec, const char *name)
{
	for (const struct field_spec *f = spec; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* The 400 for what scan_body found. */
static int fail_scanned(const char *body, const struct body_problem *problem,
			const struct field_spec *spec, struct response *resp)
{
	const struct field_spec *field = field_in_spec(spec, problem->field);
	char where[96];

	describe_position(body, problem->offset, where, sizeof(where));
	if (problem->number[0])
		return response_fail(resp, -EINVAL, "field \"%s\" in request body: %s %s%s (%s)",
				     problem->field, problem->number, problem->why,
				     field && (field->type & ~FIELD_NULLABLE) == FIELD_SIZE
					     ? " bytes" : "",
				     where);
	if (strcmp(problem->why, "repeats a key in one object") == 0)
		return response_fail(resp, -EINVAL, "request body repeats a key in one object: \"%s\" %s",
				     problem->field, where);
	if (problem->field[0])
		return response_fail(resp, -EINVAL, "field \"%s\" in request body %s %s",
				     problem->field, problem->why, where);
	return response_fail(resp, -EINVAL, "a %s in the request body %s %s",
			     problem->in_key ? "key" : "string", problem->why, where);
}

int json_in_parse_body(const char *content_type, const char *body, size_t len,
		       const struct field_spec *spec, struct response *resp,
		       struct json_object **out)
{
	struct json_tokener *tok = NULL;
	struct json_object *obj = NULL;
	struct body_problem problem;
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
	scan_body(body, len, &problem);
	if (problem.why) {
		r = fail_scanned(body, &problem, spec, resp);
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
		/* "team\u0000x" would be cut to "team" by every C string
		 * function after this. */
		if (strlen(json_object_get_string(value)) !=
		    (size_t)json_object_get_string_len(value))
			return response_fail(resp, -EINVAL,
					     "field \"%s\" in %s must not contain a NUL character (\\u0000)",
					     field->name, what);
		if (expected == FIELD_NAME &&
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
