/* SPDX-License-Identifier: Apache-2.0 */
/* image_json.c - rendering an Image (see image_json.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ceph.h"
#include "rbd_features.h"
#include "image_json.h"
#include "unfinished.h"
#include "json_out.h"

int image_snapshot_count(rbd_image_t image)
{
	rbd_snap_info_t probe;
	int max = 0;
	int r;

	/* With room for none, librbd answers -ERANGE and the room it needs:
	 * one more than the count, for the terminating entry. */
	r = rbd_snap_list(image, &probe, &max);
	if (r == -ERANGE)
		return max - 1;
	return r < 0 ? r : 0;
}

static int add_parent(struct json_object *obj, const struct image_facts *facts)
{
	struct json_object *value;
	int r;

	if (!facts->has_parent)
		return json_object_object_add(obj, "parent", NULL) < 0 ? -ENOMEM : 0;
	value = json_object_new_object();
	if (!value || json_object_object_add(obj, "parent", value) < 0) {
		json_object_put(value);
		return -ENOMEM;
	}
	r = json_add_string(value, "pool", facts->parent.pool_name);
	if (r == 0)
		r = json_add_string(value, "namespace", facts->parent.pool_namespace);
	if (r == 0)
		r = json_add_name(value, "image", facts->parent.image_name, "image");
	if (r == 0)
		r = json_add_string(value, "id", facts->parent.image_id);
	if (r == 0)
		r = json_add_string(value, "snapshot", facts->parent_snap.name);
	if (r == 0)
		r = json_add_u64(value, "overlap", facts->overlap);
	return r;
}

/* "group": {"pool", "namespace", "name"} of the image's group, or null. */
static int add_group(struct json_object *obj, const struct image_facts *facts,
		     rados_ioctx_t ioctx, const char *ns)
{
	struct json_object *value;
	char *pool;
	int r;

	if (!facts->group_name)
		return json_object_object_add(obj, "group", NULL) < 0 ? -ENOMEM : 0;
	r = ceph_pool_name(rados_ioctx_get_cluster(ioctx), facts->group_pool, &pool);
	if (r < 0)
		return r;
	value = json_object_new_object();
	if (!value || json_object_object_add(obj, "group", value) < 0) {
		json_object_put(value);
		free(pool);
		return -ENOMEM;
	}
	r = json_add_string(value, "pool", pool);
	free(pool);
	if (r == 0)
		r = json_add_string(value, "namespace", ns);
	if (r == 0)
		r = json_add_name(value, "name", facts->group_name, "group");
	return r;
}

/* The group of an open image into facts (one round trip: librbd does not
 * keep it in the open image). */
static int read_group(rbd_image_t image, struct image_facts *facts)
{
	rbd_group_info_t group;
	int r;

	facts->group_pool = -1;
	r = rbd_get_group(image, &group, sizeof(group));
	if (r < 0)
		return r;
	if (group.pool >= 0) {
		facts->group_pool = group.pool;
		facts->group_name = strdup(group.name ? group.name : "");
		r = facts->group_name ? 0 : -ENOMEM;
	}
	rbd_group_info_cleanup(&group, sizeof(group));
	return r;
}

static int add_array(struct json_object *obj, const char *key, struct json_object *array)
{
	if (!array)
		return -ENOMEM;
	if (json_object_object_add(obj, key, array) < 0) {
		json_object_put(array);
		return -ENOMEM;
	}
	return 0;
}

static int add_data_pool(struct json_object *obj, int64_t data_pool, rados_ioctx_t ioctx)
{
	char *name;
	int r;

	if (data_pool < 0 || data_pool == rados_ioctx_get_id(ioctx))
		return 0;
	r = ceph_pool_name(rados_ioctx_get_cluster(ioctx), data_pool, &name);
	if (r < 0)
		return r;
	r = json_add_string(obj, "data_pool", name);
	free(name);
	return r;
}

static int read_id(void *image, char *buf, size_t len)
{
	return rbd_get_id(image, buf, len);
}

static int read_prefix(void *image, char *buf, size_t len)
{
	return rbd_get_block_name_prefix(image, buf, len);
}

int image_facts_read(rbd_image_t image, struct image_facts *facts)
{
	rbd_image_info_t info;
	uint8_t old_format = 0;
	int r;

	memset(facts, 0, sizeof(*facts));
	r = rbd_stat(image, &info, sizeof(info));
	if (r == 0)
		r = rbd_get_features(image, &facts->features);
	if (r == 0)
		r = rbd_get_op_features(image, &facts->op_features);
	if (r == 0)
		r = rbd_get_flags(image, &facts->flags);
	if (r == 0)
		r = rbd_get_old_format(image, &old_format);
	if (r == 0)
		r = ceph_read_text(read_id, image, &facts->id);
	if (r == 0)
		r = ceph_read_text(read_prefix, image, &facts->prefix);
	if (r == 0)
		r = rbd_get_create_timestamp(image, &facts->created);
	if (r == 0)
		r = rbd_get_access_timestamp(image, &facts->accessed);
	if (r == 0)
		r = rbd_get_modify_timestamp(image, &facts->modified);
	if (r == 0) {
		facts->snapshots = image_snapshot_count(image);
		r = facts->snapshots < 0 ? facts->snapshots : 0;
	}
	if (r == 0)
		r = rbd_get_stripe_unit(image, &facts->stripe_unit);
	if (r == 0)
		r = rbd_get_stripe_count(image, &facts->stripe_count);
	if (r == 0) {
		r = rbd_get_parent(image, &facts->parent, &facts->parent_snap);
		facts->has_parent = r == 0;
		if (r == -ENOENT)
			r = 0;
	}
	if (r == 0 && facts->has_parent)
		r = rbd_get_overlap(image, &facts->overlap);
	if (r == 0)
		r = read_group(image, facts);
	if (r < 0) {
		image_facts_cleanup(facts);
		return r;
	}
	facts->size = info.size;
	facts->object_size = info.obj_size;
	facts->order = info.order;
	facts->num_objects = info.num_objs;
	facts->format = old_format ? 1 : 2;
	facts->data_pool = rbd_get_data_pool_id(image);
	return 0;
}

void image_facts_cleanup(struct image_facts *facts)
{
	free(facts->id);
	free(facts->prefix);
	free(facts->group_name);
	facts->id = facts->prefix = facts->group_name = NULL;
	if (!facts->has_parent)
		return;
	rbd_linked_image_spec_cleanup(&facts->parent);
	rbd_snap_spec_cleanup(&facts->parent_snap);
	facts->has_parent = 0;
}

int image_facts_json(const struct image_facts *facts, rados_ioctx_t ioctx, const char *pool,
		     const char *ns, const char *name, struct json_object *obj)
{
	int r;

	r = json_add_string(obj, "pool", pool);
	if (r == 0)
		r = json_add_string(obj, "namespace", ns);
	if (r == 0)
		r = json_add_name(obj, "name", name, "image");
	if (r == 0)
		r = json_add_string(obj, "id", facts->id);
	if (r == 0)
		r = json_add_u64(obj, "size", facts->size);
	if (r == 0)
		r = json_add_u64(obj, "object_size", facts->object_size);
	if (r == 0)
		r = json_add_i64(obj, "order", facts->order);
	if (r == 0)
		r = json_add_u64(obj, "num_objects", facts->num_objects);
	if (r == 0)
		r = json_add_string(obj, "block_name_prefix", facts->prefix);
	if (r == 0)
		r = json_add_i64(obj, "format", facts->format);
	if (r == 0)
		r = json_add_u64(obj, "stripe_unit", facts->stripe_unit);
	if (r == 0)
		r = json_add_u64(obj, "stripe_count", facts->stripe_count);
	if (r == 0)
		r = add_array(obj, "features", features_json(facts->features));
	if (r == 0)
		r = add_array(obj, "op_features", op_features_json(facts->op_features));
	if (r == 0)
		r = add_array(obj, "flags", image_flags_json(facts->flags));
	if (r == 0)
		r = add_parent(obj, facts);
	if (r == 0)
		r = json_add_i64(obj, "snapshot_count", facts->snapshots);
	if (r == 0)
		r = json_add_time(obj, "create_timestamp", &facts->created);
	if (r == 0)
		r = json_add_time(obj, "access_timestamp", &facts->accessed);
	if (r == 0)
		r = json_add_time(obj, "modify_timestamp", &facts->modified);
	if (r == 0)
		r = add_data_pool(obj, facts->data_pool, ioctx);
	if (r == 0)
		r = add_group(obj, facts, ioctx, ns);
	/* What is left of a copy or clone that did not finish looks whole to
	 * librbd: say what it is (unfinished.h). */
	if (r == 0 && unfinished_is(name))
		r = json_add_string(obj, "unfinished", UNFINISHED_ADVICE);
	return r;
}

int image_json(rbd_image_t image, rados_ioctx_t ioctx, const char *pool, const char *ns,
	       const char *name, struct json_object *obj)
{
	struct image_facts facts;
	int r = image_facts_read(image, &facts);

	if (r < 0)
		return r;
	r = image_facts_json(&facts, ioctx, pool, ns, name, obj);
	image_facts_cleanup(&facts);
	return r;
}
