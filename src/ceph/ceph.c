/* SPDX-License-Identifier: Apache-2.0 */
/* ceph.c - per-worker cluster connection (see ceph.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ceph.h"
#include "conf.h"
#include "log.h"

#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS 30000
/* How often a connected worker checks that the cluster still accepts its
 * client: a blocklisted worker is found within about this long. */
#define PROBE_INTERVAL_MS 1000

static int conf_set_number(rados_t cluster, const char *option, unsigned value)
{
	char text[16];

	snprintf(text, sizeof(text), "%u", value);
	return rados_conf_set(cluster, option, text);
}

static int conf_is_set(rados_t cluster, const char *option, char *buf, size_t len)
{
	int r = rados_conf_get(cluster, option, buf, len);

	return r == -ENAMETOOLONG || (r == 0 && buf[0]);
}

/* Before connecting, look at the keyring ourselves: librados reports a
 * missing keyring as a bare ENOENT, which reads like "pool not found". */
static int check_keyring(rados_t cluster, const struct conf *conf, char *why, size_t whylen)
{
	char paths[1024], key[8], auth[64];
	char tried[512] = "";
	size_t used = 0;
	char *save = NULL;

	/* An inline key, or no cephx at all, needs no keyring file. Only
	 * whether key or keyfile is set matters: a value too long for key
	 * (ENAMETOOLONG; every real key is) is set too. */
	if (conf_is_set(cluster, "key", key, sizeof(key)) ||
	    conf_is_set(cluster, "keyfile", key, sizeof(key)))
		return 0;
	if (rados_conf_get(cluster, "auth_client_required", auth, sizeof(auth)) == 0 &&
	    !strstr(auth, "cephx"))
		return 0;
	if (rados_conf_get(cluster, "keyring", paths, sizeof(paths)) < 0)
		return 0;

	for (char *path = strtok_r(paths, ",", &save); path; path = strtok_r(NULL, ",", &save)) {
		int n;

		while (*path == ' ')
			path++;
		if (access(path, R_OK) == 0)
			return 0;
		n = snprintf(tried + used, sizeof(tried) - used, "%s%s (%s)", used ? ", " : "", path,
			     strerror(errno));
		if (n > 0 && (size_t)n < sizeof(tried) - used)
			used += (size_t)n;
	}
	snprintf(why, whylen,
		 "no readable keyring for client.%s: tried %s; set keyring in the config or make the file readable by uid %ld",
		 conf->ceph_id, used ? tried : "nothing", (long)geteuid());
	return -ENOENT;
}

static void describe_connect_error(rados_t cluster, const struct conf *conf, int err,
				   char *why, size_t whylen)
{
	char keyring[512] = "", mon_host[256] = "";

	rados_conf_get(cluster, "keyring", keyring, sizeof(keyring));
	rados_conf_get(cluster, "mon_host", mon_host, sizeof(mon_host));
	switch (-err) {
	case EACCES:
	case EPERM:
		snprintf(why, whylen,
			 "the cluster refused cephx authentication for client.%s with keyring %s: the key is wrong or the user does not exist",
			 conf->ceph_id, keyring);
		break;
	case ETIMEDOUT:
		snprintf(why, whylen, "no monitor answered within %u s (mon_host %s)",
			 conf->rados_timeout, mon_host[0] ? mon_host : "not set");
		break;
	case ENOENT:
		snprintf(why, whylen,
			 "connecting as client.%s failed: no keyring or key found (keyring %s)",
			 conf->ceph_id, keyring);
		break;
	default:
		snprintf(why, whylen, "connecting to the cluster (mon_host %s) as client.%s failed: %s (errno %d)",
			 mon_host[0] ? mon_host : "not set", conf->ceph_id, strerror(-err), -err);
		break;
	}
}

int ceph_connect_once(const struct conf *conf, rados_t *out, char *why, size_t whylen)
{
	rados_t cluster = NULL;
	char user[128], mon_host[8];
	int r;

	snprintf(user, sizeof(user), "client.%s", conf->ceph_id);
	r = rados_create2(&cluster, "ceph", user, 0);
	if (r < 0) {
		snprintf(why, whylen, "cannot create a rados client for %s: %s", user, strerror(-r));
		return r;
	}

	r = rados_conf_read_file(cluster, conf->ceph_conf[0] ? conf->ceph_conf : NULL);
	if (r < 0 && conf->ceph_conf[0]) {
		snprintf(why, whylen, "cannot read ceph config %s: %s", conf->ceph_conf, strerror(-r));
		goto out;
	}
	r = rados_conf_parse_env(cluster, NULL);
	if (r < 0) {
		snprintf(why, whylen, "cannot parse CEPH_ARGS: %s", strerror(-r));
		goto out;
	}
	if (rados_conf_get(cluster, "mon_host", mon_host, sizeof(mon_host)) == -ENOENT ||
	    (rados_conf_get(cluster, "mon_host", mon_host, sizeof(mon_host)) == 0 && !mon_host[0])) {
		r = -ENOENT;
		snprintf(why, whylen,
			 "no monitor address: no ceph.conf found (set ceph_conf, or CEPH_CONF, or create /etc/ceph/ceph.conf with mon_host)");
		goto out;
	}
	if (conf->keyring[0]) {
		r = rados_conf_set(cluster, "keyring", conf->keyring);
		if (r < 0) {
			snprintf(why, whylen, "cannot set keyring %s: %s", conf->keyring, strerror(-r));
			goto out;
		}
	}
	/* A sick cluster must not hang a worker forever: every wait is bounded. */
	r = conf_set_number(cluster, "rados_mon_op_timeout", conf->rados_timeout);
	if (r == 0)
		r = conf_set_number(cluster, "rados_osd_op_timeout", conf->rados_timeout);
	if (r == 0)
		r = conf_set_number(cluster, "client_mount_timeout", conf->rados_timeout);
	if (r < 0) {
		snprintf(why, whylen, "cannot set rados timeouts: %s", strerror(-r));
		goto out;
	}
	r = check_keyring(cluster, conf, why, whylen);
	if (r < 0)
		goto out;

	r = rados_connect(cluster);
	if (r < 0) {
		describe_connect_error(cluster, conf, r, why, whylen);
		goto out;
	}
	*out = cluster;
	cluster = NULL;
out:
	if (cluster)
		rados_shutdown(cluster);
	return r;
}

/* "client.N at ADDR" for messages, the status page and blocklisting. */
static void describe_client(rados_t cluster, char *buf, size_t len)
{
	unsigned long long id = (unsigned long long)rados_get_instance_id(cluster);
	char *addrs = NULL;

	if (rados_getaddrs(cluster, &addrs) == 0 && addrs)
		snprintf(buf, len, "client.%llu at %s", id, addrs);
	else
		snprintf(buf, len, "client.%llu", id);
	free(addrs);
}

static void publish(struct ceph_conn *conn)
{
	if (!conn->score)
		return;
	__atomic_store_n(&conn->score->connected, conn->state == CEPH_CONNECTED, __ATOMIC_RELAXED);
	snprintf(conn->score->client, sizeof(conn->score->client), "%s",
		 conn->state == CEPH_CONNECTED ? conn->client : "");
}

static void count(struct ceph_conn *conn, uint64_t *counter)
{
	if (conn->board)
		__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

/* Waits on changed until ms have passed, or stop or loss was signalled.
 * Called and returns with the lock held. */
static void wait_ms(struct ceph_conn *conn, unsigned ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!conn->stopping && conn->state != CEPH_LOST &&
	       pthread_cond_timedwait(&conn->changed, &conn->lock, &until) == 0)
		;
}

/* Connects, retrying with back-off. Returns with the lock held, connected
 * or stopping. */
static void connect_until_connected(struct ceph_conn *conn)
{
	unsigned backoff_ms = BACKOFF_FIRST_MS;
	char why[sizeof(conn->why)];

	for (;;) {
		rados_t cluster = NULL;
		int r = ceph_connect_once(conn->conf, &cluster, why, sizeof(why));

		pthread_mutex_lock(&conn->lock);
		conn->attempts++;
		if (r == 0) {
			conn->cluster = cluster;
			conn->state = CEPH_CONNECTED;
			conn->why[0] = '\0';
			describe_client(cluster, conn->client, sizeof(conn->client));
			if (rados_cluster_fsid(cluster, conn->fsid, sizeof(conn->fsid)) < 0)
				conn->fsid[0] = '\0';
			publish(conn);
			pthread_cond_broadcast(&conn->changed);
			log_info("event=ceph.connected user=client.%s attempts=%u client=\"%s\"",
				 conn->conf->ceph_id, conn->attempts, conn->client);
			return;
		}
		conn->state = CEPH_FAILED;
		snprintf(conn->why, sizeof(conn->why), "%s", why);
		publish(conn);
		pthread_cond_broadcast(&conn->changed);
		/* Log the first failure and then every tenth: a long outage must
		 * not flood the journal, but must stay visible. */
		if (conn->attempts == 1 || conn->attempts % 10 == 0)
			log_warn("event=ceph.connect_failed attempt=%u retry_ms=%u errno=%d msg=\"%s\"",
				 conn->attempts, backoff_ms, -r, why);
		wait_ms(conn, backoff_ms);
		if (conn->stopping)
			return;
		pthread_mutex_unlock(&conn->lock);
		backoff_ms = backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff_ms * 2;
	}
}

/* The io context of the n-th pool (counting round), for the probe. */
static int probe_pool(rados_t cluster, unsigned n, rados_ioctx_t *ioctx)
{
	const char *pick = NULL;
	char *names = NULL;
	size_t len, count = 0;
	int r;

	r = ceph_pool_names(cluster, &names, &len);
	for (size_t at = 0; r == 0 && at < len && names[at]; at += strlen(names + at) + 1)
		count++;
	if (r == 0 && count == 0)
		r = -ENOENT;    /* no pool: nothing to be refused from */
	for (size_t at = 0, i = 0; r == 0 && !pick; at += strlen(names + at) + 1, i++)
		if (i == n % count)
			pick = names + at;
	if (r == 0)
		r = rados_ioctx_create(cluster, pick, ioctx);
	free(names);
	if (r < 0)
		*ioctx = NULL;
	return r;
}

/* One OSD read that a refused client cannot make: the stat of an object
 * that need not exist, in a pool. ENOENT or a timeout say nothing about
 * the client; only ESHUTDOWN (which Ceph also calls EBLOCKLISTED) does.
 * The io context is kept between probes; a pool this user may not read,
 * or one deleted under the probe, is traded for the next one. */
static int probe(rados_t cluster, rados_ioctx_t *ioctx, unsigned *pool_n)
{
	uint64_t size;
	time_t mtime;
	int r;

	if (!*ioctx) {
		r = probe_pool(cluster, *pool_n, ioctx);
		if (r < 0)
			return r == -ESHUTDOWN ? r : 0;
	}
	r = rados_stat(*ioctx, "rbd_rest_api.probe", &size, &mtime);
	if (r == -ESHUTDOWN)
		return r;
	if (r < 0 && r != -ENOENT && r != -ETIMEDOUT) {
		rados_ioctx_destroy(*ioctx);
		*ioctx = NULL;
		(*pool_n)++;
	}
	return 0;
}

/* Marks the connection lost (lock held). */
static void mark_lost(struct ceph_conn *conn, const char *what)
{
	if (conn->state != CEPH_CONNECTED)
		return;
	conn->state = CEPH_LOST;
	snprintf(conn->why, sizeof(conn->why),
		 "the cluster refused this worker's client (%s): it was blocklisted (a broken lock on an image, or `ceph osd blocklist add`) or its session was ended; a new client is connecting",
		 conn->client);
	if (conn->board)
		count(conn, &conn->board->ceph_lost);
	publish(conn);
	pthread_cond_broadcast(&conn->changed);
	log_warn("event=ceph.client_refused client=\"%s\" seen_by=%s", conn->client, what);
}

static void cache_clear(struct ceph_ioctx_cache *cache)
{
	for (size_t i = 0; i < cache->nioctxs; i++) {
		rados_ioctx_destroy(cache->ioctxs[i].ioctx);
		free(cache->ioctxs[i].pool);
	}
	free(cache->ioctxs);
	cache->ioctxs = NULL;
	cache->nioctxs = 0;
}

/* Drops a lost client once no request uses it (lock held on entry and
 * exit; released while librados shuts the client down). */
static void drop_lost_client(struct ceph_conn *conn, rados_ioctx_t *probe_ioctx)
{
	rados_t old;

	while (conn->busy && !conn->stopping)
		pthread_cond_wait(&conn->changed, &conn->lock);
	/* Every request thread is between requests and waits in
	 * ceph_conn_enter while state is LOST: the caches are ours. */
	for (unsigned t = 0; t < conn->ncaches; t++)
		cache_clear(&conn->caches[t]);
	old = conn->cluster;
	conn->cluster = NULL;
	conn->state = CEPH_CONNECTING;
	publish(conn);
	pthread_cond_broadcast(&conn->changed);
	pthread_mutex_unlock(&conn->lock);

	if (*probe_ioctx)
		rados_ioctx_destroy(*probe_ioctx);
	*probe_ioctx = NULL;
	rados_shutdown(old);
	pthread_mutex_lock(&conn->lock);
}

static void *connector_main(void *arg)
{
	struct ceph_conn *conn = arg;
	rados_ioctx_t probe_ioctx = NULL;
	unsigned probe_pool_n = 0;

	for (;;) {
		connect_until_connected(conn);
		/* Watch the connection until the cluster refuses the client. */
		while (!conn->stopping) {
			wait_ms(conn, PROBE_INTERVAL_MS);
			if (conn->stopping)
				break;
			if (conn->state == CEPH_CONNECTED) {
				rados_t cluster = conn->cluster;
				int r;

				pthread_mutex_unlock(&conn->lock);
				r = probe(cluster, &probe_ioctx, &probe_pool_n);
				pthread_mutex_lock(&conn->lock);
				if (r == -ESHUTDOWN)
					mark_lost(conn, "probe");
			}
			if (conn->state == CEPH_LOST) {
				drop_lost_client(conn, &probe_ioctx);
				if (conn->board)
					count(conn, &conn->board->ceph_reconnects);
				break;
			}
		}
		if (conn->stopping) {
			pthread_mutex_unlock(&conn->lock);
			if (probe_ioctx)
				rados_ioctx_destroy(probe_ioctx);
			return NULL;
		}
		pthread_mutex_unlock(&conn->lock);
		log_info("event=ceph.reconnecting user=client.%s", conn->conf->ceph_id);
	}
}

int ceph_conn_start(struct ceph_conn *conn, const struct conf *conf, struct scoreboard *board,
		    struct worker_score *score, unsigned nthreads)
{
	int r;

	memset(conn, 0, sizeof(*conn));
	conn->caches = calloc(nthreads ? nthreads : 1, sizeof(*conn->caches));
	if (!conn->caches)
		return -ENOMEM;
	conn->ncaches = nthreads;
	conn->conf = conf;
	conn->board = board;
	conn->score = score;
	conn->state = CEPH_CONNECTING;
	snprintf(conn->why, sizeof(conn->why), "still connecting to the cluster");
	pthread_mutex_init(&conn->lock, NULL);
	pthread_cond_init(&conn->changed, NULL);

	r = -pthread_create(&conn->thread, NULL, connector_main, conn);
	if (r < 0) {
		free(conn->caches);
		conn->caches = NULL;
		return r;
	}
	conn->thread_started = true;

	pthread_mutex_lock(&conn->lock);
	while (conn->state == CEPH_CONNECTING)
		pthread_cond_wait(&conn->changed, &conn->lock);
	pthread_mutex_unlock(&conn->lock);
	return 0;
}

void ceph_conn_stop(struct ceph_conn *conn)
{
	if (conn->thread_started) {
		pthread_mutex_lock(&conn->lock);
		conn->stopping = true;
		pthread_cond_broadcast(&conn->changed);
		pthread_mutex_unlock(&conn->lock);
		pthread_join(conn->thread, NULL);
		conn->thread_started = false;
	}
	for (unsigned t = 0; t < conn->ncaches; t++)
		cache_clear(&conn->caches[t]);
	free(conn->caches);
	conn->caches = NULL;
	conn->ncaches = 0;
	if (conn->cluster)
		rados_shutdown(conn->cluster);
	conn->cluster = NULL;
	pthread_cond_destroy(&conn->changed);
	pthread_mutex_destroy(&conn->lock);
}

void ceph_conn_enter(struct ceph_conn *conn)
{
	pthread_mutex_lock(&conn->lock);
	/* A lost client is being dropped: its io contexts go with it. That
	 * takes a moment; then the request is answered 503 while the new
	 * client connects. */
	while (conn->state == CEPH_LOST && !conn->stopping)
		pthread_cond_wait(&conn->changed, &conn->lock);
	conn->busy++;
	pthread_mutex_unlock(&conn->lock);
}

void ceph_conn_leave(struct ceph_conn *conn)
{
	pthread_mutex_lock(&conn->lock);
	/* Only drop_lost_client waits for the last request to leave. A
	 * broadcast on every request woke the connector thread out of its
	 * probe interval each time: a thread switch and about six futex calls
	 * per request (issue 32). */
	if (--conn->busy == 0 && conn->state == CEPH_LOST)
		pthread_cond_broadcast(&conn->changed);
	pthread_mutex_unlock(&conn->lock);
}

void ceph_conn_lost(struct ceph_conn *conn, const char *what, char *client, size_t clientlen)
{
	pthread_mutex_lock(&conn->lock);
	snprintf(client, clientlen, "%s", conn->client);
	mark_lost(conn, what);
	pthread_mutex_unlock(&conn->lock);
}

int ceph_cluster_fsid(struct ceph_conn *conn, char *fsid, size_t len, char *why, size_t whylen)
{
	int r = 0;

	pthread_mutex_lock(&conn->lock);
	if (conn->state != CEPH_CONNECTED) {
		snprintf(why, whylen, "%s", conn->why);
		r = -ENOTCONN;
	} else if (!conn->fsid[0]) {
		r = -ENODATA;
	} else {
		snprintf(fsid, len, "%s", conn->fsid);
	}
	pthread_mutex_unlock(&conn->lock);
	return r;
}

int ceph_cluster(struct ceph_conn *conn, rados_t *cluster, char *why, size_t whylen)
{
	int r = 0;

	pthread_mutex_lock(&conn->lock);
	if (conn->state == CEPH_CONNECTED)
		*cluster = conn->cluster;
	else {
		snprintf(why, whylen, "%s", conn->why);
		r = -ENOTCONN;
	}
	pthread_mutex_unlock(&conn->lock);
	return r;
}

static void forget_at(struct ceph_ioctx_cache *cache, size_t i)
{
	rados_ioctx_destroy(cache->ioctxs[i].ioctx);
	free(cache->ioctxs[i].pool);
	cache->ioctxs[i] = cache->ioctxs[--cache->nioctxs];
}

void ceph_ioctx_forget(struct ceph_ioctx_cache *cache, const char *pool)
{
	for (size_t i = 0; i < cache->nioctxs; i++) {
		if (strcmp(cache->ioctxs[i].pool, pool) == 0) {
			forget_at(cache, i);
			return;
		}
	}
}

int ceph_ioctx(struct ceph_conn *conn, struct ceph_ioctx_cache *cache, const char *pool,
	       const char *ns, rados_ioctx_t *ioctx, char *why, size_t whylen)
{
	struct pool_ioctx *grown;
	rados_ioctx_t created = NULL;
	rados_t cluster;
	int64_t pool_id;
	int r;

	r = ceph_cluster(conn, &cluster, why, whylen);
	if (r < 0)
		return r;
	/* The lookup is answered from the local OSD map (refreshed by librados
	 * when the name is unknown), so it is cheap; it catches a pool that
	 * was deleted and re-created under the same name since we cached it. */
	pool_id = rados_pool_lookup(cluster, pool);
	if (pool_id < 0) {
		ceph_ioctx_forget(cache, pool);
		snprintf(why, whylen, "pool %s does not exist", pool);
		return (int)pool_id;
	}
	for (size_t i = 0; i < cache->nioctxs; i++) {
		if (strcmp(cache->ioctxs[i].pool, pool) != 0)
			continue;
		if (cache->ioctxs[i].pool_id == pool_id) {
			rados_ioctx_set_namespace(cache->ioctxs[i].ioctx, ns);
			*ioctx = cache->ioctxs[i].ioctx;
			return 0;
		}
		forget_at(cache, i);
		break;
	}

	r = rados_ioctx_create2(cluster, pool_id, &created);
	if (r < 0) {
		snprintf(why, whylen, "cannot open pool %s: %s", pool, strerror(-r));
		return r;
	}
	ceph_ioctx_full_try(created);
	grown = realloc(cache->ioctxs, (cache->nioctxs + 1) * sizeof(*grown));
	if (!grown) {
		rados_ioctx_destroy(created);
		return -ENOMEM;
	}
	cache->ioctxs = grown;
	grown[cache->nioctxs].pool = strdup(pool);
	if (!grown[cache->nioctxs].pool) {
		rados_ioctx_destroy(created);
		return -ENOMEM;
	}
	grown[cache->nioctxs].pool_id = pool_id;
	grown[cache->nioctxs].ioctx = created;
	cache->nioctxs++;
	rados_ioctx_set_namespace(created, ns);
	*ioctx = created;
	return 0;
}

void ceph_ioctx_full_try(rados_ioctx_t ioctx)
{
	rados_set_pool_full_try(ioctx);
}

int ceph_read_list(ceph_list_fn fn, void *handle, char **out, size_t *outlen)
{
	size_t len = 256;
	char *buf = NULL;
	int r;

	for (;;) {
		char *grown = realloc(buf, len);

		if (!grown) {
			free(buf);
			return -ENOMEM;
		}
		buf = grown;
		r = fn(handle, buf, &len);
		if (r != -ERANGE)
			break;
	}
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

int ceph_read_lists(ceph_lists_fn fn, void *handle, size_t n, char **bufs, size_t *lens)
{
	int r;

	if (n > CEPH_LISTS_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		bufs[i] = NULL;
	for (;;) {
		for (size_t i = 0; i < n; i++) {
			char *grown = realloc(bufs[i], lens[i] ? lens[i] : 1);

			if (!grown) {
				r = -ENOMEM;
				goto fail;
			}
			bufs[i] = grown;
			if (!lens[i])
				lens[i] = 1;
		}
		r = fn(handle, bufs, lens);
		if (r != -ERANGE)
			break;
	}
	if (r >= 0)
		return r;
fail:
	for (size_t i = 0; i < n; i++) {
		free(bufs[i]);
		bufs[i] = NULL;
	}
	return r;
}

int ceph_read_array(ceph_array_fn fn, void *handle, size_t size, void **out, size_t *count)
{
	size_t room = 16, n;
	void *buf = NULL;
	int r;

	for (;;) {
		void *grown = realloc(buf, room * size);

		if (!grown) {
			free(buf);
			return -ENOMEM;
		}
		buf = grown;
		n = room;
		r = fn(handle, buf, &n);
		if (r != -ERANGE)
			break;
		/* n is the room needed now; entries added meanwhile send us
		 * round again. */
		room = n + 16;
	}
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*count = n;
	return 0;
}

/* Past this, a call that still says -ERANGE is not short of room. */
#define TEXT_MAX (1 << 20)

struct text_call {
	ceph_text_fn fn;
	void *handle;
};

/* ceph_read_list's kind of call, for one that does not say how much room
 * it needs: twice as much, until TEXT_MAX. */
static int text_call(void *arg, char *buf, size_t *len)
{
	const struct text_call *call = arg;
	int r = call->fn(call->handle, buf, *len);

	if (r != -ERANGE)
		return r;
	if (*len >= TEXT_MAX)
		return -EOVERFLOW;
	*len *= 2;
	return r;
}

int ceph_read_text(ceph_text_fn fn, void *handle, char **out)
{
	struct text_call call = {fn, handle};
	size_t len;

	return ceph_read_list(text_call, &call, out, &len);
}

struct pool_by_id {
	rados_t cluster;
	int64_t id;
};

static int pool_reverse_lookup(void *handle, char *buf, size_t len)
{
	const struct pool_by_id *pool = handle;
	int r = rados_pool_reverse_lookup(pool->cluster, pool->id, buf, len);

	return r < 0 ? r : 0;
}

int ceph_pool_name(rados_t cluster, int64_t pool_id, char **name)
{
	struct pool_by_id pool = {cluster, pool_id};

	return ceph_read_text(pool_reverse_lookup, &pool, name);
}

static int pool_list(void *cluster, char *buf, size_t *len)
{
	int r = rados_pool_list(cluster, buf, *len);

	if (r < 0)
		return r;
	if ((size_t)r > *len) {
		*len = (size_t)r;
		return -ERANGE;
	}
	*len = (size_t)r;
	return 0;
}

int ceph_pool_names(rados_t cluster, char **names, size_t *len)
{
	return ceph_read_list(pool_list, cluster, names, len);
}
