/* SPDX-License-Identifier: Apache-2.0 */
/* routes.h - the API's route table (routes.c) and its handlers.
 *
 * The handlers' prototypes and the body rules the table names are
 * generated from routes.c at build time (route_decls.sh writes
 * route_decls.inc), so a new route is declared by its line in the table
 * alone. Only what the table does not name is declared here. */
#ifndef RBD_REST_API_ROUTES_H
#define RBD_REST_API_ROUTES_H

#include <stddef.h>

#include "route_decls.inc"
#include "router.h"

extern const struct route api_routes[];
extern const size_t api_nroutes;

/* api_data.c: POST .../images with an upload, reached through
 * api_image_create (api_images.c) rather than the table. */
int api_image_create_upload(struct request *req, struct response *resp);

/* routes.c: the body of routes that accept no field at all, only {}
 * (the handler checks it by hand). */
extern const struct field_spec no_fields[];

#endif
