/* SPDX-License-Identifier: Apache-2.0 */
/* api_stats.c - I/O statistics per image: GET /api/v1/pools/{pool}/stats
 * and .../images/{image}/stats.
 *
 * The numbers are the manager's ("rbd perf image stats", behind `rbd perf
 * image iostat`): the OSDs count every client's operations per image, and
 * the manager averages them over its last few seconds. It starts counting
 * for a pool on the first question and stops after a while without one,
 * so the first answer after a pause may be empty: ask again in a few
 * seconds. An image without I/O in that window is not listed (a single
 * image's stats are then zeros). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_tasks.h"
#include "image_query.h"
#include "json_out.h"
#include "mon.h"
#include "name_list.h"
#include "routes.h"

#define STATS_LIMIT_DEFAULT 100
#define STATS_LIMIT_MAX 10000

/* The manager's stat names, in the order its answer lists the values
 * (stat_descriptors), and how an item calls each. */
static const struct {
	const char *stat;
	const char *field;
} stat_fields[] = {
	{"write_ops", "write_ops_per_sec"},	{"read_ops", "read_ops_per_sec"},
	{"write_bytes", "write_bytes_per_sec"}, {"read_bytes", "read_bytes_per_sec"},
	{"write_latency", "write_latency_ns"},	{"read_latency", "read_latency_ns"},
};
#define NSTATS (sizeof(stat_fields) / sizeof(stat_fields[0]))

static const char *const sort_names =
	"write_ops, read_ops, write_bytes, read_bytes, write_latency, read_latency";

/* The manager's answer for pool_spec ("pool" or "pool/ns"), sorted by
 * sort: the parsed object (owned by the caller), or NULL with the answer
 * in resp. */
static struct json_object *read_stats(struct request *req, struct response *resp,
				      const char *pool_spec, const char *sort)
{
	static const char *const prefix = "rbd perf image stats";
	const char *args[] = {"pool_spec", pool_spec, "sort_by", sort, NULL};
	struct mgr_reply reply = {0};
	struct json_object *parsed;
	rados_t cluster;
	int r;

	r = api_cluster(req, resp, &cluster);
	if (r < 0)
		return NULL;
	r = mgr_call_args(cluster, prefix, args, &reply);
	if (r < 0) {
		api_mgr_fail(resp, r, prefix, pool_spec, &reply);
		mgr_reply_free(&reply);
		return NULL;
	}
	parsed = json_tokener_parse(reply.out);
	if (!parsed || !json_object_is_type(parsed, json_type_object)) {
		response_fail(resp, -EBADMSG, "the manager's answer to \"%s\" is not an object: %.200s",
			      prefix, reply.out);
		json_object_put(parsed);
		parsed = NULL;
	}
	mgr_reply_free(&reply);
	return parsed;
}

static double stat_value(struct json_object *values, size_t i)
{
	struct json_object *value = json_object_array_get_idx(values, i);

	return value ? json_object_get_double(value) : 0.0;
}

/* Adds the six numbers to item; values NULL for zeros. The manager's
 * values follow its stat_descriptors, looked up by name. */
static int add_numbers(struct json_object *item, struct json_object *descriptors,
		       struct json_object *values)
{
	for (size_t k = 0; k < NSTATS; k++) {
		double value = 0.0;

		for (size_t i = 0; values && i < json_object_array_length(descriptors); i++) {
			const char *name =
				json_object_get_string(json_object_array_get_idx(descriptors, i));

			if (name && strcmp(name, stat_fields[k].stat) == 0)
				value = stat_value(values, i);
		}
		if (json_add_u64(item, stat_fields[k].field, value > 0 ? (uint64_t)(value + 0.5) : 0) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Splits a stats key, "<pool key>/[ns/]image", into the pool descriptor
 * ("pool" or "pool/ns") and the image name. */
static int split_key(const char *key, struct json_object *pools, char *pool, size_t poollen,
		     char *ns, size_t nslen, const char **image)
{
	const char *slash = strchr(key, '/');
	const char *descriptor, *ns_slash;
	char index[32];

	if (!slash || (size_t)(slash - key) >= sizeof(index))
		return -EBADMSG;
	snprintf(index, sizeof(index), "%.*s", (int)(slash - key), key);
	descriptor = json_in_get_string(pools, index);
	if (!descriptor)
		return -EBADMSG;
	ns_slash = strchr(descriptor, '/');
	snprintf(pool, poollen, "%.*s",
		 ns_slash ? (int)(ns_slash - descriptor) : (int)strlen(descriptor), descriptor);
	snprintf(ns, nslen, "%s", ns_slash ? ns_slash + 1 : "");
	*image = slash + 1;
	return 0;
}

/* Walks the answer's stats, calling take for each image with its item
 * filled (pool, namespace, image and the numbers); take returns 1 to
 * stop, 0 to go on, or a negative errno. */
static int each_image(struct json_object *answer, int (*take)(struct json_object *item, void *arg),
		      void *arg)
{
	struct json_object *stats, *descriptors, *pools;
	int r = 0;

	if (!json_object_object_get_ex(answer, "stats", &stats) ||
	    !json_object_object_get_ex(answer, "stat_descriptors", &descriptors) ||
	    !json_object_object_get_ex(answer, "pool_descriptors", &pools))
		return -EBADMSG;
	for (size_t i = 0; r == 0 && i < json_object_array_length(stats); i++) {
		json_object_object_foreach(json_object_array_get_idx(stats, i), key, values)
		{
			char pool[NAME_MAX_BYTES + 1], ns[NAME_MAX_BYTES + 1];
			struct json_object *item;
			const char *image;

			if (split_key(key, pools, pool, sizeof(pool), ns, sizeof(ns), &image) < 0)
				continue;
			item = json_object_new_object();
			if (!item || json_add_string(item, "pool", pool) < 0 ||
			    json_add_string(item, "namespace", ns) < 0 ||
			    json_add_name(item, "image", image, "image") < 0 ||
			    add_numbers(item, descriptors, values) < 0) {
				json_object_put(item);
				return -ENOMEM;
			}
			r = take(item, arg);
			if (r != 0)
				break;
		}
	}
	return r < 0 ? r : 0;
}

static int add_timestamp(struct json_object *body, struct json_object *answer)
{
	struct json_object *value;
	struct timespec when = {0};

	if (!json_object_object_get_ex(answer, "timestamp", &value))
		return 0;
	when.tv_sec = (time_t)json_object_get_double(value);
	return json_add_time(body, "timestamp", &when);
}

/* The items of every namespace of a pool, each with the value it is
 * sorted by. */
struct ranked {
	struct json_object *item;
	double key;
	size_t order; /* the manager's order, for ties */
};

struct ranking {
	struct ranked *items;
	size_t count, room;
	const char *field; /* the item's field sorted by */
};

static int take_ranked(struct json_object *item, void *arg)
{
	struct ranking *ranking = arg;
	struct json_object *value;

	if (ranking->count == ranking->room) {
		size_t room = ranking->room ? 2 * ranking->room : 64;
		struct ranked *grown = realloc(ranking->items, room * sizeof(*grown));

		if (!grown) {
			json_object_put(item);
			return -ENOMEM;
		}
		ranking->items = grown;
		ranking->room = room;
	}
	json_object_object_get_ex(item, ranking->field, &value);
	ranking->items[ranking->count] =
		(struct ranked){item, json_object_get_double(value), ranking->count};
	ranking->count++;
	return 0;
}

static int by_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void ranking_free(struct ranking *ranking)
{
	for (size_t i = 0; i < ranking->count; i++)
		json_object_put(ranking->items[i].item);
	free(ranking->items);
}

static int check_sort(struct request *req, struct response *resp, const char **sort, const char **field)
{
	*sort = request_query(req, "sort");
	if (!*sort)
		*sort = "write_ops";
	for (size_t k = 0; k < NSTATS; k++)
		if (strcmp(*sort, stat_fields[k].stat) == 0) {
			*field = stat_fields[k].field;
			return 0;
		}
	return response_fail(resp, -EINVAL, "query parameter \"sort\" must be one of %s, not \"%.64s\"",
			     sort_names, *sort);
}

static int answer_unexpected(struct response *resp, int r)
{
	return r == -ENOMEM
		       ? response_oom(resp)
		       : response_fail(resp, r,
				       "the manager's answer to \"rbd perf image stats\" is not as expected");
}

/* The manager's numbers for pool_spec, added to ranking; its timestamp
 * into body once (the default namespace's, asked first). */
static int rank_spec(struct request *req, struct response *resp, const char *pool_spec,
		     const char *sort, struct ranking *ranking, struct json_object *body)
{
	struct json_object *answer = read_stats(req, resp, pool_spec, sort);
	int r;

	if (!answer)
		return -EIO;
	r = json_object_object_get_ex(body, "timestamp", NULL) ? 0 : add_timestamp(body, answer);
	if (r == 0)
		r = each_image(answer, take_ranked, ranking);
	json_object_put(answer);
	return r < 0 ? answer_unexpected(resp, r) : 0;
}

/* The manager counts a pool spec "pool" for the default namespace alone
 * (rbd_support's pool key is (pool, "")), and there is no spec for "every
 * namespace of one pool": the pool's list asks for each namespace and
 * ranks them together. */
int api_pool_stats(struct request *req, struct response *resp)
{
	const char *pool = request_capture(req, "pool");
	struct json_object *body = NULL, *items;
	struct ranking ranking = {0};
	char *namespaces = NULL;
	size_t namespaces_len = 0;
	unsigned long limit;
	rados_ioctx_t ioctx;
	const char *sort, *ns;
	int r;

	r = check_sort(req, resp, &sort, &ranking.field);
	if (r < 0)
		return r;
	r = request_query_uint(req, "limit", STATS_LIMIT_DEFAULT, 1, STATS_LIMIT_MAX, &limit, resp);
	if (r < 0)
		return r;
	/* A missing pool is our 404, not the manager's "Invalid pool spec". */
	r = api_ioctx(req, resp, pool, "", &ioctx);
	if (r < 0)
		return r;
	r = namespace_names(ioctx, &namespaces, &namespaces_len);
	if (r < 0) {
		response_fail_errno(resp, r, "listing the namespaces of pool %s failed", pool);
		goto out;
	}
	body = json_list_envelope("ImageStatsList", &items);
	r = body ? json_add_string(body, "pool", pool) : -ENOMEM;
	if (r == 0)
		r = json_add_string(body, "sort", sort);
	if (r < 0) {
		r = response_oom(resp);
		goto out;
	}
	r = rank_spec(req, resp, pool, sort, &ranking, body);
	for (size_t at = 0; r == 0 && (ns = name_list_next(namespaces, namespaces_len, &at));) {
		char *spec = NULL;

		if (asprintf(&spec, "%s/%s", pool, ns) < 0) {
			r = response_oom(resp);
			break;
		}
		r = rank_spec(req, resp, spec, sort, &ranking, body);
		free(spec);
	}
	if (r < 0)
		goto out;
	qsort(ranking.items, ranking.count, sizeof(*ranking.items), by_rank);
	for (size_t i = 0; i < ranking.count && i < limit; i++) {
		if (json_array_take(items, ranking.items[i].item) < 0) {
			ranking.items[i].item = NULL;
			r = response_oom(resp);
			goto out;
		}
		ranking.items[i].item = NULL;
	}
	response_json(resp, 200, body);
	body = NULL;
out:
	ranking_free(&ranking);
	free(namespaces);
	json_object_put(body);
	return r;
}

struct find {
	const char *name;
	struct json_object *found;
};

static int take_if_named(struct json_object *item, void *arg)
{
	struct find *find = arg;

	if (!find->found && strcmp(json_in_get_string(item, "image"), find->name) == 0) {
		find->found = item;
		return 1;
	}
	json_object_put(item);
	return 0;
}

int api_image_stats(struct request *req, struct response *resp)
{
	struct json_object *answer = NULL, *body = NULL, *descriptors = NULL;
	struct find find = {0};
	char pool_spec[2 * NAME_MAX_BYTES + 2];
	struct image_ref ref;
	rados_ioctx_t ioctx;
	rbd_image_t image;
	int r;

	/* Opened only to answer 404 for a missing image, as every image
	 * route does; the manager's numbers need no open image. */
	r = api_image_use(req, resp, &ref, &ioctx, &image);
	if (r < 0)
		return r;
	api_release(req, image);
	snprintf(pool_spec, sizeof(pool_spec), "%s%s%s", ref.pool, *ref.ns ? "/" : "", ref.ns);
	answer = read_stats(req, resp, pool_spec, "write_ops");
	if (!answer)
		return -EIO;
	find.name = ref.name;
	r = each_image(answer, take_if_named, &find);
	body = json_envelope("ImageStats");
	if (r == 0 && !body)
		r = -ENOMEM;
	if (r == 0)
		r = add_timestamp(body, answer);
	if (r == 0 && find.found) {
		/* Ours, with the numbers the manager has. */
		json_object_object_foreach(find.found, key, value) if (r == 0) r =
			json_object_object_add(body, key, json_object_get(value));
	} else if (r == 0) {
		/* No I/O in the manager's window: zeros. */
		json_object_object_get_ex(answer, "stat_descriptors", &descriptors);
		if (json_add_string(body, "pool", ref.pool) < 0 ||
		    json_add_string(body, "namespace", ref.ns) < 0 ||
		    json_add_name(body, "image", ref.name, "image") < 0 ||
		    add_numbers(body, descriptors, NULL) < 0)
			r = -ENOMEM;
	}
	if (r < 0) {
		r = answer_unexpected(resp, r);
		goto out;
	}
	response_json(resp, 200, body);
	body = NULL;
out:
	json_object_put(find.found);
	json_object_put(body);
	json_object_put(answer);
	return r;
}
