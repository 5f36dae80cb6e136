/* SPDX-License-Identifier: Apache-2.0 */
/* image_stream.h - an image's bytes to or from a client, pipelined.
 *
 * What `rbd export -` and `rbd import -` do, for the data routes (and the
 * diff and import routes after them): a window of asynchronous librbd
 * reads or writes in flight while the client's bytes move, the SHA-256 of
 * those bytes computed on the way through (OpenSSL EVP), and on the way
 * in, runs of zeros stored as holes (rbd_aio_write_zeroes; skipped
 * altogether in a fresh image), never as data.
 *
 * Memory per transfer is bounded and does not grow with the image:
 * IMAGE_STREAM_WINDOW buffers of IMAGE_STREAM_CHUNK bytes (32 MiB), plus,
 * for writes, librbd's own copy of the writes in flight (it copies by
 * default, rbd_disable_zero_copy_writes), at most as much again: 64 MiB.
 *
 * The client side is two callbacks, so this layer knows nothing of
 * FastCGI: sink takes bytes out, source gives bytes in. */
#ifndef RBD_REST_API_IMAGE_STREAM_H
#define RBD_REST_API_IMAGE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <rbd/librbd.h>

/* One librbd request: the object size librbd makes by default. */
#define IMAGE_STREAM_CHUNK (4u << 20)
/* Requests in flight at once, as rbd_concurrent_management_ops (10) is
 * for the CLI; 8 fill a one-OSD cluster and keep the bound above. */
#define IMAGE_STREAM_WINDOW 8
/* Zeros are looked for in blocks of this size, as `rbd import` does
 * (its --sparse-size default). */
#define IMAGE_STREAM_BLOCK 4096

struct image_stream_io {
	/* Gives len bytes to the client: 0, or a negative errno (-EPIPE:
	 * the client went away). */
	int (*sink)(void *arg, const char *buf, size_t len);
	/* Reads up to len bytes from the client: how many (fewer only at
	 * the end of what it sends), or a negative errno. */
	ssize_t (*source)(void *arg, char *buf, size_t len);
	/* Called after each chunk with the bytes moved so far; may be NULL. */
	void (*progress)(void *arg, uint64_t bytes);
	void *arg;
};

struct image_stream_result {
	uint64_t bytes;       /* moved to or from the client */
	uint64_t zero_bytes;  /* of those written, the ones stored as holes */
	char sha256[65];      /* hex SHA-256 of the bytes moved ("" when none went) */
};

/* Sends length bytes of image from offset to io->sink. Returns 0, or a
 * negative errno: from librbd (-EIO...), from the sink (-EPIPE), -ENOMEM.
 * res says how far it got either way. */
int image_stream_read(rbd_image_t image, uint64_t offset, uint64_t length,
		      const struct image_stream_io *io, struct image_stream_result *res);

/* Writes length bytes read from io->source into image at offset. fresh:
 * the image was just created (all zeros), so zero runs need no write.
 * Returns 0; -EPIPE when the source ended early (what came before the
 * break is written, res->bytes says how much); a librbd error (writing
 * stops, what was in flight finishes); -ENOMEM. */
int image_stream_write(rbd_image_t image, uint64_t offset, uint64_t length, int fresh,
		       const struct image_stream_io *io, struct image_stream_result *res);

/* The reading pipeline on its own, for reads of many pieces (the
 * extents of a diff): pieces are added in order and handed to fn in that
 * order once read, while the next ones are in flight. buf is NULL for a
 * piece added as a hole (not read, handed out whole); a data piece comes
 * in chunks of at most IMAGE_STREAM_CHUNK. fn returns 0 or a negative
 * errno, which stops the reader and is returned by add or finish. */
typedef int (*image_piece_fn)(void *arg, uint64_t offset, const char *buf, uint64_t len);
struct image_reader;
int image_reader_new(rbd_image_t image, image_piece_fn fn, void *arg, struct image_reader **out);
int image_reader_add(struct image_reader *rd, uint64_t offset, uint64_t length, int exists);
/* Hands out what is still in flight. */
int image_reader_finish(struct image_reader *rd);
/* Waits for whatever is still in flight, then frees. NULL is fine. */
void image_reader_free(struct image_reader *rd);

/* The writing pipeline on its own, for writes of many pieces (the
 * records of a diff): each put reads length bytes from io->source and
 * writes them at offset (zero runs as holes), each zero writes zeros, with
 * the window of requests in flight across calls. put returns as
 * image_stream_write does (-EPIPE: the source ended early), adding to res;
 * a librbd error of an earlier piece comes back from a later call or from
 * finish, which waits for everything and flushes. */
struct image_writer;
int image_writer_new(rbd_image_t image, int fresh, struct image_writer **out);
int image_writer_put(struct image_writer *w, uint64_t offset, uint64_t length,
		     const struct image_stream_io *io, struct image_stream_result *res);
int image_writer_zero(struct image_writer *w, uint64_t offset, uint64_t length);
int image_writer_finish(struct image_writer *w);
/* Waits for what is in flight, fills res's sha256 (of every byte put)
 * when res is not NULL, frees. NULL is fine. */
void image_writer_free(struct image_writer *w, struct image_stream_result *res);

#endif
