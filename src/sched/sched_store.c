/* SPDX-License-Identifier: Apache-2.0 */
/* sched_store.c - snapshot schedules in the cluster (see sched_store.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_store.h"

/* Keys a read asks for at once; a pool holds few schedules. */
#define READ_BATCH 512

const char *sched_level_name(enum sched_level level)
{
	switch (level) {
	case SCHED_POOL: return "pool";
	case SCHED_NAMESPACE: return "namespace";
	case SCHED_IMAGE: return "image";
	}
	return "pool";
}

int sched_key(const char *kind, const struct sched_target *target, char **key)
{
	int n;

	switch (target->level) {
	case SCHED_POOL: n = asprintf(key, "%spool", kind); break;
	case SCHED_NAMESPACE: n = asprintf(key, "%snamespace/%s", kind, target->ns); break;
	default: n = asprintf(key, "%simage/%s/%s", kind, target->ns, target->image); break;
	}
	if (n < 0) {
		*key = NULL;
		return -ENOMEM;
	}
	return 0;
}

int sched_key_target(char *text, struct sched_target *target)
{
	char *slash;

	memset(target, 0, sizeof(*target));
	target->ns = "";
	if (strcmp(text, "pool") == 0) {
		target->level = SCHED_POOL;
		return 0;
	}
	if (strncmp(text, "namespace/", 10) == 0 && text[10]) {
		target->level = SCHED_NAMESPACE;
		target->ns = text + 10;
		return 0;
	}
	if (strncmp(text, "image/", 6) == 0) {
		slash = strchr(text + 6, '/');
		if (!slash || !slash[1])
			return -EINVAL;
		*slash = '\0';
		target->level = SCHED_IMAGE;
		target->ns = text + 6;
		target->image = slash + 1;
		return 0;
	}
	return -EINVAL;
}

/* One batch of keys after start_after into all; *more says whether others
 * follow, *last is the last key read (malloc'ed). */
static int read_batch(rados_ioctx_t ioctx, const char *start_after, struct json_object *all,
		      unsigned char *more, char **last)
{
	rados_read_op_t op = rados_create_read_op();
	rados_omap_iter_t iter = NULL;
	int r, prval = 0;

	if (!op)
		return -ENOMEM;
	rados_read_op_omap_get_vals2(op, start_after, "", READ_BATCH, &iter, more, &prval);
	r = rados_read_op_operate(op, ioctx, SCHED_OBJECT, 0);
	if (r == 0)
		r = prval;
	if (r < 0)
		goto out;
	for (;;) {
		char *key = NULL, *val = NULL, *text;
		size_t key_len = 0, val_len = 0;
		struct json_object *value;

		r = rados_omap_get_next2(iter, &key, &val, &key_len, &val_len);
		if (r < 0 || !key)
			break;
		free(*last);
		*last = strndup(key, key_len);
		text = strndup(val ? val : "", val_len);
		if (!*last || !text) {
			free(text);
			r = -ENOMEM;
			break;
		}
		value = json_tokener_parse(text);
		free(text);
		if (value)
			json_object_object_add(all, *last, value);
	}
out:
	if (iter)
		rados_omap_get_end(iter);
	rados_release_read_op(op);
	return r;
}

int sched_store_read(rados_ioctx_t ioctx, struct json_object **all)
{
	unsigned char more = 1;
	char *last = NULL;
	int r = 0;

	*all = json_object_new_object();
	if (!*all)
		return -ENOMEM;
	while (more && r == 0)
		r = read_batch(ioctx, last ? last : "", *all, &more, &last);
	free(last);
	if (r == -ENOENT)
		r = 0;
	if (r < 0) {
		json_object_put(*all);
		*all = NULL;
	}
	return r;
}

int sched_store_put_new(rados_ioctx_t ioctx, const char *key, const char *value)
{
	rados_write_op_t op;
	size_t len = strlen(value);
	int r, prval = 0;

	/* The comparison needs the object: an absent key then reads as an
	 * empty value, which no stored schedule is. */
	op = rados_create_write_op();
	if (!op)
		return -ENOMEM;
	rados_write_op_create(op, LIBRADOS_CREATE_IDEMPOTENT, NULL);
	r = rados_write_op_operate(op, ioctx, SCHED_OBJECT, NULL, 0);
	rados_release_write_op(op);
	if (r < 0)
		return r;
	op = rados_create_write_op();
	if (!op)
		return -ENOMEM;
	rados_write_op_omap_cmp(op, key, LIBRADOS_CMPXATTR_OP_EQ, "", 0, &prval);
	rados_write_op_omap_set(op, &key, &value, &len, 1);
	r = rados_write_op_operate(op, ioctx, SCHED_OBJECT, NULL, 0);
	rados_release_write_op(op);
	if (r == 0 && prval < 0)
		r = prval;
	return r == -ECANCELED ? -EEXIST : r;
}

int sched_store_remove(rados_ioctx_t ioctx, const char *const *keys, size_t n)
{
	rados_write_op_t op = rados_create_write_op();
	int r;

	if (!op)
		return -ENOMEM;
	rados_write_op_omap_rm_keys(op, keys, n);
	r = rados_write_op_operate(op, ioctx, SCHED_OBJECT, NULL, 0);
	rados_release_write_op(op);
	return r == -ENOENT ? 0 : r;
}

int sched_store_put_state(rados_ioctx_t ioctx, const char *schedule_key, const char *schedule_text,
			  const char *state_key, const char *state)
{
	rados_write_op_t op = rados_create_write_op();
	size_t len = strlen(state);
	int r, prval = 0;

	if (!op)
		return -ENOMEM;
	rados_write_op_omap_cmp(op, schedule_key, LIBRADOS_CMPXATTR_OP_EQ, schedule_text,
				strlen(schedule_text), &prval);
	rados_write_op_omap_set(op, &state_key, &state, &len, 1);
	r = rados_write_op_operate(op, ioctx, SCHED_OBJECT, NULL, 0);
	rados_release_write_op(op);
	if (r == 0 && prval < 0)
		r = prval;
	return r;
}
