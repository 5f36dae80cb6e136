/* SPDX-License-Identifier: Apache-2.0 */
/* pool_setup.c - a pool made ready for RBD, or deleted (see
 * pool_setup.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rbd/librbd.h>

#include "ceph.h"
#include "json_out.h"
#include "mon.h"
#include "pool_admin.h"
#include "pool_setup.h"
#include "pool_trash.h"

/* Builds and sends one mon command on pool; the monitor's status text
 * (its reason, when it refuses) is copied into outs. */
static int pool_mon_command(rados_t cluster, const char *prefix, const char *pool,
			    struct json_object *extra, char *outs, size_t outslen)
{
	struct json_object *cmd = extra ? extra : json_object_new_object();
	int r;

	if (!cmd)
		return -ENOMEM;
	r = json_add_string(cmd, "prefix", prefix);
	if (r == 0)
		r = json_add_string(cmd, "pool", pool);
	if (r == 0)
		r = mon_command(cluster, cmd, outs, outslen);
	json_object_put(cmd);
	return r;
}

int pool_create(rados_t cluster, const struct pool_new *spec, char *outs, size_t outslen)
{
	struct json_object *extra = json_object_new_object();
	int r = extra ? 0 : -ENOMEM;

	outs[0] = '\0';
	if (r == 0 && spec->pg_num)
		r = json_add_i64(extra, "pg_num", (int64_t)spec->pg_num);
	if (r == 0 && spec->erasure)
		r = json_add_string(extra, "pool_type", "erasure");
	/* Without a profile the monitor takes the cluster's default one
	 * (osd_pool_default_erasure_code_profile). */
	if (r == 0 && spec->profile)
		r = json_add_string(extra, "erasure_code_profile", spec->profile);
	if (r < 0) {
		json_object_put(extra);
		return -ENOMEM;
	}
	r = pool_mon_command(cluster, "osd pool create", spec->name, extra, outs, outslen);
	/* The monitor answers success for a pool that exists already and
	 * says so only in its status text; it, not this worker's possibly
	 * older map, decides. */
	if (r == 0 && strstr(outs, "already exists"))
		return -EEXIST;
	return r;
}

int pool_delete(rados_t cluster, const char *pool, char *outs, size_t outslen)
{
	struct json_object *extra = json_object_new_object();
	int r;

	outs[0] = '\0';
	if (!extra || json_add_string(extra, "pool2", pool) < 0 ||
	    json_add_bool(extra, "yes_i_really_really_mean_it", 1) < 0) {
		json_object_put(extra);
		return -ENOMEM;
	}
	r = pool_mon_command(cluster, "osd pool delete", pool, extra, outs, outslen);
	/* The monitor answers success for a pool that is already gone and
	 * says so only in its status text. */
	if (r == 0 && strstr(outs, "does not exist"))
		return -ENOENT;
	return r;
}

int pool_prepare_for_rbd(rados_t cluster, rados_ioctx_t ioctx, const char *pool, bool erasure,
			 char *outs, size_t outslen)
{
	struct json_object *extra = json_object_new_object();
	char said[400];
	int r;

	outs[0] = '\0';
	if (erasure) {
		r = pool_setting_change(cluster, pool, "allow_ec_overwrites", "true", said,
					sizeof(said));
		if (r < 0) {
			snprintf(outs, outslen, "allowing overwrites: %s", said[0] ? said : strerror(-r));
			json_object_put(extra);
			return r;
		}
	}
	r = extra && json_add_string(extra, "app", "rbd") == 0 ? 0 : -ENOMEM;
	if (r == 0)
		r = pool_mon_command(cluster, "osd pool application enable", pool, extra, said,
				     sizeof(said));
	else
		json_object_put(extra);
	if (r < 0) {
		snprintf(outs, outslen, "enabling the rbd application: %s",
			 said[0] ? said : strerror(-r));
		return r;
	}
	/* An erasure-coded pool holds image data only (no omap: an image's
	 * header stays in a replicated pool, with data_pool naming this
	 * one), so it gets no directory or trash of its own. */
	if (erasure)
		return 0;
	r = rbd_pool_init(ioctx, false);
	if (r < 0) {
		snprintf(outs, outslen, "rbd pool init: %s", strerror(-r));
		return r;
	}
	/* So that removals still work once a quota is reached. */
	r = pool_trash_prepare(ioctx);
	if (r < 0)
		snprintf(outs, outslen, "making its trash object: %s", strerror(-r));
	return r;
}

static int application_names(void *ioctx, char *buf, size_t *len)
{
	return rados_application_list(ioctx, buf, len);
}

int pool_applications(rados_ioctx_t ioctx, char **names, size_t *len)
{
	return ceph_read_list(application_names, ioctx, names, len);
}

int64_t pool_id(rados_ioctx_t ioctx)
{
	return rados_ioctx_get_id(ioctx);
}

int pool_librados_stat(rados_ioctx_t ioctx, uint64_t *bytes, uint64_t *objects)
{
	struct rados_pool_stat_t st;
	int r = rados_ioctx_pool_stat(ioctx, &st);

	if (r < 0)
		return r;
	*bytes = st.num_bytes;
	*objects = st.num_objects;
	return 0;
}
