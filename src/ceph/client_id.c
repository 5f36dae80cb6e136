/* SPDX-License-Identifier: Apache-2.0 */
/* client_id.c - this connection's client name (see client_id.h). */
#include "config.h"

#include <stdio.h>

#include "client_id.h"

void ceph_client_id(rados_ioctx_t ioctx, char *buf, size_t len)
{
	snprintf(buf, len, "client.%llu",
		 (unsigned long long)rados_get_instance_id(rados_ioctx_get_cluster(ioctx)));
}
