/* SPDX-License-Identifier: Apache-2.0 */
/* surface.h - the API surface as data: `rbd-rest-api --surface`. */
#ifndef RBD_REST_API_SURFACE_H
#define RBD_REST_API_SURFACE_H

#include <stdio.h>

/* Prints every route of the table as JSON, one route a line in an
 * array: method, path, query parameters, and the body fields with their
 * type and whether they are required (t/lib/surface.py compares it with
 * src/openapi.json). Returns 0, or -EIO when out could not be written. */
int surface_print(FILE *out);

#endif
