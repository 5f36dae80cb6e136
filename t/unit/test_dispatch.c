/* SPDX-License-Identifier: Apache-2.0 */
/* test_dispatch.c - from FastCGI parameters to the answer's bytes,
 * without a cluster.
 *
 * The real route table (routes.c), dispatch (http_dispatch.c), handler
 * contract (api_call.c) and authorization (authz.c, policy.c with the
 * sample policy src/policy.conf.sample, uncommented) run as the daemon
 * runs them; every handler is a stub generated from route_decls.inc
 * (gen-stub-handlers.sh) that says which one it is, and the api layer's
 * cluster side stops at dispatch_seams.c. Requests are parameter arrays
 * with the names nginx sends, as nginx-tests' in-test FastCGI backend
 * sees them; answers are parsed from the bytes that would go back. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "api.h"
#include "conf.h"
#include "http_dispatch.h"
#include "log.h"
#include "policy.h"
#include "response.h"
#include "routes.h"
#include "scoreboard.h"
#include "stub_handlers.h"
#include "tap.h"

/* How the stubs answer: as a handler should, or breaking the one
 * channel for failure in each way api_call.c catches. */
enum stub_mode {
	STUB_OK, /* 200 and a body naming the handler */
	STUB_ERROR_SILENT, /* -EIO and no answer */
	STUB_OK_SILENT, /* 0 and no answer */
	STUB_ERROR_ANSWERED, /* -EBUSY with its 409 */
	STUB_ERROR_AFTER_OK, /* a 200 answer, then -EIO */
};
static enum stub_mode stub_mode;
static route_handler stub_called;

int stub_handler(route_handler self, const char *name, struct request *req, struct response *resp)
{
	struct json_object *body;

	(void)req;
	stub_called = self;
	if (stub_mode == STUB_ERROR_SILENT)
		return -EIO;
	if (stub_mode == STUB_OK_SILENT)
		return 0;
	if (stub_mode == STUB_ERROR_ANSWERED)
		return response_fail(resp, -EBUSY, "%s is busy", name);
	body = json_object_new_object();
	json_object_object_add(body, "Kind", json_object_new_string("Stub"));
	json_object_object_add(body, "handler", json_object_new_string(name));
	response_json(resp, 200, body);
	return stub_mode == STUB_ERROR_AFTER_OK ? -EIO : 0;
}

/* The web server's side of one exchange. */
struct exchange {
	const char *in;
	size_t in_len, in_pos;
	char *out;
	size_t out_len;
};

static ssize_t exchange_read(void *ctx, char *buf, size_t len)
{
	struct exchange *ex = ctx;
	size_t n = ex->in_len - ex->in_pos < len ? ex->in_len - ex->in_pos : len;

	memcpy(buf, ex->in + ex->in_pos, n);
	ex->in_pos += n;
	return (ssize_t)n;
}

static int exchange_write(void *ctx, const char *buf, size_t len)
{
	struct exchange *ex = ctx;
	char *grown = realloc(ex->out, ex->out_len + len + 1);

	if (!grown)
		return -ENOMEM;
	memcpy(grown + ex->out_len, buf, len);
	ex->out = grown;
	ex->out_len += len;
	ex->out[ex->out_len] = '\0';
	return 0;
}

struct answer {
	int status;
	char *raw; /* head and body as written */
	const char *message; /* the error's "message", or "" */
	struct json_object *json;
	route_handler called; /* the last stub run, or NULL */
};

static struct conf conf;
static struct api_env env;
static struct thread_score *score;

static void answer_free(struct answer *a)
{
	json_object_put(a->json);
	free(a->raw);
	memset(a, 0, sizeof(*a));
}

/* Serves envp (NAME=value strings) with body as the request's stream. */
static void serve_params(struct answer *a, char **envp, const char *body, size_t body_len,
			 int transfer_refused)
{
	struct exchange ex = {body, body_len, 0, NULL, 0};
	struct http_io io = {envp, exchange_read, exchange_write, &ex};
	struct json_object *message;
	char *blank;

	answer_free(a);
	stub_called = NULL;
	http_handle(&io, &env, score, transfer_refused);
	a->called = stub_called;
	a->raw = ex.out ? ex.out : strdup("");
	a->message = "";
	if (sscanf(a->raw, "Status: %d", &a->status) != 1)
		a->status = -1;
	blank = strstr(a->raw, "\r\n\r\n");
	if (blank && blank[4])
		a->json = json_tokener_parse(blank + 4);
	if (a->json && json_object_object_get_ex(a->json, "message", &message))
		a->message = json_object_get_string(message);
}

/* A request as nginx passes it: the method, the URI, the authenticated
 * user (NULL: none), and a JSON body (NULL: none). */
static void serve(struct answer *a, const char *method, const char *uri, const char *user,
		  const char *body)
{
	char *envp[8];
	size_t n = 0;

	if (asprintf(&envp[n++], "REQUEST_METHOD=%s", method) < 0 ||
	    asprintf(&envp[n++], "REQUEST_URI=%s", uri) < 0 ||
	    asprintf(&envp[n++], "REQUEST_ID=%s", "00112233445566778899aabbccddeeff") < 0 ||
	    asprintf(&envp[n++], "REMOTE_USER=%s", user ? user : "") < 0)
		abort();
	if (body && (asprintf(&envp[n++], "CONTENT_TYPE=application/json") < 0 ||
		     asprintf(&envp[n++], "CONTENT_LENGTH=%zu", strlen(body)) < 0))
		abort();
	envp[n] = NULL;
	serve_params(a, envp, body, body ? strlen(body) : 0, 0);
	while (n-- > 0)
		free(envp[n]);
}

static int has(const char *text, const char *part)
{
	return text && strstr(text, part) != NULL;
}

/* The route's pattern with every capture filled: pool and ns as given,
 * the rest with names that obey the name rule. */
static void fill(const char *pattern, const char *pool, const char *ns, char *out, size_t len)
{
	size_t used = 0;

	for (const char *p = pattern; *p && used + 1 < len;) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		const char *value = NULL;
		char name[32];

		if (!end) {
			out[used++] = *p++;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
		if (strcmp(name, "pool") == 0)
			value = pool;
		else if (strcmp(name, "namespace") == 0)
			value = ns;
		else if (strcmp(name, "id") == 0)
			value = "0123456789abcdef";
		else if (strcmp(name, "snap_id") == 0)
			value = "4";
		else
			value = "x1";
		used += (size_t)snprintf(out + used, len - used, "%s", value);
		p = end + 1;
	}
	out[used < len ? used : len - 1] = '\0';
}

/* Whether the answer came from route's handler: the stub's record, or
 * for the one handler the test links for real (whoami, in authz.c), its
 * Identity answer. */
static int reached(const struct answer *a, const struct route *route)
{
	struct json_object *kind;

	if (route->handler != api_whoami)
		return a->called == route->handler;
	return a->json && json_object_object_get_ex(a->json, "Kind", &kind) &&
	       strcmp(json_object_get_string(kind), "Identity") == 0;
}

static const char *body_for(enum http_method method)
{
	return method & (HTTP_POST | HTTP_PUT | HTTP_PATCH) ? "{}" : NULL;
}

/* Every route is reached by its method and path, and nothing else: the
 * stub that answers is the handler routes.c names. */
static void test_every_route_reached(void)
{
	struct answer a = {0};
	char uri[512];

	for (size_t i = 0; i < api_nroutes; i++) {
		const struct route *route = &api_routes[i];
		const char *method = http_method_name(route->method);

		fill(route->pattern, "rbd", "team-a", uri, sizeof(uri));
		serve(&a, method, uri, "root", body_for(route->method));
		ok(a.status == 200 && reached(&a, route), "%s %s reaches its handler", method,
		   route->pattern);
		if (a.status != 200)
			printf("#   %d %s\n", a.status, a.message);
	}
	answer_free(&a);
}

/* Each route's path with a method none of its routes has: 405, with
 * every accepted method in Allow. */
static void test_wrong_method(void)
{
	static const enum http_method tried[] = {HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH,
						 HTTP_DELETE};
	struct answer a = {0};
	char uri[512];

	for (size_t i = 0; i < api_nroutes; i++) {
		const struct route *route = &api_routes[i];
		unsigned methods = 0;
		enum http_method wrong = 0;
		int allow_ok = 1;

		for (size_t j = 0; j < api_nroutes; j++)
			if (strcmp(api_routes[j].pattern, route->pattern) == 0)
				methods |= api_routes[j].method;
		for (size_t j = 0; j < sizeof(tried) / sizeof(tried[0]) && !wrong; j++)
			if (!(methods & tried[j]))
				wrong = tried[j];
		if (!wrong)
			continue;
		fill(route->pattern, "rbd", "team-a", uri, sizeof(uri));
		serve(&a, http_method_name(wrong), uri, "root", body_for(wrong));
		for (size_t j = 0; j < sizeof(tried) / sizeof(tried[0]); j++) {
			char line[64];

			snprintf(line, sizeof(line), "%s", http_method_name(tried[j]));
			if ((methods & tried[j]) && !has(strstr(a.raw, "Allow: "), line))
				allow_ok = 0;
		}
		ok(a.status == 405 && !a.called && allow_ok, "%s %s: 405 with %s in Allow",
		   http_method_name(wrong), route->pattern, http_method_name(route->method));
	}
	answer_free(&a);
}

/* Each route accepts exactly its query parameters: all of them at once
 * reach the handler, an unknown one is a 400 that names it and what the
 * route accepts. */
static void test_query_rules(void)
{
	struct answer a = {0};
	char uri[512], query[256], want[300];

	for (size_t i = 0; i < api_nroutes; i++) {
		const struct route *route = &api_routes[i];
		const char *method = http_method_name(route->method);
		size_t used = 0;

		fill(route->pattern, "rbd", "team-a", uri, sizeof(uri));
		strcat(uri, "?bogus=1");
		serve(&a, method, uri, "root", body_for(route->method));
		snprintf(want, sizeof(want),
			 "unknown query parameter \"bogus\"; this endpoint accepts %s",
			 route->query ? route->query : "none");
		ok(a.status == 400 && !a.called && has(a.message, want),
		   "%s %s?bogus=1: 400 naming it and %s", method, route->pattern,
		   route->query ? route->query : "none");
		if (!route->query)
			continue;
		query[0] = '\0';
		for (const char *p = route->query; *p;) {
			size_t n = strcspn(p, ",");

			used += (size_t)snprintf(query + used, sizeof(query) - used, "%s%.*s=1",
						 used ? "&" : "?", (int)n, p);
			p += n + (p[n] == ',');
		}
		fill(route->pattern, "rbd", "team-a", uri, sizeof(uri));
		strcat(uri, query);
		serve(&a, method, uri, "root", body_for(route->method));
		ok(a.status == 200 && reached(&a, route), "%s %s%s reaches its handler", method,
		   route->pattern, query);
	}
	answer_free(&a);
}

/* The sample policy, read here too: who has which grant, and what its
 * own roles hold, so the expectations follow the file. */
struct grant {
	char user[32];
	char role[32];
	char scope[64];
};
static struct grant grants[32];
static size_t ngrants;
struct role {
	char name[32];
	unsigned verbs;
};
static struct role roles[16] = {
	{"admin", VERB_ALL},
	/* docs/operations.md, "Authorization": built in. */
	{"operator", VERB_READ | VERB_CREATE | VERB_CHANGE | VERB_DELETE | VERB_TRASH | VERB_TASKS |
			     VERB_READ_DATA | VERB_WRITE_DATA | VERB_LOCKS},
	{"viewer", VERB_READ},
};
static size_t nroles = 3;

static unsigned role_verbs(const char *name)
{
	for (size_t i = 0; i < nroles; i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].verbs;
	return 0;
}

static unsigned verb_named(const char *name)
{
	for (unsigned bit = 1; bit <= VERB_ALL; bit <<= 1)
		if (strcmp(policy_verb_name(bit), name) == 0)
			return bit;
	return 0;
}

/* The sample's example lines, uncommented; its roles and grants noted
 * (groups expanded) for the expectations below. */
static char *sample_policy(void)
{
	char path[4096], line[512], groups[8][256] = {{0}};
	size_t used = 0, ngroups = 0;
	char *text = calloc(1, 8192);
	FILE *f;

	snprintf(path, sizeof(path), "%s/src/policy.conf.sample", TOP_SRCDIR);
	f = fopen(path, "r");
	if (!f || !text)
		abort();
	while (fgets(line, sizeof(line), f)) {
		char *words[16] = {NULL}, *save = NULL;
		size_t n = 0;

		if (strncmp(line, "#role ", 6) != 0 && strncmp(line, "#group ", 7) != 0 &&
		    strncmp(line, "#grant ", 7) != 0)
			continue;
		used += (size_t)snprintf(text + used, 8192 - used, "%s", line + 1);
		for (char *w = strtok_r(line + 1, " \t\n", &save); w && n < 16;
		     w = strtok_r(NULL, " \t\n", &save))
			words[n++] = w;
		if (n < 2)
			continue;
		if (strcmp(words[0], "role") == 0) {
			snprintf(roles[nroles].name, sizeof(roles[nroles].name), "%s", words[1]);
			for (size_t i = 2; i < n; i++)
				roles[nroles].verbs |= verb_named(words[i]);
			nroles++;
		} else if (strcmp(words[0], "group") == 0) {
			for (size_t i = 1; i < n; i++)
				snprintf(groups[ngroups] + strlen(groups[ngroups]),
					 sizeof(groups[0]) - strlen(groups[ngroups]), "%s ", words[i]);
			ngroups++;
		} else {
			for (size_t i = 3; i < n; i++) {
				char users[256];
				char *u, *usave = NULL;

				snprintf(users, sizeof(users), "%s", words[1]);
				for (size_t g = 0; words[1][0] == '@' && g < ngroups; g++)
					if (strncmp(groups[g], words[1] + 1, strlen(words[1] + 1)) == 0 &&
					    groups[g][strlen(words[1] + 1)] == ' ')
						snprintf(users, sizeof(users), "%s",
							 groups[g] + strlen(words[1] + 1) + 1);
				for (u = strtok_r(users, " ", &usave); u;
				     u = strtok_r(NULL, " ", &usave)) {
					struct grant *g = &grants[ngrants++];

					snprintf(g->user, sizeof(g->user), "%s", u);
					snprintf(g->role, sizeof(g->role), "%s", words[2]);
					snprintf(g->scope, sizeof(g->scope), "%s", words[i]);
				}
			}
		}
	}
	fclose(f);
	return text;
}

/* The documented scope rule: POOL covers the pool and all its
 * namespaces, POOL/NS one namespace (globs both); pool NULL is the
 * cluster, which only "*" covers; ns NULL is the pool as a whole. */
static int covers(const char *scope, const char *pool, const char *ns)
{
	char spool[64];
	const char *slash = strchr(scope, '/');

	snprintf(spool, sizeof(spool), "%.*s", (int)(slash ? slash - scope : (long)strlen(scope)),
		 scope);
	if (!pool)
		return strcmp(scope, "*") == 0;
	if (fnmatch(spool, pool, 0) != 0)
		return 0;
	if (!slash)
		return 1;
	return ns && fnmatch(slash + 1, ns, 0) == 0;
}

/* The verbs user holds where scopes cover pool/ns; inside: any scope
 * reaching into the pool counts. */
static unsigned verbs_on(const char *user, const char *pool, const char *ns, int inside)
{
	unsigned verbs = 0;

	for (size_t i = 0; i < ngrants; i++) {
		const char *slash = strchr(grants[i].scope, '/');
		char spool[64];

		if (strcmp(grants[i].user, user) != 0)
			continue;
		snprintf(spool, sizeof(spool), "%.*s",
			 (int)(slash ? slash - grants[i].scope : (long)strlen(grants[i].scope)),
			 grants[i].scope);
		if (inside ? fnmatch(spool, pool, 0) == 0 : covers(grants[i].scope, pool, ns))
			verbs |= role_verbs(grants[i].role);
	}
	return verbs;
}

static int has_grant(const char *user)
{
	for (size_t i = 0; i < ngrants; i++)
		if (strcmp(grants[i].user, user) == 0)
			return 1;
	return 0;
}

static unsigned verbs_anywhere(const char *user)
{
	unsigned verbs = 0;

	for (size_t i = 0; i < ngrants; i++)
		if (strcmp(grants[i].user, user) == 0)
			verbs |= role_verbs(grants[i].role);
	return verbs;
}

static int sees(const char *user, const char *pool, const char *ns)
{
	return ns ? verbs_on(user, pool, ns, 0) != 0 : verbs_on(user, pool, NULL, 1) != 0;
}

/* What routes.c's rule for route means for user on pool/ns: 200 (the
 * handler runs), 403, or 404 (an object outside the user's scopes reads
 * as a missing one). */
static int expected_status(const struct route *route, const char *user, const char *pool, const char *ns)
{
	int ns_capture = has(route->pattern, "{namespace}");
	unsigned verbs;

	if (route->scope == ROUTE_SCOPE_PUBLIC)
		return 200;
	if (!user || !has_grant(user))
		return 403;
	if (route->scope == ROUTE_SCOPE_ANY)
		return verbs_anywhere(user) & route->verb ? 200 : 403;
	if (route->scope == ROUTE_SCOPE_CLUSTER)
		return verbs_on(user, NULL, NULL, 0) & route->verb ? 200 : 403;
	if (!sees(user, pool, NULL))
		return 404;
	if (ns_capture && !sees(user, pool, ns))
		return 404;
	if (route->scope == ROUTE_SCOPE_NAMESPACE && !ns_capture && !sees(user, pool, "") &&
	    (has(route->pattern, "{image}") || has(route->pattern, "{group}") ||
	     route->handler == api_snapshot_schedule_delete))
		return 404;
	if (route->scope == ROUTE_SCOPE_POOL && route->verb == VERB_READ)
		return 200;
	if (route->scope == ROUTE_SCOPE_ITEMS)
		verbs = verbs_on(user, pool, NULL, 1);
	else
		verbs = verbs_on(user, pool,
				 route->scope == ROUTE_SCOPE_POOL ? NULL : (ns_capture ? ns : ""), 0);
	return verbs & route->verb ? 200 : 403;
}

/* Every route, as every user of the sample policy (and one without a
 * grant, and nobody), in a pool and namespace each scope covers or not. */
static void test_every_role_decision(void)
{
	static const char *const users[] = {"root",  "monitor", "alice", "bob",
					    "carol", "mallory", NULL};
	static const char *const places[][2] = {{"rbd", "team-a"}, {"ssd-1", "prod-1"}};
	struct answer a = {0};
	char uri[512];

	for (size_t p = 0; p < sizeof(places) / sizeof(places[0]); p++)
		for (size_t u = 0; u < sizeof(users) / sizeof(users[0]); u++)
			for (size_t i = 0; i < api_nroutes; i++) {
				const struct route *route = &api_routes[i];
				const char *method = http_method_name(route->method);
				int want =
					expected_status(route, users[u], places[p][0], places[p][1]);
				int got_there;

				fill(route->pattern, places[p][0], places[p][1], uri, sizeof(uri));
				serve(&a, method, uri, users[u], body_for(route->method));
				got_there = reached(&a, route);
				/* A 403 says who may not do what. */
				ok(a.status == want && got_there == (want == 200) &&
					   (want != 403 || has(a.message, "no role") ||
					    has(a.message, "no authenticated user") ||
					    (has(a.message, users[u] ? users[u] : "-") &&
					     has(a.message, policy_verb_name(route->verb)))),
				   "%s %s as %s in %s/%s: %d", method, route->pattern,
				   users[u] ? users[u] : "nobody", places[p][0], places[p][1], want);
				if (a.status != want)
					printf("#   got %d: %s\n", a.status, a.message);
			}
	answer_free(&a);
}

/* The general rules of paths, names, query strings and bodies. */
static void test_request_rules(void)
{
	struct answer a = {0};
	char big[64], *envp[8];

	serve(&a, "GET", "/api/v1/nothing", "root", NULL);
	ok(a.status == 404 && has(a.message, "no such endpoint: /api/v1/nothing"),
	   "an unknown path is a 404 naming it");
	serve(&a, "GET", "/api/v2/pools", "root", NULL);
	is_int(a.status, 404, "another API version is a 404");
	serve(&a, "BREW", "/api/v1/pools", "root", NULL);
	ok(a.status == 405 && has(a.message, "method BREW is not allowed on /api/v1/pools"),
	   "an unknown method is a 405 naming it");
	serve(&a, "HEAD", "/api/v1/pools/rbd", "root", NULL);
	ok(a.status == 200 && a.called == api_pool_get && !strstr(a.raw, "\r\n\r\n{"),
	   "HEAD runs the GET route, without a body");
	serve(&a, "GET", "/api/v1/pools/%zz", "root", NULL);
	ok(a.status == 400 && has(a.message, "malformed %-escape"), "a malformed %%-escape is a 400");
	serve(&a, "GET", "/api/v1/pools/a%00b", "root", NULL);
	is_int(a.status, 400, "an encoded NUL in the path is a 400");
	serve(&a, "GET", "/api/v1/pools/a%2Fb", "root", NULL);
	ok(a.status == 400 && has(a.message, "pool name \"a/b\"") && !a.called,
	   "a pool name with '/' is a 400 naming the rule");
	serve(&a, "POST", "/api/v1/pools/rbd/images/%2E%2E/snapshots", "root", "{}");
	ok(a.status == 400 && has(a.message, "image name \"..\""), "an image named .. is a 400");
	serve(&a, "GET", "/api/v1/pools/rbd/images?limit=1&limit=2", "root", NULL);
	ok(a.status == 400 && has(a.message, "query parameter limit is given more than once"),
	   "a query parameter given twice is a 400");
	serve(&a, "GET", "/api/v1/pools/rbd/images?limit=%zz", "root", NULL);
	ok(a.status == 400 && has(a.message, "query string has a malformed"),
	   "a malformed escape in the query is a 400");
	serve(&a, "GET", "/api/v1/pools", NULL, NULL);
	ok(a.status == 403 && has(a.message, "no authenticated user"),
	   "without REMOTE_USER a route is a 403");
	serve(&a, "GET", "/api/v1/health", NULL, NULL);
	ok(a.status == 200 && a.called == api_health, "health needs no user");
	serve(&a, "GET", "/api/v1/whoami", "bob", NULL);
	ok(a.status == 200 && has(a.raw, "\"role\":\"operator\"") && has(a.raw, "team-a"),
	   "whoami (the real handler) shows bob's grant through @team-a");

	/* What a body names is authorized too (authz_check_body); a body
	 * that is no JSON is the handler's to refuse, not authorization's. */
	serve(&a, "PATCH", "/api/v1/pools/rbd/namespaces/team-a/images/vol1", "alice",
	      "{\"features\":{\"exclusive-lock\":false}}");
	ok(a.status == 403 && has(a.message, "may not change the features of images") && !a.called,
	   "an operator changing features in its own namespace is a 403");
	serve(&a, "PATCH", "/api/v1/pools/rbd/namespaces/team-a/images/vol1", "alice",
	      "{\"size\":\"2G\"}");
	ok(a.status == 200 && a.called == api_image_patch, "and resizing there reaches the handler");
	serve(&a, "POST", "/api/v1/pools/rbd/namespaces/team-a/images/vol1/copy", "alice",
	      "{\"pool\":\"ssd-1\",\"name\":\"c\"}");
	ok(a.status == 403 && has(a.message, "may not create images in ssd-1"),
	   "a copy into a pool outside the user's scopes is a 403");
	serve(&a, "POST", "/api/v1/pools/rbd/namespaces/team-a/images", "alice",
	      "{\"name\":\"c\",\"parent\":{\"pool\":\"ssd-1\",\"image\":\"p\",\"snapshot\":\"s\"}}");
	ok(a.status == 403 && has(a.message, "may not read images in ssd-1"),
	   "a clone of a parent the user may not read is a 403");
	serve(&a, "POST", "/api/v1/pools/rbd/namespaces/team-a/groups/g1/images", "alice",
	      "{\"pool\":\"rbd\",\"image\":\"vol1\"}");
	ok(a.status == 200 && a.called == api_group_image_add,
	   "a group member named in the group's namespace is that namespace's");
	serve(&a, "PATCH", "/api/v1/pools/rbd/namespaces/team-a/images/vol1", "alice", "{\"size\":");
	ok(a.status == 200 && a.called == api_image_patch,
	   "a body that is no JSON is left to the handler");

	/* Bodies: their length is what CONTENT_LENGTH says, or a 400/413. */
	envp[0] = "REQUEST_METHOD=POST";
	envp[1] = "REQUEST_URI=/api/v1/pools";
	envp[2] = "REMOTE_USER=root";
	envp[3] = "CONTENT_TYPE=application/json";
	envp[4] = "CONTENT_LENGTH=12abc";
	envp[5] = NULL;
	serve_params(&a, envp, "{}", 2, 0);
	ok(a.status == 400 && has(a.message, "Content-Length \"12abc\" is not a number") && !a.called,
	   "a Content-Length that is no number is a 400");
	envp[4] = "CONTENT_LENGTH=10";
	serve_params(&a, envp, "{}", 2, 0);
	ok(a.status == 400 && has(a.message, "request body ended after 2 of 10 bytes"),
	   "a body shorter than its Content-Length is a 400");
	snprintf(big, sizeof(big), "CONTENT_LENGTH=%llu", (unsigned long long)conf.max_body + 1);
	envp[4] = big;
	serve_params(&a, envp, "{}", 2, 0);
	ok(a.status == 413 && has(a.message, "larger than the limit"), "a body over max_body is a 413");
	envp[4] = "CONTENT_LENGTH=2";
	serve_params(&a, envp, "{}", 2, 0);
	ok(a.status == 200 && a.called == api_pool_create, "a body of its length is read");

	/* Content without a length cannot be told from a broken upload. */
	envp[0] = "REQUEST_METHOD=PUT";
	envp[1] = "REQUEST_URI=/api/v1/pools/rbd/images/vol1/data";
	envp[3] = "CONTENT_TYPE=application/octet-stream";
	envp[4] = NULL;
	serve_params(&a, envp, "", 0, 0);
	ok(a.status == 411 && !a.called, "image content without Content-Length is a 411");
	envp[4] = "CONTENT_LENGTH=4";
	serve_params(&a, envp, "abcd", 4, 1);
	ok(a.status == 429 && has(a.raw, "Retry-After: 5") && !a.called,
	   "a transfer over max_transfers is a 429 with Retry-After");
	serve_params(&a, envp, "abcd", 4, 0);
	ok(a.status == 200 && a.called == api_image_data_put, "and otherwise reaches its handler");

	/* Which thread class a request needs, from its parameters alone. */
	envp[0] = "REQUEST_METHOD=GET";
	envp[1] = "REQUEST_URI=/api/v1/pools/rbd/images";
	envp[3] = NULL;
	is_int(http_kind_of(envp), HTTP_KIND_QUICK, "a GET is quick");
	envp[1] = "REQUEST_URI=/api/v1/pools/rbd/images/vol1/data";
	is_int(http_kind_of(envp), HTTP_KIND_TRANSFER, "a GET of content is a transfer");
	envp[0] = "REQUEST_METHOD=PUT";
	envp[3] = "CONTENT_TYPE=application/octet-stream";
	envp[4] = NULL;
	is_int(http_kind_of(envp), HTTP_KIND_TRANSFER, "a PUT of content is a transfer");
	envp[0] = "REQUEST_METHOD=POST";
	envp[1] = "REQUEST_URI=/api/v1/pools/rbd/images";
	envp[3] = "CONTENT_TYPE=application/json";
	is_int(http_kind_of(envp), HTTP_KIND_SLOW, "a create with a JSON body is slow");
	answer_free(&a);
}

static size_t count_in_file(const char *path, const char *text)
{
	char line[4096];
	size_t n = 0;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return n;
}

/* One channel for failure: a handler's error comes with its error
 * answer, its success with an answer; dispatch logs a bug otherwise and
 * answers a 500 that says so. */
static void test_one_channel(const char *log_path)
{
	static const char bug[] = "event=bug route=\"GET /api/v1/pools/{pool}\"";
	struct answer a = {0};

	stub_mode = STUB_ERROR_SILENT;
	serve(&a, "GET", "/api/v1/pools/rbd", "root", NULL);
	ok(a.status == 500 && has(a.message, "the handler of GET /api/v1/pools/{pool} failed"),
	   "an error returned without an answer is a 500 that says so");
	is_int(count_in_file(log_path, bug), 1, "and a bug line naming the route");

	stub_mode = STUB_OK_SILENT;
	serve(&a, "GET", "/api/v1/pools/rbd", "root", NULL);
	ok(a.status == 500 && has(a.message, "gave no answer"),
	   "success returned without an answer is a 500 that says so");
	is_int(count_in_file(log_path, bug), 2, "and a bug line");

	stub_mode = STUB_ERROR_AFTER_OK;
	serve(&a, "GET", "/api/v1/pools/rbd", "root", NULL);
	is_int(a.status, 500, "an error returned with a 200 answer is a 500");
	is_int(count_in_file(log_path, bug), 3, "and a bug line");

	stub_mode = STUB_ERROR_ANSWERED;
	serve(&a, "GET", "/api/v1/pools/rbd", "root", NULL);
	ok(a.status == 409 && has(a.message, "api_pool_get is busy"),
	   "an error with its answer goes out as it is");
	stub_mode = STUB_OK;
	serve(&a, "GET", "/api/v1/pools/rbd", "root", NULL);
	is_int(a.status, 200, "an answer with success goes out as it is");
	is_int(count_in_file(log_path, bug), 3, "neither is a bug");
	answer_free(&a);
}

int main(void)
{
	char err[256], log_path[] = "/tmp/test_dispatch.XXXXXX";
	struct scoreboard *board;
	char *text;
	int fd;

	if (conf_init(&conf) < 0)
		abort();
	text = sample_policy();
	ok(policy_parse(text, "policy.conf.sample", &conf.authz, err, sizeof(err)) == 0,
	   "the sample policy, uncommented, parses (%s)", err);
	free(text);
	ok(ngrants >= 5 && nroles >= 4, "it has grants and a role of its own");
	board = scoreboard_create();
	if (!board)
		abort();
	score = &board->workers[0].threads[0];
	env.conf = &conf;
	env.board = board;
	/* The log goes to a file the bug checks read. */
	fd = mkstemp(log_path);
	if (fd < 0 || log_to_file(log_path) < 0)
		abort();
	close(fd);
	log_set_threshold(LOG_LEVEL_ERROR);

	test_every_route_reached();
	test_wrong_method();
	test_query_rules();
	test_every_role_decision();
	test_request_rules();
	test_one_channel(log_path);

	unlink(log_path);
	conf_free(&conf);
	return done_testing();
}
