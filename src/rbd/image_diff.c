/* SPDX-License-Identifier: Apache-2.0 */
/* image_diff.c - diffs in the rbd CLI's format, out and in (image_diff.h). */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "image_diff.h"

#define BANNER_V1 "rbd diff v1\n"
#define BANNER_V2 "rbd diff v2\n"
#define BANNER_LEN 12

static void le32_put(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void le64_put(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t le32_get(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t le64_get(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void sha256_hex(EVP_MD_CTX *md, uint64_t bytes, char *hex)
{
	unsigned char digest[32];
	unsigned len = 0;

	hex[0] = '\0';
	if (md && bytes && EVP_DigestFinal_ex(md, digest, &len) == 1)
		for (unsigned i = 0; i < len; i++)
			snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* ---- out ---- */

struct diff_out {
	const struct image_stream_io *io;
	struct image_stream_result *res;
	EVP_MD_CTX *md;
	int version;
	struct image_reader *rd;
};

static int emit(struct diff_out *d, const void *buf, size_t len)
{
	int r;

	EVP_DigestUpdate(d->md, buf, len);
	r = d->io->sink(d->io->arg, buf, len);
	if (r < 0)
		return r;
	d->res->bytes += len;
	if (d->io->progress)
		d->io->progress(d->io->arg, d->res->bytes);
	return 0;
}

/* A record's tag and, in version 2, the length of what follows. */
static size_t record_head(const struct diff_out *d, unsigned char *p, char tag, uint64_t rest)
{
	p[0] = (unsigned char)tag;
	if (d->version == 1)
		return 1;
	le64_put(p + 1, rest);
	return 9;
}

static int emit_name(struct diff_out *d, char tag, const char *name)
{
	unsigned char head[13];
	size_t n = strlen(name), h = record_head(d, head, tag, 4 + n);
	int r;

	le32_put(head + h, (uint32_t)n);
	r = emit(d, head, h + 4);
	return r < 0 ? r : emit(d, name, n);
}

static int emit_size(struct diff_out *d, uint64_t size)
{
	unsigned char rec[17];
	size_t h = record_head(d, rec, 's', 8);

	le64_put(rec + h, size);
	return emit(d, rec, h + 8);
}

static int emit_extent(struct diff_out *d, char tag, uint64_t offset, uint64_t len)
{
	unsigned char rec[25];
	size_t h = record_head(d, rec, tag, 16 + (tag == 'w' ? len : 0));

	le64_put(rec + h, offset);
	le64_put(rec + h + 8, len);
	return emit(d, rec, h + 16);
}

static int all_zero(const char *buf, uint64_t len)
{
	return len == 0 || (buf[0] == 0 && memcmp(buf, buf + 1, (size_t)len - 1) == 0);
}

/* A piece read (or a hole): data that reads as zeros goes as zeros, as
 * the CLI sends it. */
static int diff_piece(void *arg, uint64_t offset, const char *buf, uint64_t len)
{
	struct diff_out *d = arg;
	int r;

	if (!buf || all_zero(buf, len))
		return emit_extent(d, 'z', offset, len);
	r = emit_extent(d, 'w', offset, len);
	return r < 0 ? r : emit(d, buf, (size_t)len);
}

static int diff_extent(uint64_t offset, size_t len, int exists, void *arg)
{
	struct diff_out *d = arg;

	return image_reader_add(d->rd, offset, len, exists);
}

int image_diff_export(rbd_image_t image, const char *from_snap, const char *to_snap,
		      uint64_t size, int version, const struct image_stream_io *io,
		      struct image_stream_result *res)
{
	struct diff_out d = {io, res, EVP_MD_CTX_new(), version, NULL};
	int r;

	memset(res, 0, sizeof(*res));
	if (!d.md || EVP_DigestInit_ex(d.md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(d.md);
		return -ENOMEM;
	}
	r = image_reader_new(image, diff_piece, &d, &d.rd);
	if (r == 0)
		r = emit(&d, version == 1 ? BANNER_V1 : BANNER_V2, BANNER_LEN);
	if (r == 0 && from_snap)
		r = emit_name(&d, 'f', from_snap);
	if (r == 0)
		r = emit_name(&d, 't', to_snap);
	if (r == 0)
		r = emit_size(&d, size);
	/* With the parent's data, as `rbd export-diff` asks. */
	if (r == 0)
		r = rbd_diff_iterate2(image, from_snap, 0, size, 1, 0, diff_extent, &d);
	if (r == 0)
		r = image_reader_finish(d.rd);
	if (r == 0)
		r = emit(&d, "e", 1);
	image_reader_free(d.rd);
	sha256_hex(d.md, res->bytes, res->sha256);
	EVP_MD_CTX_free(d.md);
	return r;
}

/* ---- extents ---- */

struct extent_page {
	struct image_extent *out;
	size_t max, n;
	uint64_t next;
};

static int extent_take(uint64_t offset, size_t len, int exists, void *arg)
{
	struct extent_page *p = arg;

	if (p->n == p->max) {
		p->next = offset;
		return -ECANCELED;  /* the page is full: stop iterating */
	}
	p->out[p->n++] = (struct image_extent){offset, len, exists};
	return 0;
}

int image_diff_extents(rbd_image_t image, const char *from_snap, uint64_t start, uint64_t size,
		       int whole_object, struct image_extent *out, size_t max, size_t *n,
		       uint64_t *next)
{
	struct extent_page p = {out, max, 0, UINT64_MAX};
	int r = 0;

	if (start < size)
		r = rbd_diff_iterate2(image, from_snap, start, size - start, 1, whole_object,
				      extent_take, &p);
	if (r == -ECANCELED && p.next != UINT64_MAX)
		r = 0;
	*n = p.n;
	*next = p.next;
	return r;
}

/* ---- in ---- */

struct diff_in {
	const struct image_stream_io *io;  /* the client's */
	struct image_stream_io counted;    /* the same, counting and hashing */
	struct image_diff_applied *out;
	EVP_MD_CTX *md;
	rbd_image_t image;
	int version;
};

static ssize_t counted_source(void *arg, char *buf, size_t len)
{
	struct diff_in *in = arg;
	ssize_t n = in->io->source(in->io->arg, buf, len);

	if (n <= 0)
		return n;
	EVP_DigestUpdate(in->md, buf, (size_t)n);
	in->out->stream.bytes += (uint64_t)n;
	if (in->io->progress)
		in->io->progress(in->io->arg, in->out->stream.bytes);
	return n;
}

/* Exactly len bytes, or -EPIPE when the stream ends first. */
static int read_exact(struct diff_in *in, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = counted_source(in, (char *)buf + got, len - got);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EPIPE;
		got += (size_t)n;
	}
	return 0;
}

static int problem(struct diff_in *in, enum image_diff_problem what, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int problem(struct diff_in *in, enum image_diff_problem what, int err, const char *fmt, ...)
{
	va_list ap;

	in->out->problem = what;
	va_start(ap, fmt);
	vsnprintf(in->out->detail, sizeof(in->out->detail), fmt, ap);
	va_end(ap);
	return err;
}

static int truncated(struct diff_in *in, int r)
{
	if (r != -EPIPE)
		return problem(in, DIFF_CLUSTER, r, "reading the body failed: %s", strerror(-r));
	return problem(in, DIFF_TRUNCATED, -EPIPE,
		       "the stream ended after %" PRIu64 " bytes, inside this record or before the end record (e)",
		       in->out->stream.bytes);
}

/* In version 2, the le64 after the tag must say what the record holds. */
static int check_length(struct diff_in *in, char tag, uint64_t rest, uint64_t expected)
{
	if (in->version == 1 || rest == expected)
		return 0;
	return problem(in, DIFF_MALFORMED, -EINVAL,
		       "record '%c' says it holds %" PRIu64 " bytes; it holds %" PRIu64, tag, rest,
		       expected);
}

/* f or t: a snapshot name. */
static int read_name(struct diff_in *in, char tag, uint64_t rest, char *name, size_t size)
{
	unsigned char len4[4];
	uint32_t n;
	int r = read_exact(in, len4, 4);

	if (r < 0)
		return truncated(in, r);
	n = le32_get(len4);
	if (n == 0 || n >= size)
		return problem(in, DIFF_MALFORMED, -EINVAL,
			       "record '%c' gives a snapshot name of %" PRIu32 " bytes (1 to %zu)", tag, n,
			       size - 1);
	r = check_length(in, tag, rest, 4 + (uint64_t)n);
	if (r < 0)
		return r;
	r = read_exact(in, name, n);
	if (r < 0)
		return truncated(in, r);
	name[n] = '\0';
	if (memchr(name, '\0', n))
		return problem(in, DIFF_MALFORMED, -EINVAL,
			       "record '%c' gives a snapshot name with a NUL byte", tag);
	return 0;
}

static int snap_exists(struct diff_in *in, const char *name, bool *exists)
{
	int r = rbd_snap_exists(in->image, name, exists);

	return r < 0 ? problem(in, DIFF_CLUSTER, r, "looking up snapshot %s failed: %s", name,
			       strerror(-r))
		     : 0;
}

/* w or z: offset and length, inside the image. */
static int read_extent(struct diff_in *in, char tag, uint64_t rest, uint64_t *offset,
		       uint64_t *len)
{
	unsigned char rec[16];
	int r = read_exact(in, rec, 16);

	if (r < 0)
		return truncated(in, r);
	*offset = le64_get(rec);
	*len = le64_get(rec + 8);
	r = check_length(in, tag, rest, 16 + (tag == 'w' ? *len : 0));
	if (r < 0)
		return r;
	if (*offset > in->out->size || *len > in->out->size - *offset)
		return problem(in, DIFF_MALFORMED, -EINVAL,
			       "record '%c' (offset %" PRIu64 ", length %" PRIu64 ") ends past the image's end (%" PRIu64 " bytes)",
			       tag, *offset, *len, in->out->size);
	return 0;
}

/* librbd calls a resize's progress callback unconditionally. */
static int no_progress(uint64_t offset, uint64_t total, void *arg)
{
	(void)offset;
	(void)total;
	(void)arg;
	return 0;
}

/* A version 2 record of a tag this reader does not know: skipped. */
static int skip(struct diff_in *in, uint64_t rest)
{
	char buf[4096];

	while (rest > 0) {
		size_t n = rest < sizeof(buf) ? (size_t)rest : sizeof(buf);
		int r = read_exact(in, buf, n);

		if (r < 0)
			return truncated(in, r);
		rest -= n;
	}
	return 0;
}

static int apply_record(struct diff_in *in, struct image_writer *w, char tag, uint64_t rest)
{
	struct image_stream_result written = {0};
	char name[sizeof(in->out->end_snap)];
	uint64_t offset, len;
	bool exists;
	int r;

	switch (tag) {
	case 'f':
		r = read_name(in, tag, rest, name, sizeof(name));
		if (r == 0)
			r = snap_exists(in, name, &exists);
		if (r == 0 && !exists)
			return problem(in, DIFF_FROM_MISSING, -ENOENT,
				       "the diff starts from snapshot %s, which the image does not have (apply the diffs before it first)",
				       name);
		return r;
	case 't':
		r = read_name(in, tag, rest, name, sizeof(name));
		if (r == 0)
			r = snap_exists(in, name, &exists);
		if (r == 0 && exists)
			return problem(in, DIFF_END_EXISTS, -EEXIST,
				       "the diff ends at snapshot %s, which the image already has (this diff was applied already)",
				       name);
		if (r == 0)
			memcpy(in->out->end_snap, name, strlen(name) + 1);
		return r;
	case 's': {
		unsigned char rec[8];

		r = check_length(in, tag, rest, 8);
		if (r == 0 && (r = read_exact(in, rec, 8)) < 0)
			return truncated(in, r);
		if (r < 0 || le64_get(rec) == in->out->size)
			return r;
		/* Writes before it land first, as in a stream the CLI wrote. */
		r = image_writer_finish(w);
		if (r == 0)
			r = rbd_resize2(in->image, le64_get(rec), true, no_progress, NULL);
		if (r < 0)
			return problem(in, DIFF_CLUSTER, r, "resizing the image to %" PRIu64 " bytes failed: %s",
				       le64_get(rec), strerror(-r));
		in->out->size = le64_get(rec);
		in->out->changed = 1;
		return 0;
	}
	case 'w':
		r = read_extent(in, tag, rest, &offset, &len);
		if (r < 0)
			return r;
		r = image_writer_put(w, offset, len, &in->counted, &written);
		in->out->data_bytes += written.bytes;
		in->out->changed = 1;
		if (r == -EPIPE)
			return truncated(in, r);
		if (r < 0)
			return problem(in, DIFF_CLUSTER, r, "writing %" PRIu64 " bytes at %" PRIu64 " failed: %s",
				       len, offset, strerror(-r));
		return 0;
	case 'z':
		r = read_extent(in, tag, rest, &offset, &len);
		if (r < 0)
			return r;
		in->out->changed = 1;
		r = image_writer_zero(w, offset, len);
		if (r < 0)
			return problem(in, DIFF_CLUSTER, r, "zeroing %" PRIu64 " bytes at %" PRIu64 " failed: %s",
				       len, offset, strerror(-r));
		in->out->zero_bytes += len;
		return 0;
	default:
		if (in->version == 2)
			return skip(in, rest);
		return problem(in, DIFF_MALFORMED, -EINVAL,
			       "unknown record tag 0x%02x (a version 1 diff has only f, t, s, w, z and e)",
			       (unsigned char)tag);
	}
}

static int apply_records(struct diff_in *in, struct image_writer *w)
{
	for (;;) {
		unsigned char tag, len8[8];
		uint64_t rest = 0;
		int r;

		in->out->record_offset = in->out->stream.bytes;
		in->out->record = 0;
		r = read_exact(in, &tag, 1);
		if (r < 0)
			return truncated(in, r);
		in->out->record = (char)tag;
		if (tag == 'e')
			return 0;
		if (in->version == 2) {
			r = read_exact(in, len8, 8);
			if (r < 0)
				return truncated(in, r);
			rest = le64_get(len8);
		}
		r = apply_record(in, w, (char)tag, rest);
		if (r < 0)
			return r;
	}
}

int image_diff_apply(rbd_image_t image, const struct image_stream_io *io,
		     struct image_diff_applied *out)
{
	struct diff_in in = {io, {NULL, counted_source, NULL, NULL}, out, EVP_MD_CTX_new(), image, 0};
	struct image_writer *w = NULL;
	char banner[BANNER_LEN];
	int r, f;

	memset(out, 0, sizeof(*out));
	in.counted.arg = &in;
	if (!in.md || EVP_DigestInit_ex(in.md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(in.md);
		return problem(&in, DIFF_CLUSTER, -ENOMEM, "out of memory");
	}
	r = rbd_get_size(image, &out->size);
	if (r < 0) {
		problem(&in, DIFF_CLUSTER, r, "reading the image's size failed: %s", strerror(-r));
		goto out;
	}
	r = read_exact(&in, banner, BANNER_LEN);
	if (r < 0) {
		truncated(&in, r);
		goto out;
	}
	if (memcmp(banner, BANNER_V1, BANNER_LEN) == 0)
		in.version = 1;
	else if (memcmp(banner, BANNER_V2, BANNER_LEN) == 0)
		in.version = 2;
	else {
		r = problem(&in, DIFF_MALFORMED, -EINVAL,
			    "the body is not an rbd diff: it does not start with \"rbd diff v1\\n\" or \"rbd diff v2\\n\"");
		goto out;
	}
	r = image_writer_new(image, 0, &w);
	if (r < 0) {
		problem(&in, DIFF_CLUSTER, r, "out of memory");
		goto out;
	}
	r = apply_records(&in, w);
	/* What was sent is written, whatever came after it. */
	f = image_writer_finish(w);
	if (r == 0 && f < 0)
		r = problem(&in, DIFF_CLUSTER, f, "writing the diff's data failed: %s", strerror(-f));
	if (r == 0 && out->end_snap[0]) {
		r = rbd_snap_create(image, out->end_snap);
		if (r < 0)
			problem(&in, DIFF_CLUSTER, r, "making the end snapshot %s failed: %s",
				out->end_snap, strerror(-r));
	}
out:
	image_writer_free(w, NULL);
	sha256_hex(in.md, out->stream.bytes, out->stream.sha256);
	EVP_MD_CTX_free(in.md);
	return r;
}
