/* SPDX-License-Identifier: Apache-2.0 */
/* sched_spec.h - what a snapshot schedule says, and the arithmetic of it:
 * intervals, slots, the names of the snapshots it makes, and which of
 * them its retention keeps. Pure code (no cluster), shared by the API
 * that validates and stores schedules and the scheduler that runs them. */
#ifndef RBD_REST_API_SCHED_SPEC_H
#define RBD_REST_API_SCHED_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

/* A prefix is a name (names.h) of at most this many bytes, so that the
 * snapshot name, prefix + SCHED_STAMP_LEN, is one too. */
#define SCHED_PREFIX_MAX 64
#define SCHED_DEFAULT_PREFIX "auto-"
/* "20261206T021500Z": the slot's UTC time, after the prefix. */
#define SCHED_STAMP_LEN 16
#define SCHED_SNAP_NAME_MAX (SCHED_PREFIX_MAX + SCHED_STAMP_LEN + 1)
/* Counts a keep field may ask for. */
#define SCHED_KEEP_MAX 10000

/* Retention, as restic and zfs-auto-snapshot have it: a snapshot is kept
 * when it is one of the newest `last`, or the newest of one of the
 * newest `hourly` hours (UTC) that have one, or days, or ISO weeks. */
struct sched_keep {
	unsigned last, hourly, daily, weekly;
};

struct sched_spec {
	uint64_t interval; /* seconds */
	bool has_start;
	time_t start; /* slots are start + k * interval (0 when none given) */
	struct sched_keep keep;
	char prefix[SCHED_PREFIX_MAX + 1];
};

/* "<n>s|m|h|d|w" ("30m", "1h", "7d"; "s" for tests) into seconds, at
 * most a year. Returns 0 or -EINVAL. */
int sched_interval_parse(const char *text, uint64_t *seconds);

/* RFC 3339 "YYYY-MM-DDTHH:MM:SS" with "Z" or "+HH:MM"/"-HH:MM", into
 * seconds since the epoch. Returns 0 or -EINVAL. */
int sched_time_parse(const char *text, time_t *out);

/* Builds spec from a schedule object {"interval", "start_time"?, "keep":
 * {"last"?, "hourly"?, "daily"?, "weekly"?}, "prefix"?} whose fields have
 * the right JSON types. Returns 0, or -EINVAL with a message naming the
 * field in err. min_interval: seconds. */
int sched_spec_from_json(struct json_object *obj, unsigned min_interval, struct sched_spec *spec,
			 char *err, size_t errlen);

/* The schedule as stored and shown: interval (as given), start_time (RFC
 * 3339 or null), keep (all four counts), prefix. NULL on ENOMEM. */
struct json_object *sched_spec_to_json(const struct sched_spec *spec, const char *interval_text);

/* The slot now falls in (slot k covers [start + k*interval, start +
 * (k+1)*interval)), or -1 before start. */
int64_t sched_slot_at(const struct sched_spec *spec, time_t now);
time_t sched_slot_time(const struct sched_spec *spec, int64_t slot);

/* prefix + the UTC stamp of t. Returns 0 or -ENAMETOOLONG. */
int sched_snap_name(const char *prefix, time_t t, char *buf, size_t buflen);

/* Whether name is exactly prefix + a stamp (a snapshot a schedule with
 * that prefix made); its time in *t when so. */
bool sched_snap_time(const char *prefix, const char *name, time_t *t);

/* times[] newest first; sets kept[i] to whether retention keeps times[i]. */
void sched_retain(const time_t *times, size_t n, const struct sched_keep *keep, bool *kept);

#endif
