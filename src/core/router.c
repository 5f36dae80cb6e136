/* SPDX-License-Identifier: Apache-2.0 */
/* router.c - path splitting and the route table walk (see router.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

static const struct {
	enum http_method method;
	const char *name;
} methods[] = {
	{HTTP_GET, "GET"},     {HTTP_HEAD, "HEAD"},     {HTTP_POST, "POST"},
	{HTTP_PUT, "PUT"},     {HTTP_PATCH, "PATCH"},   {HTTP_DELETE, "DELETE"},
};

enum http_method http_method_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(name, methods[i].name) == 0)
			return methods[i].method;
	return 0;
}

const char *http_method_name(enum http_method method)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].method == method)
			return methods[i].name;
	return "?";
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int percent_decode(char *text, int plus_is_space)
{
	char *out = text;

	for (char *in = text; *in; in++) {
		if (*in == '%') {
			int hi = hex_value(in[1]);
			int lo = hi < 0 ? -1 : hex_value(in[2]);

			if (lo < 0 || (hi == 0 && lo == 0))
				return -EINVAL;
			*out++ = (char)(hi * 16 + lo);
			in += 2;
		} else if (*in == '+' && plus_is_space) {
			*out++ = ' ';
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
	return 0;
}

void path_segments_free(char **segments)
{
	if (!segments)
		return;
	for (char **s = segments; *s; s++)
		free(*s);
	free(segments);
}

int path_split(const char *raw, char ***segments_out, size_t *nsegments_out)
{
	size_t len = strlen(raw);
	size_t count = 0;
	char **segments = NULL;
	const char *p;
	int r;

	if (raw[0] != '/')
		return -EINVAL;
	if (len > 1 && raw[len - 1] == '/')
		len--;

	for (size_t i = 0; i < len; i++)
		if (raw[i] == '/')
			count++;
	segments = calloc(count + 1, sizeof(*segments));
	if (!segments)
		return -ENOMEM;

	p = raw + 1;
	for (size_t i = 0; i < count; i++) {
		const char *end = memchr(p, '/', (size_t)(raw + len - p));
		size_t seglen = end ? (size_t)(end - p) : (size_t)(raw + len - p);

		segments[i] = strndup(p, seglen);
		if (!segments[i]) {
			r = -ENOMEM;
			goto out;
		}
		r = percent_decode(segments[i], 0);
		if (r < 0)
			goto out;
		p += seglen + 1;
	}
	/* "/" alone is zero segments. */
	if (count == 1 && segments[0][0] == '\0') {
		free(segments[0]);
		segments[0] = NULL;
		count = 0;
	}
	*segments_out = segments;
	*nsegments_out = count;
	return 0;
out:
	path_segments_free(segments);
	return r;
}

/* Matches one pattern against the segments, filling captures. */
static int pattern_matches(const char *pattern, char *const *segments, size_t nsegments,
			   struct route_match *match)
{
	const char *p = pattern;
	size_t i = 0;

	match->ncaptures = 0;
	while (*p == '/') {
		const char *start = p + 1;
		const char *end = strchr(start, '/');
		size_t len = end ? (size_t)(end - start) : strlen(start);

		if (i >= nsegments)
			return 0;
		if (len >= 2 && start[0] == '{' && start[len - 1] == '}') {
			if (match->ncaptures >= ROUTE_MAX_CAPTURES)
				return 0;
			match->names[match->ncaptures] = start + 1;
			match->name_lens[match->ncaptures] = len - 2;
			match->values[match->ncaptures] = segments[i];
			match->ncaptures++;
		} else if (strlen(segments[i]) != len || strncmp(segments[i], start, len) != 0) {
			return 0;
		}
		i++;
		p = start + len;
	}
	return i == nsegments;
}

int router_match(const struct route *table, size_t nroutes, enum http_method method,
		 char *const *segments, size_t nsegments, struct route_match *match,
		 unsigned *allow)
{
	const struct route *get_route = NULL;
	struct route_match get_match = {0};
	struct route_match candidate;

	*allow = 0;
	for (size_t i = 0; i < nroutes; i++) {
		if (!pattern_matches(table[i].pattern, segments, nsegments, &candidate))
			continue;
		*allow |= table[i].method;
		if (table[i].method == HTTP_GET)
			*allow |= HTTP_HEAD;
		if (table[i].method == method) {
			*match = candidate;
			match->route = &table[i];
			return 0;
		}
		if (table[i].method == HTTP_GET && !get_route) {
			get_route = &table[i];
			get_match = candidate;
		}
	}
	if (method == HTTP_HEAD && get_route) {
		*match = get_match;
		match->route = get_route;
		return 0;
	}
	return *allow ? -EOPNOTSUPP : -ENOENT;
}

int router_format_allow(unsigned allow, char *out, size_t outlen)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		int n;

		if (!(allow & methods[i].method))
			continue;
		n = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "",
			     methods[i].name);
		if (n < 0 || (size_t)n >= outlen - used)
			return -ENOSPC;
		used += (size_t)n;
	}
	return 0;
}

const char *route_capture(const struct route_match *match, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < match->ncaptures; i++)
		if (match->name_lens[i] == len && strncmp(match->names[i], name, len) == 0)
			return match->values[i];
	return NULL;
}

int percent_encode_segment(const char *in, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t used = 0;

	if (outlen == 0)
		return -ENOSPC;
	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;

		if (isalnum(c) || strchr("-._~", c)) {
			if (used + 1 >= outlen)
				goto too_small;
			out[used++] = (char)c;
		} else {
			if (used + 3 >= outlen)
				goto too_small;
			out[used++] = '%';
			out[used++] = hex[c >> 4];
			out[used++] = hex[c & 15];
		}
	}
	out[used] = '\0';
	return 0;
too_small:
	/* Never half a name: a caller that missed the error sends nothing
	 * rather than stale bytes. */
	out[0] = '\0';
	return -ENOSPC;
}

char *percent_encode_dup(const char *in)
{
	size_t outlen = 3 * strlen(in) + 1;
	char *out = malloc(outlen);

	if (out && percent_encode_segment(in, out, outlen) < 0) {
		free(out);
		out = NULL;
	}
	return out;
}

const char *route_scope_name(enum route_scope scope)
{
	switch (scope) {
	case ROUTE_SCOPE_PUBLIC:
		return "public";
	case ROUTE_SCOPE_ANY:
		return "any";
	case ROUTE_SCOPE_CLUSTER:
		return "cluster";
	case ROUTE_SCOPE_POOL:
		return "pool";
	case ROUTE_SCOPE_NAMESPACE:
		return "namespace";
	case ROUTE_SCOPE_ITEMS:
		return "items";
	case ROUTE_SCOPE_NONE:
		break;
	}
	return "none";
}
