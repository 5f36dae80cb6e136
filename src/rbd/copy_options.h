/* SPDX-License-Identifier: Apache-2.0 */
/* copy_options.h - how a copy is made, as one JSON object.
 *
 * A copy may take a new layout (object size, features, striping, data
 * pool) and a deep copy may be flattened. The API answers a copy at once
 * or leaves it to a task runner (task_runner.c) that reads the task's
 * record later, so the choices are kept in one form both can use: a JSON
 * object in librbd's terms, all fields optional:
 *   {"order": 22, "features": <bits>, "stripe_unit": 65536,
 *    "stripe_count": 4, "data_pool": "ec", "flatten": true} */
#ifndef RBD_REST_API_COPY_OPTIONS_H
#define RBD_REST_API_COPY_OPTIONS_H

#include <json-c/json.h>
#include <rbd/librbd.h>

/* Sets librbd's image options for the choices in options (NULL: none).
 * Nothing unasked is set, so librbd keeps the source's format, features,
 * object size and striping. Returns 0 or a negative errno. */
int copy_options_set(struct json_object *options, rbd_image_options_t opts);

#endif
