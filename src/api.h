/* api.h - what every resource handler shares: reaching the cluster with
 * the contract's error messages, and reading the request body. */
#ifndef RBD_REST_API_API_H
#define RBD_REST_API_API_H

#include <rados/librados.h>

#include "json_in.h"
#include "request.h"
#include "response.h"

/* Room for a percent-encoded name (3 bytes per byte of a 250-byte name). */
#define ENCODED_NAME_MAX (3 * 250 + 1)

/* The worker's cluster handle; 503 with the reason when not connected. */
int api_cluster(struct request *req, struct response *resp, rados_t *cluster);

/* The cached io context of pool, set to namespace ns; 404 "pool X does
 * not exist", 503 when not connected. */
int api_ioctx(struct request *req, struct response *resp, const char *pool, const char *ns,
	      rados_ioctx_t *ioctx);

/* The request body, strictly validated against spec (see json_in.h). */
int api_body(struct request *req, struct response *resp, const struct field_spec *spec,
	     struct json_object **body);

/* The {namespace} capture, or "" for the default namespace. */
const char *api_namespace(const struct request *req);

/* "pool/image" or "pool/ns/image" as the rbd CLI writes it, for messages. */
const char *api_image_spec(const char *pool, const char *ns, const char *image, char *buf,
			   size_t buflen);

#endif
