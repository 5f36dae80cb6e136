/* SPDX-License-Identifier: Apache-2.0 */
/* task_runner.c - "rbd-rest-api --run-task POOL ID": runs one task of this
 * service's own (copy, import from a URL, rollback, sparsify, trash purge:
 * work Ceph's manager cannot queue) outside the worker that accepted it.
 *
 * A worker answers 202 at once and must not hold the work: it may be
 * recycled, reloaded, or killed by request_timeout. So it writes the
 * task's record (task_store.h) and starts this program, which detaches
 * and splits in two before it touches librados (not fork-safe):
 *   - the supervisor keeps the record: running, then the progress every
 *     second (a heartbeat, so readers can tell a runner that died), then
 *     the outcome. It watches for a cancel request and for SIGTERM (the
 *     master sends it when the service stops);
 *   - the operation process makes the one librbd call.
 * Two processes, because librbd cannot stop a copy half way: (deep) copy
 * ignores its progress callback's answer. To cancel a copy the supervisor
 * kills the operation process, blocklists that client so the OSDs drop its
 * watch on the unfinished copy, and removes the copy: nothing half made is
 * left. An import (image_import.h) is made under an unfinished name too
 * and stopped the same way; what is left is its migration, aborted, and
 * its image, removed. A rollback stops at the next object when its
 * callback says so.
 *
 * A cancel answered 204 must win (docs/api.md, Tasks), however late it
 * comes before the work is done: the cancel request and the end of the
 * work race in the task's omap (task_store.h), where the OSD lets one of
 * them through. A copy claims the end before its rename, the one step
 * that makes it visible, and removes what it made when the cancel came
 * first; a rollback or purge, whose work shows as it goes, claims it the
 * moment it is done. The supervisor claims it (again) before it records
 * any outcome, so a cancel that got through always ends the task
 * canceled, and one that did not was answered 409. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "ceph.h"
#include "image_import.h"
#include "image_json.h"
#include "image_query.h"
#include "conf.h"
#include "copy_options.h"
#include "json_in.h"
#include "json_out.h"
#include "log.h"
#include "names.h"
#include "task_runner.h"
#include "task_store.h"
#include "unfinished.h"

/* Finished tasks' records are kept this long, then the next runner in the
 * pool removes them. */
#define TASK_KEEP_SECONDS (24 * 3600)
/* How long a rollback gets to stop after it was asked to. */
#define STOP_GRACE_SECONDS 10
/* How long removing an unfinished copy waits for the OSDs to drop the
 * killed client's watch. */
#define REMOVE_WAIT_SECONDS 60
/* Blocklisting a killed client only has to outlast its watch. */
#define BLOCKLIST_SECONDS 3600

/* Between the supervisor and the operation process (shared memory). */
struct op_shared {
	_Atomic uint64_t done, total;   /* progress, in librbd's units */
	_Atomic int cancel;             /* ask the operation to stop */
	_Atomic uint64_t client_id;     /* the operation's rados instance id */
	_Atomic int target_was_free;    /* a copy's target did not exist when it began */
	_Atomic int committed;          /* the operation claimed the end of its work */
	_Atomic int canceled_first;     /* the operation stopped for a cancel it found */
	char temp_name[UNFINISHED_NAME_MAX];  /* what the copy is made as (unfinished.h) */
	char step[16];                  /* an import's step, for when it dies */
	char error[1024];               /* why it failed, written before it exits 1 */
};

/* A string of the record, "" when absent. */
static const char *record_string(struct json_object *obj, const char *key)
{
	const char *value = json_in_get_string(obj, key);

	return value ? value : "";
}

static struct json_object *record_object(struct json_object *obj, const char *key)
{
	struct json_object *value;

	return json_object_object_get_ex(obj, key, &value) ? value : NULL;
}

static int record_bool(struct json_object *obj, const char *key)
{
	struct json_object *value;

	return json_object_object_get_ex(obj, key, &value) && json_object_get_boolean(value);
}

static void fail_op(struct op_shared *sh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail_op(struct op_shared *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sh->error, sizeof(sh->error), fmt, ap);
	va_end(ap);
}

/* "pool/[ns/]name" of a record's {pool, namespace, name} object. */
static const char *image_spec(struct json_object *where, char *buf, size_t len)
{
	const char *ns = record_string(where, "namespace");

	snprintf(buf, len, "%s/%s%s%s", record_string(where, "pool"), ns, *ns ? "/" : "",
		 record_string(where, "name"));
	return buf;
}

/* An io context on the pool and namespace of a {pool, namespace, name}. */
static int image_ioctx(rados_t cluster, struct json_object *where, rados_ioctx_t *ioctx)
{
	int r = rados_ioctx_create(cluster, record_string(where, "pool"), ioctx);

	if (r < 0)
		return r;
	ceph_ioctx_full_try(*ioctx);
	rados_ioctx_set_namespace(*ioctx, record_string(where, "namespace"));
	return 0;
}

static int report_progress(uint64_t done, uint64_t total, void *arg)
{
	struct op_shared *sh = arg;

	atomic_store(&sh->done, done);
	atomic_store(&sh->total, total);
	/* Only a rollback or sparsify listens; copies ignore the answer. */
	return atomic_load(&sh->cancel) ? -ECANCELED : 0;
}

/* Claims the end of the work (before a copy is renamed): -ECANCELED when
 * a cancel request came first. */
static int claim_end(rados_ioctx_t store, const char *id, struct op_shared *sh)
{
	int r = task_store_mark_done(store, id);

	if (r == -ECANCELED)
		atomic_store(&sh->canceled_first, 1);
	else if (r == 0)
		atomic_store(&sh->committed, 1);
	return r;
}

static int run_copy(rados_t cluster, rados_ioctx_t store, const char *id,
		    struct json_object *record, struct op_shared *sh)
{
	struct json_object *source = record_object(record, "image");
	struct json_object *target = record_object(record, "target");
	const char *target_name = record_string(target, "name");
	rados_ioctx_t source_ioctx = NULL, target_ioctx = NULL;
	rbd_image_options_t opts = NULL;
	rbd_image_t image = NULL, probe;
	char source_spec[IMAGE_SPEC_MAX], target_spec[IMAGE_SPEC_MAX];
	int r;

	image_spec(source, source_spec, sizeof(source_spec));
	image_spec(target, target_spec, sizeof(target_spec));
	r = image_ioctx(cluster, source, &source_ioctx);
	if (r == 0)
		r = image_ioctx(cluster, target, &target_ioctx);
	if (r < 0) {
		fail_op(sh, "cannot reach the pools of %s and %s: %s", source_spec, target_spec,
			strerror(-r));
		goto out;
	}
	/* From the record's snapshot when it names one (NULL: the head). */
	r = rbd_open_read_only(source_ioctx, record_string(source, "name"), &image,
			       json_in_get_string(record, "snapshot"));
	if (r < 0) {
		image = NULL;
		fail_op(sh, r == -ENOENT ? "image %s (or its snapshot) no longer exists"
					 : "cannot open image %s: %s",
			source_spec, strerror(-r));
		goto out;
	}
	r = rbd_open_read_only(target_ioctx, target_name, &probe, NULL);
	if (r == 0) {
		rbd_close(probe);
		r = -EEXIST;
		fail_op(sh, "image %s already exists (made since the task was accepted)",
			target_spec);
		goto out;
	}
	/* Made under a name of its own, renamed once whole (unfinished.h):
	 * what exists under that name is ours, unfinished if we fail. */
	r = unfinished_name(target_name, sh->temp_name, sizeof(sh->temp_name));
	if (r < 0) {
		fail_op(sh, "cannot name the copy: %s", strerror(-r));
		goto out;
	}
	atomic_store(&sh->target_was_free, 1);
	rbd_image_options_create(&opts);
	r = copy_options_set(record_object(record, "options"), opts);
	if (r < 0) {
		fail_op(sh, "cannot set the copy's image options: %s", strerror(-r));
		goto out;
	}
	if (record_bool(record, "deep"))
		r = rbd_deep_copy_with_progress(image, target_ioctx, sh->temp_name, opts,
						report_progress, sh);
	else
		r = rbd_copy_with_progress4(image, target_ioctx, sh->temp_name, opts,
					    report_progress, sh, 4096);
	if (r == 0)
		r = claim_end(store, id, sh);
	if (r == 0)
		r = rbd_rename(target_ioctx, sh->temp_name, target_name);
	if (r < 0) {
		int left = unfinished_remove(target_ioctx, sh->temp_name);

		if (left == 0)
			atomic_store(&sh->target_was_free, 0);
		if (r == -ECANCELED)
			fail_op(sh, "canceled when the copy was made, before it was renamed to %s; %s%s%s",
				target_spec,
				left == 0 ? "nothing of the copy is left"
					  : "what was copied is left as image ",
				left == 0 ? "" : sh->temp_name,
				left == 0 ? "" : " (marked unfinished): delete it");
		else if (r == -EEXIST)
			fail_op(sh, "image %s already exists (made since the task was accepted); %s",
				target_spec, left == 0 ? "nothing of the copy is left"
						       : "what was copied is left marked unfinished: delete it");
		else
			fail_op(sh, "copying image %s to %s failed: %s (errno %d); %s%s%s", source_spec,
				target_spec, strerror(-r), -r,
				left == 0 ? "nothing of the copy is left"
					  : "what was copied is left as image ",
				left == 0 ? "" : sh->temp_name,
				left == 0 ? "" : " (marked unfinished): delete it");
	}
out:
	if (opts)
		rbd_image_options_destroy(opts);
	if (image)
		rbd_close(image);
	if (target_ioctx)
		rados_ioctx_destroy(target_ioctx);
	if (source_ioctx)
		rados_ioctx_destroy(source_ioctx);
	return r;
}

/* Imports the record's "source" {url, format} into the record's image:
 * made under an unfinished name (prepare, execute, claim the end,
 * commit), then renamed. The URL was checked against import_url_allow
 * when the task was accepted (api_import.c). */
static int run_import(rados_t cluster, rados_ioctx_t store, const char *id,
		      struct json_object *record, struct op_shared *sh)
{
	struct json_object *where = record_object(record, "image");
	struct json_object *source = record_object(record, "source");
	const char *name = record_string(where, "name"), *url = record_string(source, "url");
	/* The URL with its query, which the task does not show (api_import.c). */
	const char *fetch_url = record_string(record, "fetch_url");
	const char *step = "prepare";
	rados_ioctx_t ioctx = NULL;
	rbd_image_options_t opts = NULL;
	rbd_image_t probe;
	char spec[IMAGE_SPEC_MAX], *source_spec = NULL;
	int r, left;

	image_spec(where, spec, sizeof(spec));
	r = image_ioctx(cluster, where, &ioctx);
	if (r < 0) {
		fail_op(sh, "cannot reach the pool of %s: %s", spec, strerror(-r));
		return r;
	}
	r = rbd_open_read_only(ioctx, name, &probe, NULL);
	if (r == 0) {
		rbd_close(probe);
		r = -EEXIST;
		fail_op(sh, "image %s already exists (made since the task was accepted)", spec);
		goto out;
	}
	r = image_import_source_spec(record_string(source, "format"), fetch_url, &source_spec);
	if (r == 0)
		r = unfinished_name(name, sh->temp_name, sizeof(sh->temp_name));
	if (r == 0) {
		rbd_image_options_create(&opts);
		r = copy_options_set(record_object(record, "options"), opts);
	}
	if (r < 0) {
		fail_op(sh, "cannot set up the import: %s", strerror(-r));
		goto out;
	}
	atomic_store(&sh->target_was_free, 1);
	snprintf(sh->step, sizeof(sh->step), "%s", step);
	r = image_import_prepare(ioctx, sh->temp_name, source_spec, opts);
	if (r == 0) {
		step = "copy";
		snprintf(sh->step, sizeof(sh->step), "%s", step);
		r = image_import_execute(ioctx, sh->temp_name, report_progress, sh);
	}
	if (r == 0)
		r = claim_end(store, id, sh);
	if (r == 0) {
		step = "commit";
		r = image_import_commit(ioctx, sh->temp_name);
	}
	if (r == 0) {
		step = "rename";
		r = rbd_rename(ioctx, sh->temp_name, name);
	}
	if (r == 0)
		goto out;
	left = image_import_undo(ioctx, sh->temp_name);
	if (left == 0)
		atomic_store(&sh->target_was_free, 0);
	if (r == -ECANCELED)
		fail_op(sh, "canceled when the import was copied, before it was committed; %s%s%s",
			left == 0 ? "nothing of the import is left" : "what was imported is left as image ",
			left == 0 ? "" : sh->temp_name,
			left == 0 ? "" : " (marked unfinished): delete it");
	else if (r == -EEXIST && strcmp(step, "rename") == 0)
		fail_op(sh, "image %s already exists (made since the task was accepted); %s", spec,
			left == 0 ? "nothing of the import is left"
				  : "what was imported is left marked unfinished: delete it");
	else if (strcmp(step, "prepare") == 0)
		fail_op(sh,
			"importing %s from %s failed: the URL could not be read, or what it serves is not a %s image: %s (errno %d); %s%s%s",
			spec, url, record_string(source, "format"), strerror(-r), -r,
			left == 0 ? "nothing of the import is left" : "what was imported is left as image ",
			left == 0 ? "" : sh->temp_name,
			left == 0 ? "" : " (marked unfinished): delete it");
	else
		fail_op(sh, "importing %s from %s failed at its %s step: %s (errno %d); %s%s%s", spec,
			url, step, strerror(-r), -r,
			left == 0 ? "nothing of the import is left" : "what was imported is left as image ",
			left == 0 ? "" : sh->temp_name,
			left == 0 ? "" : " (marked unfinished): delete it");
out:
	if (opts)
		rbd_image_options_destroy(opts);
	free(source_spec);
	rados_ioctx_destroy(ioctx);
	return r;
}

/* Opens the record's image read-write, with spec naming it; on failure
 * the operation is failed saying why, and nothing is left open. */
static int open_record_image(rados_t cluster, struct json_object *where, char *spec,
			     size_t speclen, struct op_shared *sh, rados_ioctx_t *ioctx,
			     rbd_image_t *image)
{
	int r;

	image_spec(where, spec, speclen);
	r = image_ioctx(cluster, where, ioctx);
	if (r < 0) {
		fail_op(sh, "cannot reach the pool of %s: %s", spec, strerror(-r));
		return r;
	}
	r = rbd_open(*ioctx, record_string(where, "name"), image, NULL);
	if (r < 0) {
		fail_op(sh, r == -ENOENT ? "image %s no longer exists" : "cannot open image %s: %s",
			spec, strerror(-r));
		rados_ioctx_destroy(*ioctx);
	}
	return r;
}

static int run_rollback(rados_t cluster, struct json_object *record, struct op_shared *sh)
{
	struct json_object *where = record_object(record, "image");
	const char *snapshot = record_string(record, "snapshot");
	rados_ioctx_t ioctx;
	rbd_image_t image;
	char spec[IMAGE_SPEC_MAX];
	int r;

	r = open_record_image(cluster, where, spec, sizeof(spec), sh, &ioctx, &image);
	if (r < 0)
		return r;
	r = rbd_snap_rollback_with_progress(image, snapshot, report_progress, sh);
	rbd_close(image);
	if (r == -ECANCELED)
		fail_op(sh,
			"stopped before the rollback finished: image %s now holds part of snapshot %s's data; roll back again to finish",
			spec, snapshot);
	else if (r == -ENOENT)
		fail_op(sh, "snapshot %s@%s no longer exists", spec, snapshot);
	else if (r < 0)
		fail_op(sh, "rolling back image %s to snapshot %s failed: %s (errno %d)", spec,
			snapshot, strerror(-r), -r);
	rados_ioctx_destroy(ioctx);
	return r;
}

/* Frees the zero-filled space of the record's image (api_sparsify.c):
 * "sparse_size" is checked already. Stopping half way loses nothing. */
static int run_sparsify(rados_t cluster, struct json_object *record, struct op_shared *sh)
{
	struct json_object *where = record_object(record, "image"), *value;
	uint64_t sparse_size = 4096;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	char spec[IMAGE_SPEC_MAX];
	int r;

	if (json_object_object_get_ex(record, "sparse_size", &value))
		sparse_size = (uint64_t)json_object_get_int64(value);
	r = open_record_image(cluster, where, spec, sizeof(spec), sh, &ioctx, &image);
	if (r < 0)
		return r;
	r = rbd_sparsify_with_progress(image, (size_t)sparse_size, report_progress, sh);
	rbd_close(image);
	if (r == -ECANCELED)
		fail_op(sh,
			"stopped before the sparsify finished: part of the zero-filled space of image %s was freed; sparsify again to free the rest",
			spec);
	else if (r < 0)
		fail_op(sh, "sparsifying image %s failed: %s (errno %d)", spec, strerror(-r), -r);
	rados_ioctx_destroy(ioctx);
	return r;
}

/* Purges the trash of the record's pool, namespace by namespace (the
 * default one first): every entry moved there by a user whose deferment
 * ended by "expire_before" (seconds since the epoch). */
static int run_purge(rados_t cluster, struct json_object *record, struct op_shared *sh)
{
	struct json_object *where = record_object(record, "image"), *value;
	const char *pool = record_string(where, "pool");
	time_t expire_before = 0;
	rados_ioctx_t ioctx;
	char *names = NULL;
	size_t len = 0, count = 1, at;
	int r;

	if (json_object_object_get_ex(record, "expire_before", &value))
		expire_before = (time_t)json_object_get_int64(value);
	r = image_ioctx(cluster, where, &ioctx);
	if (r < 0) {
		fail_op(sh, "cannot reach pool %s: %s", pool, strerror(-r));
		return r;
	}
	r = namespace_names(ioctx, &names, &len);
	if (r < 0) {
		fail_op(sh, "cannot list the namespaces of pool %s: %s", pool, strerror(-r));
		goto out;
	}
	for (at = 0; at < len; at += strlen(names + at) + 1)
		count += names[at] != '\0';
	/* Progress counts namespaces: librbd reports each one's own. */
	atomic_store(&sh->total, count);
	rados_ioctx_set_namespace(ioctx, "");
	r = rbd_trash_purge(ioctx, expire_before, -1);
	atomic_store(&sh->done, 1);
	for (at = 0; r == 0 && at < len && !atomic_load(&sh->cancel); at += strlen(names + at) + 1) {
		if (!names[at])
			continue;
		rados_ioctx_set_namespace(ioctx, names + at);
		r = rbd_trash_purge(ioctx, expire_before, -1);
		if (r < 0)
			fail_op(sh, "purging the trash of pool %s in namespace %s failed: %s (errno %d)",
				pool, names + at, strerror(-r), -r);
		atomic_fetch_add(&sh->done, 1);
	}
	if (r < 0 && !sh->error[0])
		fail_op(sh, "purging the trash of pool %s failed: %s (errno %d)", pool, strerror(-r),
			-r);
	if (r == 0 && atomic_load(&sh->cancel)) {
		r = -ECANCELED;
		fail_op(sh, "stopped before every namespace of pool %s was purged", pool);
	}
out:
	free(names);
	rados_ioctx_destroy(ioctx);
	return r;
}

/* The operation process: connect, read the task, do it. Exit code 0 when
 * it succeeded, 1 with sh->error when not. */
static void __attribute__((noreturn))
operation_main(const struct conf *conf, const char *pool, const char *id, struct op_shared *sh)
{
	struct json_object *record = NULL;
	rados_ioctx_t store = NULL;
	rados_t cluster;
	char why[CEPH_WHY_MAX];
	int r;

	r = ceph_connect_once(conf, &cluster, why, sizeof(why));
	if (r < 0) {
		fail_op(sh, "cannot connect to the cluster: %s", why);
		_exit(1);
	}
	atomic_store(&sh->client_id, rados_get_instance_id(cluster));
	r = task_store_open(cluster, pool, &store);
	if (r == 0)
		r = task_store_get(store, id, &record);
	if (r < 0)
		fail_op(sh, "cannot read the task's record: %s", strerror(-r));
	else if (record_bool(record, "cancel_requested")) {
		/* Canceled while queued: nothing to do, nothing to undo. */
		atomic_store(&sh->canceled_first, 1);
		fail_op(sh, "before it started: nothing was done");
		r = -ECANCELED;
	} else if (strcmp(record_string(record, "operation"), "copy") == 0)
		r = run_copy(cluster, store, id, record, sh);
	else if (strcmp(record_string(record, "operation"), "import") == 0)
		r = run_import(cluster, store, id, record, sh);
	else if (strcmp(record_string(record, "operation"), "rollback") == 0)
		r = run_rollback(cluster, record, sh);
	else if (strcmp(record_string(record, "operation"), "purge") == 0)
		r = run_purge(cluster, record, sh);
	else if (strcmp(record_string(record, "operation"), "sparsify") == 0)
		r = run_sparsify(cluster, record, sh);
	else
		fail_op(sh, "unknown operation \"%s\"", record_string(record, "operation")),
			r = -EINVAL;
	/* Done: claim the end at once, so that a cancel from now on is a 409
	 * rather than a 204 the supervisor would have to honour (a copy
	 * claimed it before its rename). */
	if (r == 0 && !atomic_load(&sh->committed))
		claim_end(store, id, sh);
	json_object_put(record);
	if (store)
		rados_ioctx_destroy(store);
	rados_shutdown(cluster);
	_exit(r < 0 ? 1 : 0);
}

/* After the operation process was killed: makes the OSDs drop its watch
 * on the unfinished copy or import (by blocklisting that client), then
 * removes it (an import's migration aborted first). Returns 0 when
 * nothing is left, else a negative errno. */
static int remove_unfinished(rados_t cluster, struct json_object *record,
			     const struct op_shared *sh)
{
	int is_import = strcmp(record_string(record, "operation"), "import") == 0;
	struct json_object *target = record_object(record, is_import ? "image" : "target");
	const char *name = sh->temp_name;
	rbd_image_watcher_t watchers[16];
	size_t count = 16;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r, blocked = 0;

	if (!atomic_load(&sh->target_was_free))
		return 0;
	r = image_ioctx(cluster, target, &ioctx);
	if (r < 0)
		return r;
	r = rbd_open_read_only(ioctx, name, &image, NULL);
	/* A copy killed inside its create can leave the directory entry
	 * without a header: it does not open, `rbd ls` lists it, and the
	 * removal below cleans it up (t/88's cancel right after the
	 * request listed such a copy after saying nothing was left). An
	 * import's image opens its source too, which may be gone: it is
	 * removed all the same, once the watch has timed out. */
	if (r < 0 && r != -ENOENT && !is_import)
		goto out;
	if (r == 0 && rbd_watchers_list(image, watchers, &count) == 0) {
		for (size_t i = 0; i < count; i++)
			if ((uint64_t)watchers[i].id == atomic_load(&sh->client_id) &&
			    rados_blocklist_add(cluster, watchers[i].addr, BLOCKLIST_SECONDS) == 0)
				blocked = 1;
		rbd_watchers_list_cleanup(watchers, count);
	}
	if (r == 0)
		rbd_close(image);
	if (blocked)
		rados_wait_for_latest_osdmap(cluster);
	/* Without the blocklist (no mon permission) the watch times out on
	 * its own, after osd_client_watch_timeout (30 s by default). */
	for (int waited = 0;; waited++) {
		r = is_import ? image_import_undo(ioctx, name) : unfinished_remove(ioctx, name);
		if (r != -EBUSY || waited >= REMOVE_WAIT_SECONDS)
			break;
		sleep(1);
	}
	if (r == -ENOENT)
		r = 0;
out:
	rados_ioctx_destroy(ioctx);
	return r;
}

static int set_string(struct json_object *record, const char *key, const char *value)
{
	return json_object_object_add(record, key, json_object_new_string(value));
}

static int set_now(struct json_object *record, const char *key)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return json_add_time(record, key, &now);
}

static void set_progress(struct json_object *record, const struct op_shared *sh, int finished)
{
	uint64_t done = atomic_load(&sh->done), total = atomic_load(&sh->total);

	json_add_fraction(record, "progress",
			  finished ? 1.0 : total ? (double)done / (double)total : 0.0);
}

/* Writes the record with a fresh heartbeat. */
static int save(rados_ioctx_t store, const char *id, struct json_object *record)
{
	int r;

	json_object_object_del(record, "cancel_requested");
	json_object_object_add(record, "heartbeat_at", json_object_new_int64(time(NULL)));
	r = task_store_put(store, id, record);
	if (r < 0)
		log_warn("event=task.save_failed task=%s errno=%d", id, -r);
	return r;
}

/* Removes records of tasks that finished more than TASK_KEEP_SECONDS ago. */
static void prune_finished(rados_ioctx_t store)
{
	struct json_object *records = json_object_new_array();
	time_t now = time(NULL);

	if (!records || task_store_list(store, records) < 0)
		goto out;
	for (size_t i = 0; i < json_object_array_length(records); i++) {
		struct json_object *record = json_object_array_get_idx(records, i), *beat;
		const char *status = record_string(record, "status");

		if ((strcmp(status, "succeeded") == 0 || strcmp(status, "failed") == 0) &&
		    json_object_object_get_ex(record, "heartbeat_at", &beat) &&
		    json_object_get_int64(beat) < now - TASK_KEEP_SECONDS)
			task_store_remove(store, record_string(record, "id"));
	}
out:
	json_object_put(records);
}

/* Connects, retrying while the operation runs (a record can only be
 * written once connected). */
static int supervisor_connect(const struct conf *conf, pid_t op_pid, rados_t *cluster)
{
	char why[CEPH_WHY_MAX];
	int r;

	for (;;) {
		r = ceph_connect_once(conf, cluster, why, sizeof(why));
		if (r == 0)
			return 0;
		log_warn("event=task.connect_failed errno=%d msg=\"%s\"", -r, why);
		if (waitpid(op_pid, NULL, WNOHANG) != 0)
			return r;
		sleep(1);
	}
}

/* Why the supervisor stopped the operation, if it did. */
enum stop_reason { STOP_NONE, STOP_CANCELED, STOP_SHUTDOWN };

/* Waits for the operation, beating the heart once a second, and stops it
 * when asked. Returns the operation's wait status; *why says whether it
 * was stopped (a copy is then killed: *killed). A cancel is looked for
 * before the first wait, so one that came while the task was queued stops
 * it at once. */
static int watch_operation(rados_ioctx_t store, const char *id, struct json_object *record,
			   pid_t op_pid, struct op_shared *sh, const sigset_t *signals,
			   enum stop_reason *why, int *killed)
{
	/* librbd cannot stop a copy or an import's copy half way. */
	int kill_at_once = strcmp(record_string(record, "operation"), "copy") == 0 ||
			   strcmp(record_string(record, "operation"), "import") == 0;
	time_t stop_at = 0;
	int status;

	*why = STOP_NONE;
	*killed = 0;
	for (;;) {
		struct timespec second = {.tv_sec = 1};
		int sig;

		if (waitpid(op_pid, &status, WNOHANG) == op_pid)
			return status;
		if (*why == STOP_NONE) {
			struct json_object *now = NULL;

			if (task_store_get(store, id, &now) == 0 && record_bool(now, "cancel_requested"))
				*why = STOP_CANCELED;
			json_object_put(now);
		}
		if (*why != STOP_NONE && !stop_at) {
			stop_at = time(NULL);
			log_info("event=task.stopping task=%s reason=%s", id,
				 *why == STOP_CANCELED ? "canceled" : "shutdown");
			atomic_store(&sh->cancel, 1);
		}
		/* A copy or import that claimed the end of its work is only
		 * committing and renaming it (no cancel can have come first):
		 * let it. */
		if (stop_at && !atomic_load(&sh->committed) &&
		    (kill_at_once || time(NULL) - stop_at > STOP_GRACE_SECONDS)) {
			kill(op_pid, SIGKILL);
			waitpid(op_pid, &status, 0);
			*killed = 1;
			return status;
		}
		set_progress(record, sh, 0);
		save(store, id, record);
		sig = sigtimedwait(signals, NULL, &second);
		if ((sig == SIGTERM || sig == SIGINT) && *why == STOP_NONE)
			*why = STOP_SHUTDOWN;
	}
}

/* Records the outcome: succeeded, or failed with the reason. The end of
 * the work is claimed first (task_store_mark_done): when a cancel request
 * came before it, the task ends canceled, whatever the operation did. */
static void record_outcome(rados_t cluster, rados_ioctx_t store, const char *id,
			   struct json_object *record, struct op_shared *sh, int status,
			   enum stop_reason why, int killed)
{
	const char *operation = record_string(record, "operation");
	int is_copy = strcmp(operation, "copy") == 0;
	int is_import = strcmp(operation, "import") == 0;
	int finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	int fate = task_store_mark_done(store, id);
	int canceled, succeeded;
	const char *stopped;
	char error[2400], spec[IMAGE_SPEC_MAX];

	if (fate < 0 && fate != -ECANCELED)
		log_warn("event=task.end_unclaimed task=%s errno=%d", id, -fate);
	/* Without an answer from the cluster, what the supervisor saw. */
	canceled = fate == -ECANCELED || (fate < 0 && why == STOP_CANCELED);
	succeeded = finished && !canceled;
	stopped = canceled ? "canceled" : "interrupted: the service stopped";
	set_progress(record, sh, succeeded);
	set_now(record, "finished_at");
	set_string(record, "status", succeeded ? "succeeded" : "failed");
	if (succeeded)
		return;
	if (canceled)
		json_object_object_add(record, "canceled", json_object_new_boolean(1));
	if (finished) {
		/* A rollback or purge that finished as the cancel came (a copy
		 * claims the end itself, before its rename). */
		snprintf(error, sizeof(error),
			 "canceled, but only once the %s had finished: %s", operation,
			 strcmp(operation, "rollback") == 0   ? "the image holds the snapshot's data"
			 : strcmp(operation, "sparsify") == 0 ? "its zero-filled space was freed"
							      : "every expired entry was purged");
	} else if ((is_copy || is_import) &&
		   (killed || WIFSIGNALED(status) || atomic_load(&sh->canceled_first))) {
		const char *what = killed || canceled ? stopped : "the task's process died";
		const char *kind = is_copy ? "copy" : "import";
		char died[600];

		/* librbd 16's HTTP client aborts the process on an error answer
		 * (404 and the like) instead of failing the call. */
		if (is_import && !(killed || canceled)) {
			snprintf(died, sizeof(died),
				 "the import's process died in its %s step: librbd (Ceph 16) stops so when the server answers with an error such as 404 Not Found, or breaks off: check that %.300s serves the file",
				 sh->step[0] ? sh->step : "first",
				 record_string(record_object(record, "source"), "url"));
			what = died;
		}
		int r = remove_unfinished(cluster, record, sh);

		image_spec(record_object(record, is_copy ? "target" : "image"), spec, sizeof(spec));
		if (r == 0)
			snprintf(error, sizeof(error), "%s; nothing of the %s %s is left", what, kind,
				 spec);
		else
			snprintf(error, sizeof(error),
				 "%s; the unfinished %s %s could not be removed (%s): it is left as image %s (marked unfinished): delete it",
				 what, kind, spec, strerror(-r), sh->temp_name);
	} else if (!killed && !WIFSIGNALED(status)) {
		/* The operation ended on its own and said why. */
		int said_why = canceled || why != STOP_NONE;

		snprintf(error, sizeof(error), "%s%s%s", said_why ? stopped : "",
			 said_why ? ": " : "", sh->error);
	} else if (strcmp(operation, "purge") == 0) {
		snprintf(error, sizeof(error),
			 "%s before the purge finished: some expired entries of pool %s may be left; purge again",
			 killed ? stopped : "the task's process died",
			 record_string(record_object(record, "image"), "pool"));
	} else if (strcmp(operation, "sparsify") == 0) {
		snprintf(error, sizeof(error),
			 "%s before the sparsify finished: part of the zero-filled space of image %s was freed; sparsify again to free the rest",
			 killed ? stopped : "the task's process died",
			 image_spec(record_object(record, "image"), spec, sizeof(spec)));
	} else {
		snprintf(error, sizeof(error),
			 "%s before the rollback finished: image %s holds part of the snapshot's data; roll back again to finish",
			 killed ? stopped : "the task's process died",
			 image_spec(record_object(record, "image"), spec, sizeof(spec)));
	}
	set_string(record, "error", error);
}

static int supervise(const struct conf *conf, const char *pool, const char *id, pid_t op_pid,
		     struct op_shared *sh, const sigset_t *signals)
{
	struct json_object *record = NULL;
	rados_ioctx_t store = NULL;
	rados_t cluster = NULL;
	enum stop_reason why;
	char host[256] = "";
	int r, status, killed;

	r = supervisor_connect(conf, op_pid, &cluster);
	if (r < 0)
		goto out;
	r = task_store_open(cluster, pool, &store);
	if (r == 0)
		r = task_store_get(store, id, &record);
	if (r < 0) {
		log_error("event=task.record_unreadable task=%s pool=%s errno=%d", id, pool, -r);
		kill(op_pid, SIGKILL);
		goto out;
	}
	gethostname(host, sizeof(host) - 1);
	set_string(record, "status", "running");
	set_now(record, "started_at");
	set_string(record, "host", host);
	json_object_object_add(record, "pid", json_object_new_int(getpid()));
	save(store, id, record);
	log_info("event=task.started task=%s operation=%s pool=%s", id,
		 record_string(record, "operation"), pool);

	status = watch_operation(store, id, record, op_pid, sh, signals, &why, &killed);
	record_outcome(cluster, store, id, record, sh, status, why, killed);
	r = save(store, id, record);
	log_info("event=task.finished task=%s status=%s error=\"%s\"", id,
		 record_string(record, "status"), record_string(record, "error"));
	prune_finished(store);
out:
	json_object_put(record);
	if (store)
		rados_ioctx_destroy(store);
	if (cluster)
		rados_shutdown(cluster);
	waitpid(op_pid, NULL, 0);
	return r;
}

int task_runner_main(int argc, char **argv)
{
	const char *pool, *id;
	struct op_shared *sh;
	struct conf conf;
	sigset_t signals;
	char err[512];
	pid_t op_pid, supervisor;
	int r;

	if (argc < 4 || !task_id_valid(argv[3])) {
		fprintf(stderr, "usage: rbd-rest-api --run-task POOL TASK-ID [--KEY=VALUE]...\n");
		return 2;
	}
	pool = argv[2];
	id = argv[3];
	if (conf_init(&conf) < 0)
		return 1;
	for (int i = 4; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (strncmp(argv[i], "--", 2) != 0 || !eq) {
			fprintf(stderr, "rbd-rest-api --run-task: unexpected argument \"%s\"\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		r = conf_set(&conf, argv[i] + 2, eq + 1, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "rbd-rest-api --run-task: %s\n", err);
			return 2;
		}
	}
	log_set_threshold(conf.log_level);
	if (log_to_file(conf.log_file) < 0)
		return 1;

	/* Started as /proc/self/exe, it would show as "exe" in ps and top. */
	prctl(PR_SET_NAME, TASK_RUNNER_NAME);
	/* Detach: the worker waits only for this first process. */
	op_pid = fork();
	if (op_pid < 0)
		return 1;
	if (op_pid > 0)
		_exit(0);
	setsid();

	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGCHLD);
	sigprocmask(SIG_BLOCK, &signals, NULL);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	supervisor = getpid();
	op_pid = fork();
	if (op_pid < 0)
		return 1;
	if (op_pid == 0) {
		/* Without its supervisor nobody would record the outcome: a copy
		 * that went on would be reported as interrupted. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != supervisor)
			_exit(1);
		sigprocmask(SIG_UNBLOCK, &signals, NULL);
		operation_main(&conf, pool, id, sh);
	}
	r = supervise(&conf, pool, id, op_pid, sh, &signals);
	conf_free(&conf);
	return r < 0 ? 1 : 0;
}
