/* faults.c - the cluster's faults in answers (see faults.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "ceph.h"
#include "faults.h"
#include "json_in.h"
#include "log.h"

/* The errno of an error answer, 0 when there is none. */
static int answer_errno(const struct response *resp)
{
	struct json_object *value;

	if (resp->status < 400 || !resp->body ||
	    !json_object_object_get_ex(resp->body, "errno", &value))
		return 0;
	return json_object_get_int(value);
}

static void client_refused(struct request *req, struct response *resp)
{
	char message[1024], client[96];
	const char *said = json_in_get_string(resp->body, "message");

	snprintf(message, sizeof(message), "%s", said ? said : "");
	ceph_conn_lost(req->env->ceph, "request", client, sizeof(client));
	response_fail(resp, -ESHUTDOWN,
		      "the Ceph cluster refused this worker's client (%s): it was blocklisted (a lock it held was broken, or `ceph osd blocklist add`) or its session ended; the worker is connecting a new client: retry in a few seconds (%s)",
		      client, message);
	resp->retry_after = 2;
}

void faults_review(struct request *req, struct response *resp)
{
	int err = answer_errno(resp);

	if (err == ESHUTDOWN)
		client_refused(req, resp);
}
