/* SPDX-License-Identifier: Apache-2.0 */
/* log.h - one line per event on stderr, as key=value pairs.
 *
 * Every line starts with ts, level and pid; request-scoped lines add req and
 * user so an operator can follow one request through nginx's access log and
 * ours with the same id. journald (or a file via shell redirection) stores
 * what we write; we never buffer, so lines from several workers never
 * interleave mid-line. */
#ifndef RBD_REST_API_LOG_H
#define RBD_REST_API_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Returns 0, or -EINVAL when the name is not error|warn|info|debug. */
int log_level_parse(const char *name, enum log_level *level);
const char *log_level_name(enum log_level level);

/* Sends every process's stderr to path (appending) from now on; "" keeps
 * stderr as it is. Set at start-up and on reload, before forking. Returns
 * 0 or a negative errno. */
int log_to_file(const char *path);

/* Opens the log file again (after logrotate moved it). Async-signal-safe:
 * workers call it from their SIGUSR1 handler. */
int log_reopen(void);

/* Set once at start-up and on reload, before any worker is forked. */
void log_set_threshold(enum log_level level);
int log_enabled(enum log_level level);

/* Writes "ts=... level=... pid=... [req=... user=...] <fmt>" as one line.
 * request_id and user may be NULL for events outside a request. Control
 * characters in the formatted text are replaced so that user input can
 * never forge a second log line. */
void log_event(enum log_level level, const char *request_id, const char *user,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* For a value the line shows in double quotes (uri="...", msg="..."):
 * copies text into buf (len bytes, always terminated, cut when longer)
 * with '"' and '\\' escaped by a backslash, so a request cannot close the
 * quotes and append fields of its own. Returns buf. */
const char *log_quote(const char *text, char *buf, size_t len);

#define log_error(...) log_event(LOG_LEVEL_ERROR, NULL, NULL, __VA_ARGS__)
#define log_warn(...) log_event(LOG_LEVEL_WARN, NULL, NULL, __VA_ARGS__)
#define log_info(...) log_event(LOG_LEVEL_INFO, NULL, NULL, __VA_ARGS__)
#define log_debug(...) log_event(LOG_LEVEL_DEBUG, NULL, NULL, __VA_ARGS__)

#endif
