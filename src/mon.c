/* mon.c - monitor commands (see mon.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "mon.h"

int mon_command(rados_t cluster, struct json_object *cmd, char *outs, size_t outslen)
{
	const char *text = json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN);
	char *outbuf = NULL, *status = NULL;
	size_t outbuf_len = 0, status_len = 0;
	int r;

	if (!text)
		return -ENOMEM;
	r = rados_mon_command(cluster, &text, 1, "", 0, &outbuf, &outbuf_len, &status,
			      &status_len);
	snprintf(outs, outslen, "%.*s", (int)status_len, status ? status : "");
	rados_buffer_free(outbuf);
	rados_buffer_free(status);
	return r;
}
