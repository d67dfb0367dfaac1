#!/usr/bin/env python3
"""Any store that imports also exports, within a stated memory bound (issues 12 and 15).

Generates the largest import postura accepts (64 MiB of CSV), in the shape that cost the
most memory to export (570,000 sessions of one exercise each), imports it, and exports it
as JSON and as CSV, measuring each export's peak resident memory (getrusage of the
child). The bound, stated in the README: an export needs at most 64 MB whatever the
store holds (the records are read 1,024 at a time and the text is written 64 KiB at a
time). The CSV export is the imported file again, byte for byte, and imported into a
fresh store it exports the same JSON. Then, with a profile saved (so the FHIR Bundle has
its CarePlan: today's plan, which replays every one of those sessions), the FHIR export
stays within the same bound (written to standard output, here /dev/null: some 2 GB of
FHIR) and its Bundle ends as it should; and again with a programme a clinician assigned
(its replay reads the store a part at a time too). Skipped (77) under AddressSanitizer, whose shadow memory is not postura's.

usage: export_memory.py POSTURA
"""
import json
import os
import re
import resource
import subprocess
import sys
import tempfile

BOUND_MB = 64
postura = sys.argv[1]

if os.environ.get("ASAN_OPTIONS") or b"__asan_init" in subprocess.run(
        ["nm", "-D", postura], capture_output=True).stdout:
    print("SKIP: built with AddressSanitizer; its shadow memory would be measured too")
    sys.exit(77)

HEADER = ("record,id,parent_id,at,pain,pain_after,areas,note,exercise,feedback,activity,"
          "score,stage,weeks,anchor,birth,feeding,triggers,equipment,avoid,minutes,"
          "conditions,country,remind_at,timezone,relief_reminder\r\n")
LIMIT = 64 * 1024 * 1024


def peak_mb(args):
    """Runs postura in a fresh child and returns (exit status, stderr, its peak RSS in MB)."""
    pid = os.fork()
    if pid == 0:
        err = os.open(os.path.join(tmp, "stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(err, 2)
        out = os.open(os.devnull, os.O_WRONLY)
        os.dup2(out, 1)
        os.execv(postura, [postura] + args)
    _, status, ru = os.wait4(pid, 0)
    with open(os.path.join(tmp, "stderr")) as f:
        return os.waitstatus_to_exitcode(status), f.read(), ru.ru_maxrss / 1024


fails = 0


def check(name, cond, detail=""):
    global fails
    if cond:
        print("ok - " + name)
    else:
        fails += 1
        print("FAIL - %s %s" % (name, detail))


with tempfile.TemporaryDirectory() as tmp:
    csv = os.path.join(tmp, "big.csv")
    cols = HEADER.count(",") + 1
    empty = "," * (cols - 1)
    n = 0
    with open(csv, "w", newline="") as f:
        f.write(HEADER)
        size = len(HEADER)
        while True:
            n += 1
            row = ("session,%d,,2026-11-02T08:00:00Z,3,2%s\r\n" % (n, empty[5:]) +
                   "session_exercise,1,%d,,,,,,chin-nod,easy%s\r\n" % (n, empty[9:]))
            if size + len(row) >= LIMIT:
                n -= 1
                break
            f.write(row)
            size += len(row)
    db = os.path.join(tmp, "big.db")
    code, err, _ = peak_mb(["--db", db, "import", csv])
    check("the generated %.0f MiB CSV (%d sessions) imports" % (size / 2**20, n), code == 0, err)
    for fmt in ("json", "csv"):
        out = os.path.join(tmp, "export." + fmt)
        code, err, mb = peak_mb(["--db", db, "export", "--format", fmt, "--out", out])
        print("# export --format %s: peak RSS %.1f MB, %.0f MB written" % (fmt, mb, os.path.getsize(out) / 1e6
                                                                       if os.path.exists(out) else 0))
        check("export --format %s succeeds" % fmt, code == 0, err)
        check("export --format %s stays under %d MB (%.1f MB)" % (fmt, BOUND_MB, mb), mb < BOUND_MB)
    # The CSV round trip (the JSON of 64 MiB of CSV is larger than import takes).
    with open(csv, "rb") as a, open(os.path.join(tmp, "export.csv"), "rb") as b:
        check("the CSV export is the imported file, byte for byte", a.read() == b.read())
    again = os.path.join(tmp, "again.db")
    code, err, _ = peak_mb(["--db", again, "import", os.path.join(tmp, "export.csv")])
    check("the CSV export imports into a fresh store", code == 0, err)
    code, err, _ = peak_mb(["--db", again, "export", "--format", "json", "--out",
                            os.path.join(tmp, "again.json")])
    with open(os.path.join(tmp, "export.json"), "rb") as a, open(os.path.join(tmp, "again.json"), "rb") as b:
        check("and exports the same JSON", code == 0 and a.read() == b.read())
    # FHIR: with a profile, so that the CarePlan (today's plan) replays every session.
    code, err, _ = peak_mb(["--db", db, "profile", "set", "--postpartum-weeks", "20", "--birth",
                            "vaginal", "--pain", "3", "--area", "upper,mid", "--minutes", "10"])
    check("a profile is saved", code == 0, err)
    code, err, mb = peak_mb(["--db", db, "export", "--format", "fhir"])
    print("# export --format fhir (to /dev/null): peak RSS %.1f MB" % mb)
    check("export --format fhir succeeds", code == 0, err)
    check("export --format fhir stays under %d MB (%.1f MB)" % (BOUND_MB, mb), mb < BOUND_MB)
    # Its Bundle, checked at both ends: the CarePlan near the head, the last session's pain
    # after it last.
    ends = os.path.join(tmp, "fhir")
    subprocess.run(["sh", "-c", '"$0" --db "$1" export --format fhir | '
                    '{ head -c 200000 > "$2.head"; tail -c 2000 > "$2.tail"; }', postura, db, ends],
                   check=True)
    with open(ends + ".head") as f:
        head = re.sub(r"\s", "", f.read())
    with open(ends + ".tail") as f:
        tail = re.sub(r"\s", "", f.read())
    check("the Bundle has today's plan as a CarePlan with its activities",
          '"resourceType":"CarePlan"' in head and '"activity":[' in head)
    check("the Bundle ends with the last session's pain after it",
          '"code":"after-session"' in tail and tail.endswith('"valueInteger":2}}]}'), tail[-300:])

    # The same with a programme a clinician assigned (its own replay: the sessions since
    # each dose was set, two distinct times here, one before every session and one after
    # them all): the plan and the FHIR export stay within the bound (before, the replay
    # read every record at once: some 190 MB). How the replay progresses is checked in
    # tests/unit/test_programme.c and the programme tests.
    code, err, _ = peak_mb(["--db", os.path.join(tmp, "empty.db"), "export", "--format", "json",
                            "--out", os.path.join(tmp, "empty.json")])
    check("an empty store exports", code == 0, err)
    with open(os.path.join(tmp, "empty.json")) as f:
        doc = json.load(f)
    doc["programme"] = {"body": {
        "note": "Little and often.",
        "exercises": [{"id": "chin-nod", "reps": 5, "hold_s": 3, "dose_at": 1790000000},
                      {"id": "rib-breathing", "breaths": 6, "dose_at": 1796000000}],
        "by": 3, "at": 1790000000}, "by": 3, "at": "2026-09-21T14:13:20+00:00"}
    with open(os.path.join(tmp, "programme.json"), "w") as f:
        json.dump(doc, f)
    code, err, _ = peak_mb(["--db", db, "import", os.path.join(tmp, "programme.json")])
    check("a programme is assigned", code == 0, err)
    code, err, mb = peak_mb(["--db", db, "plan", "--json"])
    print("# plan --json with an assigned programme: peak RSS %.1f MB" % mb)
    check("plan with an assigned programme stays under %d MB (%.1f MB)" % (BOUND_MB, mb),
          code == 0 and mb < BOUND_MB, err)
    plan = json.loads(subprocess.run([postura, "--db", db, "plan", "--json"], capture_output=True,
                                     text=True).stdout or "{}")
    items = {e["id"]: e for e in plan.get("exercises", [])}
    check("the plan is the assigned programme, in its order",
          plan.get("assigned") is True and list(items) == ["chin-nod", "rib-breathing"], list(items))
    code, err, mb = peak_mb(["--db", db, "export", "--format", "fhir"])
    print("# export --format fhir with an assigned programme (to /dev/null): peak RSS %.1f MB" % mb)
    check("export --format fhir with an assigned programme succeeds", code == 0, err)
    check("export --format fhir with an assigned programme stays under %d MB (%.1f MB)" % (BOUND_MB, mb),
          mb < BOUND_MB)
    subprocess.run(["sh", "-c", '"$0" --db "$1" export --format fhir | head -c 200000 > "$2.head"',
                    postura, db, ends], check=True)
    with open(ends + ".head") as f:
        head = re.sub(r"\s", "", f.read())
    check("its CarePlan is the assigned programme", '"resourceType":"CarePlan"' in head
          and "chin-nod" in head.split('"resourceType":"CarePlan"', 1)[-1][:20000], head[:2000])

print("%d check(s) failed" % fails if fails else "all checks passed")
sys.exit(1 if fails else 0)
