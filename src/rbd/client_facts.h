/* SPDX-License-Identifier: Apache-2.0 */
/* client_facts.h - what GET /version tells of the client side: the
 * versions of librados and librbd it runs with (which may differ from
 * those it was built against). The cluster's fsid is the connection's
 * (ceph.h). */
#ifndef RBD_REST_API_CLIENT_FACTS_H
#define RBD_REST_API_CLIENT_FACTS_H

#include <stddef.h>

/* "MAJOR.MINOR.EXTRA" of librados and of librbd. */
void client_library_versions(char *rados, size_t rados_len, char *rbd, size_t rbd_len);

#endif
