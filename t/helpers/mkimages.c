/* SPDX-License-Identifier: Apache-2.0 */
/* mkimages - create many small images fast, for listing tests.
 *
 *   mkimages POOL PREFIX COUNT [THREADS]
 *
 * Creates PREFIX-00001 ... (1 MiB, layering only) on one cluster
 * connection from $CEPH_CONF as client.admin, spread over THREADS threads
 * (default 8), since each create is a few round trips to the cluster. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

struct job {
	rados_ioctx_t ioctx;
	const char *prefix;
	int first, count, failed;
};

static void *create_some(void *arg)
{
	struct job *job = arg;

	for (int i = job->first; i < job->first + job->count; i++) {
		char name[256];
		int order = 22;

		snprintf(name, sizeof(name), "%s-%05d", job->prefix, i + 1);
		if (rbd_create2(job->ioctx, name, 1 << 20, RBD_FEATURE_LAYERING, &order) < 0)
			job->failed++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	rados_t cluster;
	rados_ioctx_t ioctx;
	struct job jobs[64];
	pthread_t threads[64];
	int count, nthreads, failed = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: mkimages POOL PREFIX COUNT [THREADS]\n");
		return 2;
	}
	count = atoi(argv[3]);
	nthreads = argc > 4 ? atoi(argv[4]) : 8;
	if (nthreads < 1 || nthreads > 64)
		nthreads = 8;
	if (rados_create(&cluster, "admin") < 0 || rados_conf_read_file(cluster, NULL) < 0 ||
	    rados_connect(cluster) < 0 || rados_ioctx_create(cluster, argv[1], &ioctx) < 0) {
		fprintf(stderr, "mkimages: cannot reach pool %s\n", argv[1]);
		return 1;
	}
	for (int t = 0; t < nthreads; t++) {
		jobs[t] = (struct job){ioctx, argv[2], count * t / nthreads,
				       count * (t + 1) / nthreads - count * t / nthreads, 0};
		pthread_create(&threads[t], NULL, create_some, &jobs[t]);
	}
	for (int t = 0; t < nthreads; t++) {
		pthread_join(threads[t], NULL);
		failed += jobs[t].failed;
	}
	rados_ioctx_destroy(ioctx);
	rados_shutdown(cluster);
	if (failed)
		fprintf(stderr, "mkimages: %d creates failed\n", failed);
	return failed ? 1 : 0;
}
