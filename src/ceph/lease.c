/* SPDX-License-Identifier: Apache-2.0 */
/* lease.c - exclusive leases in the cluster (see lease.h). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "ceph.h"
#include "ceph_decode.h"
#include "lease.h"

/* Waiting for a holder: the first retry soon (most holds are short), then
 * no more often than this. */
#define POLL_FIRST_MS 10
#define POLL_MAX_MS 200

struct lease {
	rados_ioctx_t ioctx;    /* the lease's own */
	char *oid;
	char *name;
	char cookie[128];
	unsigned duration_s;
	pthread_t renewer;
	int renewing;           /* the renewer thread was started */
	pthread_mutex_t mutex;
	pthread_cond_t wake;
	int stopping;
	int lost;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int take(struct lease *lease, uint8_t flags)
{
	struct timeval duration = {.tv_sec = lease->duration_s};

	return rados_lock_exclusive(lease->ioctx, lease->oid, lease->name, lease->cookie,
				    "rbd-rest-api lease", &duration, flags);
}

static void *renew_loop(void *arg)
{
	struct lease *lease = arg;
	unsigned period_ms = lease->duration_s * 1000 / 3;

	pthread_mutex_lock(&lease->mutex);
	while (!lease->stopping) {
		struct timespec until;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += period_ms / 1000;
		until.tv_nsec += (long)(period_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		r = pthread_cond_timedwait(&lease->wake, &lease->mutex, &until);
		if (lease->stopping || r != ETIMEDOUT)
			continue;
		pthread_mutex_unlock(&lease->mutex);
		r = take(lease, LIBRADOS_LOCK_FLAG_MUST_RENEW);
		pthread_mutex_lock(&lease->mutex);
		if (r < 0)
			lease->lost = 1;
	}
	pthread_mutex_unlock(&lease->mutex);
	return NULL;
}

/* "client.4120 at 10.0.0.5:0/123, host h pid 77" from the lock's lockers. */
static void describe_holder(struct lease *lease, char *holder, size_t holderlen)
{
	char tag[256], clients[256], cookies[256], addrs[256];
	size_t tag_len = sizeof(tag), clients_len = sizeof(clients);
	size_t cookies_len = sizeof(cookies), addrs_len = sizeof(addrs);
	char host[128] = "?";
	long pid = 0;
	int exclusive;
	ssize_t n;

	n = rados_list_lockers(lease->ioctx, lease->oid, lease->name, &exclusive, tag, &tag_len,
			       clients, &clients_len, cookies, &cookies_len, addrs, &addrs_len);
	if (n <= 0) {
		snprintf(holder, holderlen, "a holder that has just let go");
		return;
	}
	/* Our cookies are "host:pid:random"; anyone else's is shown as is. */
	if (sscanf(cookies, "%127[^:]:%ld:", host, &pid) == 2)
		snprintf(holder, holderlen, "%s at %s, host %s pid %ld", clients, addrs, host, pid);
	else
		snprintf(holder, holderlen, "%s at %s, cookie \"%s\"", clients, addrs, cookies);
}

static void lease_free(struct lease *lease)
{
	if (lease->ioctx)
		rados_ioctx_destroy(lease->ioctx);
	pthread_mutex_destroy(&lease->mutex);
	pthread_cond_destroy(&lease->wake);
	free(lease->oid);
	free(lease->name);
	free(lease);
}

static int lease_new(rados_t cluster, const char *pool, const char *ns, const char *oid,
		     const char *name, unsigned duration_s, struct lease **out)
{
	struct lease *lease = calloc(1, sizeof(*lease));
	pthread_condattr_t attr;
	char host[64];
	unsigned char rnd[8];
	int r;

	*out = NULL;
	if (!lease)
		return -ENOMEM;
	pthread_mutex_init(&lease->mutex, NULL);
	/* The renewer's waits are on the monotonic clock, like its periods. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&lease->wake, &attr);
	pthread_condattr_destroy(&attr);
	lease->duration_s = duration_s ? duration_s : 1;
	lease->oid = strdup(oid);
	lease->name = strdup(name);
	r = -ENOMEM;
	if (!lease->oid || !lease->name)
		goto fail;
	r = rados_ioctx_create(cluster, pool, &lease->ioctx);
	if (r < 0) {
		lease->ioctx = NULL;
		goto fail;
	}
	rados_ioctx_set_namespace(lease->ioctx, ns);
	/* On a full cluster a lease must still be taken (deletes free the
	 * space) rather than block: its writes add no bytes, which is what
	 * the OSD refuses then (ceph.h). */
	ceph_ioctx_full_try(lease->ioctx);
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	/* A ':' in the host name would spoil describe_holder's parse. */
	for (char *c = host; *c; c++)
		if (*c == ':')
			*c = '_';
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		r = -EIO;
		goto fail;
	}
	snprintf(lease->cookie, sizeof(lease->cookie), "%s:%ld:%02x%02x%02x%02x%02x%02x%02x%02x",
		 host, (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6],
		 rnd[7]);
	*out = lease;
	return 0;
fail:
	lease_free(lease);
	return r;
}

int lease_acquire(rados_t cluster, const char *pool, const char *ns, const char *oid,
		  const char *name, unsigned duration_s, unsigned wait_ms, char *holder,
		  size_t holderlen, struct lease **out)
{
	int64_t deadline = now_ms() + wait_ms;
	unsigned poll_ms = POLL_FIRST_MS;
	struct lease *lease;
	int r;

	*out = NULL;
	r = lease_new(cluster, pool, ns, oid, name, duration_s, &lease);
	if (r < 0)
		return r;
	for (;;) {
		r = take(lease, 0);
		if (r != -EBUSY || now_ms() >= deadline)
			break;
		usleep(poll_ms * 1000);
		poll_ms = poll_ms * 2 > POLL_MAX_MS ? POLL_MAX_MS : poll_ms * 2;
	}
	if (r == -EBUSY && holder && holderlen)
		describe_holder(lease, holder, holderlen);
	if (r < 0)
		goto fail;
	r = -pthread_create(&lease->renewer, NULL, renew_loop, lease);
	if (r < 0) {
		rados_unlock(lease->ioctx, lease->oid, lease->name, lease->cookie);
		goto fail;
	}
	lease->renewing = 1;
	*out = lease;
	return 0;
fail:
	lease_free(lease);
	return r;
}

int lease_lost(const struct lease *lease)
{
	int lost;

	pthread_mutex_lock((pthread_mutex_t *)&lease->mutex);
	lost = lease->lost;
	pthread_mutex_unlock((pthread_mutex_t *)&lease->mutex);
	return lost;
}

/* cls_lock's unlock call input: ENCODE_START(1, 1) name, cookie. */
static unsigned char *unlock_input(const struct lease *lease, size_t *len)
{
	size_t name_len = strlen(lease->name), cookie_len = strlen(lease->cookie);
	size_t payload = 4 + name_len + 4 + cookie_len;
	unsigned char *in = malloc(6 + payload), *p;

	if (!in)
		return NULL;
	in[0] = 1;
	in[1] = 1;
	encode_u32(in + 2, (uint32_t)payload);
	p = in + 6;
	encode_u32(p, (uint32_t)name_len);
	memcpy(p + 4, lease->name, name_len);
	p += 4 + name_len;
	encode_u32(p, (uint32_t)cookie_len);
	memcpy(p + 4, lease->cookie, cookie_len);
	*len = 6 + payload;
	return in;
}

void lease_release(struct lease *lease, int remove_object)
{
	rados_write_op_t op = NULL;
	unsigned char *in = NULL;
	size_t in_len = 0;
	int r = -ENOMEM;

	if (!lease)
		return;
	if (lease->renewing) {
		pthread_mutex_lock(&lease->mutex);
		lease->stopping = 1;
		pthread_cond_signal(&lease->wake);
		pthread_mutex_unlock(&lease->mutex);
		pthread_join(lease->renewer, NULL);
	}
	/* Unlock and remove in one operation, so no other holder that took
	 * it in between loses its lock with the object. */
	if (remove_object) {
		in = unlock_input(lease, &in_len);
		op = in ? rados_create_write_op() : NULL;
	}
	if (op) {
		rados_write_op_exec(op, "lock", "unlock", (const char *)in, in_len, NULL);
		rados_write_op_remove(op);
		r = rados_write_op_operate(op, lease->ioctx, lease->oid, NULL, 0);
		rados_release_write_op(op);
	}
	/* Someone else's by now (ours lapsed), or the remove failed: let go
	 * of ours alone; a lapsed one needs nothing. */
	if (r < 0)
		rados_unlock(lease->ioctx, lease->oid, lease->name, lease->cookie);
	free(in);
	lease_free(lease);
}
