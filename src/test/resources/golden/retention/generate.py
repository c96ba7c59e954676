#!/usr/bin/env python3
"""Writes the retention golden cases: <case>.json (input) and <case>.expected.json (decision).

Independent of the Java implementation on purpose:
  * small cases: the expected decision is written out BY HAND below (the reasoning is in each
    case's description); the script also runs its own GFS oracle on the input and refuses to
    write anything if the oracle disagrees with the hand-written answer;
  * the large case: the file list is generated (fixed seed) and the expected decision comes from
    the oracle below (Python zoneinfo + datetime.isocalendar, nothing shared with Java).
The Java test (RetentionGoldenTest) then checks GfsPolicy against these files and also runs a
third, brute-force oracle written in Java. Run from anywhere: python3 generate.py
"""
import json
import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
RULES = ["hourly", "daily", "weekly", "monthly", "yearly"]
KEEP_ALL = "keep all (no retention rules)"


# ---------------------------------------------------------------- oracle
def parse(key, prefix, db):
    folder = (prefix + "/" if prefix else "") + db + "/"
    m = re.fullmatch(re.escape(folder + db + "-") + r"(\d{8}-\d{6})\.(sql|dump|sqlite|tar)(\.gz|\.zst|\.lz4)?(\.age)?", key)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def period(rule, t):
    if rule == "hourly":
        return (t.year, t.month, t.day, t.hour)
    if rule == "daily":
        return (t.year, t.month, t.day)
    if rule == "weekly":
        iso = t.isocalendar()
        return (iso[0], iso[1])
    if rule == "monthly":
        return (t.year, t.month)
    return t.year


def oracle(case):
    pol = case["policy"]
    zone = ZoneInfo(pol["timezone"])
    backups = {}
    present = set(case["files"])
    for f in case["files"]:
        ts = parse(f, case["prefix"], case["database"])
        # a file named like a backup with neither sidecar is no backup: nothing could check it
        if ts is not None and (f + ".sha256" in present or f + ".manifest.json" in present):
            backups[f] = ts
    order = sorted(backups, key=lambda k: (backups[k], k), reverse=True)
    reasons = {k: [] for k in order}
    if all(pol["keep_" + r] == 0 for r in ["last"] + RULES):
        for k in order:
            reasons[k].append(KEEP_ALL)
    else:
        n = pol["keep_last"]
        for i, k in enumerate(order[:n]):
            reasons[k].append(f"last {i + 1}/{n}")
        for rule in RULES:
            n = pol["keep_" + rule]
            reps = []  # (period, representative) in order of first appearance, newest first
            for k in order:
                p = period(rule, backups[k].astimezone(zone))
                if p not in [q for q, _ in reps]:
                    reps.append((p, k))
            for rank, (_, k) in enumerate(reps[:n], start=1):
                reasons[k].append(f"{rule} {rank}/{n}")
    return {
        "job": case["name"],
        "keep": [{"key": k, "reasons": reasons[k]} for k in order if reasons[k]],
        "delete": [{"key": k} for k in order if not reasons[k]],
    }


# ---------------------------------------------------------------- cases
def policy(tz="UTC", last=0, hourly=0, daily=0, weekly=0, monthly=0, yearly=0):
    return {"keep_last": last, "keep_hourly": hourly, "keep_daily": daily, "keep_weekly": weekly,
            "keep_monthly": monthly, "keep_yearly": yearly, "timezone": tz}


def k(stamp, ext="sql.gz"):
    return f"prod/app/app-{stamp}.{ext}"


def with_sidecars(keys):
    out = []
    for key in keys:
        out += [key, key + ".sha256", key + ".manifest.json"]
    return out


def hand(keep, delete):
    """keep: [(key, [reasons])], delete: [key]; both newest first, exactly as reasoned by hand."""
    return {"keep": [{"key": key, "reasons": r} for key, r in keep], "delete": [{"key": key} for key in delete]}


CASES = []


def case(name, description, pol, files, expected=None):
    CASES.append({"name": name, "description": description, "prefix": "prod", "database": "app",
                  "policy": pol, "files": files, "expected": expected})


case("union-overlapping-rules",
     "UTC; keep_last 3, daily 3, weekly 2, monthly 2, yearly 1. Newest first: 03-10 22:00, 03-10 10:00, "
     "03-09 22:00, 03-08 22:00, 03-08 10:00, 03-01 22:00, 02-27 22:00, 02-15 10:00, 01-31 22:00 (2026). "
     "last: the 3 newest. daily: days 03-10 (rep 22:00), 03-09, 03-08 (rep 22:00). weekly (ISO, Mon 03-09 starts a "
     "week): week of 03-09 -> 03-10 22:00, week of 03-02 -> 03-08 22:00. monthly: March -> 03-10 22:00, February "
     "-> 02-27. yearly: 2026 -> 03-10 22:00. The newest backup is kept by five rules at once and lists all five; "
     "03-08 10:00, 03-01, 02-15 and 01-31 are kept by no rule.",
     policy(last=3, daily=3, weekly=2, monthly=2, yearly=1),
     with_sidecars([k("20260310-220000"), k("20260310-100000"), k("20260309-220000"), k("20260308-220000"),
                    k("20260308-100000"), k("20260301-220000"), k("20260227-220000"), k("20260215-100000"),
                    k("20260131-220000")]),
     hand([(k("20260310-220000"), ["last 1/3", "daily 1/3", "weekly 1/2", "monthly 1/2", "yearly 1/1"]),
           (k("20260310-100000"), ["last 2/3"]),
           (k("20260309-220000"), ["last 3/3", "daily 2/3"]),
           (k("20260308-220000"), ["daily 3/3", "weekly 2/2"]),
           (k("20260227-220000"), ["monthly 2/2"])],
          [k("20260308-100000"), k("20260301-220000"), k("20260215-100000"), k("20260131-220000")]))

case("gaps-without-backups",
     "UTC; daily 4, weekly 3, monthly 3. Backups 2026-06-20 (Sat), 06-18, 06-02 (Tue), 06-01 (Mon), 04-30, 04-10, "
     "01-15, 2025-12-31, all 03:00. Empty days, weeks and months do not count: daily keeps the 4 newest days that "
     "hold a backup (06-20, 06-18, 06-02, 06-01) although they span 20 calendar days; weekly: week of Mon 06-15 -> "
     "06-20, week of Mon 06-01 -> 06-02, then weeks 06-08, 05-xx are empty, week of Mon 04-27 -> 04-30; monthly: "
     "June -> 06-20, (May empty) April -> 04-30, (March, February empty) January -> 01-15. 04-10 and 2025-12-31 "
     "are deleted.",
     policy(daily=4, weekly=3, monthly=3),
     with_sidecars([k("20260620-030000"), k("20260618-030000"), k("20260602-030000"), k("20260601-030000"),
                    k("20260430-030000"), k("20260410-030000"), k("20260115-030000"), k("20251231-030000")]),
     hand([(k("20260620-030000"), ["daily 1/4", "weekly 1/3", "monthly 1/3"]),
           (k("20260618-030000"), ["daily 2/4"]),
           (k("20260602-030000"), ["daily 3/4", "weekly 2/3"]),
           (k("20260601-030000"), ["daily 4/4"]),
           (k("20260430-030000"), ["weekly 3/3", "monthly 2/3"]),
           (k("20260115-030000"), ["monthly 3/3"])],
          [k("20260410-030000"), k("20251231-030000")]))

case("iso-week-53-and-year-boundaries",
     "UTC; weekly 7, monthly 2, yearly 3. ISO weeks use the week-based year: 2027-01-05 (Tue) and 2027-01-04 (Mon) "
     "are 2027-W01; 2027-01-03 (Sun), 2027-01-01, 2026-12-31 and 2026-12-28 (Mon) are all 2026-W53; 2026-12-27 "
     "(Sun) is 2026-W52; 2025-12-29 (Mon) is 2026-W01; 2025-12-28 (Sun) is 2025-W52; 2021-01-03 (Sun) and "
     "2020-12-28 (Mon) are 2020-W53. weekly reps: 2027-W01 -> 01-05, 2026-W53 -> 2027-01-03, 2026-W52 -> 12-27, "
     "2026-W01 -> 2025-12-29, 2025-W52 -> 2025-12-28, 2020-W53 -> 2021-01-03 (6 weeks hold backups, N=7 is more "
     "than available). monthly: January 2027 -> 01-05, December 2026 -> 12-31. yearly uses the calendar year: "
     "2027 -> 01-05, 2026 -> 12-31 (not 2027-01-03, which is week-year 2026 but calendar 2027), 2025 -> 12-29.",
     policy(weekly=7, monthly=2, yearly=3),
     with_sidecars([k("20270105-120000"), k("20270104-120000"), k("20270103-120000"), k("20270101-120000"),
                    k("20261231-120000"), k("20261228-120000"), k("20261227-120000"), k("20251229-120000"),
                    k("20251228-120000"), k("20210103-120000"), k("20201228-120000")]),
     hand([(k("20270105-120000"), ["weekly 1/7", "monthly 1/2", "yearly 1/3"]),
           (k("20270103-120000"), ["weekly 2/7"]),
           (k("20261231-120000"), ["monthly 2/2", "yearly 2/3"]),
           (k("20261227-120000"), ["weekly 3/7"]),
           (k("20251229-120000"), ["weekly 4/7", "yearly 3/3"]),
           (k("20251228-120000"), ["weekly 5/7"]),
           (k("20210103-120000"), ["weekly 6/7"])],
          [k("20270104-120000"), k("20270101-120000"), k("20261228-120000"), k("20201228-120000")]))

case("dst-europe-berlin",
     "Europe/Berlin; hourly 6, daily 6, weekly 2. Keys are UTC, periods local. Fall-back 2026-10-25 03:00 CEST -> "
     "02:00 CET: 10-25 23:30Z = Mon 10-26 00:30 CET (UTC still Sunday); 01:40Z = 02:40 CET, 00:50Z = 02:50 CEST, "
     "00:10Z = 02:10 CEST (all three in the repeated local hour 02:xx: ONE hourly period, represented by the "
     "newest, 01:40Z); 10-24 23:10Z = 10-25 01:10 CEST; 10-24 21:00Z = 10-24 23:00. Spring-forward 2026-03-29 "
     "02:00 CET -> 03:00 CEST: 01:30Z = 03:30 CEST, 00:30Z = 01:30 CET, 03-28 23:30Z = 03-29 00:30 CET, 03-28 "
     "22:30Z = 03-28 23:30 CET. hourly (local date-hour): 10-26 00h, 10-25 02h, 10-25 01h, 10-24 23h, 03-29 03h, "
     "03-29 01h. daily (local days): 10-26, 10-25 (rep 01:40Z), 10-24 (rep 21:00Z, not 23:10Z which is local "
     "10-25), 03-29 (rep 01:30Z), 03-28 (rep 22:30Z, not 23:30Z which is local 03-29): only 5 days, N=6. weekly: "
     "local Monday 10-26 starts 2026-W44 -> 10-25 23:30Z; 2026-W43 -> 01:40Z. Deleted: 00:50Z and 00:10Z (same "
     "local hour and day as 01:40Z) and 03-28 23:30Z (local 03-29 00:30: its day is represented by the newer "
     "01:30Z and its hour would be the 7th, beyond hourly's 6).",
     policy(tz="Europe/Berlin", hourly=6, daily=6, weekly=2),
     with_sidecars([k("20261025-233000"), k("20261025-014000"), k("20261025-005000"), k("20261025-001000"),
                    k("20261024-231000"), k("20261024-210000"), k("20260329-013000"), k("20260329-003000"),
                    k("20260328-233000"), k("20260328-223000")]),
     hand([(k("20261025-233000"), ["hourly 1/6", "daily 1/6", "weekly 1/2"]),
           (k("20261025-014000"), ["hourly 2/6", "daily 2/6", "weekly 2/2"]),
           (k("20261024-231000"), ["hourly 3/6"]),
           (k("20261024-210000"), ["hourly 4/6", "daily 3/6"]),
           (k("20260329-013000"), ["hourly 5/6", "daily 4/6"]),
           (k("20260329-003000"), ["hourly 6/6"]),
           (k("20260328-223000"), ["daily 5/6"])],
          [k("20261025-005000"), k("20261025-001000"), k("20260328-233000")]))

case("dst-america-new-york",
     "America/New_York; hourly 3, daily 5, monthly 3. Fall-back 2026-11-01 02:00 EDT -> 01:00 EST: 11-02 04:30Z = "
     "11-01 23:30 EST (UTC already Monday); 06:20Z = 01:20 EST, 05:50Z = 01:50 EDT, 05:10Z = 01:10 EDT (repeated "
     "local hour 01:xx = one hourly period, rep 06:20Z); 04:30Z = 00:30 EDT; 11-01 03:30Z = 10-31 23:30 EDT (local "
     "October, UTC November). Spring-forward 2026-03-08 02:00 EST -> 03:00 EDT: 07:30Z = 03:30 EDT, 06:30Z = 01:30 "
     "EST, 04:30Z = 03-07 23:30 EST (local Saturday), 03-07 12:00Z = 07:00 EST; and 02-28 12:00Z. hourly: 11-01 "
     "23h, 11-01 01h, 11-01 00h. daily (local): 11-01 -> 11-02 04:30Z, 10-31 -> 11-01 03:30Z, 03-08 -> 07:30Z, "
     "03-07 -> 03-08 04:30Z (not 03-07 12:00Z), 02-28. monthly (local): November -> 11-02 04:30Z, October -> "
     "11-01 03:30Z, March -> 03-08 07:30Z.",
     policy(tz="America/New_York", hourly=3, daily=5, monthly=3),
     with_sidecars([k("20261102-043000"), k("20261101-062000"), k("20261101-055000"), k("20261101-051000"),
                    k("20261101-043000"), k("20261101-033000"), k("20260308-073000"), k("20260308-063000"),
                    k("20260308-043000"), k("20260307-120000"), k("20260228-120000")]),
     hand([(k("20261102-043000"), ["hourly 1/3", "daily 1/5", "monthly 1/3"]),
           (k("20261101-062000"), ["hourly 2/3"]),
           (k("20261101-043000"), ["hourly 3/3"]),
           (k("20261101-033000"), ["daily 2/5", "monthly 2/3"]),
           (k("20260308-073000"), ["daily 3/5", "monthly 3/3"]),
           (k("20260308-043000"), ["daily 4/5"]),
           (k("20260228-120000"), ["daily 5/5"])],
          [k("20261101-055000"), k("20261101-051000"), k("20260308-063000"), k("20260307-120000")]))

case("year-boundary-los-angeles",
     "America/Los_Angeles (UTC-8 in winter); weekly 1, monthly 2, yearly 3. 2027-01-01 09:00Z = 2027-01-01 01:00 "
     "PST; 2027-01-01 05:00Z = 2026-12-31 21:00 PST (calendar 2027 in UTC, 2026 locally); 2026-12-31 12:00Z = "
     "04:00 PST; 2026-01-01 07:00Z = 2025-12-31 23:00 PST; 2025-06-01 12:00Z. yearly (local years): 2027 -> "
     "09:00Z, 2026 -> 2027-01-01 05:00Z, 2025 -> 2026-01-01 07:00Z. monthly: January 2027 -> 09:00Z, December "
     "2026 -> 05:00Z. weekly: local Friday 2027-01-01 is 2026-W53 -> 09:00Z. Deleted: 2026-12-31 12:00Z and "
     "2025-06-01 (in UTC they would have represented 2026 and 2025).",
     policy(tz="America/Los_Angeles", weekly=1, monthly=2, yearly=3),
     with_sidecars([k("20270101-090000"), k("20270101-050000"), k("20261231-120000"), k("20260101-070000"),
                    k("20250601-120000")]),
     hand([(k("20270101-090000"), ["weekly 1/1", "monthly 1/2", "yearly 1/3"]),
           (k("20270101-050000"), ["monthly 2/2", "yearly 2/3"]),
           (k("20260101-070000"), ["yearly 3/3"])],
          [k("20261231-120000"), k("20250601-120000")]))

case("equal-timestamps",
     "UTC; keep_last 2, daily 2. Four backups share the second 2026-01-05 02:00:00 (.sql.zst, .sql.gz.age, "
     ".sql.gz, .dump) and two share 2026-01-04 02:00:00 (.sqlite, .sql.gz). Equal instants order by key "
     "descending: '...sql.zst' > '...sql.gz.age' > '...sql.gz' > '...dump' and '...sqlite' > '...sql.gz' ('i' > "
     "'.'). last keeps the first two of that order; daily: 01-05 -> .sql.zst, 01-04 -> .sqlite. Everything else, "
     "including 01-03, is deleted.",
     policy(last=2, daily=2),
     with_sidecars([k("20260105-020000", "sql.gz"), k("20260105-020000", "sql.zst"), k("20260105-020000", "dump"),
                    k("20260105-020000", "sql.gz.age"), k("20260104-020000", "sql.gz"),
                    k("20260104-020000", "sqlite"), k("20260103-020000", "sql.gz")]),
     hand([(k("20260105-020000", "sql.zst"), ["last 1/2", "daily 1/2"]),
           (k("20260105-020000", "sql.gz.age"), ["last 2/2"]),
           (k("20260104-020000", "sqlite"), ["daily 2/2"])],
          [k("20260105-020000", "sql.gz"), k("20260105-020000", "dump"), k("20260104-020000", "sql.gz"),
           k("20260103-020000", "sql.gz")]))

FOREIGN = [
    "prod/app/notes.txt",
    "prod/app/app-20260111-010000.sql.gz.sha256",
    "prod/app/app-20260111-010000.sql.gz.manifest.json",
    "prod/app/app-20260111-020000.sql.gz",
    "prod/app/.dbbackup-tmp-app-20260112-010000.sql.gz",
    "prod/app/app-20260112-010000.sql.gz.tmp",
    "prod/app/app-20260113-010000.sql.gz.bak",
    "prod/app/app-20260230-010000.sql.gz",
    "prod/app/app-2026011-010000.sql.gz",
    "prod/app/app-20260113-010000.txt",
    "prod/app/app-20260113-010000.SQL.GZ",
    "prod/app/app-backup-20260113-010000.sql.gz",
    "prod/app/old/app-20260101-010000.sql.gz",
    "prod/app/other-20260113-010000.sql.gz",
    "prod/app2/app2-20260113-010000.sql.gz",
    "prod/app2/app-20260113-010000.sql.gz",
    "staging/app/app-20260113-010000.sql.gz",
    "app/app-20260113-010000.sql.gz",
    "prod/app-20260113-010000.sql.gz",
]

case("foreign-files-and-sidecars",
     "UTC; keep_last 1, daily 2. Only four names are this job's backups: 2026-01-10 .sql.gz, 01-09 .sql.gz, 01-08 "
     ".sql.gz and 01-07 .sql.gz.age (each with .sha256 and .manifest.json sidecars). Every other file is foreign "
     "and never appears in the decision: an orphan sidecar pair of 01-11 (no artifact), a backup's name of 01-11 02:00 "
     "with neither sidecar (the newest name: counted, it would take keep_last's place), temp/backup copies "
     "(.dbbackup-tmp-*, .tmp, .bak), an impossible date (02-30), a short stamp, an unknown format (.txt), upper "
     "case, a different name or database (app-backup-*, other-*, app2), a subfolder (old/), another prefix "
     "(staging/), no prefix, a file one level up. last -> 01-10; daily -> 01-10, 01-09. 01-08 and 01-07 are "
     "deleted (with their sidecars, by prune).",
     policy(last=1, daily=2),
     sorted(with_sidecars([k("20260110-010000"), k("20260109-010000"), k("20260108-010000"),
                           k("20260107-010000", "sql.gz.age")]) + FOREIGN),
     hand([(k("20260110-010000"), ["last 1/1", "daily 1/2"]),
           (k("20260109-010000"), ["daily 2/2"])],
          [k("20260108-010000"), k("20260107-010000", "sql.gz.age")]))

case("no-rules-keep-all",
     "UTC; every count 0: no rule is set, so every backup is kept with the reason 'keep all (no retention "
     "rules)', nothing is deleted, and the foreign files stay out of the decision.",
     policy(),
     sorted(with_sidecars([k("20260103-010000"), k("20260102-010000", "sql.zst"), k("20250102-010000", "dump"),
                           k("20200101-000000", "sqlite")]) + ["prod/app/notes.txt", "prod/other/other-20260101-000000.sql"]),
     hand([(k("20260103-010000"), [KEEP_ALL]), (k("20260102-010000", "sql.zst"), [KEEP_ALL]),
           (k("20250102-010000", "dump"), [KEEP_ALL]), (k("20200101-000000", "sqlite"), [KEEP_ALL])], []))

case("keep-hourly",
     "UTC; keep_last 1, hourly 4. 2026-05-05 14:45, 14:15, 13:59:59, 13:00:00, 11:30 (no backup in 12h), "
     "2026-05-04 23:59:59, 23:00:01, 22:00. hourly: 05-05 14h -> 14:45, 13h -> 13:59:59, (12h empty, not counted) "
     "11h -> 11:30, 05-04 23h -> 23:59:59. last -> 14:45. Deleted: 14:15, 13:00:00, 23:00:01, 22:00.",
     policy(last=1, hourly=4),
     with_sidecars([k("20260505-144500"), k("20260505-141500"), k("20260505-135959"), k("20260505-130000"),
                    k("20260505-113000"), k("20260504-235959"), k("20260504-230001"), k("20260504-220000")]),
     hand([(k("20260505-144500"), ["last 1/1", "hourly 1/4"]),
           (k("20260505-135959"), ["hourly 2/4"]),
           (k("20260505-113000"), ["hourly 3/4"]),
           (k("20260504-235959"), ["hourly 4/4"])],
          [k("20260505-141500"), k("20260505-130000"), k("20260504-230001"), k("20260504-220000")]))


def large():
    """~500 backups over two years in Europe/Berlin: irregular daily backups with skipped days, two empty
    months, a three-week hole, a dense hourly run across the 2026-10-25 fall-back, same-second pairs."""
    rnd = random.Random(20261123)
    zone = ZoneInfo("Europe/Berlin")
    stamps = set()
    day = datetime(2024, 11, 20, tzinfo=zone)
    end = datetime(2026, 10, 23, tzinfo=zone)
    while day < end:
        hole = (day.year, day.month) in {(2025, 2), (2025, 8)} or datetime(2026, 3, 2, tzinfo=zone) <= day < datetime(2026, 3, 23, tzinfo=zone)
        if not hole and rnd.random() > 0.15:
            for _ in range(1 if rnd.random() < 0.8 else 2):
                local = day.replace(hour=rnd.choice([0, 1, 2, 3, 22, 23]), minute=rnd.randrange(60), second=rnd.randrange(60))
                stamps.add(local.astimezone(timezone.utc))
        day = (day + timedelta(days=1)).replace(hour=0)
    t = datetime(2026, 10, 24, 18, 0, tzinfo=timezone.utc)  # hourly-ish run across the fall-back
    while t < datetime(2026, 10, 26, 6, 0, tzinfo=timezone.utc):
        if rnd.random() > 0.2:
            stamps.add(t + timedelta(minutes=rnd.randrange(0, 50)))
        t += timedelta(minutes=rnd.choice([20, 40, 60, 60, 90]))
    # both occurrences of the repeated local hour 02:xx (CEST 00:xxZ, CET 01:xxZ) hold backups
    stamps |= {datetime(2026, 10, 25, 0, 35, tzinfo=timezone.utc), datetime(2026, 10, 25, 1, 10, tzinfo=timezone.utc),
               datetime(2026, 10, 25, 1, 40, tzinfo=timezone.utc)}
    files = []
    for s in sorted(stamps):
        ext = rnd.choice(["sql.gz", "sql.gz", "sql.zst", "dump", "sql.lz4.age"])
        key = k(s.strftime("%Y%m%d-%H%M%S"), ext)
        r = rnd.random()  # most with their .sha256, some with only a manifest, a few with neither (no backup)
        files += [key, key + ".sha256"] if r < 0.7 else [key, key + ".manifest.json"] if r < 0.95 else [key]
        if rnd.random() < 0.03:  # a second backup in the very same second
            files += [k(s.strftime("%Y%m%d-%H%M%S"), "sqlite"), k(s.strftime("%Y%m%d-%H%M%S"), "sqlite") + ".sha256"]
    files += ["prod/app/notes.txt", "prod/app/app-20261026-999999.sql.gz", "prod/app/.dbbackup-tmp-x",
              "staging/app/app-20261026-010000.sql.gz"]
    return files


case("large-europe-berlin",
     "Europe/Berlin; keep_last 3, hourly 24, daily 14, weekly 8, monthly 12, yearly 5. Several hundred backups "
     "generated by generate.py (fixed seed): irregular daily backups around local midnight from 2024-11-20, "
     "skipped days, no backups in February 2025, August 2025 and 2026-03-02..03-22, a dense run across the "
     "2026-10-25 fall-back (backups in both occurrences of local 02:xx), a few same-second pairs, a .sha256 or a manifest beside each backup, a few names with neither and a few foreign files (both out of the decision). Expected output "
     "computed by the independent Python oracle in generate.py and cross-checked by a brute-force Java oracle "
     "in RetentionGoldenTest.",
     policy(tz="Europe/Berlin", last=3, hourly=24, daily=14, weekly=8, monthly=12, yearly=5),
     large())


def main():
    for c in CASES:
        got = oracle(c)
        if c["expected"] is not None:
            want = {"job": c["name"], **c["expected"]}
            if got != want:
                raise SystemExit(f"{c['name']}: the oracle disagrees with the hand-written answer:\n"
                                 f"oracle: {json.dumps(got, indent=2)}\nhand: {json.dumps(want, indent=2)}")
        inp = {k_: c[k_] for k_ in ["description", "prefix", "database", "policy", "files"]}
        (HERE / f"{c['name']}.json").write_text(json.dumps(inp, indent=2) + "\n")
        (HERE / f"{c['name']}.expected.json").write_text(json.dumps(got, indent=2) + "\n")
        backups = len(got["keep"]) + len(got["delete"])
        print(f"{c['name']}: {backups} backups, {len(c['files'])} files, keep {len(got['keep'])}, delete {len(got['delete'])}")


if __name__ == "__main__":
    main()
