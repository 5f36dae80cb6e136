/* SPDX-License-Identifier: Apache-2.0 */
/* kept_answers.c - the omap store behind Idempotency-Key (see
 * kept_answers.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kept_answers.h"

/* Runs op on the store's object and releases it. */
static int write_op_run(rados_ioctx_t ioctx, rados_write_op_t op)
{
	int r = rados_write_op_operate(op, ioctx, KEPT_ANSWERS_OBJECT, NULL, 0);

	rados_release_write_op(op);
	return r;
}

int kept_answers_claim(rados_ioctx_t ioctx, const char *key, const char *expected,
		       const char *value)
{
	size_t value_len = strlen(value);
	rados_write_op_t op = rados_create_write_op();
	int cmp_rval = 0;

	if (!op)
		return -ENOMEM;
	rados_write_op_create(op, LIBRADOS_CREATE_IDEMPOTENT, NULL);
	rados_write_op_omap_cmp(op, key, LIBRADOS_CMPXATTR_OP_EQ, expected, strlen(expected),
				&cmp_rval);
	rados_write_op_omap_set(op, &key, &value, &value_len, 1);
	return write_op_run(ioctx, op);
}

int kept_answers_set(rados_ioctx_t ioctx, const char *key, const char *value)
{
	size_t value_len = strlen(value);
	rados_write_op_t op = rados_create_write_op();

	if (!op)
		return -ENOMEM;
	rados_write_op_omap_set(op, &key, &value, &value_len, 1);
	return write_op_run(ioctx, op);
}

int kept_answers_read(rados_ioctx_t ioctx, const char *key, char **value)
{
	rados_omap_iter_t iter = NULL;
	rados_read_op_t op = rados_create_read_op();
	char *got, *val;
	size_t got_len, val_len;
	int r, rval = 0;

	*value = NULL;
	if (!op)
		return -ENOMEM;
	rados_read_op_omap_get_vals_by_keys(op, &key, 1, &iter, &rval);
	r = rados_read_op_operate(op, ioctx, KEPT_ANSWERS_OBJECT, 0);
	if (r == 0)
		r = rval;
	if (r == 0 && rados_omap_get_next2(iter, &got, &val, &got_len, &val_len) == 0 && got) {
		*value = strndup(val, val_len);
		if (!*value)
			r = -ENOMEM;
	} else if (r == 0) {
		r = -ENOENT;
	}
	if (iter)
		rados_omap_get_end(iter);
	rados_release_read_op(op);
	return r;
}

static int remove_keys(rados_ioctx_t ioctx, char const *const *keys, size_t n)
{
	rados_write_op_t op = rados_create_write_op();

	if (!op)
		return -ENOMEM;
	rados_write_op_omap_rm_keys(op, keys, n);
	return write_op_run(ioctx, op);
}

int kept_answers_remove(rados_ioctx_t ioctx, const char *key)
{
	return remove_keys(ioctx, &key, 1);
}

int kept_answers_sweep(rados_ioctx_t ioctx, char *after, size_t afterlen, size_t batch,
		       kept_answers_dead_fn dead, void *arg)
{
	const char **expired = calloc(batch ? batch : 1, sizeof(*expired));
	char **keys = calloc(batch ? batch : 1, sizeof(*keys));
	rados_omap_iter_t iter = NULL;
	rados_read_op_t op = NULL;
	size_t n = 0, nkeys = 0;
	unsigned char more = 0;
	int r = 0, rval = 0;
	char *key, *val;
	size_t key_len, val_len;

	if (!expired || !keys)
		goto out;
	op = rados_create_read_op();
	if (!op)
		goto out;
	rados_read_op_omap_get_vals2(op, after, NULL, batch, &iter, &more, &rval);
	r = rados_read_op_operate(op, ioctx, KEPT_ANSWERS_OBJECT, 0);
	while (r == 0 && rval == 0 && nkeys < batch &&
	       rados_omap_get_next2(iter, &key, &val, &key_len, &val_len) == 0 && key) {
		char *text = strndup(val, val_len);
		int gone = text && dead(text, arg);

		free(text);
		keys[nkeys] = strdup(key);
		if (!keys[nkeys])
			break;
		if (gone)
			expired[n++] = keys[nkeys];
		nkeys++;
	}
	/* Where the next slice starts: the beginning again after the end,
	 * or when the last key does not fit. */
	after[0] = '\0';
	if (more && nkeys && strlen(keys[nkeys - 1]) < afterlen)
		strcpy(after, keys[nkeys - 1]);
	if (iter)
		rados_omap_get_end(iter);
	rados_release_read_op(op);
	r = n ? remove_keys(ioctx, expired, n) : 0;
out:
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	free(expired);
	return r;
}
