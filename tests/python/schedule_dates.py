"""Expected dates of schedules, from Prefect's own server schemas (`get_dates`), for src/schedules/tests.rs.

Run once with the test virtualenv's Python (3.11, pendulum) and keep the output:
    $VENV/bin/python tests/python/schedule_dates.py > src/schedules/expected_dates.json
"""

import asyncio
import json

import pendulum
from prefect.server.schemas.schedules import CronSchedule, IntervalSchedule, RRuleSchedule

NY = "America/New_York"
LONDON = "Europe/London"

# (schedule, start, end or None, n or None)
CASES = [
    # Intervals: sub-day steps are absolute, whole days keep the wall clock within one call.
    ({"interval": 3600, "anchor_date": "2026-01-01T00:00:00-05:00", "timezone": NY}, "2026-03-08T04:30:00Z", "2026-03-08T10:00:00Z", None),
    ({"interval": 3600, "anchor_date": "2026-01-01T00:00:00-05:00", "timezone": NY}, "2026-11-01T03:30:00Z", "2026-11-01T09:00:00Z", None),
    ({"interval": 86400, "anchor_date": "2026-01-01T09:00:00-05:00", "timezone": NY}, "2026-03-05T00:00:00Z", "2026-03-12T00:00:00Z", None),
    ({"interval": 86400, "anchor_date": "2026-01-01T09:00:00-05:00", "timezone": NY}, "2026-06-01T00:00:00Z", None, 3),
    ({"interval": 86400, "anchor_date": "2026-01-01T09:00:00-05:00", "timezone": NY}, "2026-10-29T00:00:00Z", "2026-11-04T00:00:00Z", None),
    ({"interval": 86400, "anchor_date": "2026-01-01T08:30:00Z", "timezone": LONDON}, "2026-03-27T00:00:00Z", "2026-04-01T00:00:00Z", None),
    ({"interval": 86400, "anchor_date": "2026-01-01T08:30:00Z", "timezone": LONDON}, "2026-10-23T00:00:00Z", "2026-10-28T00:00:00Z", None),
    ({"interval": 1800, "anchor_date": "2026-01-01T00:00:00Z", "timezone": LONDON}, "2026-03-29T00:15:00Z", None, 6),
    ({"interval": 90000, "anchor_date": "2026-03-06T09:00:00-05:00", "timezone": NY}, "2026-03-06T00:00:00Z", None, 5),
    ({"interval": 172800, "anchor_date": "2026-10-30T01:30:00-04:00", "timezone": NY}, "2026-10-30T00:00:00Z", None, 4),
    ({"interval": 90.5, "anchor_date": "2026-12-01T17:35:58.086519Z", "timezone": "UTC"}, "2026-12-01T18:00:00Z", None, 4),
    ({"interval": 600, "anchor_date": "2026-12-01T12:00:00Z", "timezone": "UTC"}, "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", None),
    ({"interval": 3600, "anchor_date": "2026-12-01T12:00:00Z"}, "2026-12-01T12:00:00Z", None, None),
    ({"interval": 3600, "anchor_date": "2026-12-01T12:00:00Z"}, "2026-12-01T12:00:00.5Z", None, 2),
    # Cron on the wall clock, DST gaps and overlaps as Prefect reads them.
    ({"cron": "30 2 * * *", "timezone": NY}, "2026-03-06T12:00:00Z", "2026-03-10T12:00:00Z", None),
    ({"cron": "30 2 * * *", "timezone": NY}, "2026-10-30T12:00:00Z", "2026-11-03T12:00:00Z", None),
    ({"cron": "0 * * * *", "timezone": NY}, "2026-03-08T04:30:00Z", "2026-03-08T10:00:00Z", None),
    ({"cron": "0 * * * *", "timezone": NY}, "2026-11-01T03:30:00Z", "2026-11-01T09:00:00Z", None),
    ({"cron": "30 1 * * *", "timezone": NY}, "2026-10-30T12:00:00Z", "2026-11-03T12:00:00Z", None),
    ({"cron": "0 9 * * *", "timezone": NY}, "2026-03-06T12:00:00Z", "2026-03-10T16:00:00Z", None),
    ({"cron": "*/30 1-3 * * *", "timezone": NY}, "2026-03-08T00:00:00Z", "2026-03-08T12:00:00Z", None),
    ({"cron": "*/30 1-3 * * *", "timezone": NY}, "2026-11-01T00:00:00Z", "2026-11-01T12:00:00Z", None),
    ({"cron": "30 1 * * *", "timezone": LONDON}, "2026-03-27T12:00:00Z", "2026-03-31T12:00:00Z", None),
    ({"cron": "30 1 * * *", "timezone": LONDON}, "2026-10-23T12:00:00Z", "2026-10-27T12:00:00Z", None),
    ({"cron": "0 * * * *", "timezone": LONDON}, "2026-10-24T22:30:00Z", "2026-10-25T03:00:00Z", None),
    ({"cron": "0 9 * * *", "timezone": LONDON}, "2026-03-27T12:00:00Z", "2026-03-31T12:00:00Z", None),
    ({"cron": "0 0 L * *", "timezone": "UTC"}, "2026-01-15T00:00:00Z", None, 4),
    ({"cron": "0 12 * * 5#2", "timezone": NY}, "2026-01-01T00:00:00Z", None, 4),
    ({"cron": "0 0 13 * 5", "timezone": "UTC", "day_or": False}, "2026-01-01T00:00:00Z", None, 3),
    ({"cron": "0 0 13 * 5", "timezone": "UTC"}, "2026-02-01T00:00:00Z", None, 4),
    ({"cron": "0 9 * * mon-fri", "timezone": NY}, "2026-03-05T00:00:00Z", None, 5),
    ({"cron": "0 9 * * * 30", "timezone": "UTC"}, "2026-12-01T08:00:00Z", None, 2),
    ({"cron": "0 9 * * *"}, "2026-12-01T09:00:00Z", None, 2),
    ({"cron": "0 9 * * *"}, "2026-12-01T09:00:00.25Z", None, 2),
    ({"cron": "@hourly", "timezone": "Asia/Kolkata"}, "2026-12-01T09:10:00Z", None, 3),
    ({"cron": "*/7 * * * *", "timezone": "UTC"}, "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", None),
    # RRules: dateutil on the wall clock of the schedule's zone.
    ({"rrule": "DTSTART:20200101T000000\nFREQ=DAILY;BYHOUR=9", "timezone": NY}, "2026-03-06T00:00:00Z", "2026-03-10T23:00:00Z", None),
    ({"rrule": "DTSTART:20260301T023000\nRRULE:FREQ=DAILY", "timezone": NY}, "2026-03-06T00:00:00Z", "2026-03-10T23:00:00Z", None),
    ({"rrule": "DTSTART:20260301T013000\nRRULE:FREQ=DAILY", "timezone": NY}, "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z", None),
    ({"rrule": "DTSTART:20200101T000000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=8;BYMINUTE=15", "timezone": LONDON}, "2026-03-20T00:00:00Z", None, 5),
    ({"rrule": "DTSTART:20200101T000000\nRRULE:FREQ=HOURLY;INTERVAL=5", "timezone": "UTC"}, "2026-12-01T00:00:00Z", None, 5),
    ({"rrule": "DTSTART:20261201T090000\nRRULE:FREQ=DAILY;COUNT=3", "timezone": "UTC"}, "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z", None),
    ({"rrule": "DTSTART:20261201T090000\nRRULE:FREQ=DAILY;UNTIL=20261205T090000", "timezone": NY}, "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z", None),
    ({"rrule": "DTSTART:20261201T090000\nRRULE:FREQ=DAILY;COUNT=5\nEXDATE:20261203T090000", "timezone": "UTC"}, "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z", None),
    ({"rrule": "DTSTART:20261201T173500\nFREQ=MINUTELY;INTERVAL=7", "timezone": "UTC"}, "2026-12-01T18:00:00Z", None, 4),
    ({"rrule": "DTSTART:20200101T000000\nFREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=23", "timezone": "Asia/Tokyo"}, "2026-01-15T00:00:00Z", None, 3),
]


def build(schedule):
    if "interval" in schedule:
        return IntervalSchedule(**schedule)
    if "cron" in schedule:
        return CronSchedule(**schedule)
    return RRuleSchedule(**schedule)


async def main():
    out = []
    for schedule, start, end, n in CASES:
        dates = await build(schedule).get_dates(
            n=n,
            start=pendulum.parse(start),
            end=pendulum.parse(end) if end else None,
        )
        out.append(
            {"schedule": schedule, "start": start, "end": end, "n": n, "dates": [d.isoformat() for d in dates]}
        )
    print(json.dumps(out, indent=1))


asyncio.run(main())
