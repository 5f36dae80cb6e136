/* SPDX-License-Identifier: Apache-2.0 */
/* import_url_allow: what a URL must look like before it is matched, and
 * how patterns match it part by part (src/core/url_allow.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "../../src/core/url_allow.h"
#include "tap.h"

static void reads(const char *url, const char *want)
{
	struct url_parts parts;
	char why[256] = "", text[URL_PART_MAX * 2] = "";
	int r = url_parse_strict(url, &parts, why, sizeof(why));

	if (r == 0)
		url_text(&parts, text, sizeof(text));
	ok(r == 0 && strcmp(text, want) == 0, "\"%s\" is read as %s (got \"%s\"%s%s)", url, want,
	   text, *why ? ": " : "", why);
}

static void refuses(const char *url, const char *rule)
{
	struct url_parts parts;
	char why[256] = "";
	int r = url_parse_strict(url, &parts, why, sizeof(why));

	ok(r == -EINVAL && strstr(why, rule), "\"%s\" is refused: %s (got \"%s\")", url, rule, why);
}

static void matches(const char *patterns, const char *url, int want)
{
	struct url_parts parts;
	char why[256];

	ok(url_parse_strict(url, &parts, why, sizeof(why)) == 0 &&
		   url_allow_match(patterns, &parts) == want,
	   "\"%s\" %s \"%s\"", patterns, want ? "allows" : "does not allow", url);
}

int main(void)
{
	char why[256];

	reads("http://127.0.0.1:8080/a/b.qcow2", "http://127.0.0.1:8080/a/b.qcow2");
	reads("HTTPS://Images.Example.COM/x", "https://images.example.com:443/x");
	reads("http://example.com", "http://example.com:80/");
	reads("http://example.com?x=1", "http://example.com:80/?x=1");
	reads("https://s3.example.com/b/k?X-Amz-Credential=a%2Fb",
	      "https://s3.example.com:443/b/k?X-Amz-Credential=a%2Fb");
	reads("http://[::1]:81/d", "http://[::1]:81/d");
	reads("http://[0:0:0:0:0:0:0:1]/d", "http://[::1]:80/d");

	refuses("ftp://example.com/x", "only http:// and https://");
	refuses("file:///etc/passwd", "only http:// and https://");
	refuses("http:/example.com/x", "only http:// and https://");
	refuses("example.com/x", "only http:// and https://");
	refuses("http://user:pw@example.com/x", "user name or password");
	refuses("http://good.com@evil.com/x", "user name or password");
	refuses("http:///x", "no host");
	refuses("http://ex%61mple.com/x", "\"%\" is not allowed");
	refuses("http://127.0.0.1%2f@x/", "user name");
	refuses("http://exa_mple.com/", "\"_\" is not allowed");
	refuses("http://2130706433/", "plain dotted IPv4");
	refuses("http://0x7f.1/", "plain dotted IPv4");
	refuses("http://127.1/", "plain dotted IPv4");
	refuses("http://0177.0.0.1/", "plain dotted IPv4");
	refuses("http://127.0.0.1./", "empty label");
	refuses("http://[fe80::1%25eth0]/", "zone");
	refuses("http://[::g]/", "not an IPv6 address");
	refuses("http://[::1/", "closing");
	refuses("http://example.com:0/", "port");
	refuses("http://example.com:65536/", "port");
	refuses("http://example.com:8o/", "port");
	refuses("http://example.com:/", "port");
	refuses("http://example.com/a#b", "fragment");
	refuses("http://example.com/a b", "printable ASCII");
	refuses("http://example.com/a\\b", "printable ASCII");
	refuses("http://example.com/\xc3\xa9", "printable ASCII");
	refuses("http://example.com/pub/../etc", "segments");
	refuses("http://example.com/pub/./x", "segments");
	refuses("http://example.com/pub/..", "segments");
	refuses("http://example.com/pub/%2e%2e/etc", "%2e");
	refuses("http://example.com/pub/%2F/etc", "%2f");

	matches("", "http://127.0.0.1/x", 0);
	matches("http://127.0.0.1:*/*", "http://127.0.0.1:8000/x/y.raw", 1);
	matches("http://127.0.0.1:*/*", "https://127.0.0.1:8000/x", 0);
	matches("http://127.0.0.1/*", "http://127.0.0.1:8000/x", 0);
	matches("http://127.0.0.1/*", "http://127.0.0.1/x", 1);
	matches("https://images.example.com/pub/*", "HTTPS://IMAGES.example.com/pub/a.qcow2", 1);
	matches("https://images.example.com/pub/*", "https://images.example.com/private/a", 0);
	matches("https://*.example.com/*", "https://a.example.com/x", 1);
	matches("https://*.example.com/*", "https://evil.com/.example.com/x", 0);
	matches("https://*.example.com/*", "https://example.com.evil.net/x", 0);
	matches("https://images.example.com/*", "https://images.example.com.evil.net/x", 0);
	matches("http://a.com/* , https://b.com/*", "https://b.com/x", 1);
	matches("http://[::1]:*/*", "http://[0::1]:99/x", 1);

	is_int(url_allow_patterns_check("http://127.0.0.1:*/* https://x.com/pub/*", why, sizeof(why)),
	       0, "a list of patterns is accepted");
	is_int(url_allow_patterns_check("127.0.0.1", why, sizeof(why)), -EINVAL,
	       "a pattern without a scheme is refused");
	is_int(url_allow_patterns_check("https://x.com", why, sizeof(why)), -EINVAL,
	       "a pattern without a path is refused");
	ok(strstr(why, "/*") != NULL, "and the message says to end it with /*");
	return done_testing();
}
