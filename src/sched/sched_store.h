/* SPDX-License-Identifier: Apache-2.0 */
/* sched_store.h - snapshot schedules and their state, kept in the
 * cluster: the omap of one object in each pool's default namespace
 * (SCHED_OBJECT), so every replica of the service sees the same, and they
 * survive restarts.
 *
 * Keys: "schedule/<target>" holds the schedule as the API shows it
 * (sched_spec_to_json); "state/<target>" what the scheduler last did with
 * it (last slot, last run, last error). <target> is "pool",
 * "namespace/<ns>" or "image/<ns>/<image>" (<ns> "" for the default
 * namespace; names cannot hold '/'). */
#ifndef RBD_REST_API_SCHED_STORE_H
#define RBD_REST_API_SCHED_STORE_H

#include <stddef.h>

#include <json-c/json.h>
#include <rados/librados.h>

#define SCHED_OBJECT "rbd_rest_api.snapshot_schedules"
#define SCHED_KEY_SCHEDULE "schedule/"
#define SCHED_KEY_STATE "state/"

enum sched_level { SCHED_POOL, SCHED_NAMESPACE, SCHED_IMAGE };

/* What a schedule is for; ns "" is the default namespace. */
struct sched_target {
	enum sched_level level;
	const char *ns; /* SCHED_NAMESPACE, SCHED_IMAGE */
	const char *image; /* SCHED_IMAGE */
};

const char *sched_level_name(enum sched_level level);

/* "<kind>/<target>" into a buffer of the caller's (malloc'ed, *key); 0 or
 * -ENOMEM. kind is SCHED_KEY_SCHEDULE or SCHED_KEY_STATE. */
int sched_key(const char *kind, const struct sched_target *target, char **key);

/* The target of a key's "<target>" part (after the kind); points into
 * text, which is modified. -EINVAL when it is no target. */
int sched_key_target(char *text, struct sched_target *target);

/* Every key of the object, as {key: parsed JSON value} (values that do
 * not parse are left out). An absent object is an empty one. *all is the
 * caller's. */
int sched_store_read(rados_ioctx_t ioctx, struct json_object **all);

/* Sets key to value only when key is absent: -EEXIST when it is there
 * (two creates at once: one wins). Creates the object if needed. */
int sched_store_put_new(rados_ioctx_t ioctx, const char *key, const char *value);

/* Removes the keys (n of them); absent ones are no error. */
int sched_store_remove(rados_ioctx_t ioctx, const char *const *keys, size_t n);

/* Sets state_key to state only while schedule_key still holds
 * schedule_text (so a schedule deleted or replaced meanwhile gets no
 * stale state): -ECANCELED when it does not. */
int sched_store_put_state(rados_ioctx_t ioctx, const char *schedule_key, const char *schedule_text,
			  const char *state_key, const char *state);

#endif
