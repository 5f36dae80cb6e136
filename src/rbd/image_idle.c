/* SPDX-License-Identifier: Apache-2.0 */
/* image_idle.c - whether an image is free to delete (see image_idle.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "ceph_decode.h"
#include "image_header.h"
#include "image_idle.h"

/* How long a watcher gets to answer; one that does not still counts. */
#define IDLE_NOTIFY_TIMEOUT_MS 3000

/* A librbd NotifyMessage (version 1, compat 1, 4 bytes of body) with an
 * operation number no librbd or kernel client knows: both acknowledge it
 * and do nothing else. An empty notify would make every watcher re-read
 * the header. */
static const char unknown_op_notify[] = {1, 1, 4, 0, 0, 0, '\xff', '\xff', '\xff', '\x7f'};

/* get_snapcontext's answer: u64 seq, then the snapshot ids (u32 count). */
static int snapshot_ids(const char *snapc, size_t len, uint32_t *count)
{
	struct decoder d = decoder_of(snapc, len);
	uint64_t seq;
	int r = decode_u64(&d, &seq);

	return r < 0 ? r : decode_u32(&d, count);
}

/* Waits for the notify; -EBUSY if any watcher answered or timed out. */
static int notify_outcome(rados_completion_t notified, char *reply, size_t reply_len)
{
	struct notify_ack_t *acks = NULL;
	struct notify_timeout_t *timeouts = NULL;
	size_t nacks = 0, ntimeouts = 0;
	int r;

	rados_aio_wait_for_complete(notified);
	r = rados_aio_get_return_value(notified);
	if (r == -ETIMEDOUT)
		return -EBUSY;
	if (r < 0)
		return r;
	r = rados_decode_notify_response(reply, reply_len, &acks, &nacks, &timeouts, &ntimeouts);
	if (r < 0)
		return r;
	rados_free_notify_response(acks, nacks, timeouts);
	return nacks || ntimeouts ? -EBUSY : 0;
}

int image_idle_check(rados_ioctx_t ioctx, const char *name)
{
	rados_completion_t notified = NULL;
	rados_read_op_t op = NULL;
	char id[64], oid[96];
	char *reply = NULL, *snapc = NULL;
	size_t reply_len = 0, snapc_len = 0;
	uint32_t snapshots = 0;
	int snapc_rval = 0, notify_r, r;

	r = image_header_id(ioctx, name, id, sizeof(id));
	if (r < 0)
		return r;
	snprintf(oid, sizeof(oid), "rbd_header.%s", id);
	r = rados_aio_create_completion2(NULL, NULL, &notified);
	if (r < 0)
		return r;
	r = rados_aio_notify(ioctx, oid, notified, unknown_op_notify, sizeof(unknown_op_notify),
			     IDLE_NOTIFY_TIMEOUT_MS, &reply, &reply_len);
	if (r < 0) {
		rados_aio_release(notified);
		return r;
	}
	/* The snapshot ids are read while the notify is out. */
	op = rados_create_read_op();
	if (!op) {
		r = -ENOMEM;
		goto out;
	}
	rados_read_op_exec(op, "rbd", "get_snapcontext", NULL, 0, &snapc, &snapc_len, &snapc_rval);
	r = rados_read_op_operate(op, ioctx, oid, 0);
	if (r == 0)
		r = snapc_rval;
	if (r == 0)
		r = snapshot_ids(snapc, snapc_len, &snapshots);
	if (r == 0 && snapshots)
		r = -ENOTEMPTY;
out:
	notify_r = notify_outcome(notified, reply, reply_len);
	if (r == 0)
		r = notify_r;
	rados_aio_release(notified);
	if (reply)
		rados_buffer_free(reply);
	if (snapc)
		rados_buffer_free(snapc);
	if (op)
		rados_release_read_op(op);
	return r;
}
