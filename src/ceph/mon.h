/* SPDX-License-Identifier: Apache-2.0 */
/* mon.h - monitor and manager commands, for what librados has no call
 * for (pool create/delete, application enable; the manager's rbd task
 * queue and progress events). */
#ifndef RBD_REST_API_MON_H
#define RBD_REST_API_MON_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <rados/librados.h>

/* Sends cmd (a JSON object with "prefix"; not consumed) to the monitors.
 * Returns the monitor's result (0 or a negative errno) and copies its
 * status text (e.g. "pool 'x' already exists") into outs. */
int mon_command(rados_t cluster, struct json_object *cmd, char *outs, size_t outslen);

/* The same for a command that answers JSON (cmd has "format": "json"):
 * *reply is the parsed answer, the caller's; -EBADMSG when it does not
 * parse. */
int mon_command_json(rados_t cluster, struct json_object *cmd, struct json_object **reply,
		     char *outs, size_t outslen);

/* The cluster's newest OSD map epoch, from the monitors (bounded by
 * rados_mon_op_timeout, unlike rados_wait_for_latest_osdmap). Returns 0,
 * or a negative errno. */
int mon_osdmap_epoch(rados_t cluster, uint64_t *epoch);

/* One manager command's answer: its output and its status text, both
 * NUL-terminated copies ("" when the manager gave none). */
struct mgr_reply {
	char *out;
	char *status;
};

void mgr_reply_free(struct mgr_reply *reply);

/* Runs cmd (a JSON object with "prefix" and the command's arguments; not
 * consumed) on the manager; result and reply as mgr_call's. */
int mgr_command(rados_t cluster, struct json_object *cmd, struct mgr_reply *reply);

/* Runs {"prefix": prefix[, key: value]} on the manager. Returns the
 * manager's result (0 or a negative errno) with reply filled either way,
 * or -ENOMEM with reply empty. */
int mgr_call(rados_t cluster, const char *prefix, const char *key, const char *value,
	     struct mgr_reply *reply);

/* The same with several arguments: args holds key, value, key, value,
 * ..., NULL; a pair whose value is NULL is left out. */
int mgr_call_args(rados_t cluster, const char *prefix, const char *const *args,
		  struct mgr_reply *reply);

#endif
