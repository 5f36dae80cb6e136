/* image_json.c - rendering an Image (see image_json.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "rbd_features.h"
#include "image_json.h"
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

static int add_parent(struct json_object *obj, rbd_image_t image)
{
	rbd_linked_image_spec_t parent;
	rbd_snap_spec_t snap;
	struct json_object *value;
	int r;

	r = rbd_get_parent(image, &parent, &snap);
	if (r == -ENOENT)
		return json_object_object_add(obj, "parent", NULL) < 0 ? -ENOMEM : 0;
	if (r < 0)
		return r;
	value = json_object_new_object();
	r = value ? 0 : -ENOMEM;
	if (r == 0 && json_object_object_add(obj, "parent", value) < 0) {
		json_object_put(value);
		r = -ENOMEM;
	}
	if (r == 0)
		r = json_add_string(value, "pool", parent.pool_name);
	if (r == 0)
		r = json_add_string(value, "namespace", parent.pool_namespace);
	if (r == 0)
		r = json_add_string(value, "image", parent.image_name);
	if (r == 0)
		r = json_add_string(value, "snapshot", snap.name);
	rbd_linked_image_spec_cleanup(&parent);
	rbd_snap_spec_cleanup(&snap);
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

static int add_data_pool(struct json_object *obj, rbd_image_t image, rados_ioctx_t ioctx)
{
	int64_t data_pool = rbd_get_data_pool_id(image);
	char name[256];
	int r;

	if (data_pool < 0 || data_pool == rados_ioctx_get_id(ioctx))
		return 0;
	r = rados_pool_reverse_lookup(rados_ioctx_get_cluster(ioctx), data_pool, name,
				      sizeof(name));
	if (r < 0)
		return r;
	return json_add_string(obj, "data_pool", name);
}

int image_json(rbd_image_t image, rados_ioctx_t ioctx, const char *pool, const char *ns,
	       const char *name, struct json_object *obj)
{
	rbd_image_info_t info;
	uint64_t features = 0, op_features = 0, flags = 0;
	struct timespec created, accessed, modified;
	char id[64], prefix[RBD_MAX_BLOCK_NAME_SIZE];
	uint8_t old_format = 0;
	int snapshots;
	int r;

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
		r = rbd_get_create_timestamp(image, &created);
	if (r == 0)
		r = rbd_get_access_timestamp(image, &accessed);
	if (r == 0)
		r = rbd_get_modify_timestamp(image, &modified);
	snapshots = image_snapshot_count(image);
	if (r == 0 && snapshots < 0)
		r = snapshots;
	if (r < 0)
		return r;

	r = json_add_string(obj, "pool", pool);
	if (r == 0)
		r = json_add_string(obj, "namespace", ns);
	if (r == 0)
		r = json_add_string(obj, "name", name);
	if (r == 0)
		r = json_add_string(obj, "id", id);
	if (r == 0)
		r = json_add_u64(obj, "size", info.size);
	if (r == 0)
		r = json_add_u64(obj, "object_size", info.obj_size);
	if (r == 0)
		r = json_add_i64(obj, "order", info.order);
	if (r == 0)
		r = json_add_u64(obj, "num_objects", info.num_objs);
	if (r == 0)
		r = json_add_string(obj, "block_name_prefix", prefix);
	if (r == 0)
		r = json_add_i64(obj, "format", old_format ? 1 : 2);
	if (r == 0)
		r = add_array(obj, "features", features_json(features));
	if (r == 0)
		r = add_array(obj, "op_features", op_features_json(op_features));
	if (r == 0)
		r = add_array(obj, "flags", image_flags_json(flags));
	if (r == 0)
		r = add_parent(obj, image);
	if (r == 0)
		r = json_add_i64(obj, "snapshot_count", snapshots);
	if (r == 0)
		r = json_add_time(obj, "create_timestamp", &created);
	if (r == 0)
		r = json_add_time(obj, "access_timestamp", &accessed);
	if (r == 0)
		r = json_add_time(obj, "modify_timestamp", &modified);
	if (r == 0)
		r = add_data_pool(obj, image, ioctx);
	return r;
}
