#!/usr/bin/env python3
"""HTTP tests of the installable, offline web app (issue 15): writes sent again with the
same idempotency key (the offline outbox retries until it hears back) are written once
and answered as the first time; the offline outbox's `at` (when the write was made); the
web app manifest, its icons and the service worker, served with their types; the
precache list; the Content-Security-Policy.

usage: offline_test.py POSTURA SOURCE_DIR
Prints one line per check and 'N passed, N failed'; exits 1 on any failure.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import uuid
from checks import check, finish, jbody, request

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-offline-")
db = os.path.join(tmp, "me.db")
env = dict(os.environ, POSTURA_NOW="2026-11-18T09:00:00+00:00")
proc = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
m = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
if not m:
    print("FAIL the server did not start:", proc.stderr.read())
    sys.exit(1)
port = int(m.group(1))


def req(method, path, body=None, ctype=None, headers=None):
    return request(port, method, path, body, ctype, headers, timeout=20)


def history():
    """Everything stored, as the export lists it."""
    return jbody(req("GET", "/api/v1/export?format=json")[2]) or {}


def count(kind):
    st, h, data = req("GET", "/api/v1/export?format=json")
    return len((jbody(data) or {}).get(kind, []))


try:
    answers = json.load(open(os.path.join(src, "tests", "fixtures", "answers-clear.json")))
    req("PUT", "/api/v1/profile", {"pregnant_weeks": 24, "pain": 4, "areas": ["upper", "mid"], "minutes": 10})
    req("POST", "/api/v1/screen?stage=pregnancy", answers)

    # --- the JSON API: Idempotency-Key -----------------------------------------------------
    key = str(uuid.uuid4())
    session = {"pain_before": 5, "pain_after": 3, "exercises": [{"id": "cat-cow", "feedback": "right"}]}
    st1, h1, d1 = req("POST", "/api/v1/sessions", session, headers={"Idempotency-Key": key})
    first = jbody(d1) or {}
    check("POST /api/v1/sessions with a key: 201", st1 == 201 and first.get("id"), (st1, d1[:300]))
    st2, h2, d2 = req("POST", "/api/v1/sessions", session, headers={"Idempotency-Key": key})
    again = jbody(d2) or {}
    check("the same POST again: the first answer, the same id", st2 == 201 and again.get("id") == first.get("id")
          and again.get("summary") == first.get("summary") and again.get("at") == first.get("at"), (st2, d2[:300]))
    check("... and one session is stored", count("sessions") == 1, count("sessions"))
    st3, _, d3 = req("POST", "/api/v1/sessions", session, headers={"Idempotency-Key": str(uuid.uuid4())})
    check("another key: another session", st3 == 201 and (jbody(d3) or {}).get("id") != first.get("id")
          and count("sessions") == 2, d3[:200])
    st, _, d = req("POST", "/api/v1/sessions", session)
    check("no key: every POST is its own", st == 201 and count("sessions") == 3, d[:200])

    key = str(uuid.uuid4())
    ck = {"pain": 6, "areas": ["upper"], "note": "on the train"}
    st1, _, d1 = req("POST", "/api/v1/checkins", ck, headers={"Idempotency-Key": key})
    st2, _, d2 = req("POST", "/api/v1/checkins", dict(ck, pain=2), headers={"Idempotency-Key": key})
    a, b = jbody(d1) or {}, jbody(d2) or {}
    check("POST /api/v1/checkins twice with one key: the same id and answer", st1 == 201 and st2 == 201
          and a.get("id") and a == b, (d1[:200], d2[:200]))
    check("... and one check-in is stored, the first", count("checkins") == 1
          and history().get("checkins", [{}])[-1].get("pain") == 6, history().get("checkins"))
    for bad in ["a key with spaces", "x" * 65, "k\u00e9y"]:
        st, _, d = req("POST", "/api/v1/checkins", ck, headers={"Idempotency-Key": bad.encode("utf-8").decode("latin-1")})
        e = (jbody(d) or {}).get("error", {})
        check("a malformed key is 422 naming Idempotency-Key: %r" % bad[:20], st == 422
              and e.get("field") == "Idempotency-Key", (st, d[:200]))
    check("... and nothing was stored", count("checkins") == 1)

    # --- the forms: the page's idem field --------------------------------------------------
    st, h, data = req("GET", "/today")
    token = re.search(r'name="csrf" value="([^"]+)"', data.decode()).group(1)
    cookie = {"Cookie": h.get("set-cookie", "").split(";")[0]}
    form = "csrf=%s&pain=3&areas=upper&idem=%s&at=2026-11-18T03:10:00%%2B00:00" % (token, uuid.uuid4())
    st1, h1, _ = req("POST", "/checkin", form, "application/x-www-form-urlencoded", cookie)
    st2, h2, _ = req("POST", "/checkin", form, "application/x-www-form-urlencoded", cookie)
    check("the check-in form sent twice with one idem: 303 both times", st1 == 303 and st2 == 303
          and h1.get("location") == h2.get("location") == "/history?saved=checkin", (st1, st2))
    cks = history().get("checkins", [])
    check("... one check-in, at the time it was made", count("checkins") == 2
          and any(c.get("at", "").startswith("2026-11-18T03:10") and c.get("pain") == 3 for c in cks), cks)
    st, _, d = req("POST", "/checkin", form.replace("idem=", "idem=bad%20key"), "application/x-www-form-urlencoded", cookie)
    check("a malformed idem in a form: 422 naming it", st == 422 and b"idem" in d, st)
    st, _, d = req("POST", "/checkin", form.replace("at=2026", "at=2O26").replace("idem=", "idem=z"),
                   "application/x-www-form-urlencoded", cookie)
    check("a bad at in a form: 422 naming it, nothing saved", st == 422 and b"at:" in d and count("checkins") == 2, (st, d[-400:]))

    st, h, data = req("GET", "/session")
    page = data.decode()
    n = int(re.search(r'name="n" value="(\d+)"', page).group(1))
    ids = re.findall(r'name="ex(\d+)" value="([a-z0-9-]+)"', page)
    idem = str(uuid.uuid4())
    form = "csrf=%s&none_today=1&pain_before=4&pain_after=2&n=%d&idem=%s&at=2026-11-18T03:30:00%%2B00:00" % (token, n, idem)
    for i, ex in ids:
        form += "&ex%s=%s&fb%s=right" % (i, ex, i)
    before = count("sessions")
    st1, h1, _ = req("POST", "/session", form, "application/x-www-form-urlencoded", cookie)
    st2, h2, _ = req("POST", "/session", form, "application/x-www-form-urlencoded", cookie)
    check("the session form sent twice with one idem: the same done page", st1 == 303 and st2 == 303
          and h1.get("location", "").startswith("/session/done?id=") and h1.get("location") == h2.get("location"),
          (st1, st2, h1.get("location"), h2.get("location")))
    check("... one session more, at the time it was done", count("sessions") == before + 1
          and any(s.get("at", "").startswith("2026-11-18T03:30") for s in history().get("sessions", [])))
    # Nothing done: the pain before is kept as a check-in, once.
    form0 = "csrf=%s&none_today=1&pain_before=4&pain_after=&n=%d&idem=%s" % (token, n, uuid.uuid4())
    nck = count("checkins")
    r1 = req("POST", "/session", form0, "application/x-www-form-urlencoded", cookie)
    r2 = req("POST", "/session", form0, "application/x-www-form-urlencoded", cookie)
    check("a session with nothing done sent twice: one check-in", r1[0] == r2[0] == 303
          and r1[1].get("location") == "/history?saved=before" and count("checkins") == nck + 1, (r1[0], r2[0]))

    # --- the manifest, its icons, the service worker ---------------------------------------
    st, h, data = req("GET", "/manifest.webmanifest")
    man = jbody(data) or {}
    check("GET /manifest.webmanifest: application/manifest+json", st == 200
          and h.get("content-type") == "application/manifest+json", (st, h.get("content-type")))
    check("the manifest: names, start_url /today, standalone, scope, colours", man.get("name") and man.get("short_name") == "postura"
          and man.get("start_url") == "/today" and man.get("display") == "standalone" and man.get("scope") == "/"
          and man.get("theme_color") and man.get("background_color")
          and man.get("user_preferences", {}).get("color_scheme_dark", {}).get("theme_color"), man)

    def png_size(data):
        if data[:8] != b"\x89PNG\r\n\x1a\n":
            return None
        return struct.unpack(">II", data[16:24])

    icons = {i["src"]: i for i in man.get("icons", [])}
    for src_, size, purpose in [("/icon-192.png", 192, "any"), ("/icon-512.png", 512, "any"),
                                ("/icon-maskable-512.png", 512, "maskable")]:
        st, h, data = req("GET", src_)
        check("%s: a %d px PNG, %s" % (src_, size, purpose), st == 200 and h.get("content-type") == "image/png"
              and png_size(data) == (size, size) and icons.get(src_, {}).get("purpose") == purpose
              and icons[src_].get("sizes") == "%dx%d" % (size, size), (st, png_size(data)))
    st, h, data = req("GET", "/icon-maskable-512.png")
    st2, h2, data2 = req("GET", "/icon-512.png")
    check("the maskable icon differs from the plain one", data != data2)
    st, h, data = req("GET", "/sw.js")
    check("GET /sw.js: JavaScript from the root, checked on every visit", st == 200
          and h.get("content-type", "").startswith("text/javascript") and h.get("cache-control") == "no-cache"
          and b"addEventListener('fetch'" in data, (st, h))
    st, h, data = req("GET", "/offline.json")
    lst = jbody(data) or {}
    check("GET /offline.json: the shell, today's pages, pictures and movements", st == 200 and h.get("cache-control") == "no-store"
          and "/today" in lst.get("pages", []) and "/session" in lst.get("pages", []) and "/stop" in lst.get("pages", [])
          and "/tips" in lst.get("pages", []) and lst.get("pictures") and all(u.endswith(".svg") for u in lst["pictures"])
          and lst.get("movements") and all(k.endswith(".anim.svg") and k in lst["pictures"] and v in lst["pictures"]
                                           and not v.endswith(".anim.svg") for k, v in lst["movements"].items())
          and any(u.startswith("/static/app.") for u in lst.get("shell", [])) and lst.get("version"), lst)
    for u in lst.get("shell", []) + lst.get("pages", []) + lst.get("pictures", []) + list(lst.get("movements", {})):
        st, _, _ = req("GET", u)
        if st != 200:
            check("everything /offline.json lists is there: " + u, False, st)
    check("everything /offline.json lists answers 200", True)
    st, h, data = req("GET", "/offline")
    check("GET /offline: says so, with the emergency numbers", st == 200 and b"You are offline" in data and b"tel:" in data)
    for path in ["/today", "/session", "/history", "/stop", "/screening", "/offline"]:
        st, h, data = req("GET", path)
        text = data.decode()
        csp = h.get("content-security-policy", "")
        check("%s: links the manifest, theme colours for light and dark, app.js, strict CSP" % path,
              '<link rel="manifest" href="/manifest.webmanifest">' in text
              and 'name="theme-color" content="#1f5f5b" media="(prefers-color-scheme: light)"' in text
              and 'media="(prefers-color-scheme: dark)"' in text and re.search(r'<script src="/static/app\.[0-9a-f]+\.js" defer>', text)
              and "worker-src 'self'" in csp and "manifest-src 'self'" in csp and "'unsafe-inline'" not in csp
              and not re.search(r"<script(?![^>]*\bsrc=)", text), (st, csp))
finally:
    proc.terminate()
    proc.wait(timeout=10)

finish()
