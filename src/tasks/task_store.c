/* SPDX-License-Identifier: Apache-2.0 */
/* task_store.c - task records in the pool's "rbd_rest_api.tasks" object
 * (see task_store.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ceph.h"
#include "task_store.h"

#define CANCEL_SUFFIX ".cancel"
#define DONE_SUFFIX ".done"
/* The longest of the two, for key buffers. */
#define KEY_MAX (TASK_ID_LEN + sizeof(CANCEL_SUFFIX))
/* Omap entries read per round trip when listing a pool's tasks. */
#define LIST_BATCH 256

int task_id_valid(const char *id)
{
	size_t len = strlen(id);

	if (len != TASK_ID_LEN)
		return 0;
	for (size_t i = 0; i < len; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = id[i];

		if (dash ? c != '-'
			 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

int task_id_new(char id[TASK_ID_LEN + 1], int64_t pool_id)
{
	unsigned char b[16];

	if (pool_id < 0 || pool_id >= (int64_t)1 << 48)
		return -ERANGE;
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -EIO;
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(pool_id >> (8 * (5 - i)));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x80);   /* version 8 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	snprintf(id, TASK_ID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
	return 0;
}

int task_id_pool(const char *id, int64_t *pool_id)
{
	char hex[13];

	if (!task_id_valid(id) || id[14] != '8')
		return -ENOENT;
	memcpy(hex, id, 8);
	memcpy(hex + 8, id + 9, 4);
	hex[12] = '\0';
	*pool_id = (int64_t)strtoll(hex, NULL, 16);
	return 0;
}

int task_store_open(rados_t cluster, const char *pool, rados_ioctx_t *ioctx)
{
	int r = rados_ioctx_create(cluster, pool, ioctx);

	/* A task's record must not hang on a full cluster (ceph.h). */
	if (r == 0)
		ceph_ioctx_full_try(*ioctx);
	return r;
}

int task_store_put(rados_ioctx_t ioctx, const char *id, struct json_object *record)
{
	const char *text = json_object_to_json_string_ext(record, JSON_C_TO_STRING_PLAIN);
	rados_write_op_t op;
	size_t len;
	int r;

	if (!text)
		return -ENOMEM;
	len = strlen(text);
	op = rados_create_write_op();
	if (!op)
		return -ENOMEM;
	rados_write_op_omap_set(op, &id, &text, &len, 1);
	r = rados_write_op_operate(op, ioctx, TASK_STORE_OBJECT, NULL, 0);
	rados_release_write_op(op);
	return r;
}

/* Sets "<id><set_suffix>" to "1" unless "<id><unless_suffix>" is there
 * (then -ECANCELED, from the OSD's compare). */
static int set_unless(rados_ioctx_t ioctx, const char *id, const char *set_suffix,
		      const char *unless_suffix)
{
	char set_key[KEY_MAX], unless_key[KEY_MAX];
	const char *keys[1] = {set_key}, *vals[1] = {"1"};
	size_t lens[1] = {1};
	rados_write_op_t op;
	int r, cmp = 0;

	snprintf(set_key, sizeof(set_key), "%s%s", id, set_suffix);
	snprintf(unless_key, sizeof(unless_key), "%s%s", id, unless_suffix);
	op = rados_create_write_op();
	if (!op)
		return -ENOMEM;
	/* A missing key compares as an empty value. */
	rados_write_op_omap_cmp(op, unless_key, LIBRADOS_CMPXATTR_OP_EQ, "", 0, &cmp);
	rados_write_op_omap_set(op, keys, vals, lens, 1);
	r = rados_write_op_operate(op, ioctx, TASK_STORE_OBJECT, NULL, 0);
	rados_release_write_op(op);
	return r;
}

int task_store_request_cancel(rados_ioctx_t ioctx, const char *id)
{
	return set_unless(ioctx, id, CANCEL_SUFFIX, DONE_SUFFIX);
}

int task_store_mark_done(rados_ioctx_t ioctx, const char *id)
{
	return set_unless(ioctx, id, DONE_SUFFIX, CANCEL_SUFFIX);
}

int task_store_remove(rados_ioctx_t ioctx, const char *id)
{
	char cancel_key[KEY_MAX], done_key[KEY_MAX];
	const char *keys[3] = {id, cancel_key, done_key};
	rados_write_op_t op;
	int r;

	snprintf(cancel_key, sizeof(cancel_key), "%s%s", id, CANCEL_SUFFIX);
	snprintf(done_key, sizeof(done_key), "%s%s", id, DONE_SUFFIX);
	op = rados_create_write_op();
	if (!op)
		return -ENOMEM;
	rados_write_op_omap_rm_keys(op, keys, 3);
	r = rados_write_op_operate(op, ioctx, TASK_STORE_OBJECT, NULL, 0);
	rados_release_write_op(op);
	return r;
}

/* Parses one record value; NULL when it is not a JSON object (written by
 * something else, or damaged), which readers skip. */
static struct json_object *parse_record(const char *val, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *record;

	if (!tok)
		return NULL;
	record = json_tokener_parse_ex(tok, val, (int)len);
	json_tokener_free(tok);
	if (record && !json_object_is_type(record, json_type_object)) {
		json_object_put(record);
		return NULL;
	}
	return record;
}

static int mark_cancel_requested(struct json_object *record)
{
	return json_object_object_add(record, "cancel_requested", json_object_new_boolean(1));
}

int task_store_get(rados_ioctx_t ioctx, const char *id, struct json_object **record)
{
	char cancel_key[KEY_MAX];
	const char *keys[2] = {id, cancel_key};
	rados_omap_iter_t iter = NULL;
	rados_read_op_t op;
	int r, rval = 0, cancel = 0;
	char *key, *val;
	size_t key_len, val_len;

	*record = NULL;
	snprintf(cancel_key, sizeof(cancel_key), "%s%s", id, CANCEL_SUFFIX);
	op = rados_create_read_op();
	if (!op)
		return -ENOMEM;
	rados_read_op_omap_get_vals_by_keys(op, keys, 2, &iter, &rval);
	r = rados_read_op_operate(op, ioctx, TASK_STORE_OBJECT, 0);
	if (r == 0)
		r = rval;
	while (r == 0 && rados_omap_get_next2(iter, &key, &val, &key_len, &val_len) == 0 && key) {
		if (strcmp(key, cancel_key) == 0) {
			cancel = 1;
			continue;
		}
		json_object_put(*record);
		*record = parse_record(val, val_len);
	}
	if (iter)
		rados_omap_get_end(iter);
	rados_release_read_op(op);
	if (r == 0 && !*record)
		r = -ENOENT;
	if (r == 0 && cancel)
		r = mark_cancel_requested(*record) < 0 ? -ENOMEM : 0;
	if (r < 0) {
		json_object_put(*record);
		*record = NULL;
	}
	return r;
}

/* Does key end in suffix? Then *id_len is the length of its id. */
static int has_suffix(const char *key, size_t key_len, const char *suffix, size_t *id_len)
{
	size_t suffix_len = strlen(suffix);

	if (key_len <= suffix_len || memcmp(key + key_len - suffix_len, suffix, suffix_len) != 0)
		return 0;
	*id_len = key_len - suffix_len;
	return 1;
}

int task_store_list(rados_ioctx_t ioctx, struct json_object *records)
{
	size_t first = json_object_array_length(records);
	char *after = strdup("");
	unsigned char more = 1;
	int r = after ? 0 : -ENOMEM;

	while (r == 0 && more) {
		rados_omap_iter_t iter = NULL;
		rados_read_op_t op = rados_create_read_op();
		char *key, *val;
		size_t key_len, val_len, id_len;
		int rval = 0;

		if (!op) {
			r = -ENOMEM;
			break;
		}
		rados_read_op_omap_get_vals2(op, after, "", LIST_BATCH, &iter, &more, &rval);
		r = rados_read_op_operate(op, ioctx, TASK_STORE_OBJECT, 0);
		if (r == 0)
			r = rval;
		while (r == 0 && rados_omap_get_next2(iter, &key, &val, &key_len, &val_len) == 0 &&
		       key) {
			struct json_object *record;

			/* Where the next batch starts: the whole key, however long
			 * (a cut one would sort before it and repeat it forever). */
			free(after);
			after = strndup(key, key_len);
			if (!after) {
				r = -ENOMEM;
				break;
			}
			/* A done mark is no record. */
			if (has_suffix(key, key_len, DONE_SUFFIX, &id_len))
				continue;
			/* "<id>.cancel" sorts right after "<id>": mark the record
			 * just added. */
			if (has_suffix(key, key_len, CANCEL_SUFFIX, &id_len)) {
				size_t n = json_object_array_length(records);
				struct json_object *last =
					n > first ? json_object_array_get_idx(records, n - 1) : NULL;
				struct json_object *last_id;

				if (last && json_object_object_get_ex(last, "id", &last_id) &&
				    strlen(json_object_get_string(last_id)) == id_len &&
				    strncmp(json_object_get_string(last_id), key, id_len) == 0)
					r = mark_cancel_requested(last) < 0 ? -ENOMEM : 0;
				continue;
			}
			record = parse_record(val, val_len);
			if (record && json_object_array_add(records, record) < 0) {
				json_object_put(record);
				r = -ENOMEM;
			}
		}
		if (iter)
			rados_omap_get_end(iter);
		rados_release_read_op(op);
	}
	free(after);
	return r == -ENOENT ? 0 : r;
}

int task_store_each_pool(rados_t cluster, int (*visit)(rados_ioctx_t ioctx, void *arg),
			 void *arg)
{
	char *names = NULL;
	size_t len = 0;
	int r;

	r = ceph_pool_names(cluster, &names, &len);
	if (r < 0)
		return r;
	for (const char *pool = names; r >= 0 && pool < names + len && *pool;
	     pool += strlen(pool) + 1) {
		rados_ioctx_t ioctx;

		/* A pool deleted since the listing has no tasks. */
		if (task_store_open(cluster, pool, &ioctx) < 0)
			continue;
		r = visit(ioctx, arg);
		rados_ioctx_destroy(ioctx);
	}
	free(names);
	return r;
}

struct find_arg {
	const char *id;
	struct json_object *record;
};

/* Stops the walk (with -EEXIST) at the pool that has the task. Pools this user
 * may not read (EPERM) or that never had a task (ENOENT) are passed by. */
static int find_in_pool(rados_ioctx_t ioctx, void *arg)
{
	struct find_arg *find = arg;
	int r = task_store_get(ioctx, find->id, &find->record);

	if (r == 0)
		return -EEXIST;
	return r == -ENOMEM ? r : 0;
}

int task_store_find(rados_t cluster, const char *id, struct json_object **record)
{
	struct find_arg find = {.id = id};
	char *pool;
	int64_t pool_id;
	int r;

	*record = NULL;
	if (task_id_pool(id, &pool_id) == 0) {
		rados_ioctx_t ioctx;

		/* A pool deleted since has no tasks any more. */
		r = ceph_pool_name(cluster, pool_id, &pool);
		if (r < 0)
			return r == -ENOMEM ? r : -ENOENT;
		r = task_store_open(cluster, pool, &ioctx);
		free(pool);
		if (r < 0)
			return r == -ENOMEM ? r : -ENOENT;
		r = task_store_get(ioctx, id, record);
		rados_ioctx_destroy(ioctx);
		return r == -ENOMEM ? r : r < 0 ? -ENOENT : 0;
	}
	r = task_store_each_pool(cluster, find_in_pool, &find);

	*record = find.record;
	if (r == -EEXIST)
		return 0;
	return r < 0 ? r : -ENOENT;
}
