/* SPDX-License-Identifier: Apache-2.0 */
/* url_allow.h - which URLs the service may fetch on a user's behalf.
 *
 * An import from a URL (POST .../images with "source") makes librbd open
 * an HTTP(S) connection from the cluster's side: without a rule, any user
 * who may create images could make this service reach any address it can
 * (SSRF). So a URL is first read strictly into its parts, then matched
 * against the administrator's import_url_allow patterns, part by part.
 *
 * A URL is accepted for matching when it is
 *   http:// or https:// (scheme in any case), then a host, an optional
 *   :port (1-65535), and an optional path starting with "/";
 * and it is refused (-EINVAL, with why) when it has userinfo ("user@"),
 * a "%" or any character but letters, digits, "-" and "." in a host name,
 * a host ending in a number that is not a plain dotted IPv4 address
 * (2130706433, 0x7f.1, 127.1, 010.0.0.1: resolvers read those as IPv4),
 * an IPv6 address that does not parse or has a zone, a fragment ("#"),
 * spaces, control or non-ASCII bytes, a backslash, or a path with "."
 * or ".." segments or with %2e, %2f or %5c (an encoded ".", "/" or "\",
 * which servers may decode to climb out of an allowed path).
 * The host is compared lowercased, an IPv6 address in its canonical form
 * in brackets ("[::1]"), the port always explicit (80 or 443 by default).
 *
 * Patterns: import_url_allow is a list separated by spaces or commas of
 *   SCHEME://HOST[:PORT]/PATH
 * each part an fnmatch(3) glob matched against the same part of the URL
 * alone: "*" in the host never reaches into the port or path. A pattern
 * without :PORT allows the scheme's default port only; ":*" allows any.
 * PATH is matched whole, "*" spanning "/"; a query ("?...", as presigned
 * URLs carry) is passed on but not matched. Examples: docs/operations.md
 * (a "*" after a "/" would end this comment).
 * The host is matched as written, not resolved: allow only names whose
 * DNS you control, and servers you trust (librbd follows what they
 * answer). */
#ifndef RBD_REST_API_URL_ALLOW_H
#define RBD_REST_API_URL_ALLOW_H

#include <stddef.h>

#define URL_PART_MAX 2048

struct url_parts {
	char scheme[8];              /* "http" or "https" */
	char host[256];              /* lowercased; IPv6 as "[canonical]" */
	unsigned port;               /* explicit or the scheme's default */
	char path[URL_PART_MAX];     /* "/" when the URL has none; no query */
	char query[URL_PART_MAX];    /* "?..." or "" */
};

/* Reads url into parts under the rules above. Returns 0, or -EINVAL with
 * why (naming the rule) in why[len]. */
int url_parse_strict(const char *url, struct url_parts *parts, char *why, size_t len);

/* The URL as it is fetched, built from its checked parts (scheme and
 * host lowercased, port explicit): what was matched is what librbd gets.
 * Returns 0 or -ENAMETOOLONG. */
int url_text(const struct url_parts *parts, char *buf, size_t len);

/* 1 when a pattern of the list allows the URL, 0 when none does. */
int url_allow_match(const char *patterns, const struct url_parts *parts);

/* Checks a pattern list (the configuration key): 0, or -EINVAL with why. */
int url_allow_patterns_check(const char *patterns, char *why, size_t len);

#endif
