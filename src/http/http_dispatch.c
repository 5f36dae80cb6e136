/* SPDX-License-Identifier: Apache-2.0 */
/* http_dispatch.c - parameters and body in, the answer's bytes out:
 * route, rules, authorization, handler, render, log (see
 * http_dispatch.h). No FastCGI library here: http.c brings the streams. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "api_call.h"
#include "authz.h"
#include "conf.h"
#include "faults.h"
#include "http_dispatch.h"
#include "http_head.h"
#include "etag.h"
#include "idempotency.h"
#include "log.h"
#include "names.h"
#include "request.h"
#include "response.h"
#include "errno_status.h"
#include "routes.h"
#include "scoreboard.h"

const char *http_param(char *const *envp, const char *name)
{
	size_t len = strlen(name);

	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

const char *request_capture(const struct request *req, const char *name)
{
	return route_capture(&req->match, name);
}

const char *request_query(const struct request *req, const char *key)
{
	for (size_t i = 0; i < req->nquery; i++)
		if (strcmp(req->query[i].key, key) == 0)
			return req->query[i].value;
	return NULL;
}

int request_query_bool(const struct request *req, const char *key, int dflt, int *value,
		       struct response *resp)
{
	const char *text = request_query(req, key);

	if (!text)
		*value = dflt;
	else if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
		*value = 1;
	else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
		*value = 0;
	else
		return response_fail(resp, -EINVAL,
				     "query parameter %s must be true or false, not \"%s\"", key, text);
	return 0;
}

int request_query_uint(const struct request *req, const char *key, unsigned long dflt,
		       unsigned long min, unsigned long max, unsigned long *value,
		       struct response *resp)
{
	const char *text = request_query(req, key);
	char *end;

	if (!text) {
		*value = dflt;
		return 0;
	}
	errno = 0;
	*value = strtoul(text, &end, 10);
	if (!*text || *text == '-' || *end || errno || *value < min || *value > max)
		return response_fail(resp, -EINVAL,
				     "query parameter %s must be an integer from %lu to %lu, not \"%s\"",
				     key, min, max, text);
	return 0;
}

static void request_free(struct request *req)
{
	free(req->body);
	free(req->idempotency_entry);
	path_segments_free(req->segments);
	for (size_t i = 0; i < req->nquery; i++) {
		free(req->query[i].key);
		free(req->query[i].value);
	}
	free(req->query);
}

static int parse_query(struct request *req, const char *text, struct response *resp)
{
	char *copy = strdup(text);
	char *save = NULL;
	int r = 0;

	if (!copy)
		return response_fail(resp, -ENOMEM, "out of memory reading the query string");
	for (char *pair = strtok_r(copy, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
		struct query_param *grown;
		char *eq = strchr(pair, '=');
		char *key, *value;

		if (eq)
			*eq = '\0';
		key = strdup(pair);
		value = strdup(eq ? eq + 1 : "");
		grown = realloc(req->query, (req->nquery + 1) * sizeof(*grown));
		if (!key || !value || !grown) {
			free(key);
			free(value);
			if (grown)
				req->query = grown;
			r = response_fail(resp, -ENOMEM, "out of memory reading the query string");
			goto out;
		}
		req->query = grown;
		req->query[req->nquery].key = key;
		req->query[req->nquery].value = value;
		req->nquery++;
		if (percent_decode(key, 1) < 0 || percent_decode(value, 1) < 0) {
			r = response_fail(resp, -EINVAL,
					  "query string has a malformed %%-escape or an encoded NUL byte");
			goto out;
		}
		if (request_query(req, key) != value) {
			r = response_fail(resp, -EINVAL, "query parameter %s is given more than once",
					  key);
			goto out;
		}
	}
out:
	free(copy);
	return r;
}

/* Only the parameters a route declares are accepted: a misspelt one must
 * not silently change nothing. */
static int check_query_allowed(const struct request *req, struct response *resp)
{
	const char *allowed = req->match.route->query;

	for (size_t i = 0; i < req->nquery; i++) {
		const char *key = req->query[i].key;
		size_t len = strlen(key);
		const char *p = allowed;
		int found = 0;

		while (p && *p && !found) {
			const char *end = strchr(p, ',');
			size_t n = end ? (size_t)(end - p) : strlen(p);

			found = n == len && strncmp(p, key, len) == 0;
			p = end ? end + 1 : NULL;
		}
		if (!found)
			return response_fail(resp, -EINVAL,
					     "unknown query parameter \"%s\"; this endpoint accepts %s",
					     key, allowed ? allowed : "none");
	}
	return 0;
}

static const char *const named_captures[] = {"pool", "image", "snapshot", "namespace", "group"};

/* Every {pool}, {image}, {snapshot}, {namespace} and {group} obeys the name rule,
 * except that a name the rbd CLI could have made (not UTF-8, control
 * characters: names.h's -EILSEQ) may still be read or deleted: it is
 * remembered in *foreign, and refused after all when nothing has it. */
static int check_captures(const struct request *req, const char **foreign,
			  struct response *resp)
{
	int reads_or_deletes = req->method & (HTTP_GET | HTTP_HEAD | HTTP_DELETE);

	*foreign = NULL;
	for (size_t i = 0; i < sizeof(named_captures) / sizeof(named_captures[0]); i++) {
		const char *value = request_capture(req, named_captures[i]);
		const char *why;
		int r;

		if (!value)
			continue;
		r = name_check(value, strlen(value), &why);
		if (r == -EILSEQ && reads_or_deletes && !*foreign) {
			*foreign = named_captures[i];
			continue;
		}
		if (r < 0)
			return response_fail(resp, -EINVAL, "%s name \"%s\" %s", named_captures[i],
					     value, why);
	}
	return 0;
}

/* A 404 about a name that breaks the rule is the rule's 400: the
 * exemption is for names that exist, not a way around validation. */
static void refuse_foreign_if_missing(const struct request *req, const char *foreign,
				      struct response *resp)
{
	const char *value = request_capture(req, foreign);
	const char *why;

	if (resp->status != 404)
		return;
	name_check(value, strlen(value), &why);
	response_fail(resp, -EINVAL, "%s name \"%s\" %s", foreign, value, why);
}

/* All of n bytes of the body, as FCGX_GetStr would: fewer only at its end. */
static ssize_t read_all(const struct http_io *io, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = io->read(io->ctx, buf + got, n - got);

		if (r < 0)
			return got ? (ssize_t)got : r;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int read_body(const struct http_io *io, struct request *req, uint64_t max_body,
		     struct response *resp)
{
	const char *length_text = http_param(io->envp, "CONTENT_LENGTH");
	unsigned long long length;
	ssize_t got;
	char *end;

	if (!length_text || !*length_text)
		return 0;
	errno = 0;
	length = strtoull(length_text, &end, 10);
	if (errno || *end || *length_text == '-')
		return response_fail(resp, -EINVAL, "Content-Length \"%s\" is not a number",
				     length_text);
	if (length == 0)
		return 0;
	if (length > max_body)
		return response_fail_http(resp, 413,
					  "request body of %llu bytes is larger than the limit of %llu bytes",
					  length, (unsigned long long)max_body);
	req->body = malloc(length + 1);
	if (!req->body)
		return response_fail(resp, -ENOMEM, "out of memory reading the request body");
	got = read_all(io, req->body, length);
	if (got < 0 || (unsigned long long)got != length)
		return response_fail(resp, -EINVAL,
				     "request body ended after %zd of %llu bytes", got < 0 ? 0 : got,
				     length);
	req->body[length] = '\0';
	req->body_len = length;
	return 0;
}

/* A JSON body is read as any other route's, even on a transfer route
 * (POST .../images is both); any other type there is the handler's to
 * stream, with its declared length. Without one (chunked HTTP/1.1 or
 * HTTP/2 without content-length, which nginx passes on unbuffered) the
 * end of a broken upload could not be told from the end of the body. */
static int body_is_streamed(const struct request *req)
{
	const char *type = req->content_type;

	if (!(req->match.route->flags & ROUTE_TRANSFER) || !(req->method & (HTTP_POST | HTTP_PUT)))
		return 0;
	/* Without a type, a create's body is the JSON one (or missing, which
	 * its handler says); a PUT of content is always content. */
	if (!type || !*type)
		return req->method == HTTP_PUT;
	return strncasecmp(type, "application/json", 16) != 0;
}

static int stream_body_length(const struct http_io *io, struct request *req,
			      struct response *resp)
{
	const char *length_text = http_param(io->envp, "CONTENT_LENGTH");
	char *end;

	req->body_streamed = true;
	if (!length_text || !*length_text)
		return response_fail_http(resp, 411,
					  "image content needs a Content-Length: send the body with its length (curl -T FILE or --data-binary @FILE), not chunked or as an HTTP/2 stream without one");
	errno = 0;
	req->body_length = strtoull(length_text, &end, 10);
	if (errno || *end || *length_text == '-')
		return response_fail(resp, -EINVAL, "Content-Length \"%s\" is not a number",
				     length_text);
	req->body_length_known = true;
	return 0;
}

/* The streams of the request (request.h), for handlers that move content. */
static ssize_t io_body_read(struct request *req, char *buf, size_t len)
{
	const struct http_io *io = req->io;

	return io->read(io->ctx, buf, len);
}

static int io_answer_write(struct request *req, const char *buf, size_t len)
{
	const struct http_io *io = req->io;

	return io->write(io->ctx, buf, len);
}

static int io_answer_start(struct request *req, struct response *resp, const char *type,
			     uint64_t length)
{
	char *head = NULL;
	size_t head_len;
	int r = http_head_build(resp, resp->status, req->request_id, type, length, &head, &head_len);

	if (r < 0)
		return r;
	r = io_answer_write(req, head, head_len);
	free(head);
	resp->sent = 1;
	return r;
}

/* Parses, routes and runs the handler; any failure is already in resp. */
static void dispatch(const struct http_io *io, struct request *req, struct response *resp,
		     int transfer_refused)
{
	const char *method = http_param(io->envp, "REQUEST_METHOD");
	const char *query, *foreign;
	char path[8192];
	unsigned allow;
	size_t pathlen;
	int r;

	req->method = method ? http_method_parse(method) : 0;
	query = strchr(req->uri, '?');
	pathlen = query ? (size_t)(query - req->uri) : strlen(req->uri);
	if (pathlen >= sizeof(path)) {
		response_fail(resp, -EINVAL, "request path is longer than %zu bytes", sizeof(path) - 1);
		return;
	}
	memcpy(path, req->uri, pathlen);
	path[pathlen] = '\0';

	r = path_split(path, &req->segments, &req->nsegments);
	if (r < 0) {
		response_fail(resp, r, "request path has a malformed %%-escape or an encoded NUL byte");
		return;
	}
	r = router_match(api_routes, api_nroutes, req->method, req->segments, req->nsegments,
			 &req->match, &allow);
	if (r == -ENOENT) {
		response_fail_http(resp, 404, "no such endpoint: %s", path);
		return;
	}
	if (r == -EOPNOTSUPP) {
		router_format_allow(allow, resp->allow, sizeof(resp->allow));
		response_fail_http(resp, 405, "method %s is not allowed on %s; allowed: %s",
				   method ? method : "(none)", path, resp->allow);
		return;
	}
	if (check_captures(req, &foreign, resp) < 0)
		return;
	if (query && parse_query(req, query + 1, resp) < 0)
		return;
	if (check_query_allowed(req, resp) < 0)
		return;
	if (authz_check(req, resp) < 0)
		return;
	if (transfer_refused && (req->match.route->flags & ROUTE_TRANSFER)) {
		response_fail_http(resp, 429,
				   "this worker already moves image content for as many requests as it may at once (max_transfers = %u, and never on the threads kept for quick requests); try again shortly",
				   req->env->conf->max_transfers);
		resp->retry_after = 5;
		return;
	}
	if (body_is_streamed(req)) {
		if (stream_body_length(io, req, resp) < 0)
			return;
	} else if (read_body(io, req, req->env->conf->max_body, resp) < 0) {
		return;
	}
	if (authz_check_body(req, resp) < 0)
		return;
	/* A repeat is answered as the first was, before its preconditions
	 * (the first made them false). */
	if (api_idempotency_begin(req, resp) != 0)
		return;
	if (api_etag_precondition(req, resp) == 0) {
		api_call(req->match.route, req, resp);
		authz_filter(req, resp);
		api_etag_finish(req, resp);
	}
	api_idempotency_end(req, resp);
	if (foreign)
		refuse_foreign_if_missing(req, foreign, resp);
}

/* The client may be gone: what it misses is logged with its status anyway. */
static void put(const struct http_io *io, const char *text, size_t len)
{
	(void)io->write(io->ctx, text, len);
}

/* Sent when even the header block cannot be built (out of memory). */
static const char failed_response[] =
	"Status: 500 Internal Server Error\r\n"
	"Content-Type: application/json; charset=utf-8\r\n\r\n"
	"{\"Kind\":\"Status\",\"APIVersion\":\"v1\",\"status\":\"Failure\",\"code\":500,"
	"\"reason\":\"InternalError\",\"message\":\"the response could not be built\"}\n";

static void write_response(const struct http_io *io, const struct request *req,
			   const struct response *resp)
{
	static const char fallback[] =
		"{\"Kind\":\"Status\",\"APIVersion\":\"v1\",\"status\":\"Failure\",\"code\":500,"
		"\"reason\":\"InternalError\",\"message\":\"out of memory rendering the response\"}";
	const char *content_type = "application/json; charset=utf-8";
	const char *body = NULL;
	char *repaired = NULL;
	size_t body_len = 0;
	char *head = NULL;
	size_t head_len;
	int status = resp->status;

	if (resp->sent)
		return;
	if (status == 304) {
		/* Not Modified: headers only. */
	} else if (status != 204 && resp->text) {
		body = resp->text;
		body_len = strlen(body);
		content_type = resp->text_type;
	} else if (status != 204) {
		if (resp->body)
			body = response_json_text(resp, &body_len, &repaired);
		if (!body) {
			body = fallback;
			body_len = sizeof(fallback) - 1;
			status = 500;
		}
	}

	if (http_head_build(resp, status, req->request_id, body ? content_type : NULL,
			    body_len + 1, &head, &head_len) < 0) {
		put(io, failed_response, sizeof(failed_response) - 1);
		return;
	}
	put(io, head, head_len);
	if (body && req->method != HTTP_HEAD) {
		put(io, body, body_len);
		put(io, "\n", 1);
	}
	free(repaired);
	free(head);
}

static double elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static void log_request(const struct request *req, const struct response *resp,
			const char *method, double ms)
{
	/* A refused request is part of the audit trail whatever its method. */
	int mutating = (req->method & (HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE)) ||
		       (req->decision && strcmp(req->decision, "denied") == 0) ||
		       req->transfer_note[0];
	enum log_level level = resp->status >= 500 ? LOG_LEVEL_ERROR
			       : mutating          ? LOG_LEVEL_INFO
						   : LOG_LEVEL_DEBUG;
	const char *message = "";
	struct json_object *field;
	/* A log line holds 4 KB; what does not fit is cut, not overflowed. */
	char uri[2048], msg[1536];

	if (!log_enabled(level))
		return;
	if (resp->status >= 400 && resp->body &&
	    json_object_object_get_ex(resp->body, "message", &field))
		message = json_object_get_string(field);
	/* Mutations are the audit trail: who did what to which object. The
	 * quoted fields are escaped, so a '"' in the URI cannot add fields. */
	/* Only nginx passes REQUEST_METHOD, but anyone could on the socket. */
	if (!*method || strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method))
		method = "?";
	log_event(level, req->request_id, req->user,
		  "event=%s method=%s uri=\"%s\" status=%d ms=%.2f role=%s decision=%s%s%s%s%s%s",
		  mutating ? "audit" : "request", method, log_quote(req->uri, uri, sizeof(uri)),
		  resp->status, ms, req->role ? req->role : "-", req->decision ? req->decision : "-", *message ? " msg=\"" : "",
		  log_quote(message, msg, sizeof(msg)), *message ? "\"" : "",
		  req->transfer_note[0] ? " " : "", req->transfer_note);
}

enum http_kind http_kind_of(char *const *envp)
{
	const char *method_text = http_param(envp, "REQUEST_METHOD");
	const char *uri = http_param(envp, "REQUEST_URI");
	enum http_method method = method_text ? http_method_parse(method_text) : 0;
	enum http_kind kind = method & (HTTP_GET | HTTP_HEAD) ? HTTP_KIND_QUICK : HTTP_KIND_SLOW;
	struct request req = {.method = method, .content_type = http_param(envp, "CONTENT_TYPE")};
	const char *query;
	char path[8192];
	size_t pathlen;
	unsigned allow;

	if (!uri || !method)
		return kind;
	query = strchr(uri, '?');
	pathlen = query ? (size_t)(query - uri) : strlen(uri);
	/* Only content and uploads can be transfers: the rest is not routed twice. */
	if (pathlen >= sizeof(path) || (kind == HTTP_KIND_QUICK && (pathlen < 5 || strncmp(uri + pathlen - 5, "/data", 5) != 0)))
		return kind;
	memcpy(path, uri, pathlen);
	path[pathlen] = '\0';
	if (path_split(path, &req.segments, &req.nsegments) < 0)
		return kind;
	if (router_match(api_routes, api_nroutes, method, req.segments, req.nsegments, &req.match,
			 &allow) == 0 &&
	    (req.match.route->flags & ROUTE_TRANSFER) &&
	    ((method & (HTTP_GET | HTTP_HEAD)) || body_is_streamed(&req)))
		kind = HTTP_KIND_TRANSFER;
	path_segments_free(req.segments);
	return kind;
}

void http_handle(const struct http_io *io, struct api_env *env, struct thread_score *score,
		 int transfer_refused)
{
	const char *method = http_param(io->envp, "REQUEST_METHOD");
	const char *request_id = http_param(io->envp, "REQUEST_ID");
	const char *user = http_param(io->envp, "REMOTE_USER");
	const char *uri = http_param(io->envp, "REQUEST_URI");
	struct request req = {0};
	struct response resp;
	struct timespec start;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &start);
	response_init(&resp);
	req.env = env;
	req.image_lock = -1;
	req.uri = uri && *uri ? uri : "/";
	/* Only nginx's hex $request_id is echoed and logged: anything else
	 * came from some other client of the socket. */
	req.request_id = request_id && request_id_valid(request_id) ? request_id : "-";
	req.user = user && *user ? user : "-";
	req.content_type = http_param(io->envp, "CONTENT_TYPE");
	req.if_match = http_param(io->envp, "HTTP_IF_MATCH");
	req.if_none_match = http_param(io->envp, "HTTP_IF_NONE_MATCH");
	req.idempotency_key = http_param(io->envp, "HTTP_IDEMPOTENCY_KEY");
	req.range = http_param(io->envp, "HTTP_RANGE");
	req.if_range = http_param(io->envp, "HTTP_IF_RANGE");
	req.content_range = http_param(io->envp, "HTTP_CONTENT_RANGE");
	req.score = score;
	req.io = (void *)io;
	req.body_read = io_body_read;
	req.answer_start = io_answer_start;
	req.answer_write = io_answer_write;

	scoreboard_request_begin(score, req.request_id, method ? method : "-", req.uri);
	dispatch(io, &req, &resp, transfer_refused);
	api_request_end(&req);
	faults_review(&req, &resp);
	write_response(io, &req, &resp);
	ms = elapsed_ms(&start);
	log_request(&req, &resp, method ? method : "-", ms);
	scoreboard_request_end(env->board, score,
			       req.match.route ? (int)(req.match.route - api_routes) : -1, resp.status,
			       ms / 1e3);

	response_free(&resp);
	request_free(&req);
}
