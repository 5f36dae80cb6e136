/* SPDX-License-Identifier: Apache-2.0 */
/* surface.c - the route table and its body rules printed as JSON.
 *
 * Everything the daemon accepts is in the table (routes.c): methods,
 * paths, query parameters, and through the body column the field rules
 * handlers check bodies against. Printed, it needs no cluster, so the
 * check of src/openapi.json against it (t/01-surface.t) runs in
 * `make check-unit`. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json_in.h"
#include "router.h"
#include "routes.h"
#include "surface.h"

static const char *const type_names[] = {
	[FIELD_STRING] = "string",
	[FIELD_NAME] = "name",
	[FIELD_SIZE] = "size",
	[FIELD_UINT] = "uint",
	[FIELD_BOOL] = "bool",
	[FIELD_OBJECT] = "object",
	[FIELD_STRING_ARRAY] = "string_array",
};

static const char *type_name(enum field_type type)
{
	unsigned base = (unsigned)type & ~(unsigned)FIELD_NULLABLE;

	if (base >= sizeof(type_names) / sizeof(type_names[0]) || !type_names[base])
		return "unknown";
	return type_names[base];
}

/* The table's names and paths are plain ASCII; anything a JSON string
 * would have to escape is printed as "?", which the check then reports. */
static void print_text(FILE *out, const char *text, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		fputc(c == '"' || c == '\\' || (unsigned char)c < 0x20 ? '?' : c, out);
	}
	fputc('"', out);
}

static void print_string(FILE *out, const char *text)
{
	print_text(out, text, strlen(text));
}

static const struct field_spec *object_rules(const struct route_object *objects, const char *field)
{
	for (size_t i = 0; objects && objects[i].field; i++)
		if (strcmp(objects[i].field, field) == 0)
			return objects[i].spec;
	return NULL;
}

/* [{"name": ..., "type": ..., "nullable": ..., "required": ...,
 * "fields": [...] for an object with rules}, ...] */
static void print_fields(FILE *out, const struct field_spec *spec, const struct route_object *objects)
{
	fputc('[', out);
	for (size_t i = 0; spec[i].name; i++) {
		const struct field_spec *inner = object_rules(objects, spec[i].name);

		fputs(i ? ", {\"name\": " : "{\"name\": ", out);
		print_string(out, spec[i].name);
		fprintf(out, ", \"type\": \"%s\", \"nullable\": %s, \"required\": %s",
			type_name(spec[i].type), spec[i].type & FIELD_NULLABLE ? "true" : "false",
			spec[i].required ? "true" : "false");
		if (inner) {
			fputs(", \"fields\": ", out);
			print_fields(out, inner, NULL);
		}
		fputc('}', out);
	}
	fputc(']', out);
}

/* "a,b,c" as ["a", "b", "c"]. */
static void print_query(FILE *out, const char *query)
{
	const char *c = query;

	fputc('[', out);
	while (c && *c) {
		size_t len = strcspn(c, ",");

		if (c != query)
			fputs(", ", out);
		print_text(out, c, len);
		c += len;
		if (*c == ',')
			c++;
	}
	fputc(']', out);
}

int surface_print(FILE *out)
{
	fputs("[\n", out);
	for (size_t r = 0; r < api_nroutes; r++) {
		const struct route *route = &api_routes[r];

		fprintf(out, "{\"method\": \"%s\", \"path\": ", http_method_name(route->method));
		print_string(out, route->pattern);
		fputs(", \"query\": ", out);
		print_query(out, route->query);
		if (route->query_fields) {
			fputs(", \"query_fields\": ", out);
			print_fields(out, route->query_fields, NULL);
		}
		fputs(", \"body\": ", out);
		if (route->body)
			print_fields(out, route->body, route->objects);
		else
			fputs("null", out);
		fputs(r + 1 < api_nroutes ? "},\n" : "}\n", out);
	}
	fputs("]\n", out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}
