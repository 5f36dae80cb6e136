/* SPDX-License-Identifier: Apache-2.0 */
/* names.h - the one rule for pool, image, snapshot and namespace names.
 *
 * Names reach us as percent-decoded path segments or JSON strings; Ceph
 * itself accepts far more than is safe to put in a URL or a log line, so
 * we accept less and say exactly why. */
#ifndef RBD_REST_API_NAMES_H
#define RBD_REST_API_NAMES_H

#include <stddef.h>

#define NAME_MAX_BYTES 250

/* Room for "pool/namespace/image" as messages write it: three names and
 * two slashes (3 * 250 + 2 + 1 = 753), rounded up. Longer names read
 * back from the cluster are cut (snprintf), never overflow. */
#define IMAGE_SPEC_MAX 800

/* Returns 0, or a negative errno and a static phrase for the message that
 * follows "<what> name \"...\" " (e.g. "contains '/'"). len is the byte
 * length, so an embedded NUL is seen. The errno is -EILSEQ when the name
 * is not valid UTF-8 (RFC 3629) or holds a control character (C0, DEL,
 * C1): names the rbd CLI makes from any bytes, which the API refuses to
 * create but still lets clients read and delete. Anything else is
 * -EINVAL. */
int name_check(const char *name, size_t len, const char **why);

#endif
