#!/usr/bin/env python3
"""Stateless servers (issue 13): two `postura serve` processes on two loopback ports
against one database. A write through one is seen through the other at once (pages,
the API, their caches); a form fetched from one posts to the other (CSRF tokens from a
secret the deployment keeps in the database); GET /healthz says 200 or 503; a database
that cannot be reached gives 503 with Retry-After everywhere, and the server recovers
by itself; one request waiting on the database does not hold up the others.

usage: stateless_test.py POSTURA SOURCE_DIR
On PostgreSQL (POSTURA_TEST_BACKEND=postgresql, inside tests/pg/with-cluster.sh) the
servers share a database of the test's own in the throw-away cluster; another session's
table lock stands for SQLite's write lock, and refusing connections to that database
(ALLOW_CONNECTIONS false, its sessions ended) for the file moved away.
Prints one line per check and 'N passed, N failed'; exits 1 on any failure.
"""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from checks import Browser, check, finish, jbody, psql, request

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-stateless-")
db = os.path.join(tmp, "clinic.db")
env = dict(os.environ, POSTURA_NOW="2026-11-18T09:00:00+00:00")
procs = []
PG = os.environ.get("POSTURA_TEST_BACKEND") == "postgresql"
if PG:
    pgname = "stateless_%d" % os.getpid()
    admin = os.environ["POSTURA_TEST_PG_ADMIN"]
    psql_bin = os.path.join(os.environ["POSTURA_TEST_PG_BIN"], "psql")
    db = os.environ["POSTURA_TEST_PG"].rsplit("/", 1)[0] + "/" + pgname


if PG:
    psql("CREATE DATABASE %s OWNER postura" % pgname)


def serve(path=db):
    p = subprocess.Popen([postura, "--db", path, "serve", "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    line = p.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        print("FAIL the server did not start:", line, p.stderr.read())
        sys.exit(1)
    procs.append(p)
    return p, int(m.group(1))


def req(port, method, path, body=None, ctype=None, headers=None, timeout=15):
    return request(port, method, path, body, ctype, headers, timeout)


# x86_64 system calls a server thread sits in while the database holds it: SQLite's busy
# handler sleeps (nanosleep, clock_nanosleep), libpq waits on its socket (poll, ppoll).
HELD = {"x86_64": ({35, 230}, {7, 271})}


def wait_for_blocked_thread(pid, pg, seconds=10):
    calls = HELD.get(os.uname().machine)
    if not calls:
        return True  # another architecture: the reads start at once
    want = calls[1] if pg else calls[0]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/syscall" % (pid, tid)) as f:
                    nr = f.read().split()[0]
            except (OSError, IndexError):
                continue
            if nr.isdigit() and int(nr) in want:
                return True
        time.sleep(0.01)
    return False


def stop_all():
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


try:
    pa, a = serve()
    pb, b = serve()
    check("two servers on two ports, one database", a != b)

    # --- /healthz -------------------------------------------------------------------
    st, h, data = req(a, "GET", "/healthz")
    check("GET /healthz: 200 with a small JSON", st == 200 and jbody(data) == {"status": "ok"}
          and h.get("content-type", "").startswith("application/json"), (st, data))
    check("/healthz sets no cookie and is not cached", "set-cookie" not in h
          and h.get("cache-control") == "no-store", h)
    st, h, data = req(a, "GET", "/healthz", headers={"Host": "10.0.0.7:8081"})
    check("/healthz answers a balancer's probe under the backend's own address as Host",
          st == 200 and jbody(data) == {"status": "ok"}, (st, data))
    st, h, data = req(a, "GET", "/today", headers={"Host": "10.0.0.7:8081"})
    check("... while pages under a foreign Host are still refused (421)", st == 421, st)
    st, h, data = req(b, "HEAD", "/healthz")
    check("HEAD /healthz: 200", st == 200, st)

    # --- a write through A is seen through B at once: API and pages -------------------------
    answers = open(os.path.join(src, "tests/fixtures/answers-clear.json")).read()
    profile = {"pregnant_weeks": 24, "pain": 4, "areas": ["upper", "mid"], "triggers": ["desk"],
               "equipment": ["wall", "chair"], "avoid": [], "minutes": 10}
    st, _, data = req(a, "PUT", "/api/v1/profile", profile)
    check("PUT the profile through A", st == 200, (st, data[:200]))
    st, _, data = req(b, "GET", "/api/v1/profile")
    check("B reads the profile A wrote", st == 200 and (jbody(data) or {}).get("pregnant_weeks") == 24,
          (st, data[:200]))
    st, _, data = req(a, "POST", "/api/v1/screen", answers)
    check("safety answers through A", st in (200, 201), (st, data[:200]))
    st, _, data = req(b, "GET", "/today")
    check("B's Today page (now cached by B) says 24 weeks", st == 200 and b"24 weeks pregnant" in data,
          (st, data[:200]))
    st, _, plan = req(b, "GET", "/api/v1/plan")
    check("B's plan (now cached by B)", st == 200 and (jbody(plan) or {}).get("exercises"), (st, plan[:200]))
    for i in range(3):  # B's workers each cache their own copy
        req(b, "GET", "/today")
        req(b, "GET", "/api/v1/plan")
    st, _, data = req(a, "PUT", "/api/v1/profile", dict(profile, pregnant_weeks=31, minutes=20))
    check("A changes the profile (31 weeks, 20 minutes)", st == 200, (st, data[:200]))
    seen_today = [req(b, "GET", "/today")[2] for _ in range(4)]
    check("B's Today page shows A's change at once, on every request",
          all(b"31 weeks pregnant" in d and b"24 weeks pregnant" not in d for d in seen_today),
          [re.findall(rb"\d+ weeks pregnant", d)[:1] for d in seen_today])
    seen_plan = [jbody(req(b, "GET", "/api/v1/plan")[2]) or {} for _ in range(4)]
    check("B's plan (API) follows A's change at once", all(p != jbody(plan) for p in seen_plan)
          and all(json.dumps(p) == json.dumps(seen_plan[0]) for p in seen_plan), "")
    st, _, data = req(b, "POST", "/api/v1/checkins", {"pain": 6, "note": "through B"})
    check("a check-in through B", st == 201, (st, data[:200]))
    hist = jbody(req(a, "GET", "/api/v1/history")[2]) or {}
    check("A's history (API) shows B's check-in at once", [d.get("count") for d in hist.get("daily", [])] == [1]
          and hist["daily"][0].get("mean") == 6.0, json.dumps(hist)[:300])
    st, _, data = req(a, "GET", "/history")
    check("A's history page shows it too", st == 200 and b"through B" in data, st)

    # --- a form fetched from A posts to B (CSRF) -----------------------------------------------
    st, h, data = req(a, "GET", "/today")
    token = re.search(r'name="csrf" value="([^"]+)"', data.decode()).group(1)
    cookie = h.get("set-cookie", "").split(";")[0]
    check("A's page sets the CSRF cookie (HttpOnly, SameSite=Strict)", cookie.startswith("pst_csrf=")
          and "HttpOnly" in h.get("set-cookie", "") and "SameSite=Strict" in h.get("set-cookie", ""), h)
    form = "application/x-www-form-urlencoded"
    st, h, data = req(b, "POST", "/checkin", "pain=3&note=form+from+A&csrf=" + token, form, {"Cookie": cookie})
    check("a form fetched from A posts to B: 303", st == 303 and h.get("location") == "/history?saved=checkin",
          (st, data[:300]))
    check("... and is saved", b"form from A" in req(a, "GET", "/history")[2])
    st, h2, data2 = req(b, "GET", "/today", headers={"Cookie": cookie})
    token_b = re.search(r'name="csrf" value="([^"]+)"', data2.decode()).group(1)
    check("B gives the same browser the same token as A did", token_b == token, (token, token_b))
    st, h3, data3 = req(b, "GET", "/today")
    other_cookie = h3.get("set-cookie", "").split(";")[0]
    other_token = re.search(r'name="csrf" value="([^"]+)"', data3.decode()).group(1)
    for name, body, hdrs in [
            ("without the cookie", "pain=3&csrf=" + token, {}),
            ("with a wrong token", "pain=3&csrf=wrong", {"Cookie": cookie}),
            ("with no token", "pain=3", {"Cookie": cookie}),
            ("with another browser's token", "pain=3&csrf=" + token,
             {"Cookie": other_cookie if other_cookie != cookie else "pst_csrf=" + "A" * 43}),
            ("with a made-up cookie and token", "pain=3&csrf=" + token, {"Cookie": "pst_csrf=" + "B" * 43}),
            ("from another site", "pain=3&csrf=" + token, {"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}),
            ("from a foreign Origin", "pain=3&csrf=" + token, {"Cookie": cookie, "Origin": "http://evil.example"})]:
        st, _, _ = req(b, "POST", "/checkin", body, form, hdrs)
        check("a form posted to B %s: 403" % name, st == 403, st)
    st, _, _ = req(a, "POST", "/checkin", "pain=3&csrf=" + other_token, form, {"Cookie": other_cookie})
    check("B's form for another browser posts to A", st == 303, st)
    if PG:
        secret = psql("SELECT length(value) FROM deployment_secret WHERE name = 'csrf'", pgname)
        check("the deployment's secret is in the database (32 bytes)", secret == "32", secret)
    else:
        secret = sqlite3.connect(db).execute("SELECT length(value) FROM deployment_secret WHERE name='csrf'").fetchone()
        check("the deployment's secret is in the database (32 bytes)", secret == (32,), secret)

    # A restarted process (a new deploy) still takes the forms of before.
    pa.send_signal(signal.SIGTERM)
    pa.wait(timeout=20)
    pa, a = serve()
    st, _, data = req(a, "POST", "/checkin", "pain=2&csrf=" + token, form, {"Cookie": cookie})
    check("a restarted process takes a form fetched before the restart", st == 303, (st, data[:200]))

    # --- requests run side by side -----------------------------------------------------------
    # Another writer holds SQLite's write lock (on PostgreSQL: a lock on the check-ins that
    # lets reads through): a check-in through A waits for it. Meanwhile reads through A,
    # on other connections, must answer at once.
    if PG:
        conn = admin.replace("dbname=postura_test", "dbname=" + pgname)
        lock = subprocess.Popen([psql_bin, "-X", "-q", "-v", "ON_ERROR_STOP=1", conn], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        lock.stdin.write("BEGIN;\nLOCK TABLE checkin IN EXCLUSIVE MODE;\n\\echo locked\n")
        lock.stdin.flush()
        check("another session holds the check-ins' lock", lock.stdout.readline().strip() == "locked")
    else:
        lock = sqlite3.connect(db, timeout=30, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
    result = {}

    def blocked_post():
        t0 = time.monotonic()
        result["post"] = req(a, "POST", "/api/v1/checkins", {"pain": 1, "note": "waited"}, timeout=30)
        result["post_s"] = time.monotonic() - t0

    th = threading.Thread(target=blocked_post)
    th.start()
    # The reads start once the write waits inside the server: one of its threads sleeps
    # in SQLite's busy handler (or polls PostgreSQL's socket).
    waiting = wait_for_blocked_thread(pa.pid, PG)
    check("the write waits inside the server (a thread is held by the database)", waiting)
    times = []
    for i in range(12):
        t0 = time.monotonic()
        st, _, _ = req(a, "GET", "/api/v1/history" if i % 2 else "/history", timeout=30)
        times.append((st, time.monotonic() - t0))
    still_waiting = th.is_alive()
    if PG:
        lock.stdin.write("COMMIT;\n")
        lock.stdin.close()
        lock.wait(timeout=30)
    else:
        lock.execute("COMMIT")
        lock.close()
    th.join(timeout=30)
    check("while a write waits on the database, reads through the same server answer at once",
          all(st == 200 and t < 1.0 for st, t in times) and still_waiting,
          (still_waiting, [(s, round(t, 3)) for s, t in times]))
    check("... and the write goes through when the lock is released",
          result.get("post", (0,))[0] == 201, result)

    # --- the database cannot be reached: 503 everywhere, then recovery ------------------------
    away = db + ".away"

    def db_away():
        """Makes the database unreachable: the file moved away (SQLite); connections refused
        and every session ended (PostgreSQL)."""
        if PG:
            psql("ALTER DATABASE %s ALLOW_CONNECTIONS false" % pgname)
            psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '%s'" % pgname)
            return
        os.rename(db, away)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.rename(db + suffix, away + suffix)

    def db_back():
        if PG:
            psql("ALTER DATABASE %s ALLOW_CONNECTIONS true" % pgname)
            return
        os.rename(away, db)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(away + suffix):
                os.rename(away + suffix, db + suffix)

    db_away()
    st, h, data = req(b, "GET", "/healthz")
    check("/healthz with the database unreachable: 503 with Retry-After",
          st == 503 and jbody(data) == {"status": "unavailable"} and h.get("retry-after", "").isdigit(),
          (st, h.get("retry-after"), data))
    db_back()
    # A process started while the database was there, whose workers have not opened it yet.
    pc, c = serve()
    db_away()
    st, h, data = req(c, "GET", "/api/v1/history")
    e = (jbody(data) or {}).get("error", {})
    check("an API read with the database unreachable: 503 JSON with Retry-After",
          st == 503 and e.get("code") == "unavailable" and h.get("retry-after", "").isdigit()
          and tmp.encode() not in data and b"postgresql://" not in data, (st, h.get("retry-after"), data[:300]))
    st, h, data = req(c, "POST", "/api/v1/checkins", {"pain": 2})
    check("an API write with the database unreachable: 503", st == 503
          and (jbody(data) or {}).get("error", {}).get("code") == "unavailable", (st, data[:200]))
    st, h, data = req(c, "GET", "/today")
    check("a page with the database unreachable: a 503 page saying to try again, with Retry-After",
          st == 503 and b"<html" in data and b"try again" in data and h.get("retry-after", "").isdigit()
          and tmp.encode() not in data, (st, data[:300]))
    st, h, data = req(c, "GET", "/about")
    check("a page that needs no records still answers", st == 200, st)
    if not PG:
        check("no empty database was made in its place", not os.path.exists(db))
    st, _, data = req(c, "GET", "/healthz")
    check("/healthz: 503", st == 503, st)
    db_back()
    st, _, data = req(c, "GET", "/healthz")
    check("the database back: /healthz 200 again, without a restart", st == 200, (st, data))
    st, _, data = req(c, "GET", "/api/v1/history")
    check("... and the records answer (all 5 check-ins)", st == 200
          and [d.get("count") for d in (jbody(data) or {}).get("daily", [])] == [5], (st, data[:200]))
    st, _, data = req(b, "GET", "/healthz")
    check("the other process recovers too", st == 200, (st, data))
    st, _, data = req(b, "GET", "/api/v1/history")
    check("... with its records", st == 200
          and [d.get("count") for d in (jbody(data) or {}).get("daily", [])] == [5], (st, data[:200]))

    # --- a clinician's dashboard, kept by A, after changes through B, the command line ----
    # and SQL: A keys it by the clinician's roster version, which the database moves
    # with every change of the patients' records and accounts (store.md, "A clinician's
    # dashboard"), so A shows each change on the next visit, without asking B anything.
    def cli(args, stdin=None):
        return subprocess.run([postura, "--db", db] + args, input=stdin, capture_output=True,
                              text=True, env=env)

    def sql(statement):
        if PG:
            psql(statement, pgname)
        else:
            con = sqlite3.connect(db, timeout=30)
            con.execute(statement)
            con.commit()
            con.close()

    pw = {"ca": "velvet-cactus-ledger-3", "cb": "amber-tundra-piano-9", "p": "orchid-basalt-meridian-4"}
    for who, name in (("ca", "Ana"), ("cb", "Ben")):
        r = cli(["user", "add", "--role", "clinician", "--email", who + "@clinic.example", "--name", name],
                pw[who] + "\n")
        check("clinician %s added at the command line" % who, r.returncode == 0, r.stderr)
    ca_a, ca_b, cb_a = Browser(a), Browser(b), Browser(a)
    for br, who in ((ca_a, "ca"), (ca_b, "ca"), (cb_a, "cb")):
        st, _, data = br.req("POST", "/api/v1/login", {"email": who + "@clinic.example", "password": pw[who]})
        check("%s logs in on %s" % (who, "A" if br.port == a else "B"), st == 200, (st, data[:200]))

    def patients(br):
        st, _, data = br.req("GET", "/api/v1/patients")
        return {p["email"]: p for p in (jbody(data) or {}).get("patients", [])} if st == 200 else {"status": st}

    def dashboard(br):
        st, _, data = br.req("GET", "/clinic")
        return data.decode() if st == 200 else "status %d" % st

    def card(page, email):
        """The dashboard's card of the patient with that email ("" when none)."""
        return next((c for c in page.split('<li class="card patient')[1:] if email in c), "")

    def seen_on_a(br=None):
        """The patients' JSON and the dashboard, each asked of A three times (A's workers
        share one cache): all alike, or None."""
        lists = [patients(br or ca_a) for _ in range(3)]
        pages = [re.sub(r'name="csrf" value="[^"]+"', "", dashboard(br or ca_a)) for _ in range(3)]
        same = all(x == lists[0] for x in lists) and all(x == pages[0] for x in pages)
        return (lists[0], pages[0]) if same else None

    st, _, data = ca_a.req("POST", "/api/v1/patients", {"email": "p1@patients.example", "name": "Pia"})
    link = ((jbody(data) or {}).get("invitation") or {}).get("link", "")
    check("Ana adds Pia through A", st == 201 and link.startswith("/invite/"), (st, data[:200]))
    seen = seen_on_a()
    check("A's patients and dashboard: Pia, invited", seen and seen[0]["p1@patients.example"]["state"] == "invited"
          and "invitation not used yet" in card(seen[1], "p1@"), seen and seen[0])
    seen_on_a(cb_a)  # Ben's empty roster, kept by A too

    st, _, data = ca_b.req("POST", "/api/v1/patients", {"email": "p2@patients.example", "name": "Quinn"})
    check("Ana adds Quinn through B", st == 201, (st, data[:200]))
    seen = seen_on_a()
    check("A shows Quinn at once (JSON and page)", seen and "p2@patients.example" in seen[0]
          and "Quinn" in seen[1], seen and list(seen[0]))

    pia = Browser(b)
    st, _, data = pia.form(link, {"password": pw["p"], "confirm": pw["p"]}, link)
    check("Pia sets her password through the link, on B", st in (200, 303), (st, data[-300:]))
    seen = seen_on_a()
    check("A shows Pia active at once", seen and seen[0]["p1@patients.example"]["state"] == "active"
          and "invitation not used yet" not in card(seen[1], "p1@"), seen and seen[0].get("p1@patients.example"))

    st, _, data = pia.req("POST", "/api/v1/login", {"email": "p1@patients.example", "password": pw["p"]})
    st, _, data = pia.req("POST", "/api/v1/checkins", {"pain": 9})
    check("Pia checks in 9/10 through B", st == 201, (st, data[:200]))
    seen = seen_on_a()
    check("A's patients' JSON and dashboard show her pain at once",
          seen and (seen[0]["p1@patients.example"].get("pain") or {}).get("last") == 9 and "9/10" in card(seen[1], "p1@"),
          seen and seen[0]["p1@patients.example"].get("pain"))

    r = cli(["user", "disable", "--email", "p2@patients.example"])
    check("Quinn disabled at the command line", r.returncode == 0, r.stderr)
    seen = seen_on_a()
    check("A shows Quinn disabled at once", seen and seen[0]["p2@patients.example"]["state"] == "disabled"
          and "account disabled" in card(seen[1], "p2@"), seen and seen[0].get("p2@patients.example"))

    sql("UPDATE account SET name = 'Pia Renamed' WHERE email = 'p1@patients.example'")
    seen = seen_on_a()
    check("a name changed in the database shows on A at once", seen
          and seen[0]["p1@patients.example"]["name"] == "Pia Renamed" and "Pia Renamed" in seen[1],
          seen and seen[0]["p1@patients.example"]["name"])

    sql("UPDATE account SET clinician_id = (SELECT id FROM account WHERE email = 'cb@clinic.example')"
        " WHERE email = 'p2@patients.example'")
    seen, seen_b = seen_on_a(), seen_on_a(cb_a)
    check("Quinn moved to Ben: gone from Ana's list and page on A at once",
          seen and "p2@patients.example" not in seen[0] and "Quinn" not in seen[1], seen and list(seen[0]))
    check("... and on Ben's", seen_b and list(seen_b[0]) == ["p2@patients.example"] and "Quinn" in seen_b[1],
          seen_b and list(seen_b[0]))
finally:
    died = [p.returncode for p in procs if p.poll() is not None and p.returncode < 0]
    check("no server died of a signal", not died, died)
    stop_all()
    if PG:
        psql("DROP DATABASE IF EXISTS %s" % pgname)
    for p in procs:
        err = p.stderr.read()
        if "AddressSanitizer" in err or "runtime error" in err:
            check("no sanitizer report", False, err[-2000:])
finish()
