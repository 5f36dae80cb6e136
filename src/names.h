/* names.h - the one rule for pool, image, snapshot and namespace names.
 *
 * Names reach us as percent-decoded path segments or JSON strings; Ceph
 * itself accepts far more than is safe to put in a URL or a log line, so
 * we accept less and say exactly why. */
#ifndef RBD_REST_API_NAMES_H
#define RBD_REST_API_NAMES_H

#include <stddef.h>

#define NAME_MAX_BYTES 250

/* Returns 0, or -EINVAL and a static phrase for the message that follows
 * "<what> name \"...\" " (e.g. "contains '/'"). len is the byte length,
 * so an embedded NUL is seen. */
int name_check(const char *name, size_t len, const char **why);

#endif
