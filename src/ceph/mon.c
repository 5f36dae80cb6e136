/* SPDX-License-Identifier: Apache-2.0 */
/* mon.c - monitor and manager commands (see mon.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "mon.h"

/* Sends cmd; the answer's output in *outbuf (the caller frees it with
 * rados_buffer_free) and its status text copied into outs. */
static int mon_send(rados_t cluster, struct json_object *cmd, char **outbuf, size_t *outbuf_len,
		    char *outs, size_t outslen)
{
	const char *text = json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN);
	char *status = NULL;
	size_t status_len = 0;
	int r;

	*outbuf = NULL;
	*outbuf_len = 0;
	if (!text)
		return -ENOMEM;
	r = rados_mon_command(cluster, &text, 1, "", 0, outbuf, outbuf_len, &status, &status_len);
	snprintf(outs, outslen, "%.*s", (int)status_len, status ? status : "");
	rados_buffer_free(status);
	return r;
}

int mon_command(rados_t cluster, struct json_object *cmd, char *outs, size_t outslen)
{
	char *outbuf;
	size_t outbuf_len;
	int r;

	r = mon_send(cluster, cmd, &outbuf, &outbuf_len, outs, outslen);
	rados_buffer_free(outbuf);
	return r;
}

int mon_command_json(rados_t cluster, struct json_object *cmd, struct json_object **reply,
		     char *outs, size_t outslen)
{
	struct json_tokener *tok;
	char *outbuf;
	size_t outbuf_len;
	int r;

	*reply = NULL;
	r = mon_send(cluster, cmd, &outbuf, &outbuf_len, outs, outslen);
	if (r == 0) {
		tok = json_tokener_new();
		if (!tok) {
			r = -ENOMEM;
		} else {
			*reply = json_tokener_parse_ex(tok, outbuf ? outbuf : "", (int)outbuf_len);
			json_tokener_free(tok);
			r = *reply ? 0 : -EBADMSG;
		}
	}
	rados_buffer_free(outbuf);
	return r;
}

void mgr_reply_free(struct mgr_reply *reply)
{
	free(reply->out);
	free(reply->status);
	reply->out = reply->status = NULL;
}

static char *copy_text(const char *buf, size_t len)
{
	char *text;

	while (buf && len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	text = malloc(len + 1);
	if (!text)
		return NULL;
	if (len)
		memcpy(text, buf, len);
	text[len] = '\0';
	return text;
}

int mgr_command(rados_t cluster, struct json_object *cmd, struct mgr_reply *reply)
{
	char *outbuf = NULL, *outs = NULL;
	size_t outlen = 0, outslen = 0;
	const char *argv[1];
	int r;

	reply->out = reply->status = NULL;
	argv[0] = json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN);
	r = argv[0] ? rados_mgr_command(cluster, argv, 1, "", 0, &outbuf, &outlen, &outs, &outslen)
		    : -ENOMEM;
	reply->out = copy_text(outbuf, outlen);
	reply->status = copy_text(outs, outslen);
	if (outbuf)
		rados_buffer_free(outbuf);
	if (outs)
		rados_buffer_free(outs);
	if (!reply->out || !reply->status) {
		mgr_reply_free(reply);
		return -ENOMEM;
	}
	return r;
}

int mgr_call_args(rados_t cluster, const char *prefix, const char *const *args,
		  struct mgr_reply *reply)
{
	struct json_object *cmd = json_object_new_object();
	int r;

	reply->out = reply->status = NULL;
	r = cmd ? json_add_string(cmd, "prefix", prefix) : -ENOMEM;
	for (size_t i = 0; r == 0 && args && args[i]; i += 2)
		if (args[i + 1])
			r = json_add_string(cmd, args[i], args[i + 1]);
	if (r < 0) {
		json_object_put(cmd);
		return -ENOMEM;
	}
	r = mgr_command(cluster, cmd, reply);
	json_object_put(cmd);
	return r;
}

int mgr_call(rados_t cluster, const char *prefix, const char *key, const char *value,
	     struct mgr_reply *reply)
{
	const char *args[] = {key, value, NULL};

	return mgr_call_args(cluster, prefix, key ? args : NULL, reply);
}
int mon_osdmap_epoch(rados_t cluster, uint64_t *epoch)
{
	const char *cmd = "{\"prefix\":\"osd stat\",\"format\":\"json\"}";
	char *outbuf = NULL, *status = NULL;
	size_t outbuf_len = 0, status_len = 0;
	struct json_object *reply = NULL, *field;
	int r;

	r = rados_mon_command(cluster, &cmd, 1, "", 0, &outbuf, &outbuf_len, &status,
			      &status_len);
	if (r == 0) {
		struct json_tokener *tok = json_tokener_new();

		reply = tok ? json_tokener_parse_ex(tok, outbuf ? outbuf : "", (int)outbuf_len) : NULL;
		json_tokener_free(tok);
		if (reply && json_object_object_get_ex(reply, "epoch", &field))
			*epoch = (uint64_t)json_object_get_int64(field);
		else
			r = -EBADMSG;
	}
	json_object_put(reply);
	rados_buffer_free(outbuf);
	rados_buffer_free(status);
	return r;
}
