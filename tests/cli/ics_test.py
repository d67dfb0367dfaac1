#!/usr/bin/env python3
"""`postura export --format ics`: the plan's reminders read back by a real iCalendar
parser (Debian's python3-icalendar, with dateutil to expand the recurrence), and the
things a person would notice: the weekdays, the time in their time zone (also across a
daylight-saving change, through the file's own VTIMEZONE), the exercises in the
description, the alarm; the relief break only when asked; the same UIDs when the plan
changes; RFC 5545's line rules (CRLF, 75 octets, folding never inside a UTF-8 character);
bad times and time zones refused naming the flag, with nothing saved; the reminder
settings through export and import (JSON and CSV).

usage: ics_test.py POSTURA SOURCE_DIR
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
from checks import check, finish  # noqa: E402

try:
    import icalendar
except ImportError:  # Debian's package, under another python (pyenv) than Debian's
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import icalendar
    except ImportError:
        print("SKIP: python3-icalendar is not installed (scripts/debian-packages.txt)")
        sys.exit(77)
from dateutil.rrule import rrulestr  # noqa: E402  (python3-icalendar depends on it)
from zoneinfo import ZoneInfo  # noqa: E402

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-ics-")
NOW = "2026-11-18T09:00:00+00:00"  # a Wednesday; its week's Monday is 2026-11-16


def run(db, *args, stdin=None, env_extra=None):
    env = dict(os.environ, POSTURA_NOW=NOW)
    env.pop("TZ", None)
    env.update(env_extra or {})
    r = subprocess.run([postura, "--db", db] + list(args), input=stdin, capture_output=True, env=env)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def must(db, *args, **kw):
    code, out, err = run(db, *args, **kw)
    if code != 0:
        print("FAIL postura %s: exit %d: %s" % (" ".join(args), code, err))
        sys.exit(1)
    return out


answers = open(os.path.join(src, "examples", "answers.json")).read()
db = os.path.join(tmp, "a.db")
must(db, "profile", "set", "--pregnant-weeks", "24", "--remind-at", "07:45", "--timezone", "America/New_York")
must(db, "screen", "--answers", "-", stdin=answers.encode())
plan = json.loads(must(db, "plan", "--json"))
raw = must(db, "export", "--format", "ics")


def rfc_lines(name, data):
    check(name + ": every line ends in CRLF", data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""),
          data[:200])
    lines = data.split(b"\r\n")[:-1]
    check(name + ": no line longer than 75 octets", all(len(l) <= 75 for l in lines),
          [l for l in lines if len(l) > 75][:2])
    bad = []
    for l in lines:
        try:
            l.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(l)
    check(name + ": folding never splits a UTF-8 character", not bad, bad[:2])
    for key in (b"BEGIN:VCALENDAR", b"VERSION:2.0", b"PRODID:", b"DTSTAMP:", b"UID:", b"END:VCALENDAR"):
        check(name + ": has " + key.decode(), any(l.startswith(key) for l in lines))


rfc_lines("export --format ics", raw)
cal = icalendar.Calendar.from_ical(raw)
events = cal.walk("VEVENT")
check("one event without the relief break", len(events) == 1, [str(e.get("SUMMARY")) for e in events])
ev = events[0]
start = ev["DTSTART"].dt
check("DTSTART at the chosen time, 07:45", (start.hour, start.minute) == (7, 45), start)
check("DTSTART in the chosen time zone (TZID)", ev["DTSTART"].params.get("TZID") == "America/New_York",
      ev["DTSTART"].params)
rule = ev["RRULE"]
check("weekly", rule["FREQ"] == ["WEEKLY"], rule)
days = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
planned = [days[d["day"]] for d in plan["schedule"] if d["session"]]
check("RRULE on the plan's session days %s" % planned, sorted(rule["BYDAY"]) == sorted(planned), rule["BYDAY"])
check("10 minutes a session: 4 days (Mon, Wed, Fri, Sun)", sorted(rule["BYDAY"]) == ["FR", "MO", "SU", "WE"],
      rule["BYDAY"])
desc = str(ev["DESCRIPTION"])
names = [it["name"] for it in plan["exercises"]]
check("every exercise of the routine is named in the description", names and all(n in desc for n in names),
      (names, desc))
check("the description gives doses, one exercise a line", desc.count("\n") >= len(names) and "1. " in desc, desc)
check("commas come back unescaped (TEXT escaping)", "Your routine, about" in desc, desc[:80])
alarms = ev.walk("VALARM")
check("one alarm", len(alarms) == 1)
check("the alarm goes off 10 minutes before", alarms and alarms[0]["TRIGGER"].dt == datetime.timedelta(minutes=-10),
      alarms and alarms[0]["TRIGGER"].dt)
check("the alarm displays a message", alarms and str(alarms[0]["ACTION"]) == "DISPLAY")

# The occurrences: dateutil expands the rule from DTSTART.
occ = list(rrulestr(rule.to_ical().decode(), dtstart=start))[:12] if False else \
    list(rrulestr(rule.to_ical().decode(), dtstart=start, cache=False).xafter(start - datetime.timedelta(seconds=1), 12))
wd = sorted({o.strftime("%a") for o in occ})
check("the next occurrences fall on Mon, Wed, Fri, Sun", wd == ["Fri", "Mon", "Sun", "Wed"], wd)
check("every occurrence at 07:45 local", all((o.hour, o.minute) == (7, 45) for o in occ), occ[:3])
check("the first occurrence is in the export's week", start.date() == datetime.date(2026, 11, 16), start)

# The VTIMEZONE in the file gives New York's offsets in winter and in summer.
vtz = cal.walk("VTIMEZONE")
check("one VTIMEZONE for the TZID", len(vtz) == 1 and str(vtz[0]["TZID"]) == "America/New_York")
if vtz:
    tz = vtz[0].to_tz()
    ny = ZoneInfo("America/New_York")
    for d in ("2027-01-15 07:45", "2027-07-15 07:45", "2027-03-14 01:30", "2027-03-14 03:30",
              "2027-11-07 00:30", "2027-11-07 02:30"):
        dt = datetime.datetime.strptime(d, "%Y-%m-%d %H:%M")
        got = tz.localize(dt).utcoffset()
        want = dt.replace(tzinfo=ny).utcoffset()
        check("VTIMEZONE offset on %s is the zone's (%s)" % (d, want), got == want, got)

# Same plan, same file (the clock is fixed), same UIDs.
raw2 = must(db, "export", "--format", "ics")
check("the same plan gives the same file", raw2 == raw)
uid = str(ev["UID"])

# The relief break as a daily event, only when asked.
must(db, "profile", "set", "--relief-reminder", "yes")
cal = icalendar.Calendar.from_ical(must(db, "export", "--format", "ics"))
ev2 = {str(e["UID"]): e for e in cal.walk("VEVENT")}
check("--relief-reminder yes: two events", len(ev2) == 2, list(ev2))
relief = [e for e in ev2.values() if e["RRULE"]["FREQ"] == ["DAILY"]]
check("the relief break repeats every day", len(relief) == 1)
if relief:
    rd = str(relief[0]["DESCRIPTION"])
    check("the relief break names its stretches", any(r["name"] in rd for r in plan["relief_break"]["exercises"]) if
          isinstance(plan.get("relief_break"), dict) and "exercises" in plan["relief_break"] else len(rd) > 20, rd)
    check("the relief break has its own alarm", len(relief[0].walk("VALARM")) == 1)
check("the sessions keep their UID", uid in ev2, list(ev2))

# A change of minutes changes the days; the UID stays, so a subscribed calendar updates.
must(db, "profile", "set", "--minutes", "20", "--remind-at", "21:05", "--relief-reminder", "no")
cal = icalendar.Calendar.from_ical(must(db, "export", "--format", "ics"))
evs = cal.walk("VEVENT")
check("--relief-reminder no: the daily event is gone", len(evs) == 1)
check("20 minutes: 3 days (Mon, Wed, Fri)", evs and sorted(evs[0]["RRULE"]["BYDAY"]) == ["FR", "MO", "WE"],
      evs and evs[0]["RRULE"])
check("the new time, 21:05", evs and (evs[0]["DTSTART"].dt.hour, evs[0]["DTSTART"].dt.minute) == (21, 5))
check("the same UID after the change", evs and str(evs[0]["UID"]) == uid)

# Bad input: the flag named, exit 2, nothing saved.
for flag, value in (("--remind-at", "7pm"), ("--remind-at", "24:00"), ("--remind-at", "19:60"),
                    ("--timezone", "Mars/Olympus_Mons"), ("--timezone", "../../etc/passwd"),
                    ("--timezone", "Europe/"), ("--relief-reminder", "maybe")):
    code, out, err = run(db, "profile", "set", flag, value)
    check("profile set %s %s: exit 2 naming %s" % (flag, value, flag), code == 2 and flag in err, (code, err))
shown = json.loads(must(db, "profile", "show", "--json"))
check("nothing saved by the bad values", shown["remind_at"] == "21:05" and shown["timezone"] == "America/New_York"
      and shown["relief_reminder"] is False, shown)

# The default: 19:30 in the system's zone (TZ here), no relief event.
db2 = os.path.join(tmp, "b.db")
must(db2, "profile", "set", "--postpartum-weeks", "8", "--birth", "vaginal", env_extra={"TZ": "Europe/Berlin"})
must(db2, "screen", "--answers", "-", stdin=answers.encode())
shown = json.loads(must(db2, "profile", "show", "--json", env_extra={"TZ": "Europe/Berlin"}))
check("default reminder time 19:30", shown["remind_at"] == "19:30", shown)
check("default time zone from TZ", shown["timezone"] == "Europe/Berlin", shown)
cal = icalendar.Calendar.from_ical(must(db2, "export", "--format", "ics", env_extra={"TZ": "Europe/Berlin"}))
evs = cal.walk("VEVENT")
check("default: one event at 19:30 Europe/Berlin", len(evs) == 1 and evs[0]["DTSTART"].params.get("TZID") ==
      "Europe/Berlin" and (evs[0]["DTSTART"].dt.hour, evs[0]["DTSTART"].dt.minute) == (19, 30))

# A zone with a change at "26:00" (Asia/Jerusalem) and one without DST (Asia/Kolkata).
for zone in ("Asia/Jerusalem", "Asia/Kolkata", "Australia/Sydney", "Europe/Dublin"):
    must(db2, "profile", "set", "--timezone", zone)
    data = must(db2, "export", "--format", "ics")
    rfc_lines(zone, data)
    cal = icalendar.Calendar.from_ical(data)
    tz = cal.walk("VTIMEZONE")[0].to_tz()
    z = ZoneInfo(zone)
    ok = True
    for m in range(1, 13):
        for d in (1, 15, 28):
            dt = datetime.datetime(2027, m, d, 19, 30)
            if tz.localize(dt).utcoffset() != dt.replace(tzinfo=z).utcoffset():
                ok = False
    check("%s: the VTIMEZONE gives the zone's offsets all year" % zone, ok)

# The reminder settings through export and import, JSON and CSV.
must(db, "profile", "set", "--relief-reminder", "yes")
for fmt in ("json", "csv"):
    path = os.path.join(tmp, "e." + fmt)
    must(db, "export", "--format", fmt, "--out", path)
    db3 = os.path.join(tmp, "c-%s.db" % fmt)
    must(db3, "import", path)
    shown = json.loads(must(db3, "profile", "show", "--json"))
    check("%s export and import keep the reminders" % fmt, shown["remind_at"] == "21:05" and
          shown["timezone"] == "America/New_York" and shown["relief_reminder"] is True, shown)
# A bad time zone in an import is refused naming the field; nothing is added.
text = open(os.path.join(tmp, "e.json")).read().replace('"America/New_York"', '"Atlantis/Capital"')
bad = os.path.join(tmp, "bad.json")
open(bad, "w").write(text)
code, out, err = run(os.path.join(tmp, "d.db"), "import", bad)
check("import of a bad time zone: refused naming profile.timezone", code != 0 and "timezone" in err, (code, err))

# Red flags win: answers that send the person to a professional give no reminders.
db4 = os.path.join(tmp, "r.db")
must(db4, "profile", "set", "--pregnant-weeks", "20")
ans = json.loads(answers)
ans["chest-pain"] = True
run(db4, "screen", "--answers", "-", stdin=json.dumps(ans).encode())
code, out, err = run(db4, "export", "--format", "ics")
check("a referral: no calendar (exit 3), saying why", code == 3 and b"VEVENT" not in out and "professional" in err,
      (code, err))
code, out, err = run(os.path.join(tmp, "none.db"), "export", "--format", "ics")
check("no profile: exit 1, saying to save one", code == 1 and "profile" in err, (code, err))
finish()
