/* SPDX-License-Identifier: Apache-2.0 */
/* api_local_tasks.c - the tasks this service runs itself: copy, rollback
 * and sparsify with ?async=true, imports from a URL, and trash purges,
 * which Ceph's manager has no task for.
 *
 * Starting one writes its record in the cluster (task_store.h) and starts
 * a task runner process (task_runner.c), so the work outlives the worker
 * that accepted it: worker recycling, reloads and request_timeout leave it
 * alone. Reading, listing and canceling go through the records, so every
 * worker and every replica of the service answers the same. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "task_procs.h"
#include "conf.h"
#include "json_out.h"
#include "log.h"
#include "task_runner.h"
#include "task_store.h"
#include "api_tasks.h"
#include "self_spawn.h"
#include "pool_handle.h"

/* The runner writes its record every second; one this much older has
 * lost its runner (killed, or its host went down). */
#define TASK_STALE_SECONDS 20

int api_local_task_add_image(struct json_object *record, const char *key,
			     const struct image_ref *ref)
{
	struct json_object *image = json_object_new_object();

	if (!image || json_object_object_add(record, key, image) < 0) {
		json_object_put(image);
		return -ENOMEM;
	}
	if (json_add_string(image, "pool", ref->pool) < 0 ||
	    json_add_string(image, "namespace", ref->ns) < 0 ||
	    json_add_name(image, "name", ref->name, "image") < 0)
		return -ENOMEM;
	return 0;
}

struct json_object *api_local_task_record(const char *operation, const struct image_ref *image,
					  const char *message_fmt, ...)
{
	struct json_object *record = json_object_new_object();
	char message[2048];
	va_list ap;

	va_start(ap, message_fmt);
	vsnprintf(message, sizeof(message), message_fmt, ap);
	va_end(ap);
	if (!record || json_add_string(record, "operation", operation) < 0 ||
	    json_add_string(record, "message", message) < 0 ||
	    api_local_task_add_image(record, "image", image) < 0) {
		json_object_put(record);
		return NULL;
	}
	return record;
}

/* Starts "rbd-rest-api --run-task POOL ID" with the connection settings
 * of this worker, and waits for its first process, which only detaches. */
static int spawn_runner(const struct conf *conf, const char *pool, const char *id)
{
	int r, status;
	pid_t pid;

	r = self_spawn(conf, (const char *const[]){TASK_RUNNER_FLAG, pool, id, NULL}, &pid);
	if (r < 0)
		return r;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -ECHILD;
	return 0;
}

/* Copies the record's public fields into task; a queued or running task
 * whose runner went silent is shown as failed. */
static int render(struct json_object *record, struct json_object *task)
{
	static const char *const shown[] = {"id",	  "status",	"progress",   "message",
					    "operation",  "image",	"target",     "source",  "deep",
					    "snapshot",	  "canceled",	"error",      "created_at",
					    "started_at", "finished_at"};
	const char *status = json_in_get_string(record, "status");
	struct json_object *value;
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof(shown) / sizeof(shown[0]); i++)
		if (json_object_object_get_ex(record, shown[i], &value))
			r = json_object_object_add(task, shown[i], json_object_get(value));
	if (r == 0 && status && (strcmp(status, "queued") == 0 || strcmp(status, "running") == 0) &&
	    json_object_object_get_ex(record, "heartbeat_at", &value) &&
	    json_object_get_int64(value) < time(NULL) - TASK_STALE_SECONDS) {
		char error[512], when[JSON_TIME_TEXT_LEN] = "";
		const char *host = json_in_get_string(record, "host");

		json_time_text((time_t)json_object_get_int64(value), when);
		snprintf(error, sizeof(error),
			 "interrupted: its runner%s%s stopped without finishing (last heard of at %s)%s",
			 host ? " on " : "", host ? host : "", when,
			 strcmp(json_in_get_string(record, "operation") ?: "", "copy") == 0
				 ? "; an unfinished copy may be left behind, named <name>.unfinished-<8 hex digits>: delete it"
				 : "");
		r = json_add_string(task, "status", "failed");
		if (r == 0)
			r = json_add_string(task, "error", error);
	}
	return r < 0 ? -ENOMEM : 0;
}

static int respond(struct response *resp, int status, struct json_object *record)
{
	struct json_object *task = json_envelope("Task");
	int r;

	if (!task)
		return response_oom(resp);
	r = render(record, task);
	if (r == 0 && status == 202)
		r = response_set_location(resp, "/api/v1/tasks/%s", json_in_get_string(record, "id"));
	if (r < 0) {
		json_object_put(task);
		return response_oom(resp);
	}
	response_json(resp, status, task);
	return 0;
}

static void release_json(void *obj)
{
	json_object_put(obj);
}

/* A new id for a task recorded in pool, into id; answers on failure. */
static int new_task_id(struct response *resp, rados_t cluster, const char *pool,
		       char id[TASK_ID_LEN + 1])
{
	int64_t pool_id;
	int r;

	r = pool_handle_id(cluster, pool, &pool_id);
	if (r == 0)
		r = task_id_new(id, pool_id);
	if (r < 0)
		return response_fail(resp, r, "cannot make a task id for pool %s: %s", pool,
				     strerror(-r));
	return 0;
}

/* Writes the record of task id in pool; the store's io context is the
 * request's. Answers on failure. */
static int record_task(struct request *req, struct response *resp, rados_t cluster,
		       const char *pool, const char *id, struct json_object *record,
		       rados_ioctx_t *store)
{
	int r;

	r = task_store_open(cluster, pool, store);
	if (r == 0) {
		r = api_own(req, resp, pool_handle_close, *store);
		if (r < 0)
			return r;
		r = task_store_put(*store, id, record);
	}
	if (r < 0)
		return response_fail(resp, r, "cannot record the task in pool %s (object %s): %s",
				     pool, TASK_STORE_OBJECT, strerror(-r));
	return 0;
}

int api_local_task_start(struct request *req, struct response *resp, struct json_object *record)
{
	struct json_object *image;
	rados_ioctx_t store;
	struct timespec now;
	char id[TASK_ID_LEN + 1];
	const char *pool;
	rados_t cluster;
	int running, r;

	r = api_own(req, resp, release_json, record);
	if (r < 0)
		return r;
	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return r;
	/* Each runner is a process with a cluster connection of its own:
	 * bounded. Runners become the master's children once they detach. Two
	 * workers checking at once may both start one: a soft bound. */
	running = task_procs_count(getppid(), TASK_RUNNER_NAME);
	if (running >= (int)req->env->conf->max_tasks) {
		r = response_fail_http(resp, 429,
				       "this service already runs %d copy, import, rollback, sparsify or purge tasks (max_tasks = %u); try again when one has finished",
				       running, req->env->conf->max_tasks);
		resp->retry_after = 10;
		return r;
	}
	json_object_object_get_ex(record, "image", &image);
	pool = json_in_get_string(image, "pool");
	r = new_task_id(resp, cluster, pool, id);
	if (r < 0)
		return r;
	clock_gettime(CLOCK_REALTIME, &now);
	if (json_add_string(record, "id", id) < 0 || json_add_string(record, "status", "queued") < 0 ||
	    json_add_fraction(record, "progress", 0) < 0 ||
	    json_add_time(record, "created_at", &now) < 0 ||
	    json_add_i64(record, "heartbeat_at", now.tv_sec) < 0)
		return response_oom(resp);
	r = record_task(req, resp, cluster, pool, id, record, &store);
	if (r < 0)
		return r;
	r = spawn_runner(req->env->conf, pool, id);
	if (r < 0) {
		task_store_remove(store, id);
		return response_fail_http(resp, 500, "cannot start the task's runner process: %s",
					  r == -ECHILD ? "it exited at once (its reason is in the service log)"
						       : strerror(-r));
	}
	log_event(LOG_LEVEL_INFO, req->request_id, req->user, "event=task.added task=%s operation=%s message=\"%s\"",
		  id, json_in_get_string(record, "operation"), json_in_get_string(record, "message"));
	return respond(resp, 202, record);
}

int api_local_task_get(struct response *resp, rados_t cluster, const char *id)
{
	struct json_object *record;
	int r = task_store_find(cluster, id, &record);

	if (r < 0)
		return r;
	r = respond(resp, 200, record);
	json_object_put(record);
	return r;
}

int api_local_task_cancel(struct response *resp, rados_t cluster, const char *id)
{
	struct json_object *record, *image, *task = json_object_new_object();
	rados_ioctx_t store;
	const char *status;
	int r = task_store_find(cluster, id, &record);

	if (r < 0) {
		json_object_put(task);
		return r;
	}
	/* Finished, or (rendered) failed because its runner went silent. */
	r = task ? render(record, task) : -ENOMEM;
	status = json_in_get_string(task, "status");
	if (!status)
		status = "failed";   /* a damaged record: nothing runs it */
	if (r < 0) {
		r = response_oom(resp);
	} else if (strcmp(status, "succeeded") == 0 || strcmp(status, "failed") == 0) {
		r = api_task_cancel_too_late(resp, id, status);
	} else {
		json_object_object_get_ex(record, "image", &image);
		r = task_store_open(cluster, json_in_get_string(image, "pool"), &store);
		if (r == 0) {
			r = task_store_request_cancel(store, id);
			pool_handle_close(store);
		}
		/* Its work was done before the request came (task_store.h):
		 * the record will say succeeded (or failed) in a moment. */
		if (r == -ECANCELED)
			r = api_task_cancel_too_late(resp, id, "finished its work");
		else if (r < 0)
			r = response_fail(resp, r, "cannot record the cancel request of task %s: %s",
					  id, strerror(-r));
		else
			response_json(resp, 204, NULL);
	}
	json_object_put(task);
	json_object_put(record);
	return r;
}

static int collect(rados_ioctx_t ioctx, void *records)
{
	int r = task_store_list(ioctx, records);

	/* A pool this user may not read has no tasks of ours; one that does
	 * not answer must not hide the others' tasks. */
	if (r < 0 && r != -ENOMEM && r != -EPERM && r != -EACCES)
		log_warn("event=task.list_failed pool_id=%" PRId64 " errno=%d",
			 pool_handle_ioctx_id(ioctx), -r);
	return r == -ENOMEM ? r : 0;
}

static int by_creation(const void *a, const void *b)
{
	const char *ta = json_in_get_string(*(struct json_object *const *)a, "created_at");
	const char *tb = json_in_get_string(*(struct json_object *const *)b, "created_at");

	return strcmp(ta ? ta : "", tb ? tb : "");
}

int api_local_tasks_append(rados_t cluster, struct json_object *items)
{
	struct json_object *records = json_object_new_array();
	int r;

	if (!records)
		return -ENOMEM;
	r = task_store_each_pool(cluster, collect, records);
	json_object_array_sort(records, by_creation);
	for (size_t i = 0; r == 0 && i < json_object_array_length(records); i++) {
		struct json_object *task = json_object_new_object();

		if (!task || json_object_array_add(items, task) < 0) {
			json_object_put(task);
			r = -ENOMEM;
			break;
		}
		r = render(json_object_array_get_idx(records, i), task);
	}
	json_object_put(records);
	return r;
}
