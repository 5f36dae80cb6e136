/* SPDX-License-Identifier: Apache-2.0 */
/* httpc - a small keep-alive HTTPS load client for t/bench/run.
 *
 *   httpc --url https://HOST:PORT [--cacert FILE] [--header 'K: V']...
 *         [--concurrency N] (--iterations N | --duration SECONDS)
 *         [--latencies FILE] [--tag TAG] STEP...
 *
 * One "operation" is the sequence of STEPs, run in order on the worker's
 * own connection (HTTP/1.1, kept alive; reconnects when the server closes
 * it, resuming the TLS session). A STEP is
 *
 *   METHOD|PATH|EXPECT[|BODY[|POLLPATH|UNTIL]]
 *
 * EXPECT is a comma-separated list of acceptable status codes. When the
 * answer is 202 and POLLPATH is given, the step is not done until a GET of
 * POLLPATH answers UNTIL (polled every 2 ms): asynchronous work is timed
 * to completion. UNTIL is a status, optionally followed by ":TEXT" that the
 * body must contain. In PATH, BODY and POLLPATH, "{n}" becomes a name
 * unique to the operation (TAG-WORKER-ITERATION) and "{w}" the worker's
 * number (0 ... concurrency-1).
 *
 * With --iterations, every worker runs that many operations; with
 * --duration, workers run operations until the time is up (each finishes
 * the one it is in). Prints one line: "ops N errors E seconds S"; writes
 * the latency of every operation in microseconds to --latencies. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAX_STEPS 8
#define MAX_HEADERS 8

struct step {
	char *method, *path, *body, *poll_path;
	int expect[8], nexpect, until;
	const char *until_text;
};

static struct {
	char host[256], port[16];
	const char *cacert, *latencies, *tag;
	const char *headers[MAX_HEADERS];
	int nheaders, concurrency;
	long iterations;
	double duration;
	struct step steps[MAX_STEPS];
	int nsteps;
	SSL_CTX *ctx;
} opt = {.concurrency = 1, .tag = "b"};

struct worker {
	int id, fd;
	SSL *ssl;
	SSL_SESSION *session;
	long ops, errors, nlat, caplat;
	long *lat;
	char *buf;
	size_t bufsize;
	pthread_t thread;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *msg)
{
	fprintf(stderr, "httpc: %s\n", msg);
	exit(2);
}

static void disconnect(struct worker *w)
{
	if (w->ssl) {
		SSL_SESSION *s = SSL_get1_session(w->ssl);

		if (s) {
			if (w->session)
				SSL_SESSION_free(w->session);
			w->session = s;
		}
		SSL_shutdown(w->ssl);
		SSL_free(w->ssl);
		w->ssl = NULL;
	}
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

static int connect_to(struct worker *w)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
	int one = 1;

	if (getaddrinfo(opt.host, opt.port, &hints, &ai) != 0)
		return -1;
	w->fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (w->fd < 0 || connect(w->fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		freeaddrinfo(ai);
		disconnect(w);
		return -1;
	}
	freeaddrinfo(ai);
	setsockopt(w->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	w->ssl = SSL_new(opt.ctx);
	SSL_set_fd(w->ssl, w->fd);
	SSL_set_tlsext_host_name(w->ssl, "localhost");
	if (w->session)
		SSL_set_session(w->ssl, w->session);
	if (SSL_connect(w->ssl) != 1) {
		ERR_print_errors_fp(stderr);
		disconnect(w);
		return -1;
	}
	return 0;
}

static int write_all(struct worker *w, const char *p, size_t len)
{
	while (len > 0) {
		int n = SSL_write(w->ssl, p, (int)len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads more into w->buf at offset *have; -1 on EOF/error. */
static int read_more(struct worker *w, size_t *have)
{
	int n;

	if (*have + 16384 > w->bufsize) {
		w->bufsize = (*have + 16384) * 2;
		w->buf = realloc(w->buf, w->bufsize);
		if (!w->buf)
			die("out of memory");
	}
	n = SSL_read(w->ssl, w->buf + *have, (int)(w->bufsize - *have - 1));
	if (n <= 0)
		return -1;
	*have += (size_t)n;
	w->buf[*have] = '\0';
	return 0;
}

static const char *find_header(const char *head, const char *end, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = strstr(head, "\r\n"); p && p < end; p = strstr(p + 2, "\r\n")) {
		if (strncasecmp(p + 2, name, len) == 0 && p[2 + len] == ':')
			return p + 3 + len;
	}
	return NULL;
}

/* One request/response exchange; returns the status or -1. Sets *body to
 * the start of the response body in w->buf (valid until the next call). */
static int exchange_once(struct worker *w, const char *method, const char *path,
			 const char *body, const char **resp_body)
{
	char req[8192];
	size_t len = 0, have = 0, head_len, body_len = 0, need;
	const char *hdr_end, *v;
	int status, chunked = 0, close_after = 0, n;

	if (w->fd < 0 && connect_to(w) < 0)
		return -1;
	n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: %s:%s\r\n", method, path,
		     opt.host, opt.port);
	len = (size_t)n;
	for (int i = 0; i < opt.nheaders; i++)
		len += (size_t)snprintf(req + len, sizeof(req) - len, "%s\r\n", opt.headers[i]);
	if (body)
		len += (size_t)snprintf(req + len, sizeof(req) - len,
					"Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
					strlen(body), body);
	else
		len += (size_t)snprintf(req + len, sizeof(req) - len, "%s\r\n",
					strcmp(method, "GET") && strcmp(method, "HEAD")
					? "Content-Length: 0\r\n" : "");
	if (len >= sizeof(req))
		die("request too long");
	if (write_all(w, req, len) < 0)
		return -1;
	while (!(hdr_end = have ? strstr(w->buf, "\r\n\r\n") : NULL))
		if (read_more(w, &have) < 0)
			return -1;
	head_len = (size_t)(hdr_end - w->buf) + 4;
	if (sscanf(w->buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	if ((v = find_header(w->buf, hdr_end, "Content-Length")))
		body_len = strtoul(v, NULL, 10);
	if ((v = find_header(w->buf, hdr_end, "Transfer-Encoding")) && strstr(v, "chunked") &&
	    strstr(v, "chunked") < hdr_end)
		chunked = 1;
	if ((v = find_header(w->buf, hdr_end, "Connection")) && strncasecmp(v + strspn(v, " "), "close", 5) == 0)
		close_after = 1;
	if (chunked) {
		/* Walk the chunks; keep them in place (the body is only used
		 * for error messages, so chunk-size lines are left in it). */
		size_t pos = head_len;

		for (;;) {
			char *eol;
			unsigned long size;

			while (!(eol = strstr(w->buf + pos, "\r\n")))
				if (read_more(w, &have) < 0)
					return -1;
			size = strtoul(w->buf + pos, NULL, 16);
			need = (size_t)(eol - w->buf) + 2 + size + 2;
			while (have < need)
				if (read_more(w, &have) < 0)
					return -1;
			pos = need;
			if (size == 0)
				break;
		}
	} else if (status != 204 && status != 304 && strcmp(method, "HEAD")) {
		need = head_len + body_len;
		while (have < need)
			if (read_more(w, &have) < 0)
				return -1;
	}
	*resp_body = w->buf + head_len;
	if (close_after)
		disconnect(w);
	/* The next exchange looks for the end of its headers from buf[0]:
	 * hide this response from it. The body (NUL-terminated by read_more)
	 * stays readable for the caller until then. */
	w->buf[0] = '\0';
	return status;
}

static int exchange(struct worker *w, const char *method, const char *path, const char *body,
		    const char **resp_body)
{
	int status = exchange_once(w, method, path, body, resp_body);

	if (status < 0) {
		/* A kept-alive connection the server closed: once more. */
		disconnect(w);
		status = exchange_once(w, method, path, body, resp_body);
	}
	return status;
}

/* "{n}" -> NAME, "{w}" -> the worker's number. */
static char *subst(const char *in, const char *name, int worker)
{
	char wid[16];
	size_t nl = strlen(name), wl = (size_t)snprintf(wid, sizeof(wid), "%d", worker);
	size_t len = strlen(in) + 1 + (nl > wl ? nl : wl) * (strlen(in) / 3 + 1);
	char *out, *o;

	out = o = malloc(len);
	if (!out)
		die("out of memory");
	while (*in) {
		if (strncmp(in, "{n}", 3) == 0) {
			memcpy(o, name, nl);
			o += nl;
			in += 3;
		} else if (strncmp(in, "{w}", 3) == 0) {
			memcpy(o, wid, wl);
			o += wl;
			in += 3;
		} else {
			*o++ = *in++;
		}
	}
	*o = '\0';
	return out;
}

static int run_op(struct worker *w, long iter)
{
	char name[128];

	snprintf(name, sizeof(name), "%s-%d-%ld", opt.tag, w->id, iter);
	for (int s = 0; s < opt.nsteps; s++) {
		struct step *st = &opt.steps[s];
		char *path = subst(st->path, name, w->id);
		char *body = st->body ? subst(st->body, name, w->id) : NULL;
		const char *resp = "";
		int status = exchange(w, st->method, path, body, &resp), ok = 0;

		for (int i = 0; i < st->nexpect; i++)
			ok |= status == st->expect[i];
		if (ok && status == 202 && st->poll_path) {
			char *poll = subst(st->poll_path, name, w->id);
			double give_up = now() + 120;

			while (!(ok = (status = exchange(w, "GET", poll, NULL, &resp)) == st->until &&
				      (!st->until_text || strstr(resp, st->until_text))) &&
			       status > 0 && now() < give_up)
				usleep(2000);
			free(poll);
		}
		if (!ok && w->errors < 3)
			fprintf(stderr, "httpc: %s %s -> %d %.300s\n", st->method, path, status, resp);
		free(path);
		free(body);
		if (!ok)
			return -1;
	}
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	double deadline = opt.duration > 0 ? now() + opt.duration : 0;

	for (long i = 0; opt.iterations ? i < opt.iterations : now() < deadline; i++) {
		double t0 = now();

		if (run_op(w, i) < 0)
			w->errors++;
		else
			w->ops++;
		if (w->nlat == w->caplat) {
			w->caplat = w->caplat ? w->caplat * 2 : 4096;
			w->lat = realloc(w->lat, (size_t)w->caplat * sizeof(long));
			if (!w->lat)
				die("out of memory");
		}
		w->lat[w->nlat++] = (long)((now() - t0) * 1e6);
	}
	disconnect(w);
	return NULL;
}

static void parse_step(char *spec)
{
	struct step *st;
	char *f[6] = {0}, *e, *tok;
	int n = 0;

	if (opt.nsteps == MAX_STEPS)
		die("too many steps");
	st = &opt.steps[opt.nsteps++];
	for (char *p = spec; n < 6; n++) {
		f[n] = p;
		if (!(p = strchr(p, '|'))) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n < 3)
		die("a step is METHOD|PATH|EXPECT[|BODY[|POLLPATH|UNTIL]]");
	st->method = f[0];
	st->path = f[1];
	for (tok = strtok_r(f[2], ",", &e); tok && st->nexpect < 8; tok = strtok_r(NULL, ",", &e))
		st->expect[st->nexpect++] = atoi(tok);
	st->body = f[3] && *f[3] ? f[3] : NULL;
	if (f[4] && *f[4]) {
		st->poll_path = f[4];
		st->until = f[5] ? atoi(f[5]) : 200;
		if (f[5] && strchr(f[5], ':'))
			st->until_text = strchr(f[5], ':') + 1;
	}
}

int main(int argc, char **argv)
{
	struct worker *workers;
	const char *url = NULL;
	long ops = 0, errors = 0;
	double t0, seconds;
	FILE *lf = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--url") && v)
			url = argv[++i];
		else if (!strcmp(a, "--cacert") && v)
			opt.cacert = argv[++i];
		else if (!strcmp(a, "--header") && v && opt.nheaders < MAX_HEADERS)
			opt.headers[opt.nheaders++] = argv[++i];
		else if (!strcmp(a, "--concurrency") && v)
			opt.concurrency = atoi(argv[++i]);
		else if (!strcmp(a, "--iterations") && v)
			opt.iterations = atol(argv[++i]);
		else if (!strcmp(a, "--duration") && v)
			opt.duration = atof(argv[++i]);
		else if (!strcmp(a, "--latencies") && v)
			opt.latencies = argv[++i];
		else if (!strcmp(a, "--tag") && v)
			opt.tag = argv[++i];
		else if (a[0] != '-')
			parse_step(argv[i]);
		else
			die("usage: httpc --url URL [--cacert F] [--header H]... [--concurrency N] "
			    "(--iterations N | --duration S) [--latencies F] [--tag T] STEP...");
	}
	if (!url || sscanf(url, "https://%255[^:/]:%15[0-9]", opt.host, opt.port) != 2)
		die("--url https://HOST:PORT is required");
	if (opt.nsteps == 0 || (!opt.iterations && opt.duration <= 0) || opt.concurrency < 1)
		die("need at least one STEP, --iterations or --duration, and --concurrency >= 1");

	opt.ctx = SSL_CTX_new(TLS_client_method());
	if (opt.cacert) {
		if (SSL_CTX_load_verify_locations(opt.ctx, opt.cacert, NULL) != 1)
			die("cannot load --cacert");
		SSL_CTX_set_verify(opt.ctx, SSL_VERIFY_PEER, NULL);
	}
	SSL_CTX_set_session_cache_mode(opt.ctx, SSL_SESS_CACHE_CLIENT);

	workers = calloc((size_t)opt.concurrency, sizeof(*workers));
	if (!workers)
		die("out of memory");
	t0 = now();
	for (int i = 0; i < opt.concurrency; i++) {
		workers[i].id = i;
		workers[i].fd = -1;
		pthread_create(&workers[i].thread, NULL, work, &workers[i]);
	}
	for (int i = 0; i < opt.concurrency; i++)
		pthread_join(workers[i].thread, NULL);
	seconds = now() - t0;
	if (opt.latencies && !(lf = fopen(opt.latencies, "w")))
		die("cannot write --latencies file");
	for (int i = 0; i < opt.concurrency; i++) {
		ops += workers[i].ops;
		errors += workers[i].errors;
		for (long j = 0; lf && j < workers[i].nlat; j++)
			fprintf(lf, "%ld\n", workers[i].lat[j]);
	}
	if (lf)
		fclose(lf);
	printf("ops %ld errors %ld seconds %.6f\n", ops, errors, seconds);
	return errors ? 1 : 0;
}
