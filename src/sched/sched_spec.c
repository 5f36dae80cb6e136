/* SPDX-License-Identifier: Apache-2.0 */
/* sched_spec.c - snapshot schedules: parsing, slots, names, retention
 * (see sched_spec.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_in.h"
#include "json_out.h"
#include "names.h"
#include "sched_spec.h"

#define YEAR_SECONDS (366ull * 86400)
#define WEEK_SECONDS (7 * 86400)
/* 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on
 * Monday, as ISO weeks do. */
#define MONDAY_SHIFT (3 * 86400)

int sched_interval_parse(const char *text, uint64_t *seconds)
{
	static const struct {
		char unit;
		uint64_t seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', WEEK_SECONDS}};
	uint64_t n = 0;
	const char *p = text;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > YEAR_SECONDS)
			return -EINVAL;
	}
	if (!p[0] || p[1])
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (units[i].unit == *p) {
			n *= units[i].seconds;
			if (n == 0 || n > YEAR_SECONDS)
				return -EINVAL;
			*seconds = n;
			return 0;
		}
	}
	return -EINVAL;
}

/* days since the epoch of a proleptic Gregorian date (Howard Hinnant's). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int sched_time_parse(const char *text, time_t *out)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, s, oh = 0, om = 0;
	char tee, rest[8] = "";
	int used = 0, sign = 0;
	int64_t t;

	if (strlen(text) > 40 ||
	    sscanf(text, "%4u-%2u-%2u%c%2u:%2u:%2u%n", &y, &mo, &d, &tee, &h, &mi, &s, &used) != 7 ||
	    used != 19 || (tee != 'T' && tee != 't'))
		return -EINVAL;
	for (int i = 0; i < 19; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 &&
		    !isdigit((unsigned char)text[i]))
			return -EINVAL;
	text += used;
	if (strcmp(text, "Z") == 0 || strcmp(text, "z") == 0) {
		sign = 0;
	} else if ((text[0] == '+' || text[0] == '-') && strlen(text) == 6 && text[3] == ':' &&
		   isdigit((unsigned char)text[1]) && isdigit((unsigned char)text[2]) &&
		   isdigit((unsigned char)text[4]) && isdigit((unsigned char)text[5]) &&
		   sscanf(text + 1, "%2u:%2u%1s", &oh, &om, rest) == 2) {
		sign = text[0] == '+' ? 1 : -1;
		if (oh > 23 || om > 59)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) || h > 23 ||
	    mi > 59 || s > 59)
		return -EINVAL;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	t -= sign * (int64_t)(oh * 3600 + om * 60);
	if (t < 0)
		return -EINVAL;
	*out = (time_t)t;
	return 0;
}

static int keep_from_json(struct json_object *keep, struct sched_keep *out, char *err, size_t errlen)
{
	static const char *const names[] = {"last", "hourly", "daily", "weekly"};
	unsigned *fields[] = {&out->last, &out->hourly, &out->daily, &out->weekly};
	unsigned total = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < 4; i++) {
		uint64_t n;

		if (json_in_u64(keep, names[i], &n) < 0)
			continue;
		if (n > SCHED_KEEP_MAX) {
			snprintf(err, errlen, "field \"keep.%s\" is %" PRIu64 ": at most %d",
				 names[i], n, SCHED_KEEP_MAX);
			return -EINVAL;
		}
		*fields[i] = (unsigned)n;
		total += (unsigned)n;
	}
	if (total == 0) {
		snprintf(err, errlen,
			 "field \"keep\" keeps nothing: give at least one of last, hourly, daily, weekly above 0");
		return -EINVAL;
	}
	return 0;
}

int sched_spec_from_json(struct json_object *obj, unsigned min_interval, struct sched_spec *spec,
			 char *err, size_t errlen)
{
	const char *interval = NULL, *start = NULL, *prefix = SCHED_DEFAULT_PREFIX, *why;
	struct json_object *keep;

	memset(spec, 0, sizeof(*spec));
	/* Stored schedules say "start_time": null when none was given. */
	interval = json_in_get_string(obj, "interval");
	start = json_in_get_string(obj, "start_time");
	if (json_in_get_string(obj, "prefix"))
		prefix = json_in_get_string(obj, "prefix");
	if (!interval || sched_interval_parse(interval, &spec->interval) < 0) {
		snprintf(err, errlen,
			 "field \"interval\" must be a count and a unit, s, m, h, d or w (e.g. \"1h\", \"30m\", \"7d\"), at most a year");
		return -EINVAL;
	}
	if (spec->interval < min_interval) {
		snprintf(err, errlen,
			 "field \"interval\" is %s: this service allows %u seconds at least",
			 interval, min_interval);
		return -EINVAL;
	}
	if (start) {
		if (sched_time_parse(start, &spec->start) < 0) {
			snprintf(err, errlen,
				 "field \"start_time\" must be an RFC 3339 time after 1970 such as \"2026-01-01T02:00:00Z\"");
			return -EINVAL;
		}
		spec->has_start = true;
	}
	if (!json_object_object_get_ex(obj, "keep", &keep) ||
	    !json_object_is_type(keep, json_type_object)) {
		snprintf(err, errlen,
			 "field \"keep\" is required: {\"last\", \"hourly\", \"daily\", \"weekly\"}");
		return -EINVAL;
	}
	if (keep_from_json(keep, &spec->keep, err, errlen) < 0)
		return -EINVAL;
	if (strlen(prefix) > SCHED_PREFIX_MAX) {
		snprintf(err, errlen, "field \"prefix\" is longer than %d bytes", SCHED_PREFIX_MAX);
		return -EINVAL;
	}
	if (name_check(prefix, strlen(prefix), &why) < 0) {
		snprintf(err, errlen, "field \"prefix\" %s", why);
		return -EINVAL;
	}
	snprintf(spec->prefix, sizeof(spec->prefix), "%s", prefix);
	return 0;
}

struct json_object *sched_spec_to_json(const struct sched_spec *spec, const char *interval_text)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *keep = json_object_new_object();
	char start[JSON_TIME_TEXT_LEN];

	if (!obj || !keep)
		goto fail;
	if (json_add_u64(keep, "last", spec->keep.last) < 0 ||
	    json_add_u64(keep, "hourly", spec->keep.hourly) < 0 ||
	    json_add_u64(keep, "daily", spec->keep.daily) < 0 ||
	    json_add_u64(keep, "weekly", spec->keep.weekly) < 0)
		goto fail;
	if (json_add_string(obj, "interval", interval_text) < 0)
		goto fail;
	if (spec->has_start) {
		if (json_time_text(spec->start, start) < 0 ||
		    json_add_string(obj, "start_time", start) < 0)
			goto fail;
	} else {
		json_object_object_add(obj, "start_time", NULL);
	}
	json_object_object_add(obj, "keep", keep);
	keep = NULL;
	if (json_add_string(obj, "prefix", spec->prefix) < 0)
		goto fail;
	return obj;
fail:
	json_object_put(keep);
	json_object_put(obj);
	return NULL;
}

int64_t sched_slot_at(const struct sched_spec *spec, time_t now)
{
	if (now < spec->start)
		return -1;
	return (int64_t)((uint64_t)(now - spec->start) / spec->interval);
}

time_t sched_slot_time(const struct sched_spec *spec, int64_t slot)
{
	return spec->start + (time_t)((uint64_t)slot * spec->interval);
}

int sched_snap_name(const char *prefix, time_t t, char *buf, size_t buflen)
{
	struct tm tm;
	char stamp[SCHED_STAMP_LEN + 1];
	int n;

	if (!gmtime_r(&t, &tm) ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) != SCHED_STAMP_LEN)
		return -EINVAL;
	n = snprintf(buf, buflen, "%s%s", prefix, stamp);
	return n < 0 || (size_t)n >= buflen ? -ENAMETOOLONG : 0;
}

bool sched_snap_time(const char *prefix, const char *name, time_t *t)
{
	size_t plen = strlen(prefix);
	const char *stamp = name + plen;
	char text[32], again[SCHED_SNAP_NAME_MAX];
	time_t parsed;

	if (strncmp(name, prefix, plen) != 0 || strlen(stamp) != SCHED_STAMP_LEN)
		return false;
	/* Read it as RFC 3339, then insist it prints back the same: only
	 * what this code itself wrote counts. */
	snprintf(text, sizeof(text), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", stamp, stamp + 4, stamp + 6,
		 stamp + 9, stamp + 11, stamp + 13);
	if (stamp[8] != 'T' || stamp[15] != 'Z' || sched_time_parse(text, &parsed) < 0 ||
	    sched_snap_name(prefix, parsed, again, sizeof(again)) < 0 || strcmp(again, name) != 0)
		return false;
	*t = parsed;
	return true;
}

/* Keeps the newest of each of the newest count buckets (bucket_of a time). */
static void keep_buckets(const time_t *times, size_t n, unsigned count,
			 int64_t (*bucket_of)(time_t), bool *kept)
{
	int64_t last = 0;
	unsigned seen = 0;

	for (size_t i = 0; i < n && seen < count; i++) {
		int64_t b = bucket_of(times[i]);

		if (seen > 0 && b == last)
			continue;
		kept[i] = true;
		last = b;
		seen++;
	}
}

static int64_t hour_of(time_t t)
{
	return (int64_t)t / 3600;
}

static int64_t day_of(time_t t)
{
	return (int64_t)t / 86400;
}

static int64_t week_of(time_t t)
{
	return ((int64_t)t + MONDAY_SHIFT) / WEEK_SECONDS;
}

void sched_retain(const time_t *times, size_t n, const struct sched_keep *keep, bool *kept)
{
	for (size_t i = 0; i < n; i++)
		kept[i] = i < keep->last;
	keep_buckets(times, n, keep->hourly, hour_of, kept);
	keep_buckets(times, n, keep->daily, day_of, kept);
	keep_buckets(times, n, keep->weekly, week_of, kept);
}
