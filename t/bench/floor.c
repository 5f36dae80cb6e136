/* SPDX-License-Identifier: Apache-2.0 */
/* floor - the least work librbd needs for each benchmarked operation, on
 * one cluster connection: what an HTTP service built on librbd's calls
 * cannot beat. (rbd-rest-api goes below it for get and detail: it reads
 * image headers with the rbd object class instead of opening images; see
 * src/rbd/image_header.h.)
 *
 *   floor OP POOL IMAGE (--iterations N | --duration S) [--threads N]
 *         [--client K] [--latencies FILE]
 *
 * OP is one of
 *   pools        rados_pool_list
 *   names        rbd_list2 of the pool
 *   detail       rbd_list2, then the first 100 images opened read-only at
 *                once (aio) and read as an Image is (stat, features, op
 *                features, flags, id, prefix, timestamps, snapshot count,
 *                parent), then closed
 *   get          the same for IMAGE alone
 *   create       rbd_create4 of a 1 GiB image (default features), then
 *                rbd_remove_with_progress
 *   snap         open IMAGE, rbd_snap_create, close; open, rbd_snap_remove,
 *                close (one open per request, as an HTTP request must)
 * Threads share the connection (rados_t and ioctx); they are clients
 * K ... K+N-1 (names and snapshot images are per client), so several
 * floor processes with distinct --client numbers can run side by side, as
 * our workers do (t/bench/run's "floor-procs"). Prints
 * "ops N errors E seconds S maxrss_kib K"; latencies in microseconds to
 * --latencies. Uses $CEPH_CONF as client.admin. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

#define DETAIL_PAGE 100

static rados_t cluster;
static rados_ioctx_t ioctx;
static const char *op, *pool, *image_name;
static long iterations;
static int first_client;
static double duration;

struct thread {
	int id;
	long ops, errors, nlat, caplat;
	long *lat;
	pthread_t handle;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int no_progress(uint64_t offset, uint64_t total, void *arg)
{
	(void)offset;
	(void)total;
	(void)arg;
	return 0;
}

/* What rendering an Image reads (src/rbd/image_json.c). */
static int read_image(rbd_image_t image)
{
	rbd_image_info_t info;
	uint64_t features, op_features, flags;
	uint8_t old_format;
	struct timespec ts;
	char id[64], prefix[RBD_MAX_BLOCK_NAME_SIZE];
	rbd_snap_info_t probe;
	rbd_linked_image_spec_t parent;
	rbd_snap_spec_t snap;
	int max = 0, r;

	r = rbd_stat(image, &info, sizeof(info));
	if (r == 0)
		r = rbd_get_features(image, &features);
	if (r == 0)
		r = rbd_get_op_features(image, &op_features);
	if (r == 0)
		r = rbd_get_flags(image, &flags);
	if (r == 0)
		r = rbd_get_old_format(image, &old_format);
	if (r == 0)
		r = rbd_get_id(image, id, sizeof(id));
	if (r == 0)
		r = rbd_get_block_name_prefix(image, prefix, sizeof(prefix));
	if (r == 0)
		r = rbd_get_create_timestamp(image, &ts);
	if (r == 0)
		r = rbd_get_access_timestamp(image, &ts);
	if (r == 0)
		r = rbd_get_modify_timestamp(image, &ts);
	if (r < 0)
		return r;
	r = rbd_snap_list(image, &probe, &max);
	if (r < 0 && r != -ERANGE)
		return r;
	r = rbd_get_parent(image, &parent, &snap);
	if (r == 0) {
		rbd_linked_image_spec_cleanup(&parent);
		rbd_snap_spec_cleanup(&snap);
	}
	return r == -ENOENT ? 0 : r;
}

static int op_detail(void)
{
	rbd_image_spec_t specs[2048];
	size_t max = sizeof(specs) / sizeof(specs[0]);
	rbd_image_t images[DETAIL_PAGE];
	rbd_completion_t done[DETAIL_PAGE];
	int opened[DETAIL_PAGE];
	size_t n;
	int r;

	r = rbd_list2(ioctx, specs, &max);
	if (r < 0)
		return r;
	n = max < DETAIL_PAGE ? max : DETAIL_PAGE;
	for (size_t i = 0; i < n; i++) {
		rbd_aio_create_completion(NULL, NULL, &done[i]);
		opened[i] = rbd_aio_open_read_only(ioctx, specs[i].name, &images[i], NULL, done[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (opened[i] == 0) {
			rbd_aio_wait_for_complete(done[i]);
			opened[i] = (int)rbd_aio_get_return_value(done[i]);
		}
		rbd_aio_release(done[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (opened[i] < 0) {
			r = opened[i];
			continue;
		}
		if (read_image(images[i]) < 0)
			r = -EIO;
		rbd_close(images[i]);
	}
	rbd_image_spec_list_cleanup(specs, max);
	return r < 0 ? r : 0;
}

static int run_op(struct thread *t, long iter)
{
	char name[128];
	rbd_image_t image;
	int r;

	if (!strcmp(op, "pools")) {
		char buf[4096];

		r = rados_pool_list(cluster, buf, sizeof(buf));
		return r < 0 ? r : 0;
	}
	if (!strcmp(op, "names")) {
		rbd_image_spec_t specs[2048];
		size_t max = sizeof(specs) / sizeof(specs[0]);

		r = rbd_list2(ioctx, specs, &max);
		if (r >= 0)
			rbd_image_spec_list_cleanup(specs, max);
		return r < 0 ? r : 0;
	}
	if (!strcmp(op, "detail"))
		return op_detail();
	if (!strcmp(op, "get")) {
		r = rbd_open_read_only(ioctx, image_name, &image, NULL);
		if (r < 0)
			return r;
		r = read_image(image);
		rbd_close(image);
		return r;
	}
	if (!strcmp(op, "read4m")) {
		/* What a 4 MiB Range read of image content costs at least: open,
		 * read, close (t/bench/data.sh). */
		uint64_t size;
		char *buf = malloc(4u << 20);

		r = buf ? rbd_open_read_only(ioctx, image_name, &image, NULL) : -ENOMEM;
		if (r == 0) {
			r = rbd_get_size(image, &size);
			if (r == 0 && size >= (4u << 20)) {
				ssize_t n = rbd_read(image, ((uint64_t)iter << 22) % (size - (4u << 20) + 1),
						     4u << 20, buf);
				r = n < 0 ? (int)n : 0;
			}
			rbd_close(image);
		}
		free(buf);
		return r;
	}
	snprintf(name, sizeof(name), "floor-%d-%ld", t->id, iter);
	if (!strcmp(op, "create")) {
		rbd_image_options_t opts;

		rbd_image_options_create(&opts);
		r = rbd_create4(ioctx, name, 1ull << 30, opts);
		rbd_image_options_destroy(opts);
		if (r < 0)
			return r;
		return rbd_remove_with_progress(ioctx, name, no_progress, NULL);
	}
	if (!strcmp(op, "snap")) {
		char target[256];

		/* One image per thread: the HTTP clients do the same. */
		snprintf(target, sizeof(target), "%s-%d", image_name, t->id);
		r = rbd_open(ioctx, target, &image, NULL);
		if (r < 0)
			return r;
		r = rbd_snap_create(image, name);
		rbd_close(image);
		if (r < 0)
			return r;
		r = rbd_open(ioctx, target, &image, NULL);
		if (r < 0)
			return r;
		r = rbd_snap_remove(image, name);
		rbd_close(image);
		return r;
	}
	fprintf(stderr, "floor: unknown op %s\n", op);
	exit(2);
}

static void *work(void *arg)
{
	struct thread *t = arg;
	double deadline = duration > 0 ? now() + duration : 0;

	for (long i = 0; iterations ? i < iterations : now() < deadline; i++) {
		double t0 = now();
		int r = run_op(t, i);

		if (r < 0) {
			if (t->errors++ < 3)
				fprintf(stderr, "floor: %s: %s\n", op, strerror(-r));
		} else {
			t->ops++;
		}
		if (t->nlat == t->caplat) {
			t->caplat = t->caplat ? t->caplat * 2 : 4096;
			t->lat = realloc(t->lat, (size_t)t->caplat * sizeof(long));
			if (!t->lat)
				exit(3);
		}
		t->lat[t->nlat++] = (long)((now() - t0) * 1e6);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *latencies = NULL;
	int nthreads = 1;
	struct thread *threads;
	long ops = 0, errors = 0;
	struct rusage ru;
	double t0, seconds;
	FILE *lf = NULL;

	if (argc < 4) {
		fprintf(stderr, "usage: floor OP POOL IMAGE (--iterations N | --duration S) "
				"[--threads N] [--client K] [--latencies FILE]\n");
		return 2;
	}
	op = argv[1];
	pool = argv[2];
	image_name = argv[3];
	for (int i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--iterations"))
			iterations = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--duration"))
			duration = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--threads"))
			nthreads = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--client"))
			first_client = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--latencies"))
			latencies = argv[i + 1];
	}
	if ((!iterations && duration <= 0) || nthreads < 1 || nthreads > 64) {
		fprintf(stderr, "floor: need --iterations or --duration, 1-64 threads\n");
		return 2;
	}
	if (rados_create(&cluster, "admin") < 0 || rados_conf_read_file(cluster, NULL) < 0 ||
	    rados_connect(cluster) < 0 || rados_ioctx_create(cluster, pool, &ioctx) < 0) {
		fprintf(stderr, "floor: cannot reach pool %s\n", pool);
		return 1;
	}
	threads = calloc((size_t)nthreads, sizeof(*threads));
	if (!threads)
		return 3;
	t0 = now();
	for (int i = 0; i < nthreads; i++) {
		threads[i].id = first_client + i;
		pthread_create(&threads[i].handle, NULL, work, &threads[i]);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i].handle, NULL);
	seconds = now() - t0;
	if (latencies && !(lf = fopen(latencies, "w")))
		return 3;
	for (int i = 0; i < nthreads; i++) {
		ops += threads[i].ops;
		errors += threads[i].errors;
		for (long j = 0; lf && j < threads[i].nlat; j++)
			fprintf(lf, "%ld\n", threads[i].lat[j]);
	}
	if (lf)
		fclose(lf);
	getrusage(RUSAGE_SELF, &ru);
	printf("ops %ld errors %ld seconds %.6f maxrss_kib %ld\n", ops, errors, seconds, ru.ru_maxrss);
	rados_ioctx_destroy(ioctx);
	rados_shutdown(cluster);
	return errors ? 1 : 0;
}
