/* SPDX-License-Identifier: Apache-2.0 */
/* client_facts.c - the client libraries' versions (client_facts.h). */
#include "config.h"

#include <stdio.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

#include "client_facts.h"

void client_library_versions(char *rados, size_t rados_len, char *rbd, size_t rbd_len)
{
	int major, minor, extra;

	rados_version(&major, &minor, &extra);
	snprintf(rados, rados_len, "%d.%d.%d", major, minor, extra);
	rbd_version(&major, &minor, &extra);
	snprintf(rbd, rbd_len, "%d.%d.%d", major, minor, extra);
}
