/* SPDX-License-Identifier: Apache-2.0 */
/* faults.c - the cluster's faults in answers (see faults.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rados/librados.h>

#include "api.h"
#include "ceph.h"
#include "faults.h"
#include "json_in.h"
#include "log.h"
#include "mon.h"
#include "router.h"

/* The errno of an error answer, 0 when there is none. */
static int answer_errno(const struct response *resp)
{
	struct json_object *value;

	if (resp->status < 400 || !resp->body ||
	    !json_object_object_get_ex(resp->body, "errno", &value))
		return 0;
	return json_object_get_int(value);
}

static void client_refused(struct request *req, struct response *resp)
{
	char message[1024], client[96];
	const char *said = json_in_get_string(resp->body, "message");

	snprintf(message, sizeof(message), "%s", said ? said : "");
	ceph_conn_lost(req->env->ceph, "request", client, sizeof(client));
	response_fail(resp, -ESHUTDOWN,
		      "the Ceph cluster refused this worker's client (%s): it was blocklisted (a lock it held was broken, or `ceph osd blocklist add`) or its session ended; the worker is connecting a new client: retry in a few seconds (%s)",
		      client, message);
	resp->retry_after = 2;
}

/* A growing text of what is full. */
struct text {
	char buf[768];
	size_t used;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->used >= sizeof(t->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->used, sizeof(t->buf) - t->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += (size_t)n < sizeof(t->buf) - t->used ? (size_t)n
								  : sizeof(t->buf) - t->used - 1;
}

/* A monitor (or, with mgr, manager) command's JSON answer; NULL when it
 * failed (the explanation is then shorter, not wrong). */
static struct json_object *ask(rados_t cluster, const char *cmd_text, int mgr)
{
	struct json_object *cmd = json_tokener_parse(cmd_text), *answer = NULL;
	struct mgr_reply reply;
	char outs[256];

	if (!cmd)
		return NULL;
	if (!mgr) {
		mon_command_json(cluster, cmd, &answer, outs, sizeof(outs));
	} else if (mgr_command(cluster, cmd, &reply) == 0) {
		answer = json_tokener_parse(reply.out);
		mgr_reply_free(&reply);
	} else {
		mgr_reply_free(&reply);
	}
	json_object_put(cmd);
	return answer;
}

static int has_word(struct json_object *list, const char *word)
{
	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(list, i)), word) == 0)
			return 1;
	return 0;
}

/* The utilization (percent) of OSD id from `osd df`, or -1. */
static double osd_used_percent(struct json_object *df, int64_t id)
{
	struct json_object *nodes, *node, *value;

	if (!df || !json_object_object_get_ex(df, "nodes", &nodes))
		return -1;
	for (size_t i = 0; i < json_object_array_length(nodes); i++) {
		node = json_object_array_get_idx(nodes, i);
		if (json_object_object_get_ex(node, "id", &value) && json_object_get_int64(value) == id &&
		    json_object_object_get_ex(node, "utilization", &value))
			return json_object_get_double(value);
	}
	return -1;
}

/* The OSDs flagged full, with their use and the ratios. 1 when any is. */
static int describe_full_osds(struct json_object *dump, struct json_object *df, struct text *t)
{
	struct json_object *osds, *osd, *state, *id, *ratio;
	double full_ratio = 0, nearfull_ratio = 0;
	int found = 0;

	if (json_object_object_get_ex(dump, "full_ratio", &ratio))
		full_ratio = json_object_get_double(ratio);
	if (json_object_object_get_ex(dump, "nearfull_ratio", &ratio))
		nearfull_ratio = json_object_get_double(ratio);
	if (!json_object_object_get_ex(dump, "osds", &osds))
		return 0;
	for (size_t i = 0; i < json_object_array_length(osds); i++) {
		double used;

		osd = json_object_array_get_idx(osds, i);
		if (!json_object_object_get_ex(osd, "state", &state) || !has_word(state, "full") ||
		    !json_object_object_get_ex(osd, "osd", &id))
			continue;
		used = osd_used_percent(df, json_object_get_int64(id));
		text_add(t, "%sosd.%" PRId64 " is full", found ? ", " : "", json_object_get_int64(id));
		if (used >= 0)
			text_add(t, " (%.1f%% used)", used);
		found = 1;
	}
	if (found)
		text_add(t, " at full_ratio %.0f%% (nearfull_ratio %.0f%%)", full_ratio * 100,
			 nearfull_ratio * 100);
	return found;
}

/* The pools over their quota, with the quota. 1 when any is. */
static int describe_quota_pools(struct json_object *dump, struct text *t)
{
	struct json_object *pools, *pool, *flags, *value;
	int found = 0;

	if (!json_object_object_get_ex(dump, "pools", &pools))
		return 0;
	for (size_t i = 0; i < json_object_array_length(pools); i++) {
		const char *name, *names;
		uint64_t max_bytes = 0, max_objects = 0;
		char encoded[ENCODED_NAME_MAX];

		pool = json_object_array_get_idx(pools, i);
		if (!json_object_object_get_ex(pool, "flags_names", &flags))
			continue;
		names = json_object_get_string(flags);
		if (!names || !strstr(names, "full_quota"))
			continue;
		name = json_in_get_string(pool, "pool_name");
		if (json_object_object_get_ex(pool, "quota_max_bytes", &value))
			max_bytes = (uint64_t)json_object_get_int64(value);
		if (json_object_object_get_ex(pool, "quota_max_objects", &value))
			max_objects = (uint64_t)json_object_get_int64(value);
		text_add(t, "%spool %s is over its quota (", t->used ? "; " : "", name ? name : "?");
		if (max_bytes)
			text_add(t, "max_bytes %" PRIu64 "%s", max_bytes, max_objects ? ", " : "");
		if (max_objects)
			text_add(t, "max_objects %" PRIu64, max_objects);
		percent_encode_segment(name ? name : "", encoded, sizeof(encoded));
		text_add(t, "): raise it with PATCH /api/v1/pools/%s {\"quota\": {\"%s\": ...}}",
			 encoded, max_bytes ? "max_bytes" : "max_objects");
		found = 1;
	}
	return found;
}

static void storage_full(struct request *req, struct response *resp, int err)
{
	struct json_object *dump = NULL, *df = NULL;
	const char *said = json_in_get_string(resp->body, "message");
	struct response scratch;    /* api_cluster's 503 must not replace the 507 */
	struct text t = {.used = 0};
	char message[1024];
	rados_t cluster;
	int osds = 0, quotas = 0;

	snprintf(message, sizeof(message), "%s", said ? said : "");
	t.buf[0] = '\0';
	response_init(&scratch);
	if (api_cluster(req, &scratch, &cluster) == 0) {
		dump = ask(cluster, "{\"prefix\": \"osd dump\", \"format\": \"json\"}", 0);
		df = ask(cluster, "{\"prefix\": \"osd df\", \"format\": \"json\"}", 1);
	}
	if (dump) {
		osds = describe_full_osds(dump, df, &t);
		quotas = describe_quota_pools(dump, &t);
	}
	if (osds)
		response_fail(resp, err,
			      "%s: the cluster is full: %s; free space by deleting images, snapshots or trash entries (deletes work while it is full), or add capacity%s",
			      message, t.buf, quotas ? ", and raise the quota" : "");
	else if (quotas)
		response_fail(resp, err, "%s: %s%s", message, t.buf,
			      req->method == HTTP_DELETE
				      ? ""
				      : "; or free space in it: deletes of images, snapshots and trash entries work at the quota");
	else
		response_fail(resp, err,
			      "%s: the cluster has no space left (%s); free space by deleting images, snapshots or trash entries, or add capacity",
			      message, dump ? "no OSD or pool is flagged full any more: try again"
					    : "which OSDs or pools are full could not be read");
	json_object_put(dump);
	json_object_put(df);
	response_free(&scratch);
}

void faults_review(struct request *req, struct response *resp)
{
	int err = answer_errno(resp);

	if (err == ESHUTDOWN)
		client_refused(req, resp);
	else if (err == ENOSPC || err == EDQUOT)
		storage_full(req, resp, -err);
}
