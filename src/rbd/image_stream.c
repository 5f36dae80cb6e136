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

int image_stream_read(rbd_image_t image, uint64_t offset, uint64_t length,
		      const struct image_stream_io *io, struct image_stream_result *res)
{
	uint64_t end = offset + length, next = offset;
	size_t head = 0, inflight = 0;
	struct stream s;
	int r;

	memset(res, 0, sizeof(*res));
	r = stream_open(&s, image, length);
	while (r == 0 && (next < end || inflight)) {
		/* Keep the window full, then hand out the oldest in order. */
		while (next < end && inflight < IMAGE_STREAM_WINDOW) {
			struct stream_slot *slot = &s.slots[(head + inflight) % IMAGE_STREAM_WINDOW];

			slot->len = end - next < IMAGE_STREAM_CHUNK ? (size_t)(end - next)
								    : IMAGE_STREAM_CHUNK;
			r = rbd_aio_create_completion(NULL, NULL, &slot->ops[0]);
			if (r < 0)
				break;
			r = rbd_aio_read(image, next, slot->len, slot->buf, slot->ops[0]);
			if (r < 0) {
				rbd_aio_release(slot->ops[0]);
				break;
			}
			slot->nops = 1;
			next += slot->len;
			inflight++;
		}
		if (r < 0 || inflight == 0)
			break;
		{
			struct stream_slot *slot = &s.slots[head];
			ssize_t got;

			rbd_aio_wait_for_complete(slot->ops[0]);
			got = rbd_aio_get_return_value(slot->ops[0]);
			rbd_aio_release(slot->ops[0]);
			slot->nops = 0;
			head = (head + 1) % IMAGE_STREAM_WINDOW;
			inflight--;
			if (got < 0) {
				r = (int)got;
				break;
			}
			/* Past the end of a shrunk image: zeros, as holes read. */
			if ((size_t)got < slot->len)
				memset(slot->buf + got, 0, slot->len - (size_t)got);
			digest_update(&s, slot->buf, slot->len);
			r = io->sink(io->arg, slot->buf, slot->len);
			if (r < 0)
				break;
			res->bytes += slot->len;
			if (io->progress)
				io->progress(io->arg, res->bytes);
		}
	}
	stream_close(&s, res);
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

int image_stream_write(rbd_image_t image, uint64_t offset, uint64_t length, int fresh,
		       const struct image_stream_io *io, struct image_stream_result *res)
{
	uint64_t done = 0;
	size_t turn = 0;
	struct stream s;
	int r;

	memset(res, 0, sizeof(*res));
	r = stream_open(&s, image, length);
	while (r == 0 && done < length) {
		struct stream_slot *slot = &s.slots[turn++ % IMAGE_STREAM_WINDOW];
		size_t want = length - done < IMAGE_STREAM_CHUNK ? (size_t)(length - done)
								 : IMAGE_STREAM_CHUNK;
		ssize_t got;

		/* The window is full: its oldest buffer is free once written. */
		r = slot_finish(slot);
		if (r < 0)
			break;
		got = read_full(io, slot->buf, want, done);
		if (got < 0) {
			r = (int)got;
			break;
		}
		slot->len = (size_t)got;
		digest_update(&s, slot->buf, slot->len);
		res->bytes += slot->len;
		if (got > 0)
			r = slot_write(&s, slot, offset + done, fresh, &res->zero_bytes);
		done += slot->len;
		if (r == 0 && (size_t)got < want)
			r = -EPIPE;
	}
	/* What is in flight is written before the answer says anything. */
	for (size_t i = 0; i < IMAGE_STREAM_WINDOW; i++) {
		int w = slot_finish(&s.slots[i]);

		if (r == 0 || r == -EPIPE)
			r = w < 0 ? w : r;
	}
	if (r == 0)
		r = rbd_flush(image);
	stream_close(&s, res);
	return r;
}
