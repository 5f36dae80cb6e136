/* SPDX-License-Identifier: Apache-2.0 */
/* client_facts.h - what GET /health and /version tell of the client side:
 * the cluster's fsid this process is connected to, and the versions of
 * librados and librbd it runs with (which may differ from those it was
 * built against). */
#ifndef RBD_REST_API_CLIENT_FACTS_H
#define RBD_REST_API_CLIENT_FACTS_H

#include <stddef.h>

#include <rados/librados.h>

/* The fsid of the connected cluster, as text. Returns 0 or a negative
 * errno. */
int client_cluster_fsid(rados_t cluster, char *fsid, size_t len);

/* "MAJOR.MINOR.EXTRA" of librados and of librbd. */
void client_library_versions(char *rados, size_t rados_len, char *rbd, size_t rbd_len);

#endif
