/* SPDX-License-Identifier: Apache-2.0 */
/* pool_admin.h - a pool's settings, usage and quota as the monitor and
 * the manager keep them (`ceph osd pool get`, `ceph df detail`), and
 * their changes (`ceph osd pool set`, `ceph osd pool set-quota`):
 * librados has no call for any of them. All are monitor commands. */
#ifndef RBD_REST_API_POOL_ADMIN_H
#define RBD_REST_API_POOL_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <rados/librados.h>

/* `osd pool get POOL all` as JSON: size, min_size, pg_num, crush_rule
 * (its name), pg_autoscale_mode, and erasure_code_profile for an
 * erasure-coded pool. *settings is the caller's; the monitor's words on
 * failure in outs. */
int pool_settings_read(rados_t cluster, const char *pool, struct json_object **settings, char *outs,
		       size_t outslen);

/* `osd pool ls detail` as JSON: every pool's map entry, with its quota
 * (quota_max_bytes, quota_max_objects; 0 = none). Not `osd pool
 * get-quota`: that one answers "no stats" for a pool the manager has not
 * reported yet. */
int pool_list_read(rados_t cluster, struct json_object **pools, char *outs, size_t outslen);

/* pool's entry in an `osd pool ls detail` answer; NULL when it is not in
 * it. Borrowed from pools. */
struct json_object *pool_list_find(struct json_object *pools, const char *pool);

/* `osd erasure-code-profile ls` as JSON: an array of the profiles'
 * names. */
int pool_ec_profiles_read(rados_t cluster, struct json_object **names, char *outs,
			  size_t outslen);

/* `df detail` as JSON (the monitor answers from the manager's
 * statistics), for every pool at once. */
int pool_usage_read(rados_t cluster, struct json_object **df, char *outs, size_t outslen);

/* The "stats" object of pool in a df answer (stored, bytes_used,
 * max_avail, percent_used, objects, quota_bytes, quota_objects); NULL
 * when the pool is not in it (created since the manager last looked).
 * Borrowed from df. */
struct json_object *pool_usage_find(struct json_object *df, const char *pool);

/* `osd pool set POOL var value` (with yes_i_really_mean_it: the caller
 * asked for it, so the monitor's own switches, e.g.
 * mon_allow_pool_size_one, decide). */
int pool_setting_change(rados_t cluster, const char *pool, const char *var, const char *value,
			char *outs, size_t outslen);

/* `osd pool set-quota POOL field value`; field max_bytes or max_objects,
 * 0 = no quota. */
int pool_quota_change(rados_t cluster, const char *pool, const char *field, uint64_t value,
		      char *outs, size_t outslen);

/* An unsigned option of this client's configuration (which the monitor's
 * configuration database feeds), e.g. mon_max_pool_pg_num. */
int pool_conf_u64(rados_t cluster, const char *option, uint64_t *value);

#endif
