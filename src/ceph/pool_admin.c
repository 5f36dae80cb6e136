/* SPDX-License-Identifier: Apache-2.0 */
/* pool_admin.c - pool settings, usage and quota (see pool_admin.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_in.h"
#include "json_out.h"
#include "mon.h"
#include "pool_admin.h"

/* {"prefix": prefix, key: value, ...} from args (key, value, ...,
 * NULL); NULL when out of memory. */
static struct json_object *command(const char *prefix, const char *const *args)
{
	struct json_object *cmd = json_object_new_object();
	int r;

	r = cmd ? json_add_string(cmd, "prefix", prefix) : -ENOMEM;
	for (size_t i = 0; r == 0 && args[i]; i += 2)
		r = json_add_string(cmd, args[i], args[i + 1]);
	if (r == 0)
		return cmd;
	json_object_put(cmd);
	return NULL;
}

/* A read: the command with "format": "json", its answer parsed into
 * *reply. */
static int query(rados_t cluster, const char *prefix, const char *const *args,
		 struct json_object **reply, char *outs, size_t outslen)
{
	struct json_object *cmd = command(prefix, args);
	int r;

	*reply = NULL;
	r = cmd ? json_add_string(cmd, "format", "json") : -ENOMEM;
	if (r == 0)
		r = mon_command_json(cluster, cmd, reply, outs, outslen);
	else if (outslen)
		outs[0] = '\0';
	json_object_put(cmd);
	return r;
}

int pool_settings_read(rados_t cluster, const char *pool, struct json_object **settings, char *outs,
		       size_t outslen)
{
	const char *args[] = {"pool", pool, "var", "all", NULL};

	return query(cluster, "osd pool get", args, settings, outs, outslen);
}

int pool_list_read(rados_t cluster, struct json_object **pools, char *outs, size_t outslen)
{
	const char *args[] = {"detail", "detail", NULL};

	return query(cluster, "osd pool ls", args, pools, outs, outslen);
}

struct json_object *pool_list_find(struct json_object *pools, const char *pool)
{
	const char *name;

	if (!pools || !json_object_is_type(pools, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(pools); i++) {
		name = json_in_get_string(json_object_array_get_idx(pools, i), "pool_name");
		if (name && strcmp(name, pool) == 0)
			return json_object_array_get_idx(pools, i);
	}
	return NULL;
}

int pool_ec_profiles_read(rados_t cluster, struct json_object **names, char *outs,
			  size_t outslen)
{
	const char *args[] = {NULL};

	return query(cluster, "osd erasure-code-profile ls", args, names, outs, outslen);
}

int pool_usage_read(rados_t cluster, struct json_object **df, char *outs, size_t outslen)
{
	const char *args[] = {"detail", "detail", NULL};

	return query(cluster, "df", args, df, outs, outslen);
}

struct json_object *pool_usage_find(struct json_object *df, const char *pool)
{
	struct json_object *pools, *item, *name, *stats;

	if (!df || !json_object_object_get_ex(df, "pools", &pools) ||
	    !json_object_is_type(pools, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(pools); i++) {
		item = json_object_array_get_idx(pools, i);
		if (json_object_object_get_ex(item, "name", &name) &&
		    json_object_is_type(name, json_type_string) &&
		    strcmp(json_object_get_string(name), pool) == 0 &&
		    json_object_object_get_ex(item, "stats", &stats))
			return stats;
	}
	return NULL;
}

/* {"prefix": prefix, "pool": pool, key: value, ...} to the monitor. */
static int pool_command(rados_t cluster, const char *prefix, const char *pool,
			const char *const *args, int sure, char *outs, size_t outslen)
{
	struct json_object *cmd = command(prefix, args);
	int r;

	r = cmd ? json_add_string(cmd, "pool", pool) : -ENOMEM;
	if (r == 0 && sure)
		r = json_add_bool(cmd, "yes_i_really_mean_it", 1);
	if (r == 0)
		r = mon_command(cluster, cmd, outs, outslen);
	else if (outslen)
		outs[0] = '\0';
	json_object_put(cmd);
	return r;
}

int pool_setting_change(rados_t cluster, const char *pool, const char *var, const char *value,
			char *outs, size_t outslen)
{
	const char *args[] = {"var", var, "val", value, NULL};

	return pool_command(cluster, "osd pool set", pool, args, 1, outs, outslen);
}

int pool_quota_change(rados_t cluster, const char *pool, const char *field, uint64_t value,
		      char *outs, size_t outslen)
{
	char text[24];
	const char *args[] = {"field", field, "val", text, NULL};

	snprintf(text, sizeof(text), "%" PRIu64, value);
	return pool_command(cluster, "osd pool set-quota", pool, args, 0, outs, outslen);
}

int pool_conf_u64(rados_t cluster, const char *option, uint64_t *value)
{
	char text[32], *end;
	int r;

	r = rados_conf_get(cluster, option, text, sizeof(text));
	if (r < 0)
		return r;
	errno = 0;
	*value = strtoull(text, &end, 10);
	if (errno || end == text || *end)
		return -EINVAL;
	return 0;
}
