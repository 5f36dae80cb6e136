/* SPDX-License-Identifier: Apache-2.0 */
/* http.c - the FastCGI side of a request: libfcgi's parameters and
 * streams handed to http_dispatch.c, which does the rest. */
#include "config.h"

#include <errno.h>
#include <limits.h>

#include "http.h"
#include "http_dispatch.h"

static ssize_t fcgi_read(void *ctx, char *buf, size_t len)
{
	FCGX_Request *fcgi = ctx;
	int n = FCGX_GetStr(buf, len > INT_MAX ? INT_MAX : (int)len, fcgi->in);

	if (n < 0)
		return -EIO;
	return n;
}

static int fcgi_write(void *ctx, const char *buf, size_t len)
{
	FCGX_Request *fcgi = ctx;

	while (len > 0) {
		int n = len > INT_MAX ? INT_MAX : (int)len;

		if (FCGX_PutStr(buf, n, fcgi->out) != n)
			return -EPIPE;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

enum http_kind http_request_kind(FCGX_Request *fcgi)
{
	return http_kind_of(fcgi->envp);
}

void http_serve(FCGX_Request *fcgi, struct api_env *env, struct thread_score *score, int transfer_refused)
{
	struct http_io io = {fcgi->envp, fcgi_read, fcgi_write, fcgi};

	http_handle(&io, env, score, transfer_refused);
}
