/* mon.h - monitor commands, for what librados has no call for (pool
 * create/delete, application enable). */
#ifndef RBD_REST_API_MON_H
#define RBD_REST_API_MON_H

#include <stddef.h>

#include <json-c/json.h>
#include <rados/librados.h>

/* Sends cmd (a JSON object with "prefix"; not consumed) to the monitors.
 * Returns the monitor's result (0 or a negative errno) and copies its
 * status text (e.g. "pool 'x' already exists") into outs. */
int mon_command(rados_t cluster, struct json_object *cmd, char *outs, size_t outslen);

#endif
