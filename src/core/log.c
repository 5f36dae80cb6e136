/* SPDX-License-Identifier: Apache-2.0 */
/* log.c - key=value event lines on stderr (see log.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *const level_names[] = {"error", "warn", "info", "debug"};

/* Written only by the master before forking and by a worker at start, never
 * while requests run: a process-wide setting, not request state. */
static enum log_level threshold = LOG_LEVEL_INFO;
/* Likewise: the file stderr goes to, "" for none. */
static char log_path[PATH_MAX];

int log_to_file(const char *path)
{
	if (strlen(path) >= sizeof(log_path))
		return -ENAMETOOLONG;
	memcpy(log_path, path, strlen(path) + 1);
	return log_reopen();
}

int log_reopen(void)
{
	int fd;

	if (!log_path[0])
		return 0;
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (fd != STDERR_FILENO) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	return 0;
}

int log_level_parse(const char *name, enum log_level *level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *log_level_name(enum log_level level)
{
	return level_names[level];
}

void log_set_threshold(enum log_level level)
{
	threshold = level;
}

int log_enabled(enum log_level level)
{
	return level <= threshold;
}

static size_t append_sanitized(char *line, size_t used, size_t cap, const char *text)
{
	for (; *text && used < cap; text++)
		line[used++] = ((unsigned char)*text < 0x20 || *text == 0x7f) ? '?' : *text;
	return used;
}

/* req= and user= are unquoted: nothing in them may look like a separator
 * or the start of another field. */
static size_t append_word(char *line, size_t used, size_t cap, const char *text)
{
	for (; *text && used < cap; text++)
		line[used++] = ((unsigned char)*text <= 0x20 || *text == 0x7f ||
				strchr("\"=\\", *text)) ? '?' : *text;
	return used;
}

const char *log_quote(const char *text, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return "";
	for (; *text; text++) {
		int escape = *text == '"' || *text == '\\';

		if (used + (size_t)escape + 1 >= len)
			break;
		if (escape)
			buf[used++] = '\\';
		buf[used++] = *text;
	}
	buf[used] = '\0';
	return buf;
}

void log_event(enum log_level level, const char *request_id, const char *user,
	       const char *fmt, ...)
{
	/* Long enough for any event we emit; a longer line is cut, not split. */
	char line[4096];
	char text[3072];
	struct timespec now;
	struct tm tm;
	va_list ap;
	int n;
	size_t used;

	if (!log_enabled(level))
		return;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
		     "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s pid=%ld ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000, level_names[level],
		     (long)getpid());
	if (n < 0)
		return;
	used = (size_t)n;
	if (request_id) {
		used = append_sanitized(line, used, sizeof(line) - 2, "req=");
		used = append_word(line, used, sizeof(line) - 2, request_id);
		used = append_sanitized(line, used, sizeof(line) - 2, " user=");
		used = append_word(line, used, sizeof(line) - 2, user && *user ? user : "-");
		used = append_sanitized(line, used, sizeof(line) - 2, " ");
	}

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	used = append_sanitized(line, used, sizeof(line) - 2, text);
	line[used++] = '\n';

	/* One write per line keeps lines from concurrent workers whole. */
	if (write(STDERR_FILENO, line, used) < 0)
		return;
}
