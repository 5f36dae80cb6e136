/* SPDX-License-Identifier: Apache-2.0 */
/* idempotency.c - Idempotency-Key on POST (see idempotency.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "digest.h"
#include "idempotency.h"
#include "json_out.h"
#include "kept_answers.h"
#include "log.h"

#define KEEP_SECONDS (24 * 3600)
#define KEY_MAX 255
/* A "running" entry older than this lost its request (a worker killed
 * mid-request): a repeat may run again. Longer than any request runs. */
#define RUNNING_ABANDONED_SECONDS 3600
/* Sweeping: entries read per slice, and how often a thread sweeps. */
#define SWEEP_BATCH 512
#define SWEEP_EVERY_SECONDS 60

static int key_valid(const char *key)
{
	size_t len = strlen(key);

	if (len == 0 || len > KEY_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (key[i] < 0x20 || key[i] > 0x7e)
			return 0;
	return 1;
}

/* The entry as stored: a JSON object with "state" ("running"/"done"),
 * "digest", "at" (seconds since the epoch), and for "done" the answer. */
static char *entry_text(const char *state, uint64_t digest, const struct response *resp)
{
	struct json_object *entry = json_object_new_object();
	const char *body = NULL;
	char *owned = NULL, *text = NULL;
	char hex[17];
	size_t len = 0;
	int bad;

	if (!entry)
		return NULL;
	snprintf(hex, sizeof(hex), "%016" PRIx64, digest);
	bad = json_add_string(entry, "state", state) < 0 || json_add_string(entry, "digest", hex) < 0 ||
	      json_add_i64(entry, "at", (int64_t)time(NULL)) < 0;
	if (!bad && resp) {
		if (resp->body)
			body = response_json_text(resp, &len, &owned);
		bad = json_add_i64(entry, "status", resp->status) < 0 ||
		      (resp->location && json_add_string(entry, "location", resp->location) < 0) ||
		      (resp->body && (!body || json_add_string(entry, "body", body) < 0));
	}
	if (!bad)
		text = strdup(json_object_to_json_string_ext(entry, JSON_C_TO_STRING_PLAIN));
	free(owned);
	json_object_put(entry);
	return text;
}

static const char *field_string(struct json_object *obj, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static int64_t field_int(struct json_object *obj, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, key, &v) ? json_object_get_int64(v) : 0;
}

/* Answers from a kept "done" entry. */
static int replay(struct response *resp, struct json_object *entry)
{
	const char *body = field_string(entry, "body");
	const char *location = field_string(entry, "location");
	struct json_object *parsed = body ? json_tokener_parse(body) : NULL;

	if (body && !parsed)
		return response_fail(resp, -EIO, "the answer kept for this Idempotency-Key is damaged");
	response_json(resp, (int)field_int(entry, "status"), parsed);
	if (location && response_set_location(resp, "%s", location) < 0)
		return response_oom(resp);
	resp->replayed = 1;
	return 1;
}

/* An entry that holds the key no longer: expired, or its request lost. */
static int entry_dead(struct json_object *entry, time_t now)
{
	const char *state = field_string(entry, "state");
	int64_t age = (int64_t)now - field_int(entry, "at");

	if (state && strcmp(state, "running") == 0)
		return age > RUNNING_ABANDONED_SECONDS;
	return age > KEEP_SECONDS;
}

/* kept_answers_sweep's test: unreadable entries go too. */
static int text_dead(const char *text, void *arg)
{
	struct json_object *entry = json_tokener_parse(text);
	int dead = !entry || entry_dead(entry, *(const time_t *)arg);

	json_object_put(entry);
	return dead;
}

/* One slice of the sweep, continuing where this thread's last ended. */
static void sweep(struct request *req, rados_ioctx_t ioctx)
{
	struct api_env *env = req->env;
	time_t now = time(NULL);

	if (now - env->idempotency_swept < SWEEP_EVERY_SECONDS)
		return;
	env->idempotency_swept = now;
	if (kept_answers_sweep(ioctx, env->idempotency_sweep_after,
			       sizeof(env->idempotency_sweep_after), SWEEP_BATCH, text_dead, &now) < 0)
		log_event(LOG_LEVEL_WARN, req->request_id, req->user,
			  "event=idempotency_sweep_failed pool=\"%s\"", request_capture(req, "pool"));
}

int api_idempotency_begin(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct json_object *entry = NULL;
	char *running = NULL, *kept = NULL, *name = NULL;
	rados_ioctx_t ioctx;
	char hex[17];
	int r;

	if (!req->idempotency_key || req->method != HTTP_POST)
		return 0;
	if (!key_valid(req->idempotency_key))
		return response_fail(resp, -EINVAL,
				     "Idempotency-Key must be 1 to %d printable ASCII characters", KEY_MAX);
	if (!pool)
		return 0;
	req->idempotency_digest = digest64_str(DIGEST64_INIT, req->uri);
	req->idempotency_digest = digest64(req->idempotency_digest, req->body ? req->body : "",
					   req->body_len);
	snprintf(hex, sizeof(hex), "%016" PRIx64, req->idempotency_digest);
	/* Per user: the user's length first, so no two (user, key) pairs
	 * make one entry. */
	if (asprintf(&name, "%zu:%s:%s", strlen(req->user), req->user, req->idempotency_key) < 0) {
		name = NULL;
		r = response_oom(resp);
		goto out;
	}
	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		goto out;
	running = entry_text("running", req->idempotency_digest, NULL);
	if (!running) {
		r = response_oom(resp);
		goto out;
	}
	/* Twice at most: a dead entry found is taken over by comparing with
	 * exactly what was read, so of two takers one wins. */
	for (int attempt = 0; attempt < 2; attempt++) {
		const char *state, *digest;

		r = kept_answers_claim(ioctx, name, kept ? kept : "", running);
		if (r == 0) {
			req->idempotency_entry = name;
			name = NULL;
			sweep(req, ioctx);
			goto out;
		}
		if (r != -ECANCELED)
			break;
		free(kept);
		json_object_put(entry);
		entry = NULL;
		r = kept_answers_read(ioctx, name, &kept);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			break;
		entry = json_tokener_parse(kept);
		if (!entry || entry_dead(entry, time(NULL)))
			continue;
		digest = field_string(entry, "digest");
		state = field_string(entry, "state");
		if (!digest || strcmp(digest, hex) != 0) {
			r = response_fail_http(resp, 422,
					       "Idempotency-Key \"%s\" was used for another request (another path or body); use a new key",
					       req->idempotency_key);
			goto out;
		}
		if (state && strcmp(state, "running") == 0) {
			r = response_fail(resp, -EBUSY,
					  "the request with Idempotency-Key \"%s\" is still running (for %" PRId64 " s); ask again when it has answered",
					  req->idempotency_key,
					  (int64_t)time(NULL) - field_int(entry, "at"));
			goto out;
		}
		r = replay(resp, entry);
		goto out;
	}
	if (r == -ECANCELED)
		r = -EBUSY;
	response_fail_errno(resp, r, "keeping Idempotency-Key \"%s\" in pool %s failed",
			    req->idempotency_key, pool);
out:
	json_object_put(entry);
	free(kept);
	free(running);
	free(name);
	return r;
}

void api_idempotency_end(struct request *req, const struct response *resp)
{
	int status = resp->status;
	struct response scratch;
	rados_ioctx_t ioctx;
	char *done = NULL;
	int r;

	if (!req->idempotency_entry)
		return;
	response_init(&scratch);
	r = api_ioctx(req, &scratch, request_capture(req, "pool"), "", &ioctx);
	if (r < 0)
		goto out;
	if (status >= 500 || status == 408 || status == 409 || status == 429) {
		r = kept_answers_remove(ioctx, req->idempotency_entry);
		goto out;
	}
	done = entry_text("done", req->idempotency_digest, resp);
	if (!done) {
		r = -ENOMEM;
		goto out;
	}
	r = kept_answers_set(ioctx, req->idempotency_entry, done);
out:
	/* The answer goes out anyway; a repeat then runs again (or is a
	 * 409 until the entry is abandoned). */
	if (r < 0)
		log_event(LOG_LEVEL_WARN, req->request_id, req->user,
			  "event=idempotency_keep_failed errno=%d", -r);
	free(done);
	response_free(&scratch);
}
