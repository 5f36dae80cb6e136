/* SPDX-License-Identifier: Apache-2.0 */
/* Snapshot schedules: intervals, times, slots, snapshot names, retention. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "../../src/sched/sched_spec.h"
#include "tap.h"

static void interval(const char *text, long long want)
{
	uint64_t got = 0;
	int r = sched_interval_parse(text, &got);

	if (want < 0)
		is_int(r, -EINVAL, "interval \"%s\" is refused", text);
	else
		ok(r == 0 && got == (uint64_t)want, "interval \"%s\" is %lld s", text, want);
}

static void when(const char *text, long long want)
{
	time_t got = 0;
	int r = sched_time_parse(text, &got);

	if (want < 0)
		is_int(r, -EINVAL, "time \"%s\" is refused", text);
	else
		ok(r == 0 && got == (time_t)want, "time \"%s\" is %lld", text, want);
}

/* Retention over snapshots every step seconds, newest at t0: which are kept. */
static void retains(const char *desc, time_t t0, long step, size_t n, struct sched_keep keep,
		    const char *want)
{
	time_t times[64];
	bool kept[64];
	char got[65];

	for (size_t i = 0; i < n; i++)
		times[i] = t0 - (time_t)i * step;
	sched_retain(times, n, &keep, kept);
	for (size_t i = 0; i < n; i++)
		got[i] = kept[i] ? 'k' : '.';
	got[n] = '\0';
	ok(strcmp(got, want) == 0, "%s: %s (want %s)", desc, got, want);
}

int main(void)
{
	struct sched_spec spec = {.interval = 3600, .start = 0};
	char name[SCHED_SNAP_NAME_MAX];
	time_t t = 0;

	interval("1h", 3600);
	interval("30m", 1800);
	interval("7d", 7 * 86400);
	interval("2w", 14 * 86400);
	interval("5s", 5);
	interval("0h", -1);
	interval("1", -1);
	interval("h", -1);
	interval("1hh", -1);
	interval("-1h", -1);
	interval("1 h", -1);
	interval("400d", -1);
	interval("99999999999999999999s", -1);

	when("2026-12-06T02:15:00Z", 1796523300);
	when("2026-12-06T03:15:00+01:00", 1796523300);
	when("2026-12-05T21:15:00-05:00", 1796523300);
	when("1970-01-01T00:00:00Z", 0);
	when("2024-02-29T00:00:00Z", 1709164800);
	when("2023-02-29T00:00:00Z", -1);
	when("2026-13-01T00:00:00Z", -1);
	when("2026-12-06 02:15:00Z", -1);
	when("2026-12-06T02:15:00", -1);
	when("2026-12-06T02:15:00Zjunk", -1);
	when("1969-12-31T23:59:59Z", -1);
	when("", -1);

	is_int((int)sched_slot_at(&spec, 7199), 1, "slot of 7199 s with 1h from the epoch is 1");
	spec.start = 100;
	is_int((int)sched_slot_at(&spec, 99), -1, "before start_time: no slot");
	is_int((int)sched_slot_time(&spec, 2), 7300, "slot 2 starts at start + 2 intervals");

	ok(sched_snap_name("auto-", 1796523300, name, sizeof(name)) == 0 &&
		   strcmp(name, "auto-20261206T021500Z") == 0,
	   "snapshot name is prefix + UTC stamp: %s", name);
	ok(sched_snap_time("auto-", "auto-20261206T021500Z", &t) && t == 1796523300,
	   "and reads back to its time");
	ok(!sched_snap_time("auto-", "auto-manual", &t), "auto-manual is not one of ours");
	ok(!sched_snap_time("auto-", "auto-20261206T021500Zx", &t), "a suffix makes it not ours");
	ok(!sched_snap_time("auto-", "auto-20261306T021500Z", &t), "month 13 is not ours");
	ok(!sched_snap_time("daily-", "auto-20261206T021500Z", &t), "another prefix is not ours");
	ok(!sched_snap_time("auto-", "auto-2026-12-06T021500", &t), "another shape is not ours");

	retains("last 3 of 6", 1796523300, 60, 6, (struct sched_keep){.last = 3}, "kkk...");
	/* Every 20 min from 02:15: 02:15 01:55 01:35 01:15 00:55 00:35 00:15 23:55(prev day) */
	retains("hourly 2", 1796523300, 1200, 8, (struct sched_keep){.hourly = 2}, "kk......");
	retains("hourly 3 + last 1", 1796523300, 1200, 8,
		(struct sched_keep){.last = 1, .hourly = 3}, "kk..k...");
	retains("daily 2 (02:15 today, 23:55 yesterday)", 1796523300, 1200, 8,
		(struct sched_keep){.daily = 2}, "k......k");
	/* Daily snapshots back from Sunday 2026-12-06: weeks start on Monday. */
	retains("weekly 2 over 10 days", 1796523300, 86400, 10, (struct sched_keep){.weekly = 2},
		"k......k..");
	retains("nothing kept beyond the counts", 1796523300, 60, 3,
		(struct sched_keep){.last = 0, .daily = 1}, "k..");
	return done_testing();
}
