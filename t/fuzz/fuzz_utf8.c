/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: any bytes through the UTF-8 checker and repair, and
 * through the output path (json_add_name, json_add_text, a message, and
 * response_json_text): what goes out is always valid UTF-8 JSON, and text
 * that was valid comes back exactly. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "response.h"
#include "utf8.h"

static void check_repair(const char *text, size_t len)
{
	size_t repaired_len = utf8_repaired_len(text, len);
	char *repaired = malloc(repaired_len + 1);
	int valid = utf8_check(text, len, NULL) == 0;

	if (!repaired)
		return;
	utf8_repair(text, len, repaired);
	if (utf8_check(repaired, repaired_len, NULL) != 0)
		abort();
	if (valid && (repaired_len != len || memcmp(repaired, text, len) != 0))
		abort();
	if (!valid && repaired_len == len && memcmp(repaired, text, len) == 0)
		abort();
	free(repaired);
}

static void check_output(const char *text)
{
	struct json_object *body = json_envelope("Fuzz"), *parsed, *field;
	struct response resp;
	const char *out;
	char *owned;
	size_t len;

	response_init(&resp);
	if (!body || json_add_name(body, "name", text, "image") < 0 ||
	    json_add_text(body, "value", text) < 0 || json_add_string(body, "message", text) < 0) {
		json_object_put(body);
		return;
	}
	response_json(&resp, 200, body);
	out = response_json_text(&resp, &len, &owned);
	if (out) {
		if (utf8_check(out, len, NULL) != 0)
			abort();
		parsed = json_tokener_parse(out);
		if (!parsed)
			abort();
		if (utf8_check(text, strlen(text), NULL) == 0 &&
		    (!json_object_object_get_ex(parsed, "message", &field) ||
		     strcmp(json_object_get_string(field), text) != 0))
			abort();
		json_object_put(parsed);
	}
	free(owned);
	response_free(&resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_repair(text, size);
	check_output(text);
	free(text);
	return 0;
}
