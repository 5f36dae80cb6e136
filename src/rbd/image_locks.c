/* SPDX-License-Identifier: Apache-2.0 */
/* image_locks.c - who holds the lock on an image's header (see
 * image_locks.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceph.h"
#include "image_locks.h"
#include "image_query.h"

#define MANAGED_LOCK_TAG "internal"
#define MANAGED_LOCK_COOKIE_PREFIX "auto "
/* The one cls lock of the header that both kinds share (librbd's RBD_LOCK_NAME). */
#define HEADER_LOCK_NAME "rbd_lock"

struct lockers_call {
	rbd_image_t image;
	int *exclusive;
};

/* rbd_list_lockers's four buffers: tag, clients, cookies, addresses. */
static int lockers_call(void *arg, char **bufs, size_t *lens)
{
	const struct lockers_call *call = arg;

	return (int)rbd_list_lockers(call->image, call->exclusive, bufs[0], &lens[0], bufs[1],
				     &lens[1], bufs[2], &lens[2], bufs[3], &lens[3]);
}

/* On ERANGE librbd has written the sizes it needs, so the second round
 * fits (unless the lock changed meanwhile: then round again). */
static int list_lockers(rbd_image_t image, struct image_locks *l)
{
	struct lockers_call call = {image, &l->exclusive};
	size_t lens[4] = {256, 1024, 1024, 1024};
	char *bufs[4];
	int r = ceph_read_lists(lockers_call, &call, 4, bufs, lens);

	if (r < 0)
		return r;
	l->tag = bufs[0];
	l->clients = bufs[1];
	l->cookies = bufs[2];
	l->addresses = bufs[3];
	l->count = (size_t)r;
	return 0;
}

int image_locks_read(rbd_image_t image, struct image_locks *l)
{
	size_t co = 0, ko = 0, ao = 0;
	int r;

	memset(l, 0, sizeof(*l));
	r = list_lockers(image, l);
	if (r < 0)
		return r;
	l->lockers = calloc(l->count ? l->count : 1, sizeof(*l->lockers));
	if (!l->lockers)
		return -ENOMEM;
	for (size_t i = 0; i < l->count; i++) {
		struct image_locker *k = &l->lockers[i];

		k->client = l->clients + co;
		k->cookie = l->cookies + ko;
		k->address = l->addresses + ao;
		k->managed = strcmp(l->tag, MANAGED_LOCK_TAG) == 0 &&
			     strncmp(k->cookie, MANAGED_LOCK_COOKIE_PREFIX,
				     strlen(MANAGED_LOCK_COOKIE_PREFIX)) == 0;
		co += strlen(k->client) + 1;
		ko += strlen(k->cookie) + 1;
		ao += strlen(k->address) + 1;
	}
	return 0;
}

void image_locks_free(struct image_locks *l)
{
	free(l->tag);
	free(l->clients);
	free(l->cookies);
	free(l->addresses);
	free(l->lockers);
	memset(l, 0, sizeof(*l));
}

const struct image_locker *image_locks_advisory(const struct image_locks *l)
{
	for (size_t i = 0; i < l->count; i++)
		if (!l->lockers[i].managed)
			return &l->lockers[i];
	return NULL;
}

const struct image_locker *image_locks_find(const struct image_locks *l, const char *client,
					    const char *cookie)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->lockers[i].client, client) == 0 &&
		    strcmp(l->lockers[i].cookie, cookie) == 0)
			return &l->lockers[i];
	return NULL;
}

int image_locker_watching(rbd_image_t image, const struct image_locker *k)
{
	rbd_image_watcher_t *watchers = NULL;
	size_t count = 0;
	int64_t id = -1;
	int watching = 0;
	int r;

	/* "client.4168": the watchers list gives the number alone. */
	if (strncmp(k->client, "client.", 7) == 0)
		sscanf(k->client + 7, "%" SCNd64, &id);
	r = image_watchers(image, &watchers, &count);
	if (r < 0)
		return r;
	for (size_t i = 0; i < count; i++)
		if (watchers[i].id == id || strcmp(watchers[i].addr, k->address) == 0)
			watching = 1;
	image_watchers_free(watchers, count);
	return watching;
}

/* The header object of an open image: rbd_header.<id> (format 2) or
 * <name>.rbd (format 1). */
static int header_object(rbd_image_t image, const char *name, char *oid, size_t len)
{
	char id[64];
	uint8_t old = 0;
	int n, r;

	r = rbd_get_old_format(image, &old);
	if (r < 0)
		return r;
	if (old) {
		n = snprintf(oid, len, "%s.rbd", name);
	} else {
		r = rbd_get_id(image, id, sizeof(id));
		if (r < 0)
			return r;
		n = snprintf(oid, len, "rbd_header.%s", id);
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int image_lock_break(rados_ioctx_t ioctx, rbd_image_t image, const char *name,
		     const struct image_locker *k, int blocklist, int *blocklisted)
{
	rados_t cluster = rados_ioctx_get_cluster(ioctx);
	char oid[512];
	int r;

	*blocklisted = 0;
	r = header_object(image, name, oid, sizeof(oid));
	if (r < 0)
		return r;
	if (blocklist) {
		/* rados_blocklist_add takes a non-const string. */
		char *address = strdup(k->address);

		if (!address)
			return -ENOMEM;
		r = rados_blocklist_add(cluster, address, 0 /* the cluster's default */);
		free(address);
		if (r < 0)
			return r;
		*blocklisted = 1;
		/* The break must not reach an OSD before the blocklist does. */
		r = rados_wait_for_latest_osdmap(cluster);
		if (r < 0)
			return r;
	}
	return rados_break_lock(ioctx, oid, HEADER_LOCK_NAME, k->client, k->cookie);
}

int image_lock_take(rbd_image_t image, int exclusive, const char *cookie, const char *tag)
{
	return exclusive ? rbd_lock_exclusive(image, cookie) : rbd_lock_shared(image, cookie, tag);
}
