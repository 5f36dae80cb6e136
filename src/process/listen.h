/* SPDX-License-Identifier: Apache-2.0 */
/* listen.h - the one listening socket all workers accept on. */
#ifndef RBD_REST_API_LISTEN_H
#define RBD_REST_API_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

struct conf;

struct listener {
	int fd;
	bool activated;     /* passed by systemd (LISTEN_FDS): not ours to unlink */
	char *unix_path;    /* owned; set when we bound a unix socket */
};

/* Takes the socket from systemd socket activation when present, else
 * binds conf->listen: a path (unix socket, mode socket_mode, group
 * socket_group) or host:port. Returns 0 or a negative errno with the
 * reason in err. */
int listener_open(struct listener *l, const struct conf *conf, char *err, size_t errlen);

/* Closes the socket and removes a unix socket we created. */
void listener_close(struct listener *l);

#endif
