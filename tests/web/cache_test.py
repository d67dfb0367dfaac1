#!/usr/bin/env python3
"""The page cache with many people (issue 13): in clinic mode, patients logged in to one
server each get their Today page, history page and history JSON from memory once made,
whoever asked in between (the cache is per person, not one page for the whole server);
never another patient's page; a write shows at once (the person's version); the
history JSON is cached per `since` and gzip-compressed for clients that take it; the
bound in entries holds (POSTURA_PAGE_CACHE_ENTRIES) and a bad bound stops the start.
A reply says `X-Postura-Cache: hit` when it came from memory, `miss` when it was made
for this request.

usage: cache_test.py POSTURA SOURCE_DIR
Runs on SQLite, and on PostgreSQL through tests/pg/postura-pg (web-cache-pg).
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from checks import check, finish, jbody
import checks

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-cache-")
db = os.path.join(tmp, "clinic.db")
env = dict(os.environ, TZ="UTC", POSTURA_NOW="2026-11-18T09:00:00+00:00",
           POSTURA_LOGIN_LIMIT_ACCOUNT="1000", POSTURA_LOGIN_LIMIT_ADDRESS="1000")
procs = []
PW = "orchid-basalt-meridian-4"
WEEKS = {"p1": 24, "p2": 30, "p3": 33}


def cli(args, stdin=None):
    return subprocess.run([postura, "--db", db] + args, input=stdin, capture_output=True, text=True, env=env)


def serve(extra=None):
    p = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(env, **(extra or {})),
                         text=True)
    line = p.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        p.wait(10)
        return None, p.stderr.read()
    procs.append(p)
    return int(m.group(1)), ""


def stop_all():
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
    procs.clear()


class Client(checks.Browser):
    timeout = 60


def state(h):
    return h.get("x-postura-cache")


def weeks(d):
    m = re.search(rb"(\d+) weeks pregnant", d)
    return int(m.group(1)) if m else None


try:
    for who in WEEKS:
        out = cli(["user", "add", "--role", "patient", "--email", "%s@patients.example" % who,
                   "--name", "Pat " + who], PW + "\n")
        if out.returncode:
            print("FAIL postura user add %s: %s" % (who, out.stderr))
            sys.exit(1)
    port, err = serve()
    check("the server starts", port is not None, err)
    answers = json.load(open(os.path.join(src, "tests/fixtures/answers-clear.json")))
    prof = {"pain": 4, "areas": ["upper", "mid"], "triggers": ["desk"], "equipment": ["wall", "chair"],
            "avoid": [], "minutes": 10}
    c = {}
    for who, w in WEEKS.items():
        c[who] = Client(port)
        s, h, d = c[who].req("POST", "/api/v1/login", {"email": "%s@patients.example" % who, "password": PW})
        check("%s logs in" % who, s == 200, (s, d[:200]))
        s, h, d = c[who].req("PUT", "/api/v1/profile", dict(prof, pregnant_weeks=w))
        check("%s saves a profile (%d weeks)" % (who, w), s == 200, (s, d[:200]))
        s, h, d = c[who].req("POST", "/api/v1/screen?stage=pregnancy", answers)
        check("%s answers the safety questions" % who, s == 200, (s, d[:200]))

    # --- two patients in turn: each served from memory ------------------------------------
    seen = []
    for i in range(3):
        for who in ("p1", "p2"):
            s, h, d = c[who].req("GET", "/today")
            seen.append((who, s, state(h), weeks(d)))
    check("two patients load Today in turn: every page is their own",
          all(s == 200 and w == WEEKS[who] for who, s, _, w in seen), seen)
    check("... the first of each made for the request (X-Postura-Cache: miss)",
          [x[2] for x in seen[:2]] == ["miss", "miss"], seen)
    check("... and every later one from memory, though the other patient's came between (hit)",
          all(x[2] == "hit" for x in seen[2:]), seen)
    s, h, d = c["p1"].req("GET", "/today", headers={"Accept-Encoding": "gzip"})
    check("a cached Today page gzip-compressed for a client that takes it",
          s == 200 and state(h) == "hit" and h.get("content-encoding") == "gzip"
          and weeks(gzip.decompress(d)) == WEEKS["p1"], (s, h))
    s, h, d = c["p1"].req("PUT", "/api/v1/profile", dict(prof, pregnant_weeks=25))
    check("p1 changes their profile", s == 200, (s, d[:200]))
    s, h, d = c["p1"].req("GET", "/today")
    check("p1's next Today page is made again and shows it at once",
          s == 200 and state(h) == "miss" and weeks(d) == 25, (s, state(h), weeks(d)))
    s, h, d = c["p2"].req("GET", "/today")
    check("p2's page is still from memory (p1's write is not theirs)",
          s == 200 and state(h) == "hit" and weeks(d) == WEEKS["p2"], (s, state(h), weeks(d)))
    WEEKS["p1"] = 25
    other = Client(port)
    other.cookies = {k: v for k, v in c["p1"].cookies.items() if k != "pst_csrf"}
    s, h, d = other.req("GET", "/today")
    tok = re.search(rb'name="csrf" value="([^"]+)"', d)
    check("p1 in a second browser (no CSRF cookie yet): their page and a cookie with it",
          s == 200 and weeks(d) == 25 and "pst_csrf" in other.cookies and tok, (s, state(h)))
    s, h, d = other.form("/checkin", {"pain": "3", "note": "second browser"}, "/today")
    check("... whose form posts (its token fits its cookie)", s == 303, (s, d[:200]))

    # --- the history JSON and page ----------------------------------------------------------
    s1, h1, d1 = c["p1"].req("GET", "/api/v1/history")
    s2, h2, d2 = c["p1"].req("GET", "/api/v1/history")
    check("GET /api/v1/history: made once, then from memory, the same JSON",
          s1 == 200 and s2 == 200 and state(h1) == "miss" and state(h2) == "hit" and d1 == d2
          and (jbody(d1) or {}).get("daily"), (s1, s2, state(h1), state(h2)))
    s, h, d = c["p1"].req("GET", "/api/v1/history", headers={"Accept-Encoding": "gzip"})
    check("... gzip-compressed for a client that takes it", s == 200 and h.get("content-encoding") == "gzip"
          and gzip.decompress(d) == d1 and "Accept-Encoding" in h.get("vary", ""), (s, h))
    s, h, d = c["p2"].req("GET", "/api/v1/history")
    check("p2's history is p2's own (empty), not p1's from memory",
          s == 200 and (jbody(d) or {}).get("daily") == [] and state(h) == "miss", (s, state(h), d[:200]))
    s, h, d = c["p1"].req("GET", "/api/v1/history?since=2026-11-18")
    s2, h2, d2 = c["p1"].req("GET", "/api/v1/history?since=2026-11-18")
    check("since= is a reply of its own, kept too",
          s == 200 and state(h) == "miss" and state(h2) == "hit" and d == d2
          and (jbody(d) or {}).get("since") == "2026-11-18", (s, state(h), state(h2), d[:200]))
    s, h, d = c["p1"].req("GET", "/api/v1/history?since=2026-12-01")
    check("a since after today is still refused (422 naming since)", s == 422
          and (jbody(d) or {}).get("error", {}).get("field") == "since", (s, d[:200]))
    s, h, d = c["p1"].req("POST", "/api/v1/checkins", {"pain": 2, "note": "after the cache"})
    check("p1 checks in", s == 201, (s, d[:200]))
    s, h, d = c["p1"].req("GET", "/api/v1/history")
    check("p1's history JSON shows it at once (made again)", s == 200 and state(h) == "miss" and d != d1
          and (jbody(d) or {}).get("daily", [{}])[-1].get("count") == 2, (s, state(h), d[-300:]))
    s, h, d = c["p1"].req("GET", "/history")
    s2, h2, d2 = c["p1"].req("GET", "/history")
    check("the history page: made once, then from memory, with the check-in",
          s == 200 and state(h) == "miss" and state(h2) == "hit" and b"after the cache" in d2, (s, state(h), state(h2)))
    s, h, d = c["p1"].req("GET", "/history?saved=checkin")
    check("the history page with its notice (saved=) is a page of its own",
          s == 200 and state(h) == "miss" and b"Saved your check-in" in d, (s, state(h)))
    s, h, d = c["p2"].req("GET", "/history")
    check("p2's history page is not p1's", s == 200 and b"after the cache" not in d and b"second browser" not in d, s)
    stop_all()

    # --- a write through another process (the command line) shows at once -----------------------
    port, err = serve()
    for who in ("p1", "p2"):
        c[who].port = port
    for i in range(2):
        s, h, d = c["p2"].req("GET", "/api/v1/history")
    check("p2's history from memory", s == 200 and state(h) == "hit", state(h))
    out = cli(["user", "list", "--json"])
    accts = {a["email"]: a for a in (json.loads(out.stdout) if out.returncode == 0 else [])}
    person = accts.get("p2@patients.example", {}).get("person")
    out = cli(["--person", str(person), "checkin", "--pain", "5", "--note", "from the terminal"])
    check("a check-in of p2's through the command line", out.returncode == 0, out.stderr)
    s, h, d = c["p2"].req("GET", "/api/v1/history")
    check("... shows in p2's history JSON at once", s == 200 and state(h) == "miss"
          and len((jbody(d) or {}).get("daily", [])) == 1, (s, state(h), d[:300]))
    stop_all()

    # --- the bound -------------------------------------------------------------------------------
    port, err = serve({"POSTURA_PAGE_CACHE_ENTRIES": "2"})
    for who in c:
        c[who].port = port
    got = []
    for i in range(3):
        for who in ("p1", "p2", "p3"):
            s, h, d = c[who].req("GET", "/today")
            got.append((who, s, state(h), weeks(d)))
    check("with room for 2 pages, 3 patients in turn: every page still their own",
          all(s == 200 and w == WEEKS[who] for who, s, _, w in got), got)
    check("... and not all kept (the bound holds: the oldest go)",
          any(x[2] == "miss" for x in got[3:]), got)
    stop_all()
    for bad in ("0", "lots", "-3"):
        port, err = serve({"POSTURA_PAGE_CACHE_ENTRIES": bad})
        check("POSTURA_PAGE_CACHE_ENTRIES=%s: the server does not start, and says why" % bad,
              port is None and "POSTURA_PAGE_CACHE_ENTRIES" in err, err)
        stop_all()
    port, err = serve({"POSTURA_PAGE_CACHE_MB": "x"})
    check("POSTURA_PAGE_CACHE_MB=x: the server does not start, and says why",
          port is None and "POSTURA_PAGE_CACHE_MB" in err, err)
finally:
    stop_all()
finish()
