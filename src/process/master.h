/* SPDX-License-Identifier: Apache-2.0 */
/* master.h - the supervisor: forks workers, respawns, recycles, reloads.
 *
 * The master never talks to Ceph. Signals, as with nginx and PHP-FPM:
 *   SIGHUP            re-read the configuration and replace the workers one
 *                     by one, each old one stopping only once its
 *                     replacement is ready (no request is dropped);
 *   SIGTERM, SIGQUIT,
 *   SIGINT            graceful stop: workers finish the request in hand,
 *                     bounded by shutdown_timeout, then the master exits. */
#ifndef RBD_REST_API_MASTER_H
#define RBD_REST_API_MASTER_H

struct conf;
struct listener;

/* Reloads re-run this to build a fresh configuration (file plus command
 * line); returns 0 or a negative errno with the reason in err. */
typedef int (*conf_loader)(void *arg, struct conf *conf, char *err, size_t errlen);

/* Runs until stopped; returns the process exit code. Takes ownership of
 * conf (freed on reload and at exit). */
int master_run(struct conf *conf, struct listener *listener, conf_loader load, void *load_arg);

#endif
