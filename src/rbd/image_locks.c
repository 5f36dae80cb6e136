/* image_locks.c - who holds the lock on an image's header (see
 * image_locks.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image_locks.h"

#define MANAGED_LOCK_TAG "internal"
#define MANAGED_LOCK_COOKIE_PREFIX "auto "

/* rbd_list_lockers into freshly sized buffers; on ERANGE librbd has
 * written the sizes it needs, so the second round fits (unless the lock
 * changed meanwhile: then round again). */
static int list_lockers(rbd_image_t image, struct image_locks *l)
{
	size_t tag_len = 256, clients_len = 1024, cookies_len = 1024, addrs_len = 1024;
	ssize_t count;

	for (;;) {
		free(l->tag);
		free(l->clients);
		free(l->cookies);
		free(l->addresses);
		l->tag = malloc(tag_len);
		l->clients = malloc(clients_len);
		l->cookies = malloc(cookies_len);
		l->addresses = malloc(addrs_len);
		if (!l->tag || !l->clients || !l->cookies || !l->addresses)
			return -ENOMEM;
		count = rbd_list_lockers(image, &l->exclusive, l->tag, &tag_len, l->clients,
					 &clients_len, l->cookies, &cookies_len, l->addresses,
					 &addrs_len);
		if (count != -ERANGE)
			break;
	}
	if (count < 0)
		return (int)count;
	l->count = (size_t)count;
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
