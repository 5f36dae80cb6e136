/* SPDX-License-Identifier: Apache-2.0 */
/* unfinished.c - names of images being made (see unfinished.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <rbd/librbd.h>

#include "image_query.h"
#include "unfinished.h"

#define SUFFIX ".unfinished-"
#define KEEP_MAX 230

int unfinished_name(const char *target, char *out, size_t outlen)
{
	unsigned char random[4];
	size_t keep = strlen(target);
	int n;

	if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random))
		return -EIO;
	/* Cut before a UTF-8 continuation byte never: the name must stay
	 * valid, or the API could not address what is left. */
	if (keep > KEEP_MAX) {
		keep = KEEP_MAX;
		while (keep > 0 && ((unsigned char)target[keep] & 0xc0) == 0x80)
			keep--;
	}
	n = snprintf(out, outlen, "%.*s" SUFFIX "%02x%02x%02x%02x", (int)keep, target, random[0],
		     random[1], random[2], random[3]);
	if (n < 0 || (size_t)n >= outlen)
		return -ENAMETOOLONG;
	return 0;
}

int unfinished_is(const char *name)
{
	size_t len = strlen(name), suffix = strlen(SUFFIX);

	if (len < suffix + 8 || strncmp(name + len - 8 - suffix, SUFFIX, suffix) != 0)
		return 0;
	for (size_t i = len - 8; i < len; i++)
		if (!strchr("0123456789abcdef", name[i]))
			return 0;
	return 1;
}

int unfinished_remove(rados_ioctx_t ioctx, const char *name)
{
	rbd_snap_info_t *snaps = NULL;
	rbd_image_t image;
	int count, r;

	r = rbd_open(ioctx, name, &image, NULL);
	if (r == -ENOENT)
		/* Perhaps only a directory entry: rbd_remove cleans that up. */
		goto remove;
	if (r < 0)
		return r;
	count = image_snapshots(image, &snaps);
	r = count < 0 ? count : 0;
	for (int i = 0; r == 0 && i < count; i++) {
		int is_protected = 0;

		rbd_snap_is_protected(image, snaps[i].name, &is_protected);
		if (is_protected)
			r = rbd_snap_unprotect(image, snaps[i].name);
		if (r == 0)
			r = rbd_snap_remove(image, snaps[i].name);
	}
	image_snapshots_free(snaps);
	rbd_close(image);
	if (r < 0)
		return r;
remove:
	r = rbd_remove(ioctx, name);
	return r == -ENOENT ? 0 : r;
}
