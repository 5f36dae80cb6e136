/* SPDX-License-Identifier: Apache-2.0 */
/* image_header.c - an Image read straight from its header object (see
 * image_header.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rbd/features.h>

#include "ceph_decode.h"
#include "image_header.h"

/* librados' CEPH_NOSNAP: the image itself, not one of its snapshots. */
#define HEAD_SNAP_ID ((uint64_t)-2)

/* The rbd class methods asked, in this order, in one read operation. */
enum header_call {
	CALL_SIZE,           /* in: snap id; out: u8 order, u64 size */
	CALL_FEATURES,       /* in: snap id; out: u64 features, u64 incompatible */
	CALL_FLAGS,          /* in: snap id; out: u64 */
	CALL_OBJECT_PREFIX,  /* out: string */
	CALL_DATA_POOL,      /* out: s64 pool id, -1 for none */
	CALL_OP_FEATURES,    /* out: u64 */
	CALL_CREATED,        /* out: utime_t (u32 seconds, u32 nanoseconds) */
	CALL_ACCESSED,
	CALL_MODIFIED,
	CALL_SNAPSHOTS,      /* out: u64 seq, vector<u64> snapshot ids */
	CALL_PARENT,         /* out: ParentImageSpec, pool id -1 for none */
	CALL_GROUP,          /* out: GroupSpec, pool id -1 for none */
	CALLS
};
_Static_assert(CALLS == IMAGE_HEADER_CALLS, "image_header.h sizes the results");

static const char *const call_method[CALLS] = {
	"get_size",	      "get_features",	  "get_flags",		   "get_object_prefix",
	"get_data_pool",      "op_features_get",  "get_create_timestamp", "get_access_timestamp",
	"get_modify_timestamp", "get_snapcontext", "parent_get",	  "image_group_get",
};

int image_header_start(rados_ioctx_t ioctx, const char *id, struct image_header_read *read)
{
	char oid[96];
	int r;

	memset(read, 0, sizeof(*read));
	/* An id longer than librbd makes: the caller opens the image. */
	if (snprintf(read->id, sizeof(read->id), "%s", id) >= (int)sizeof(read->id))
		return -ENAMETOOLONG;
	encode_u64(read->head_snap, HEAD_SNAP_ID);
	read->op = rados_create_read_op();
	if (!read->op)
		return -ENOMEM;
	for (int i = 0; i < CALLS; i++) {
		int takes_snap = i == CALL_SIZE || i == CALL_FEATURES || i == CALL_FLAGS;

		rados_read_op_exec(read->op, "rbd", call_method[i],
				   takes_snap ? (const char *)read->head_snap : NULL,
				   takes_snap ? sizeof(read->head_snap) : 0, &read->out[i],
				   &read->out_len[i], &read->rval[i]);
		/* One method failing (an old image without a key) must not
		 * cancel the others; each result is checked on its own. */
		rados_read_op_set_flags(read->op, LIBRADOS_OP_FLAG_FAILOK);
	}
	r = rados_aio_create_completion2(NULL, NULL, &read->done);
	if (r == 0) {
		snprintf(oid, sizeof(oid), "rbd_header.%s", id);
		r = rados_aio_read_op_operate(read->op, ioctx, read->done, oid, 0);
	}
	if (r < 0)
		image_header_discard(read);
	return r;
}

void image_header_discard(struct image_header_read *read)
{
	/* What the caller may still ask once the read is finished. */
	uint64_t version = read->version;

	if (read->done) {
		rados_aio_wait_for_complete(read->done);
		rados_aio_release(read->done);
	}
	if (read->op)
		rados_release_read_op(read->op);
	for (int i = 0; i < CALLS; i++)
		if (read->out[i])
			rados_buffer_free(read->out[i]);
	memset(read, 0, sizeof(*read));
	read->version = version;
}

static struct decoder result(const struct image_header_read *read, enum header_call call)
{
	return decoder_of(read->out[call], read->out_len[call]);
}

/* Decodes what the header said; -EAGAIN when it cannot tell the whole
 * story by itself. */
static int decode_facts(const struct image_header_read *read, struct image_facts *facts)
{
	struct decoder d;
	uint64_t incompatible, seq, parent_pool, group_pool = (uint64_t)-1;
	uint32_t snapshots, parent_len;
	uint8_t order, version[2], group_version[2];
	uint32_t group_len;
	const char *prefix;
	uint32_t prefix_len;
	int r;

	for (int i = 0; i < CALLS; i++)
		/* An image never put in a group may have no group key. */
		if (read->rval[i] < 0 && !(i == CALL_GROUP && read->rval[i] == -ENOENT))
			/* The header object is gone: the image was removed. */
			return i == CALL_SIZE && read->rval[i] == -ENOENT ? -ENOENT : -EAGAIN;

	d = result(read, CALL_SIZE);
	r = decode_bytes(&d, &order, 1);
	if (r == 0)
		r = decode_u64(&d, &facts->size);
	d = result(read, CALL_FEATURES);
	if (r == 0)
		r = decode_u64(&d, &facts->features);
	if (r == 0)
		r = decode_u64(&d, &incompatible);
	d = result(read, CALL_FLAGS);
	if (r == 0)
		r = decode_u64(&d, &facts->flags);
	d = result(read, CALL_OBJECT_PREFIX);
	if (r == 0)
		r = decode_string_ref(&d, &prefix, &prefix_len);
	d = result(read, CALL_DATA_POOL);
	if (r == 0)
		r = decode_u64(&d, (uint64_t *)&facts->data_pool);
	d = result(read, CALL_OP_FEATURES);
	if (r == 0)
		r = decode_u64(&d, &facts->op_features);
	d = result(read, CALL_CREATED);
	if (r == 0)
		r = decode_time(&d, &facts->created);
	d = result(read, CALL_ACCESSED);
	if (r == 0)
		r = decode_time(&d, &facts->accessed);
	d = result(read, CALL_MODIFIED);
	if (r == 0)
		r = decode_time(&d, &facts->modified);
	d = result(read, CALL_SNAPSHOTS);
	if (r == 0)
		r = decode_u64(&d, &seq);
	if (r == 0)
		r = decode_u32(&d, &snapshots);
	/* ParentImageSpec: version, compat, length, then the pool id. */
	d = result(read, CALL_PARENT);
	if (r == 0)
		r = decode_bytes(&d, version, sizeof(version));
	if (r == 0)
		r = decode_u32(&d, &parent_len);
	if (r == 0)
		r = decode_u64(&d, &parent_pool);
	/* GroupSpec: version, compat, length, then the pool id. */
	d = result(read, CALL_GROUP);
	if (r == 0 && read->rval[CALL_GROUP] == 0)
		r = decode_bytes(&d, group_version, sizeof(group_version));
	if (r == 0 && read->rval[CALL_GROUP] == 0)
		r = decode_u32(&d, &group_len);
	if (r == 0 && read->rval[CALL_GROUP] == 0)
		r = decode_u64(&d, &group_pool);
	if (r < 0)
		return -EAGAIN;

	/* Snapshots (librbd lists only user ones), a parent, a group (its
	 * name is in the group's directory), striping, or a migration:
	 * librbd knows more than the header says at once. */
	if (snapshots || parent_pool != (uint64_t)-1 || group_pool != (uint64_t)-1 ||
	    (facts->features & (RBD_FEATURE_STRIPINGV2 | RBD_FEATURE_MIGRATING)) || order >= 64)
		return -EAGAIN;
	/* Features this librbd does not know: opening says what it thinks. */
	if (incompatible & ~RBD_FEATURES_ALL)
		return -EAGAIN;
	if (!(facts->features & RBD_FEATURE_OPERATIONS))
		facts->op_features = 0;
	if (!(facts->features & RBD_FEATURE_DATA_POOL))
		facts->data_pool = -1;
	facts->id = strdup(read->id);
	facts->prefix = strndup(prefix, prefix_len);
	if (!facts->id || !facts->prefix)
		return -ENOMEM;
	facts->order = order;
	facts->object_size = 1ULL << order;
	facts->num_objects = (facts->size + facts->object_size - 1) / facts->object_size;
	facts->format = 2;
	/* Without the striping feature librbd stripes one object at a time. */
	facts->stripe_unit = facts->object_size;
	facts->stripe_count = 1;
	facts->group_pool = -1;
	return 0;
}

int image_header_finish(struct image_header_read *read, struct image_facts *facts)
{
	int r;

	memset(facts, 0, sizeof(*facts));
	rados_aio_wait_for_complete(read->done);
	r = rados_aio_get_return_value(read->done);
	read->version = rados_aio_get_version(read->done);
	if (r == 0)
		r = decode_facts(read, facts);
	else if (r != -ENOENT)
		r = -EAGAIN;
	if (r < 0)
		image_facts_cleanup(facts);
	image_header_discard(read);
	return r;
}

int image_header_id(rados_ioctx_t ioctx, const char *name, char *id, size_t idlen)
{
	size_t len = strlen(name);
	unsigned char in[4 + 256];
	char out[4 + 128];
	struct decoder d;
	int r;

	if (len > 255)
		return -ENAMETOOLONG;
	encode_u32(in, (uint32_t)len);
	memcpy(in + 4, name, len);
	r = rados_exec(ioctx, "rbd_directory", "rbd", "dir_get_id", (const char *)in, 4 + len, out,
		       sizeof(out));
	if (r < 0)
		return r;
	d = decoder_of(out, (size_t)r);
	return decode_string(&d, id, idlen) < 0 ? -EBADMSG : 0;
}

int image_header_name(rados_ioctx_t ioctx, const char *id, char *name, size_t namelen)
{
	size_t len = strlen(id);
	unsigned char in[4 + 128];
	char out[4 + 1024];
	struct decoder d;
	int r;

	if (len > 128)
		return -ENOENT;
	encode_u32(in, (uint32_t)len);
	memcpy(in + 4, id, len);
	r = rados_exec(ioctx, "rbd_directory", "rbd", "dir_get_name", (const char *)in, 4 + len,
		       out, sizeof(out));
	if (r < 0)
		return r;
	d = decoder_of(out, (size_t)r);
	return decode_string(&d, name, namelen) < 0 ? -ENAMETOOLONG : 0;
}

int image_header_version(rados_ioctx_t ioctx, const char *id, uint64_t *version)
{
	char oid[96];
	uint64_t size;
	time_t mtime;
	int r;

	if (snprintf(oid, sizeof(oid), "rbd_header.%s", id) >= (int)sizeof(oid))
		return -ENAMETOOLONG;
	r = rados_stat(ioctx, oid, &size, &mtime);
	if (r < 0)
		return r;
	/* The io context is this thread's alone, so the last version is the
	 * stat's: the object's user version, which watches do not bump. */
	*version = rados_get_last_version(ioctx);
	return 0;
}
