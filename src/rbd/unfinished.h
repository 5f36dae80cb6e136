/* SPDX-License-Identifier: Apache-2.0 */
/* unfinished.h - images that are being made, and what is left of them.
 *
 * A copy (synchronous or a task), a clone or a create from an upload is
 * made under a name of its own, "<name>.unfinished-<8 hex digits>", and
 * renamed to the name asked for only once it is complete. So the name a client asked for never
 * holds a half-made image: when the work fails, what was made is removed;
 * when it cannot be (the worker was killed -9, the cluster refused its
 * client, the removal failed too), what is left carries that name, which
 * says it is unfinished in every listing, and GET shows why and what to do
 * (an "unfinished" field). Plain creates need none of it: librbd removes
 * what a failed create made, and a create killed half way leaves at most a
 * directory entry that listings show with an error and DELETE cleans up. */
#ifndef RBD_REST_API_UNFINISHED_H
#define RBD_REST_API_UNFINISHED_H

#include <stddef.h>

#include <rados/librados.h>

/* Room for the name made from a 250-byte name. */
#define UNFINISHED_NAME_MAX 256

/* The name to make target under: target (cut to 230 bytes, on a UTF-8
 * character boundary) + ".unfinished-" + 8 random hex digits. Returns 0 or
 * a negative errno (no randomness). */
int unfinished_name(const char *target, char *out, size_t outlen);

/* Is name one that unfinished_name makes? */
int unfinished_is(const char *name);

/* The text GET and listings show for such an image. */
#define UNFINISHED_ADVICE \
	"left by a copy, clone or create from an upload that did not finish (the request failed or its worker was stopped); it is not a usable image: delete it (its snapshots first, if it has any)"

/* Removes image name with all its snapshots (unprotecting them first).
 * Returns 0 (also when it did not exist) or a negative errno. */
int unfinished_remove(rados_ioctx_t ioctx, const char *name);

#endif
