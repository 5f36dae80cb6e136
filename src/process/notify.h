/* SPDX-License-Identifier: Apache-2.0 */
/* notify.h - systemd's service notification protocol (Type=notify).
 *
 * A datagram to $NOTIFY_SOCKET; no libsystemd needed for a few lines of
 * text. Without NOTIFY_SOCKET (not under systemd) it does nothing. */
#ifndef RBD_REST_API_NOTIFY_H
#define RBD_REST_API_NOTIFY_H

/* Sends state ("READY=1\nSTATUS=..."); returns 0 or a negative errno. */
int notify_systemd(const char *state);

#endif
