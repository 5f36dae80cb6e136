/* SPDX-License-Identifier: Apache-2.0 */
/* client_id.h - how the cluster names this connection's client, as lock
 * listings and watchers show it ("client.4168"). */
#ifndef RBD_REST_API_CLIENT_ID_H
#define RBD_REST_API_CLIENT_ID_H

#include <stddef.h>

#include <rados/librados.h>

/* "client.<instance id>" of the client ioctx belongs to, into buf. */
void ceph_client_id(rados_ioctx_t ioctx, char *buf, size_t len);

#endif
