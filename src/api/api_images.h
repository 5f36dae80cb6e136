/* SPDX-License-Identifier: Apache-2.0 */
/* api_images.h - what the image handlers hand to each other: the import
 * from a URL (api_import.c) that a create with "source" becomes. */
#ifndef RBD_REST_API_API_IMAGES_H
#define RBD_REST_API_API_IMAGES_H

#include <json-c/json.h>

struct request;
struct response;

/* POST .../images with "source": an import from a URL, as a task
 * (api_import.c). body is the create body, already checked against the
 * create's fields; the caller keeps it. */
int api_image_import(struct request *req, struct response *resp, struct json_object *body);

#endif
