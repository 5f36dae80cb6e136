/* SPDX-License-Identifier: Apache-2.0 */
/* api_tasks.c - /api/v1/tasks: long-running work handed to the manager
 * (and, for copy and rollback, which it cannot run, to our own runner:
 * api_local_tasks.c; an id is looked up there first).
 *
 * Ceph's manager runs a task queue in its rbd_support module: "rbd task
 * add flatten|remove|trash remove" queue work, "rbd task list" and "rbd
 * task cancel" look after it. The queue is kept in the pools themselves (an
 * rbd_task object per pool and namespace), so a task survives a restart of
 * this service, and every replica of the service sees the same tasks. We
 * only translate: our requests become manager commands (rados_mgr_command),
 * the module's JSON becomes the contract's Task.
 *
 * The queue forgets a task the moment it ends. What happened to it is kept
 * by the manager's progress module, which records every rbd_support task as
 * an event under the task's id and remembers the last 50 that finished
 * (max_completed_events), failed or not. So a task id answers:
 *   queued / running      while "rbd task list" has it;
 *   succeeded / failed    while "progress json" still remembers it;
 *   404                   afterwards, and for ids that never existed.
 * Reading that history needs the mgr cap `allow command "progress json"`
 * besides `profile rbd`; without it finished tasks are 404, and the 404
 * says why. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <rados/librados.h>

#include "api.h"
#include "json_out.h"
#include "log.h"
#include "mgr_answer.h"
#include "mon.h"
#include "routes.h"
#include "task_store.h"
#include "api_tasks.h"

/* The {id} capture, checked and in lower case (as the manager writes
 * ids) into id[TASK_ID_LEN + 1]. */
static int require_task_id(struct request *req, struct response *resp, char *id)
{
	const char *capture = request_capture(req, "id");

	/* An id that cannot be a task names no task: 404 as for any
	 * unknown object, not a 400 about its spelling. */
	if (!capture || !task_id_valid(capture))
		return response_fail(resp, -ENOENT,
				     "task %s does not exist (task ids are UUIDs such as 8e30ec26-0c09-49d0-b385-0f5115e62605)",
				     capture ? capture : "");
	for (size_t i = 0; i <= TASK_ID_LEN; i++)
		id[i] = (char)tolower((unsigned char)capture[i]);
	return 0;
}

int api_mgr_fail(struct response *resp, int r, const char *command, const char *about,
		 const struct mgr_reply *reply)
{
	const char *why = reply->status && *reply->status ? reply->status : strerror(-r);
	const char *sep = about ? " for " : "";

	if (!about)
		about = "";
	if (r == -ENOMEM)
		return response_oom(resp);
	if (r == -EAGAIN)
		return response_fail_http(resp, 503,
					  "the manager cannot run \"%s\"%s%s yet: %s; try again",
					  command, sep, about, why);
	if (r == -ETIMEDOUT)
		return response_fail(resp, r,
				     "the manager did not answer \"%s\"%s%s within rados_timeout; check that a ceph-mgr is active (ceph mgr stat)",
				     command, sep, about);
	if (r == -EINVAL && strstr(why, "No handler"))
		return response_fail_http(resp, 503,
					  "the manager does not know \"%s\" (%s): its rbd_support module is not running; see ceph mgr module ls",
					  command, why);
	if (r == -EACCES || r == -EPERM)
		return response_fail(resp, r,
				     "the manager refused \"%s\"%s%s to this service's cephx user (%s); it needs mgr 'profile rbd'",
				     command, sep, about, why);
	return response_fail(resp, r, "the manager failed \"%s\"%s%s: %s (errno %d)", command, sep,
			     about, why, -r);
}

static int get_bool(struct json_object *obj, const char *key)
{
	struct json_object *value;

	return json_object_object_get_ex(obj, key, &value) && json_object_get_boolean(value);
}

static int get_double(struct json_object *obj, const char *key, double *out)
{
	struct json_object *value;

	if (!json_object_object_get_ex(obj, key, &value) ||
	    !(json_object_is_type(value, json_type_double) ||
	      json_object_is_type(value, json_type_int)))
		return -ENOENT;
	*out = json_object_get_double(value);
	return 0;
}

/* progress as 0.0 ... 1.0, or null when not known. */
static int add_progress(struct json_object *obj, int known, double progress)
{
	if (known)
		return json_add_fraction(obj, "progress", progress);
	return json_object_object_add(obj, "progress", NULL) < 0 ? -ENOMEM : 0;
}

/* "operation" and "image" from the module's refs: {action, pool_name,
 * pool_namespace, image_name, image_id}. */
static int add_refs(struct json_object *obj, struct json_object *refs)
{
	struct json_object *image;
	const char *value;
	int r = 0;

	value = json_in_get_string(refs, "action");
	if (value)
		r = json_add_string(obj, "operation", value);
	if (r < 0)
		return r;
	image = json_object_new_object();
	if (!image || json_object_object_add(obj, "image", image) < 0) {
		json_object_put(image);
		return -ENOMEM;
	}
	value = json_in_get_string(refs, "pool_name");
	if (value)
		r = json_add_string(image, "pool", value);
	value = json_in_get_string(refs, "pool_namespace");
	if (r == 0)
		r = json_add_string(image, "namespace", value ? value : "");
	value = json_in_get_string(refs, "image_name");
	if (r == 0 && value)
		r = json_add_name(image, "name", value, "image");
	value = json_in_get_string(refs, "image_id");
	if (r == 0 && value)
		r = json_add_string(image, "id", value);
	return r;
}

static int add_epoch(struct json_object *obj, const char *key, double seconds)
{
	struct timespec ts;

	if (seconds < 0)
		seconds = 0;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	return json_add_time(obj, key, &ts);
}

/* A Task from an entry of "rbd task list": {sequence, id, message, refs,
 * in_progress?, progress?, retry_attempts?, retry_message?, canceled?}. */
static int task_from_queue(struct json_object *entry, struct json_object *task)
{
	struct json_object *refs = NULL, *value;
	int running = get_bool(entry, "in_progress");
	const char *message = json_in_get_string(entry, "message");
	double progress = 0;
	int r;

	if (running)
		get_double(entry, "progress", &progress);
	r = json_add_string(task, "id", json_in_get_string(entry, "id"));
	if (r == 0)
		r = json_add_string(task, "status", running ? "running" : "queued");
	if (r == 0)
		r = add_progress(task, 1, progress);
	if (r == 0)
		r = json_add_string(task, "message", message ? message : "");
	json_object_object_get_ex(entry, "refs", &refs);
	if (r == 0)
		r = add_refs(task, refs);
	/* A running task that was canceled stays listed until the work
	 * notices; it then ends as failed with "Operation canceled". */
	if (r == 0 && get_bool(entry, "canceled"))
		r = json_add_bool(task, "canceled", 1);
	if (r == 0 && json_object_object_get_ex(entry, "retry_attempts", &value))
		r = json_add_i64(task, "retry_attempts", json_object_get_int64(value));
	if (r == 0 && json_in_get_string(entry, "retry_message"))
		r = json_add_string(task, "retry_message", json_in_get_string(entry, "retry_message"));
	return r;
}

/* A Task from a finished event of "progress json": {id, message, refs,
 * started_at, finished_at, failed?, failure_message?}. */
static int task_from_history(struct json_object *event, struct json_object *task)
{
	struct json_object *refs = NULL;
	const char *message = json_in_get_string(event, "message");
	int failed = get_bool(event, "failed");
	double when;
	int r;

	r = json_add_string(task, "id", json_in_get_string(event, "id"));
	if (r == 0)
		r = json_add_string(task, "status", failed ? "failed" : "succeeded");
	/* A failed task stopped somewhere the history does not record. */
	if (r == 0)
		r = add_progress(task, !failed, 1.0);
	if (r == 0)
		r = json_add_string(task, "message", message ? message : "");
	json_object_object_get_ex(event, "refs", &refs);
	if (r == 0)
		r = add_refs(task, refs);
	if (r == 0 && failed) {
		const char *why = json_in_get_string(event, "failure_message");

		r = json_add_string(task, "error", why ? why : "");
		if (r == 0 && why && strcmp(why, "Operation canceled") == 0)
			r = json_add_bool(task, "canceled", 1);
	}
	if (r == 0 && get_double(event, "started_at", &when) == 0)
		r = add_epoch(task, "started_at", when);
	if (r == 0 && get_double(event, "finished_at", &when) == 0)
		r = add_epoch(task, "finished_at", when);
	return r;
}

/* Is this progress event one of rbd_support's tasks (not, say, a PG
 * recovery event)? */
static int is_task_event(struct json_object *event)
{
	struct json_object *refs;
	const char *origin;
	const char *id = json_in_get_string(event, "id");

	if (!json_object_object_get_ex(event, "refs", &refs))
		return 0;
	origin = json_in_get_string(refs, "origin");
	return origin && strcmp(origin, "rbd_support") == 0 && id && task_id_valid(id);
}

/* A manager command's answer for the request, which owns it (freed when
 * it ends); *result is the manager's result. Returns 0, or a negative
 * errno answered (out of memory). */
static int ask(struct request *req, struct response *resp, rados_t cluster, const char *prefix,
	       const char *key, const char *value, struct mgr_answer **answer, int *result)
{
	*result = mgr_answer_call(cluster, prefix, key, value, answer);
	if (!*answer)
		return response_oom(resp);
	return api_own(req, resp, mgr_answer_free, *answer);
}

/* The finished tasks the progress module remembers: the "completed"
 * array of "progress json" (in *history, owned by the request); *result
 * is 0, or a negative errno with the manager's words in the answer.
 * Returns 0, or a negative errno answered (out of memory). */
static int task_history(struct request *req, struct response *resp, rados_t cluster,
			struct mgr_answer **history, struct json_object **completed, int *result)
{
	int r = ask(req, resp, cluster, "progress json", NULL, NULL, history, result);

	if (r < 0 || *result < 0)
		return r;
	if (!(*history)->json || !json_object_object_get_ex((*history)->json, "completed", completed) ||
	    !json_object_is_type(*completed, json_type_array))
		*result = -EBADMSG;
	return 0;
}

/* "succeeded", "failed" or "been canceled", for messages. */
static const char *task_outcome(struct json_object *event)
{
	const char *why = json_in_get_string(event, "failure_message");

	if (!get_bool(event, "failed"))
		return "succeeded";
	return why && strcmp(why, "Operation canceled") == 0 ? "been canceled" : "failed";
}

static struct json_object *find_event(struct json_object *completed, const char *id)
{
	/* Newest last; an id is unique, but look from the end anyway. */
	for (size_t i = json_object_array_length(completed); i-- > 0;) {
		struct json_object *event = json_object_array_get_idx(completed, i);
		const char *event_id = json_in_get_string(event, "id");

		if (is_task_event(event) && event_id && strcmp(event_id, id) == 0)
			return event;
	}
	return NULL;
}

static int respond_task(struct response *resp, int status, struct json_object *entry,
			int finished)
{
	struct json_object *task = json_envelope("Task");
	const char *id = json_in_get_string(entry, "id");
	int r;

	if (!task)
		return response_oom(resp);
	if (!id || !task_id_valid(id)) {
		json_object_put(task);
		return response_fail(resp, -EBADMSG,
				     "the manager described a task without a valid id: %s",
				     json_object_to_json_string_ext(entry, JSON_C_TO_STRING_PLAIN));
	}
	r = finished ? task_from_history(entry, task) : task_from_queue(entry, task);
	if (r < 0) {
		json_object_put(task);
		return response_oom(resp);
	}
	if (status == 202) {
		r = response_set_location(resp, "/api/v1/tasks/%s", id);
		if (r < 0) {
			json_object_put(task);
			return response_oom(resp);
		}
	}
	response_json(resp, status, task);
	return 0;
}

int api_task_find_queued(rados_t cluster, const char *action, const char *pool, const char *ns,
			 const char *image, struct json_object *task)
{
	struct mgr_answer *answer;
	struct json_object *queue;
	int r = mgr_answer_call(cluster, "rbd task list", NULL, NULL, &answer);

	if (r < 0) {
		mgr_answer_free(answer);
		return r;
	}
	queue = answer->json;
	r = -ENOENT;
	for (size_t i = 0; queue && json_object_is_type(queue, json_type_array) &&
			   i < json_object_array_length(queue);
	     i++) {
		struct json_object *entry = json_object_array_get_idx(queue, i), *refs;
		const char *want[][2] = {{"action", action}, {"pool_name", pool},
					 {"pool_namespace", ns}, {"image_name", image}};
		size_t matched = 0;

		if (!json_object_object_get_ex(entry, "refs", &refs))
			continue;
		for (size_t k = 0; k < 4; k++) {
			const char *got = json_in_get_string(refs, want[k][0]);

			matched += got && strcmp(got, want[k][1]) == 0;
		}
		if (matched == 4) {
			r = task_from_queue(entry, task);
			break;
		}
	}
	mgr_answer_free(answer);
	return r;
}

int api_task_add(struct request *req, struct response *resp, const char *prefix,
		 const char *arg_name, const char *arg_value)
{
	struct mgr_answer *answer;
	struct json_object *entry;
	rados_t cluster;
	int r, m;

	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return r;
	r = ask(req, resp, cluster, prefix, arg_name, arg_value, &answer, &m);
	if (r < 0)
		return r;
	if (m < 0)
		return api_mgr_fail(resp, m, prefix, arg_value, &answer->reply);
	entry = answer->json;
	if (!entry || !json_object_is_type(entry, json_type_object))
		return response_fail(resp, -EBADMSG,
				     "the manager queued \"%s\" for %s but its answer is not a task: %.200s",
				     prefix, arg_value, answer->reply.out);
	r = respond_task(resp, 202, entry, 0);
	if (r == 0)
		log_event(LOG_LEVEL_INFO, req->request_id, req->user,
			  "event=task.added task=%s command=\"%s\" %s=%s", json_in_get_string(entry, "id"),
			  prefix, arg_name, arg_value);
	return r;
}

/* The finished tasks (completed; none when history is not 0) not in
 * the queue any more, then the queue's, appended to items. */
static int list_items(struct json_object *queue, struct json_object *completed, int history,
		      struct json_object *items)
{
	int r = 0;

	for (size_t i = 0; history == 0 && i < json_object_array_length(completed); i++) {
		struct json_object *event = json_object_array_get_idx(completed, i);
		const char *id = json_in_get_string(event, "id");
		struct json_object *item;
		int queued = 0;

		if (!is_task_event(event))
			continue;
		for (size_t j = 0; j < json_object_array_length(queue); j++) {
			const char *queued_id = json_in_get_string(json_object_array_get_idx(queue, j), "id");

			if (queued_id && strcasecmp(id, queued_id) == 0)
				queued = 1;
		}
		if (queued)
			continue;
		item = json_object_new_object();
		if (!item || json_object_array_add(items, item) < 0) {
			json_object_put(item);
			return -ENOMEM;
		}
		r = task_from_history(event, item);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; r == 0 && i < json_object_array_length(queue); i++) {
		struct json_object *entry = json_object_array_get_idx(queue, i);
		struct json_object *item;

		if (!json_in_get_string(entry, "id") || !task_id_valid(json_in_get_string(entry, "id")))
			continue;
		item = json_object_new_object();
		if (!item || json_object_array_add(items, item) < 0) {
			json_object_put(item);
			return -ENOMEM;
		}
		r = task_from_queue(entry, item);
	}
	return r;
}

/* Finished tasks first (oldest first, as the progress module keeps them),
 * then the queue in the manager's order, so the list reads as a time line;
 * then this service's own tasks (copy, rollback), oldest first.
 * A task that is in both (canceled while running) is listed once, from the
 * queue. */
int api_tasks_list(struct request *req, struct response *resp)
{
	struct mgr_answer *queue, *history;
	struct json_object *completed = NULL, *body, *items;
	rados_t cluster;
	int r, m, h;

	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return r;
	r = ask(req, resp, cluster, "rbd task list", NULL, NULL, &queue, &m);
	if (r < 0)
		return r;
	if (m < 0)
		return api_mgr_fail(resp, m, "rbd task list", NULL, &queue->reply);
	if (!queue->json || !json_object_is_type(queue->json, json_type_array))
		return response_fail(resp, -EBADMSG,
				     "the manager's answer to \"rbd task list\" is not a list: %.200s",
				     queue->reply.out);
	/* The history is a bonus: the list still answers without it. */
	r = task_history(req, resp, cluster, &history, &completed, &h);
	if (r < 0)
		return r;
	if (h < 0)
		log_event(LOG_LEVEL_WARN, req->request_id, req->user,
			  "event=task.history_unavailable errno=%d status=\"%s\"", -h,
			  history->reply.status ? history->reply.status : "");
	body = json_list_envelope("TaskList", &items);
	if (!body)
		return response_oom(resp);
	r = list_items(queue->json, completed, h, items);
	if (r == 0)
		r = api_local_tasks_append(cluster, items);
	if (r < 0) {
		json_object_put(body);
		return response_fail(resp, r,
				     r == -ENOMEM ? "out of memory" : "cannot read this service's own tasks: %s",
				     strerror(-r));
	}
	response_json(resp, 200, body);
	return 0;
}

/* 404 for a task that is neither queued nor remembered, saying what was
 * looked at (and, when the history could not be read, why). */
static int task_unknown(struct response *resp, const char *id, int history_err,
			const struct mgr_reply *history_reply)
{
	if (history_err == 0)
		return response_fail(resp, -ENOENT,
				     "task %s does not exist: it is not queued or running, and it is not among the finished tasks the manager remembers (by default the last 50)",
				     id);
	return response_fail(resp, -ENOENT,
			     "task %s is not queued or running; whether it finished cannot be told because the manager's task history (\"progress json\") could not be read: %s",
			     id,
			     history_reply->status && *history_reply->status ? history_reply->status
									  : strerror(-history_err));
}

/* One of our ids whose pool has no record of it (finished tasks' records
 * are removed after a while, or the pool is gone). */
static int local_task_unknown(struct response *resp, const char *id, int64_t pool_id)
{
	return response_fail(resp, -ENOENT,
			     "task %s does not exist: pool id %" PRId64 ", where it would be recorded, has no record of it",
			     id, pool_id);
}

int api_task_missing(struct request *req, struct response *resp)
{
	struct json_object *completed;
	struct mgr_answer *history;
	char id[TASK_ID_LEN + 1];
	rados_t cluster;
	int64_t pool_id;
	int r, h;

	r = require_task_id(req, resp, id);
	if (r < 0)
		return r;
	if (task_id_pool(id, &pool_id) == 0)
		return local_task_unknown(resp, id, pool_id);
	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return r;
	/* Whether the history can be read shows in a missing task's 404. */
	r = task_history(req, resp, cluster, &history, &completed, &h);
	if (r < 0)
		return r;
	return task_unknown(resp, id, h, &history->reply);
}

/* What GET and DELETE of a task begin with: the id, the cluster, and a
 * task of ours, whose id names the pool that holds its record, answered
 * by local. Returns 1 when the answer is made, 0 when the manager is to
 * be asked, or a negative errno (answered too). */
static int task_request(struct request *req, struct response *resp, char id[TASK_ID_LEN + 1],
			rados_t *cluster, int (*local)(struct response *, rados_t, const char *))
{
	int64_t pool_id;
	int r;

	r = require_task_id(req, resp, id);
	if (r < 0)
		return r;
	r = api_cluster(req, resp, cluster);
	if (r < 0)
		return r;
	if (task_id_pool(id, &pool_id) != 0)
		return 0;
	r = local(resp, *cluster, id);
	if (r == -ENOENT)
		r = local_task_unknown(resp, id, pool_id);
	return r < 0 ? r : 1;
}

/* A task neither queued nor ours from now: finished (the progress
 * module has its outcome, for finished), ours from before (for local),
 * or unknown. */
static int task_after(struct request *req, struct response *resp, rados_t cluster,
		      const char *id, int (*finished)(struct response *, const char *,
						      struct json_object *),
		      int (*local)(struct response *, rados_t, const char *))
{
	struct json_object *completed = NULL, *event;
	struct mgr_answer *history;
	int r, h;

	r = task_history(req, resp, cluster, &history, &completed, &h);
	if (r < 0)
		return r;
	event = h == 0 ? find_event(completed, id) : NULL;
	if (event)
		return finished(resp, id, event);
	r = local(resp, cluster, id);
	if (r == -ENOENT)
		r = task_unknown(resp, id, h, &history->reply);
	return r;
}

static int respond_finished(struct response *resp, const char *id, struct json_object *event)
{
	(void)id;
	return respond_task(resp, 200, event, 1);
}

int api_task_get(struct request *req, struct response *resp)
{
	struct mgr_answer *answer;
	char id[TASK_ID_LEN + 1];
	rados_t cluster;
	int r, m;

	r = task_request(req, resp, id, &cluster, api_local_task_get);
	if (r != 0)
		return r < 0 ? r : 0;
	r = ask(req, resp, cluster, "rbd task list", "task_id", id, &answer, &m);
	if (r < 0)
		return r;
	if (m == 0) {
		if (!answer->json || !json_object_is_type(answer->json, json_type_object))
			return response_fail(resp, -EBADMSG,
					     "the manager's answer about task %s is not a task: %.200s",
					     id, answer->reply.out);
		return respond_task(resp, 200, answer->json, 0);
	}
	if (m != -ENOENT)
		return api_mgr_fail(resp, m, "rbd task list", id, &answer->reply);
	/* Not in the queue: it finished (the progress module has its
	 * outcome), or it is ours from before, or too old or never there. */
	return task_after(req, resp, cluster, id, respond_finished, api_local_task_get);
}

int api_task_cancel_too_late(struct response *resp, const char *id, const char *outcome)
{
	return response_fail(resp, -EBUSY, "task %s has already %s; there is nothing to cancel", id,
			     outcome);
}

/* The manager's actions that delete data as they go. rbd_support stops
 * a running task at its next progress callback, and for these that is in
 * the middle of librbd's removal: a "remove" stops with the image moved
 * to the trash as "removing" and part of its data deleted (rbd ls still
 * lists it, rbd info says ENOENT, our listings leave it out); a "trash
 * remove" leaves the entry in the trash, restorable but with holes; a
 * migration's commit or abort stops with one of its ends half deleted.
 * Such a task cannot be told queued from about to start: the manager
 * starts the first one in its queue at once (it is woken by every new
 * task), the next the moment the one before ends, and a retry when its
 * time comes, and "rbd task cancel" stops whatever it finds running.
 * Nothing outside the manager can close that window, so these tasks are
 * never canceled here (docs/api.md, Tasks). */
static const char *const uncancelable_actions[] = {"remove", "trash remove",
						   "migrate commit", "migrate abort"};

/* 409 when the queued or running manager task id is one of those; 0 to
 * go on (also when it is not queued: the cancel then says why). */
static int refuse_destructive_cancel(struct response *resp, rados_t cluster, const char *id)
{
	struct json_object *refs = NULL;
	struct mgr_answer *answer;
	const char *action = NULL;
	int r = mgr_answer_call(cluster, "rbd task list", "task_id", id, &answer);

	if (r == 0) {
		json_object_object_get_ex(answer->json, "refs", &refs);
		action = json_in_get_string(refs, "action");
	}
	r = 0;
	for (size_t i = 0; action && i < sizeof(uncancelable_actions) / sizeof(*uncancelable_actions);
	     i++) {
		if (strcmp(action, uncancelable_actions[i]) != 0)
			continue;
		r = response_fail(resp, -EBUSY,
				  "task %s (%s) cannot be canceled: the manager may start it any moment, and a %s stopped half way leaves %s; it ends by itself (GET /api/v1/tasks/%s)",
				  id, json_in_get_string(answer->json, "message") ?: action, action,
				  strcmp(action, "remove") == 0
					  ? "the image half removed (part of its data deleted, hidden from listings, unreadable)"
				  : strcmp(action, "trash remove") == 0
					  ? "the trash entry with part of its data deleted"
					  : "one end of the migration half deleted",
				  id);
		break;
	}
	mgr_answer_free(answer);
	return r;
}

static int cancel_finished(struct response *resp, const char *id, struct json_object *event)
{
	return api_task_cancel_too_late(resp, id, task_outcome(event));
}

int api_task_delete(struct request *req, struct response *resp)
{
	struct mgr_answer *answer;
	char id[TASK_ID_LEN + 1];
	rados_t cluster;
	int r, m;

	r = task_request(req, resp, id, &cluster, api_local_task_cancel);
	if (r != 0)
		return r < 0 ? r : 0;
	r = refuse_destructive_cancel(resp, cluster, id);
	if (r < 0)
		return r;
	r = ask(req, resp, cluster, "rbd task cancel", "task_id", id, &answer, &m);
	if (r < 0)
		return r;
	if (m == 0) {
		response_json(resp, 204, NULL);
		return 0;
	}
	if (m != -ENOENT)
		return api_mgr_fail(resp, m, "rbd task cancel", id, &answer->reply);
	/* Too late to cancel a task that already ended: say so, rather than
	 * claim it never existed. */
	return task_after(req, resp, cluster, id, cancel_finished, api_local_task_cancel);
}
