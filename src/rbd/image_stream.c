/* SPDX-License-Identifier: Apache-2.0 */
/* image_stream.c - pipelined reads and writes of an image's bytes. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "image_stream.h"

/* The most librbd requests one chunk can become: alternating data and
 * zero blocks. */
#define OPS_PER_CHUNK (IMAGE_STREAM_CHUNK / IMAGE_STREAM_BLOCK)

/* How much is asked of the source at a time, so progress shows. */
#define STREAM_PIECE (256u << 10)

/* One buffer of the window and the librbd requests that use it. */
struct stream_slot {
	char *buf;
	size_t len;
	uint64_t off;   /* reader: where the piece starts */
	uint64_t span;  /* reader: its length (a hole's may pass a chunk) */
	int hole;       /* reader: nothing to read, the piece is a hole */
	rbd_completion_t ops[OPS_PER_CHUNK];
	size_t nops;
};

struct stream {
	rbd_image_t image;
	struct stream_slot slots[IMAGE_STREAM_WINDOW];
	EVP_MD_CTX *md;
};

static int stream_open(struct stream *s, rbd_image_t image, uint64_t length)
{
	size_t size = length < IMAGE_STREAM_CHUNK ? (size_t)length : IMAGE_STREAM_CHUNK;

	memset(s, 0, sizeof(*s));
	s->image = image;
	s->md = EVP_MD_CTX_new();
	if (!s->md || EVP_DigestInit_ex(s->md, EVP_sha256(), NULL) != 1)
		return -ENOMEM;
	if (size == 0)
		return 0;
	/* Only as many buffers as the transfer can fill. */
	for (size_t i = 0; i < IMAGE_STREAM_WINDOW && (uint64_t)i * size < length; i++) {
		s->slots[i].buf = malloc(size);
		if (!s->slots[i].buf)
			return -ENOMEM;
	}
	return 0;
}

/* Waits for every request of slot; the first error, or 0. */
static int slot_finish(struct stream_slot *slot)
{
	int r = 0;

	for (size_t i = 0; i < slot->nops; i++) {
		ssize_t ret;

		rbd_aio_wait_for_complete(slot->ops[i]);
		ret = rbd_aio_get_return_value(slot->ops[i]);
		rbd_aio_release(slot->ops[i]);
		if (ret < 0 && r == 0)
			r = (int)ret;
	}
	slot->nops = 0;
	return r;
}

static void stream_close(struct stream *s, struct image_stream_result *res)
{
	unsigned char digest[32];
	unsigned len = 0;

	for (size_t i = 0; i < IMAGE_STREAM_WINDOW; i++) {
		slot_finish(&s->slots[i]);
		free(s->slots[i].buf);
	}
	res->sha256[0] = '\0';
	if (s->md && res->bytes && EVP_DigestFinal_ex(s->md, digest, &len) == 1)
		for (unsigned i = 0; i < len; i++)
			snprintf(res->sha256 + 2 * i, 3, "%02x", digest[i]);
	EVP_MD_CTX_free(s->md);
}

static void digest_update(struct stream *s, const char *buf, size_t len)
{
	EVP_DigestUpdate(s->md, buf, len);
}

/* The reader: pieces added in order, read with a window of requests in
 * flight, handed out in the order added. */
struct image_reader {
	struct stream s;
	size_t head, inflight;
	image_piece_fn fn;
	void *arg;
};

int image_reader_new(rbd_image_t image, image_piece_fn fn, void *arg, struct image_reader **out)
{
	struct image_reader *rd = calloc(1, sizeof(*rd));
	int r;

	*out = NULL;
	if (!rd)
		return -ENOMEM;
	/* Buffers are mapped, not touched, until a read fills them. */
	r = stream_open(&rd->s, image, UINT64_MAX);
	rd->fn = fn;
	rd->arg = arg;
	*out = rd;
	return r;
}

/* Waits for the oldest piece and hands it out. */
static int reader_deliver(struct image_reader *rd)
{
	struct stream_slot *slot = &rd->s.slots[rd->head];
	ssize_t got = 0;

	if (slot->nops) {
		rbd_aio_wait_for_complete(slot->ops[0]);
		got = rbd_aio_get_return_value(slot->ops[0]);
		rbd_aio_release(slot->ops[0]);
		slot->nops = 0;
	}
	rd->head = (rd->head + 1) % IMAGE_STREAM_WINDOW;
	rd->inflight--;
	if (got < 0)
		return (int)got;
	/* Past the end of a shrunk image: zeros, as holes read. */
	if (!slot->hole && (size_t)got < slot->len)
		memset(slot->buf + got, 0, slot->len - (size_t)got);
	return rd->fn(rd->arg, slot->off, slot->hole ? NULL : slot->buf, slot->span);
}

int image_reader_add(struct image_reader *rd, uint64_t offset, uint64_t length, int exists)
{
	while (length > 0) {
		struct stream_slot *slot;
		int r;

		if (rd->inflight == IMAGE_STREAM_WINDOW) {
			r = reader_deliver(rd);
			if (r < 0)
				return r;
		}
		slot = &rd->s.slots[(rd->head + rd->inflight) % IMAGE_STREAM_WINDOW];
		slot->off = offset;
		slot->hole = !exists;
		/* A hole is one piece whatever its length; data goes by chunks. */
		slot->span = !exists || length < IMAGE_STREAM_CHUNK ? length : IMAGE_STREAM_CHUNK;
		slot->len = exists ? (size_t)slot->span : 0;
		if (exists) {
			r = rbd_aio_create_completion(NULL, NULL, &slot->ops[0]);
			if (r < 0)
				return r;
			r = rbd_aio_read(rd->s.image, offset, slot->len, slot->buf, slot->ops[0]);
			if (r < 0) {
				rbd_aio_release(slot->ops[0]);
				return r;
			}
			slot->nops = 1;
		}
		rd->inflight++;
		offset += slot->span;
		length -= slot->span;
	}
	return 0;
}

int image_reader_finish(struct image_reader *rd)
{
	while (rd->inflight) {
		int r = reader_deliver(rd);

		if (r < 0)
			return r;
	}
	return 0;
}

void image_reader_free(struct image_reader *rd)
{
	struct image_stream_result ignored = {0};

	if (!rd)
		return;
	stream_close(&rd->s, &ignored);
	free(rd);
}

struct plain_read {
	struct image_reader *rd;
	const struct image_stream_io *io;
	struct image_stream_result *res;
};

static int plain_piece(void *arg, uint64_t offset, const char *buf, uint64_t len)
{
	struct plain_read *p = arg;
	int r;

	(void)offset;
	digest_update(&p->rd->s, buf, (size_t)len);
	r = p->io->sink(p->io->arg, buf, (size_t)len);
	if (r < 0)
		return r;
	p->res->bytes += len;
	if (p->io->progress)
		p->io->progress(p->io->arg, p->res->bytes);
	return 0;
}

int image_stream_read(rbd_image_t image, uint64_t offset, uint64_t length,
		      const struct image_stream_io *io, struct image_stream_result *res)
{
	struct plain_read p = {NULL, io, res};
	int r;

	memset(res, 0, sizeof(*res));
	r = image_reader_new(image, plain_piece, &p, &p.rd);
	if (r == 0)
		r = image_reader_add(p.rd, offset, length, 1);
	if (r == 0)
		r = image_reader_finish(p.rd);
	if (p.rd)
		stream_close(&p.rd->s, res);
	free(p.rd);
	return r;
}

static int block_is_zero(const char *buf, size_t len)
{
	return buf[0] == 0 && memcmp(buf, buf + 1, len - 1) == 0;
}

static int slot_add_op(struct stream_slot *slot, rbd_image_t image, uint64_t off,
		       const char *buf, size_t len, int zero)
{
	rbd_completion_t c;
	int r = rbd_aio_create_completion(NULL, NULL, &c);

	if (r < 0)
		return r;
	r = zero ? rbd_aio_write_zeroes(image, off, len, c, 0, 0) : rbd_aio_write(image, off, len, buf, c);
	if (r < 0) {
		rbd_aio_release(c);
		return r;
	}
	slot->ops[slot->nops++] = c;
	return 0;
}

/* Writes slot's len bytes at off: runs of data as writes, runs of zero
 * blocks as holes (or nothing in a fresh image). */
static int slot_write(struct stream *s, struct stream_slot *slot, uint64_t off, int fresh,
		      uint64_t *zero_bytes)
{
	size_t pos = 0;

	while (pos < slot->len) {
		size_t n = slot->len - pos < IMAGE_STREAM_BLOCK ? slot->len - pos : IMAGE_STREAM_BLOCK;
		int zero = block_is_zero(slot->buf + pos, n);
		size_t run = n;
		int r = 0;

		while (pos + run < slot->len) {
			size_t m = slot->len - pos - run < IMAGE_STREAM_BLOCK ? slot->len - pos - run
									     : IMAGE_STREAM_BLOCK;

			if (block_is_zero(slot->buf + pos + run, m) != zero)
				break;
			run += m;
		}
		if (zero)
			*zero_bytes += run;
		if (!zero || !fresh)
			r = slot_add_op(slot, s->image, off + pos, slot->buf + pos, run, zero);
		if (r < 0)
			return r;
		pos += run;
	}
	return 0;
}

/* Fills buf with len bytes from the source, unless it ends first;
 * progress counts from done, as bytes arrive (a chunk may take seconds
 * from a slow client). */
static ssize_t read_full(const struct image_stream_io *io, char *buf, size_t len, uint64_t done)
{
	size_t got = 0;

	while (got < len) {
		size_t piece = len - got < STREAM_PIECE ? len - got : STREAM_PIECE;
		ssize_t n = io->source(io->arg, buf + got, piece);

		if (n < 0)
			return n;
		got += (size_t)n;
		if (io->progress)
			io->progress(io->arg, done + got);
		/* Fewer than asked: the body ended (or broke off). */
		if ((size_t)n < piece)
			break;
	}
	return (ssize_t)got;
}

struct image_writer {
	struct stream s;
	size_t turn;
	int fresh;
};

int image_writer_new(rbd_image_t image, int fresh, struct image_writer **out)
{
	struct image_writer *w = calloc(1, sizeof(*w));
	int r;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	r = stream_open(&w->s, image, UINT64_MAX);
	w->fresh = fresh;
	*out = w;
	return r;
}

/* The next buffer of the window, free once what it held is written. */
static int writer_slot(struct image_writer *w, struct stream_slot **slot)
{
	*slot = &w->s.slots[w->turn++ % IMAGE_STREAM_WINDOW];
	return slot_finish(*slot);
}

int image_writer_put(struct image_writer *w, uint64_t offset, uint64_t length,
		     const struct image_stream_io *io, struct image_stream_result *res)
{
	uint64_t done = 0;
	int r = 0;

	while (r == 0 && done < length) {
		struct stream_slot *slot;
		size_t want = length - done < IMAGE_STREAM_CHUNK ? (size_t)(length - done)
								 : IMAGE_STREAM_CHUNK;
		ssize_t got;

		r = writer_slot(w, &slot);
		if (r < 0)
			break;
		got = read_full(io, slot->buf, want, res->bytes);
		if (got < 0)
			return (int)got;
		slot->len = (size_t)got;
		digest_update(&w->s, slot->buf, slot->len);
		res->bytes += slot->len;
		if (got > 0)
			r = slot_write(&w->s, slot, offset + done, w->fresh, &res->zero_bytes);
		done += slot->len;
		if (r == 0 && (size_t)got < want)
			r = -EPIPE;
	}
	return r;
}

int image_writer_zero(struct image_writer *w, uint64_t offset, uint64_t length)
{
	struct stream_slot *slot;
	int r;

	if (length == 0 || w->fresh)
		return 0;
	r = writer_slot(w, &slot);
	if (r < 0)
		return r;
	slot->len = 0;
	return slot_add_op(slot, w->s.image, offset, NULL, (size_t)length, 1);
}

int image_writer_finish(struct image_writer *w)
{
	int r = 0;

	for (size_t i = 0; i < IMAGE_STREAM_WINDOW; i++) {
		int f = slot_finish(&w->s.slots[i]);

		if (r == 0)
			r = f;
	}
	if (r == 0)
		r = rbd_flush(w->s.image);
	return r;
}

void image_writer_free(struct image_writer *w, struct image_stream_result *res)
{
	struct image_stream_result ignored = {0};

	if (!w)
		return;
	stream_close(&w->s, res ? res : &ignored);
	free(w);
}

int image_stream_write(rbd_image_t image, uint64_t offset, uint64_t length, int fresh,
		       const struct image_stream_io *io, struct image_stream_result *res)
{
	struct image_writer *w;
	int r, f;

	memset(res, 0, sizeof(*res));
	r = image_writer_new(image, fresh, &w);
	if (r == 0)
		r = image_writer_put(w, offset, length, io, res);
	/* What is in flight is written before the answer says anything. */
	f = w ? image_writer_finish(w) : 0;
	if (r == 0 || r == -EPIPE)
		r = f < 0 ? f : r;
	image_writer_free(w, res);
	return r;
}
