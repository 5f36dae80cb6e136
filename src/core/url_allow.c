/* SPDX-License-Identifier: Apache-2.0 */
/* url_allow.c - strict URL reading and the import_url_allow patterns (see
 * url_allow.h). Pure: no network, no resolver. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "url_allow.h"

static int refuse(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int refuse(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* "http://" or "https://" in any case: the scheme, and where the rest
 * begins; NULL for anything else. */
static const char *read_scheme(const char *url, char *scheme, size_t len)
{
	if (strncasecmp(url, "http://", 7) == 0) {
		snprintf(scheme, len, "http");
		return url + 7;
	}
	if (strncasecmp(url, "https://", 8) == 0) {
		snprintf(scheme, len, "https");
		return url + 8;
	}
	return NULL;
}

/* A host name's last label starting with a digit is read as IPv4 by
 * resolvers (inet_aton: 127.1, 0x7f.1, 2130706433, 0177.0.0.1): only
 * the plain dotted form, as inet_ntop writes it back, is accepted. */
static int check_name(char *host, char *why, size_t len)
{
	const char *last = strrchr(host, '.');
	struct in_addr v4;
	char back[INET_ADDRSTRLEN];

	if (!*host)
		return refuse(why, len, "the URL has no host");
	for (char *c = host; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.')
			return refuse(why, len,
				      "the URL's host may hold only letters, digits, \"-\" and \".\" (or be an IPv6 address in brackets); \"%c\" is not allowed there",
				      *c);
		*c = (char)tolower((unsigned char)*c);
	}
	if (host[0] == '.' || host[strlen(host) - 1] == '.' || strstr(host, ".."))
		return refuse(why, len, "the URL's host \"%s\" has an empty label", host);
	last = last ? last + 1 : host;
	if (!isdigit((unsigned char)*last))
		return 0;
	if (inet_pton(AF_INET, host, &v4) != 1 || !inet_ntop(AF_INET, &v4, back, sizeof(back)) ||
	    strcmp(back, host) != 0)
		return refuse(why, len,
			      "the URL's host \"%s\" ends in a number but is not a plain dotted IPv4 address (such as 192.0.2.1)",
			      host);
	return 0;
}

/* "[v6]": parsed, and written back canonical (lowercase, shortest). */
static int check_v6(const char *inside, size_t n, char *host, size_t hostlen, char *why, size_t len)
{
	struct in6_addr v6;
	char text[INET6_ADDRSTRLEN + 1], back[INET6_ADDRSTRLEN];

	if (n >= sizeof(text))
		return refuse(why, len, "the URL's IPv6 address is too long");
	memcpy(text, inside, n);
	text[n] = '\0';
	if (strchr(text, '%'))
		return refuse(why, len, "the URL's IPv6 address may not name a zone (\"%%\")");
	if (inet_pton(AF_INET6, text, &v6) != 1 || !inet_ntop(AF_INET6, &v6, back, sizeof(back)))
		return refuse(why, len, "the URL's host [%s] is not an IPv6 address", text);
	snprintf(host, hostlen, "[%s]", back);
	return 0;
}

static int read_port(const char *text, size_t n, unsigned *port, char *why, size_t len)
{
	unsigned long value = 0;

	if (n == 0 || n > 5)
		return refuse(why, len, "the URL's port must be a number from 1 to 65535");
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)text[i]))
			return refuse(why, len, "the URL's port must be a number from 1 to 65535");
		value = value * 10 + (unsigned long)(text[i] - '0');
	}
	if (value < 1 || value > 65535)
		return refuse(why, len, "the URL's port must be a number from 1 to 65535");
	*port = (unsigned)value;
	return 0;
}

/* The path and query: printable ASCII, no backslash; the path without
 * dot segments and without an encoded dot, slash or backslash (the query
 * may hold them: presigned URLs do). */
static int check_path(const char *path, size_t path_len, char *why, size_t len)
{
	static const char *const encoded[] = {"%2e", "%2f", "%5c"};

	for (const char *c = path; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '\\')
			return refuse(why, len,
				      "the URL may hold only printable ASCII without spaces or \"\\\" (percent-encode the rest)");
	for (size_t at = 0; at < path_len; at++) {
		for (size_t i = 0; i < sizeof(encoded) / sizeof(encoded[0]); i++)
			if (path_len - at >= 3 && strncasecmp(path + at, encoded[i], 3) == 0)
				return refuse(why, len,
					      "the URL's path may not hold %s (an encoded \".\", \"/\" or \"\\\")",
					      encoded[i]);
		if (path[at] == '/') {
			size_t n = 0;

			while (at + 1 + n < path_len && path[at + 1 + n] != '/')
				n++;
			if ((n == 1 && path[at + 1] == '.') ||
			    (n == 2 && path[at + 1] == '.' && path[at + 2] == '.'))
				return refuse(why, len,
					      "the URL's path may not hold \".\" or \"..\" segments");
		}
	}
	return 0;
}

int url_parse_strict(const char *url, struct url_parts *parts, char *why, size_t len)
{
	const char *rest, *end, *colon = NULL, *query;
	size_t host_len, path_len;
	int r;

	memset(parts, 0, sizeof(*parts));
	rest = read_scheme(url, parts->scheme, sizeof(parts->scheme));
	if (!rest)
		return refuse(why, len, "only http:// and https:// URLs can be imported");
	if (strlen(url) >= URL_PART_MAX)
		return refuse(why, len, "the URL is longer than %d bytes", URL_PART_MAX - 1);
	if (strchr(url, '#'))
		return refuse(why, len, "the URL may not have a fragment (\"#\")");
	end = rest + strcspn(rest, "/?");
	if (memchr(rest, '@', (size_t)(end - rest)))
		return refuse(why, len,
			      "the URL may not carry a user name or password (\"user@host\")");
	if (*rest == '[') {
		const char *close = memchr(rest, ']', (size_t)(end - rest));

		if (!close)
			return refuse(why, len, "the URL's IPv6 address has no closing \"]\"");
		r = check_v6(rest + 1, (size_t)(close - rest - 1), parts->host, sizeof(parts->host),
			     why, len);
		if (r < 0)
			return r;
		if (close + 1 != end && close[1] != ':')
			return refuse(why, len, "the URL has text after its IPv6 address's \"]\"");
		colon = close + 1 != end ? close + 1 : NULL;
	} else {
		colon = memchr(rest, ':', (size_t)(end - rest));
		host_len = (size_t)((colon ? colon : end) - rest);
		if (host_len >= sizeof(parts->host))
			return refuse(why, len, "the URL's host is longer than %zu bytes",
				      sizeof(parts->host) - 1);
		memcpy(parts->host, rest, host_len);
		parts->host[host_len] = '\0';
		r = check_name(parts->host, why, len);
		if (r < 0)
			return r;
	}
	parts->port = strcmp(parts->scheme, "https") == 0 ? 443 : 80;
	if (colon) {
		r = read_port(colon + 1, (size_t)(end - colon - 1), &parts->port, why, len);
		if (r < 0)
			return r;
	}
	query = strchr(end, '?');
	path_len = query ? (size_t)(query - end) : strlen(end);
	r = check_path(end, path_len, why, len);
	if (r < 0)
		return r;
	if (path_len == 0)
		snprintf(parts->path, sizeof(parts->path), "/");
	else
		snprintf(parts->path, sizeof(parts->path), "%.*s", (int)path_len, end);
	snprintf(parts->query, sizeof(parts->query), "%s", query ? query : "");
	return 0;
}

int url_text(const struct url_parts *parts, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s://%s:%u%s%s", parts->scheme, parts->host, parts->port,
			 parts->path, parts->query);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* One pattern, parsed by the URL rules but with globs allowed: its parts
 * as texts. Returns 0 or -EINVAL with why. */
static int split_pattern(const char *pattern, char *scheme, size_t scheme_len, char *host,
			 size_t host_len, char *port, size_t port_len, const char **path, char *why,
			 size_t len)
{
	const char *rest = strstr(pattern, "://"), *end, *colon;

	if (!rest || (size_t)(rest - pattern) >= scheme_len)
		return refuse(why, len, "pattern \"%s\" must look like SCHEME://HOST[:PORT]/PATH",
			      pattern);
	snprintf(scheme, scheme_len, "%.*s", (int)(rest - pattern), pattern);
	for (char *c = scheme; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	rest += 3;
	end = rest + strcspn(rest, "/");
	if (!*end)
		return refuse(why, len,
			      "pattern \"%s\" has no path: end it with /* to allow every path of the host",
			      pattern);
	if (memchr(rest, '@', (size_t)(end - rest)))
		return refuse(why, len, "pattern \"%s\" may not hold \"@\" before its path", pattern);
	colon = *rest == '[' ? memchr(rest, ']', (size_t)(end - rest)) : rest;
	colon = colon ? memchr(colon, ':', (size_t)(end - colon)) : NULL;
	if ((size_t)((colon ? colon : end) - rest) >= host_len || end == rest)
		return refuse(why, len, "pattern \"%s\" has an empty or too long host", pattern);
	if (*rest == '[' && ((colon ? colon : end) - rest < 3 || (colon ? colon : end)[-1] != ']'))
		return refuse(why, len, "pattern \"%s\" has an IPv6 host without its \"]\"", pattern);
	/* An IPv6 host's brackets are literal, not an fnmatch set. */
	if (*rest == '[')
		snprintf(host, host_len, "\\[%.*s\\]", (int)((colon ? colon : end) - rest - 2),
			 rest + 1);
	else
		snprintf(host, host_len, "%.*s", (int)((colon ? colon : end) - rest), rest);
	for (char *c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (colon)
		snprintf(port, port_len, "%.*s", (int)(end - colon - 1), colon + 1);
	else
		snprintf(port, port_len, "%s", strcmp(scheme, "https") == 0 ? "443" : "80");
	*path = end;
	return 0;
}

/* Calls fn for each pattern of the list (separated by spaces or commas);
 * stops at the first that answers non-zero and returns its answer. */
static int each_pattern(const char *patterns, int (*fn)(const char *, void *), void *arg)
{
	char *copy = strdup(patterns ? patterns : ""), *save = NULL, *pattern;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (pattern = strtok_r(copy, " \t,", &save); pattern && r == 0;
	     pattern = strtok_r(NULL, " \t,", &save))
		r = fn(pattern, arg);
	free(copy);
	return r;
}

static int match_one(const char *pattern, void *arg)
{
	const struct url_parts *parts = arg;
	char scheme[16], host[300], port[16], why[16], url_port[8];
	const char *path;

	if (split_pattern(pattern, scheme, sizeof(scheme), host, sizeof(host), port, sizeof(port),
			  &path, why, sizeof(why)) < 0)
		return 0;
	snprintf(url_port, sizeof(url_port), "%u", parts->port);
	return fnmatch(scheme, parts->scheme, 0) == 0 && fnmatch(host, parts->host, 0) == 0 &&
	       fnmatch(port, url_port, 0) == 0 && fnmatch(path, parts->path, 0) == 0;
}

int url_allow_match(const char *patterns, const struct url_parts *parts)
{
	return each_pattern(patterns, match_one, (void *)parts) == 1;
}

struct check_arg {
	char *why;
	size_t len;
};

static int check_one(const char *pattern, void *arg)
{
	struct check_arg *c = arg;
	char scheme[16], host[300], port[16];
	const char *path;

	return split_pattern(pattern, scheme, sizeof(scheme), host, sizeof(host), port,
			     sizeof(port), &path, c->why, c->len);
}

int url_allow_patterns_check(const char *patterns, char *why, size_t len)
{
	struct check_arg c = {why, len};

	return each_pattern(patterns, check_one, &c);
}
