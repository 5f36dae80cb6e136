/* SPDX-License-Identifier: Apache-2.0 */
/* Strict request bodies: type, syntax, unknown fields, field types. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../../src/core/json_in.h"
#include "../../src/core/response.h"
#include "tap.h"

static const struct field_spec spec[] = {
	{"name", FIELD_NAME, 1},
	{"size", FIELD_SIZE, 1},
	{"pg_num", FIELD_UINT, 0},
	{"allow_shrink", FIELD_BOOL, 0},
	{"features", FIELD_STRING_ARRAY, 0},
	{"parent", FIELD_OBJECT, 0},
	{"comment", FIELD_STRING, 0},
	{NULL, 0, 0},
};

static const char *message(const struct response *resp)
{
	struct json_object *field;

	if (resp->body && json_object_object_get_ex(resp->body, "message", &field))
		return json_object_get_string(field);
	return "";
}

/* Parses body and checks the status and that the message mentions hint. */
static void expect(const char *content_type, const char *body, size_t len, int status,
		   const char *hint, const char *label)
{
	struct response resp;
	struct json_object *obj = NULL;
	int r;

	response_init(&resp);
	r = json_in_parse_body(content_type, body, len, spec, &resp, &obj);
	if (status == 0) {
		ok(r == 0 && obj, "%s", label);
	} else {
		ok(r < 0 && resp.status == status, "%s -> %d", label, status);
		ok(hint == NULL || strstr(message(&resp), hint),
		   "  message names \"%s\" (%s)", hint ? hint : "", message(&resp));
	}
	json_object_put(obj);
	response_free(&resp);
}

#define EXPECT(type, text, status, hint, label) \
	expect(type, text, sizeof(text) - 1, status, hint, label)

int main(void)
{
	const char *json = "application/json";
	uint64_t size = 0;
	struct json_object *obj;

	EXPECT(json, "{\"name\":\"v\",\"size\":\"1G\"}", 0, NULL, "a good body parses");
	EXPECT("application/json; charset=utf-8", "{\"name\":\"v\",\"size\":1}", 0, NULL,
	       "a charset parameter is fine");
	EXPECT("text/plain", "{\"name\":\"v\",\"size\":1}", 415, "Content-Type",
	       "text/plain is 415");
	EXPECT(NULL, "{\"name\":\"v\",\"size\":1}", 415, "Content-Type", "no type is 415");
	EXPECT("application/jsonx", "{}", 415, NULL, "a lookalike type is 415");
	EXPECT(json, "", 400, "required", "an empty body is 400");
	EXPECT(json, "{\"name\":\"v\",", 400, "byte", "truncated JSON names the offset");
	EXPECT(json, "{\"name\":\"v\"} x", 400, "byte 13", "trailing data is 400");
	EXPECT(json, "[1,2]", 400, "must be a JSON object", "an array is 400");
	EXPECT(json, "\"text\"", 400, "must be a JSON object", "a string is 400");
	EXPECT(json, "42", 400, "must be a JSON object", "a bare number is 400 saying so");
	EXPECT(json, "null", 400, "must be a JSON object", "null is 400 saying so");
	EXPECT(json, "{\"name\":", 400, "end of input", "a cut body says it ended early");
	EXPECT(json, "{\"name\":\"v\",\"szie\":1}", 400, "szie", "a typo is 400 naming it");
	EXPECT(json, "{\"size\":1}", 400, "\"name\" is required", "a missing field is 400");
	EXPECT(json, "{\"name\":5,\"size\":1}", 400, "\"name\"", "a wrong type is 400");
	EXPECT(json, "{\"name\":\"a/b\",\"size\":1}", 400, "'/'", "a bad name is 400");
	EXPECT(json, "{\"name\":\"a\\u0000b\",\"size\":1}", 400, "NUL", "an escaped NUL is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":-1}", 400, "negative", "a negative size is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":1e9}", 400, "\"size\"", "1e9 is not a size");
	EXPECT(json, "{\"name\":\"v\",\"size\":\"10X\"}", 400, "10X", "\"10X\" is not a size");
	EXPECT(json, "{\"name\":\"v\",\"size\":\"99999999P\"}", 400, "2^64",
	       "an overflowing size is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"pg_num\":\"8\"}", 400, "pg_num",
	       "a string for an integer is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"allow_shrink\":1}", 400, "allow_shrink",
	       "a number for a bool is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"features\":[\"a\",2]}", 400, "item 1",
	       "a non-string array item is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"parent\":[]}", 400, "parent",
	       "an array for an object is 400");
	EXPECT(json, "{\"name\":\"\xff\",\"size\":1}", 400, "JSON", "invalid UTF-8 is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"comment\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}",
	       400, "JSON", "deep nesting is 400");
	expect(json, "{\"name\":\"v\"\0}", 13, 400, "NUL", "a raw NUL byte is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"size\":2}", 400, "repeats a key",
	       "a duplicate key is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"parent\":{\"a\":1,\"b\":{\"a\":2},\"a\":3}}", 400,
	       "byte 49", "a duplicate key in a nested object is 400 at its offset");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"parent\":{\"name\":1,\"size\":[\"name\"]}}", 0, NULL,
	       "the same key in different objects is fine");
	EXPECT(json, "{\"name\":\"a\\\"b\",\"size\":1,\"comment\":\"name\"}", 0, NULL,
	       "escaped quotes and key-like values do not confuse the scan");
	EXPECT(json, "{\"name\":\"v\",\"size\":18446744073709551616}", 400, "2^64-1",
	       "an integer above 2^64-1 is 400, not saturated");
	EXPECT(json, "{\"name\":\"v\",\"size\":184467440737095516150}", 400, "byte 19",
	       "a 21-digit integer is 400 naming the offset");
	EXPECT(json, "{\"name\":\"99999999999999999999999\",\"size\":18446744073709551615}", 0, NULL,
	       "digits inside strings and 2^64-1 itself are fine");
	EXPECT(json, "{\"name\":\"v\",\"size\":18446744073709551616}", 400,
	       "field \"size\" in request body: 18446744073709551616 is larger than 2^64-1 bytes",
	       "an oversized size names the field");
	EXPECT(json, "{\"name\":\"v\",\"size\":1e26}", 400, "field \"size\" in request body: 1e26 is larger",
	       "1e26 names the field");
	EXPECT(json, "{\"name\":\"v\",\"size\":1e400}", 400, "field \"size\" in request body: 1e400 is larger",
	       "1e400 names the field");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"pg_num\":99999999999999999999}", 400,
	       "field \"pg_num\" in request body: 99999999999999999999 is larger than 2^64-1 (",
	       "any numeric field is named, without \"bytes\"");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"parent\":{\"a\":[1e30]}}", 400, "field \"parent.a\"",
	       "a nested number is named by its path");
	EXPECT(json, "{\"name\":\"v\",\"size\":-1e400}", 400, "\"size\"",
	       "a huge negative names the field too");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"\\u0073ize\":2}", 400, "repeats a key in one object: \"size\"",
	       "a duplicate key spelt with an escape is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"comment\":\"\xc0\xaf\"}", 400,
	       "field \"comment\" in request body is not valid UTF-8", "an overlong form in a string is 400");
	EXPECT(json, "{\"name\":\"\xed\xa0\x80\",\"size\":1}", 400, "\"name\" in request body is not valid UTF-8",
	       "an encoded surrogate is 400");
	EXPECT(json, "{\"name\":\"\xf4\x90\x80\x80\",\"size\":1}", 400, "not valid UTF-8",
	       "a code point above U+10FFFF is 400");
	EXPECT(json, "{\"name\":\"v\\ud800\",\"size\":1}", 400, "lone high surrogate",
	       "a lone \\ud800 escape is 400 (json-c would make it U+FFFD)");
	EXPECT(json, "{\"name\":\"v\\udc00x\",\"size\":1}", 400, "lone low surrogate",
	       "a lone \\udc00 escape is 400");
	EXPECT(json, "{\"name\":\"v\\ud83d\\udcbe\",\"size\":1}", 0, NULL,
	       "a surrogate pair escape is fine");
	EXPECT(json, "{\"name\":\"v\\u0085\",\"size\":1}", 400, "control character",
	       "a C1 control in a name is 400");
	EXPECT(json, "{\"\xc0\xaf\":1}", 400, "a key in the request body is not valid UTF-8", "a key that is not UTF-8 is 400");
	EXPECT(json, "{\"name\":\"v\",\"size\":1,\"comment\":\"team\\u0000x\"}", 400, "NUL",
	       "an escaped NUL in any string field is 400, not cut");

	obj = json_tokener_parse("{\"size\":\"2G\"}");
	ok(json_in_size(obj, "size", &size) == 0 && size == (2ull << 30), "json_in_size reads \"2G\"");
	json_object_put(obj);
	obj = json_tokener_parse("{\"size\":18446744073709551615}");
	ok(json_in_size(obj, "size", &size) == 0 && size == UINT64_MAX,
	   "json_in_size reads 2^64-1 as an integer");
	json_object_put(obj);

	/* FIELD_NULLABLE: null clears a field; other types are still checked. */
	{
		static const struct field_spec nullable[] = {
			{"limit", FIELD_SIZE | FIELD_NULLABLE, 0},
			{"plain", FIELD_SIZE, 0},
			{NULL, 0, 0},
		};
		static const char *good = "{\"limit\":null}";
		static const char *bad = "{\"limit\":true}";
		static const char *plain = "{\"plain\":null}";
		struct response resp;

		response_init(&resp);
		obj = NULL;
		ok(json_in_parse_body(json, good, strlen(good), nullable, &resp, &obj) == 0,
		   "null accepted for a nullable field");
		ok(json_in_is_null(obj, "limit") && !json_in_is_null(obj, "plain"),
		   "json_in_is_null tells null from absent");
		json_object_put(obj);
		response_free(&resp);
		response_init(&resp);
		obj = NULL;
		ok(json_in_parse_body(json, bad, strlen(bad), nullable, &resp, &obj) < 0 &&
			   strstr(message(&resp), "(or null), not boolean"),
		   "a nullable field still checks its type (%s)", message(&resp));
		response_free(&resp);
		response_init(&resp);
		ok(json_in_parse_body(json, plain, strlen(plain), nullable, &resp, &obj) < 0 &&
			   strstr(message(&resp), "not null"),
		   "null refused where not declared (%s)", message(&resp));
		response_free(&resp);
	}
	return done_testing();
}
