#!/usr/bin/env python3
"""Clinic mode over HTTP (issue 14, accounts and roles): with no account the server is the
one-person app (no login); once the database holds an account every route of the route
table (read from src/web/routes.c, so a new route is checked too) needs a session but
the public ones (401 JSON for the API, 303 to /login?next= for pages); the login (API and
page): cookie attributes, bad logins, equal time whether the account exists or not,
429 with Retry-After per account and per address, idle and absolute expiry, logout; the
role matrix (role x route x own/other patient): every denial (403, 404) and every
success; the audit log; the invitation link (set a password, one time).

usage: auth_test.py POSTURA SOURCE_DIR
Runs on SQLite, and on PostgreSQL through tests/pg/postura-pg (auth-pg).
"""
import atexit
import html as htmllib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from checks import check, finish, jbody
import checks

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-auth-")
db = os.path.join(tmp, "clinic.db")
NOW = "2026-11-18T09:00:00+00:00"
base_env = dict(os.environ, POSTURA_NOW=NOW, TZ="Europe/London")
procs = []
PW = {"admin": "granite-owl-harbour-7", "ca": "velvet-cactus-ledger-3", "cb": "amber-tundra-piano-9",
      "p1": "silver-meadow-kettle-5", "p2": "copper-island-violin-2"}
EMAIL = {"admin": "admin@clinic.example", "ca": "ana.clinician@clinic.example",
         "cb": "ben.clinician@clinic.example", "p1": "pat.one@example.org", "p2": "pat.two@example.org"}


def cli(args, stdin=None, env=None):
    return subprocess.run([postura, "--db", db] + args, input=stdin, capture_output=True, text=True,
                          env=env or base_env)


def serve(extra_env=None, args=()):
    env = dict(base_env, **(extra_env or {}))
    p = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    line = p.stdout.readline()
    m = re.search(r"https?://127\.0\.0\.1:(\d+)/", line)
    if not m:
        print("FAIL the server did not start:", line, p.stderr.read())
        sys.exit(1)
    procs.append(p)
    return int(m.group(1))


def stop_all():
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def clean_up():
    """At exit, however the script ends (finish, a failed start, an exception): the
    servers stopped, then the temporary directory and its databases removed."""
    stop_all()
    shutil.rmtree(tmp, ignore_errors=True)


atexit.register(clean_up)


class Client(checks.Browser):
    def login(self, who, password=None):
        return self.req("POST", "/api/v1/login", {"email": EMAIL[who], "password": password or PW[who]})


# --- the route table, from the source --------------------------------------------------
routes = []
text = open(os.path.join(src, "src", "web", "routes.c")).read()
table = text[text.index("const struct route web_routes[]"):]
table = table[:table.index("};")]
for m in re.finditer(r'\{(M_GET|M_POST|M_PUT),\s*"([^"]+)",\s*(\w+),\s*(BODY_\w+),\s*([^,]+),', table):
    flags = m.group(5)
    routes.append({"method": m.group(1)[2:], "pattern": m.group(2), "fn": m.group(3),
                   "body": m.group(4), "flags": flags,
                   "api": "R_API" in flags, "public": "R_PUBLIC" in flags,
                   "records": "R_RECORDS" in flags, "clinician": "R_CLINICIAN" in flags,
                   "admin": "R_ADMIN" in flags, "patient_arg": "R_ARG_PATIENT" in flags})
check("the route table is read from routes.c", len(routes) > 40, len(routes))

# What may be reached without a session: each one reviewed. A route made public without
# being added here fails the test.
PUBLIC = {("POST", "/api/v1/login"), ("POST", "/api/v1/logout"), ("GET", "/healthz"),
          ("GET", "/stop"), ("GET", "/static/{}"), ("GET", "/manifest.webmanifest"),
          ("GET", "/icon-192.png"), ("GET", "/icon-512.png"), ("GET", "/icon-maskable-512.png"),
          ("GET", "/sw.js"), ("GET", "/login"), ("POST", "/login"), ("POST", "/logout"),
          ("GET", "/invite/{}"), ("POST", "/invite/{}"),
          # a calendar app has no session: the 160-bit token in the address opens it
          ("GET", "/calendar/{}")}
for r in routes:
    if r["public"]:
        check("public route reviewed: %s %s" % (r["method"], r["pattern"]),
              (r["method"], r["pattern"]) in PUBLIC)


def sample(r, arg="1"):
    return r["pattern"].replace("{}", arg)


def body_of(r):
    if r["body"] == "BODY_JSON":
        return "{}", "application/json"
    if r["body"] == "BODY_FORM":
        return "", "application/x-www-form-urlencoded"
    return None, None


# --- the one-person app: no accounts, no login ---------------------------------------
answers = open(os.path.join(src, "examples", "answers.json")).read()
for args, stdin in ((["profile", "set", "--pregnant-weeks", "24"], None), (["screen", "--answers", "-"], answers)):
    out = cli(args, stdin)
    if out.returncode:
        print("FAIL postura %s: %s" % (" ".join(args), out.stderr))
        sys.exit(1)
BIG = {"POSTURA_LOGIN_LIMIT_ACCOUNT": "1000", "POSTURA_LOGIN_LIMIT_ADDRESS": "1000"}
port = serve(BIG)
anon = Client(port)
s, h, d = anon.req("GET", "/api/v1/profile")
check("no accounts: the profile without a login", s == 200, s)
s, h, d = anon.req("GET", "/today")
check("no accounts: today without a login", s == 200, s)
s, h, d = anon.req("POST", "/api/v1/checkins", {"pain": 2, "note": "one-person-note"})
check("no accounts: a check-in without a login", s in (200, 201), (s, d))
check("no accounts: no logout button", b'action="/logout"' not in d)
s, h, d = anon.req("GET", "/api/v1/session")
check("no accounts: /api/v1/session says so", s == 200 and jbody(d) == {"accounts": False}, d)
s, h, d = anon.req("POST", "/api/v1/login", {"email": "a@b.example", "password": "x" * 12})
check("no accounts: login is 404 no-accounts", s == 404 and (jbody(d) or {}).get("error", {}).get("code") == "no-accounts", d)
s, h, d = anon.req("GET", "/login")
check("no accounts: /login goes home", s == 303 and h.get("location") == "/", (s, h.get("location")))
s, h, d = anon.req("GET", "/admin")
check("no accounts: no admin page", s == 404, s)
s, h, d = anon.form("/admin", {"action": "add-clinician", "email": "x@y.example"}, "/today")
check("no accounts: no adding an account from the web", s == 404, s)

# --- accounts appear (the command line, while the server runs) --------------------------
for who, args in (("admin", ["--role", "admin"]), ("ca", ["--role", "clinician", "--name", "Ana"]),
                  ("cb", ["--role", "clinician", "--name", "Ben"]),
                  ("p1", ["--role", "patient", "--name", "Pat One", "--clinician", EMAIL["ca"]]),
                  ("p2", ["--role", "patient", "--name", "Pat Two", "--clinician", EMAIL["cb"]])):
    out = cli(["user", "add", "--email", EMAIL[who]] + args, PW[who] + "\n")
    if out.returncode:
        print("FAIL postura user add %s: %s" % (who, out.stderr))
        stop_all()
        sys.exit(1)
out = cli(["user", "list"])
ids = {}
for who in EMAIL:
    m = re.search(r"^\s*(\d+)\s.*" + re.escape(EMAIL[who]), out.stdout, re.M)
    ids[who] = int(m.group(1)) if m else 0
check("user list gives every account's id", all(ids.values()), out.stdout)

s, h, d = anon.req("GET", "/api/v1/profile")
check("accounts: the API without a session is 401", s == 401, s)
e = (jbody(d) or {}).get("error", {})
check("401 is a JSON error", e.get("code") == "unauthorized" and e.get("message"), d)
s, h, d = anon.req("GET", "/today")
check("accounts: a page without a session goes to the login", s == 303 and h.get("location") == "/login?next=%2Ftoday", (s, h.get("location")))

# Every route of the table, without a session.
for r in routes:
    body, ctype = body_of(r)
    path = sample(r)
    s, h, d = anon.req(r["method"], path, body, ctype)
    name = "no session: %s %s" % (r["method"], path)
    if r["public"]:
        check(name + " is public", s not in (401,) and not (s == 303 and h.get("location", "").startswith("/login")), s)
    elif r["api"]:
        check(name + " is 401", s == 401 and (jbody(d) or {}).get("error", {}).get("code") == "unauthorized", (s, d[:200]))
    else:
        loc = h.get("location", "")
        check(name + " goes to /login", s == 303 and loc.startswith("/login"), (s, loc))
# A forged or old cookie is no session, and is cleared.
forged = Client(port)
forged.cookies["pst_session"] = "ab" * 32
s, h, d = forged.req("GET", "/api/v1/profile")
check("a made-up session token is 401", s == 401, s)
check("... and its cookie is cleared", any("Max-Age=0" in c for c in h["set-cookie-all"]), h["set-cookie-all"])

# next= is a local path only.
s, h, d = anon.req("GET", "/history?since=2026-11-01")
check("next= keeps the query", h.get("location") == "/login?next=%2Fhistory%3Fsince%3D2026-11-01", h.get("location"))
for bad in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
    from urllib.parse import quote
    s, h, d = anon.req("GET", "/login?next=" + quote(bad, safe=""))
    check("the login page drops next=%s" % bad, bad.encode() not in d and htmllib.escape(bad).encode() not in d, s)

# --- logging in ----------------------------------------------------------------------------
s, h, d = anon.req("GET", "/login")
check("the login page", s == 200 and b'action="/login"' in d and b'type="password"' in d and b'name="csrf"' in d, s)
check("the login page has no scripts of its own it needs", b"<noscript" not in d)
p1 = Client(port)
s, h, d = p1.login("p1")
check("login: 200", s == 200, (s, d))
j = jbody(d) or {}
check("login: says who", j.get("account", {}).get("email") == EMAIL["p1"] and j.get("account", {}).get("role") == "patient", d)
sc = [c for c in h["set-cookie-all"] if c.startswith("pst_session=")]
check("login: sets the session cookie", len(sc) == 1, h["set-cookie-all"])
sc = sc[0] if sc else ""
tok = sc.split(";")[0].split("=", 1)[1] if sc else ""
check("the token is 256 random bits (64 hex)", re.fullmatch(r"[0-9a-f]{64}", tok) is not None, tok)
attrs = [a.strip().lower() for a in sc.split(";")[1:]]
check("cookie: HttpOnly", "httponly" in attrs, sc)
check("cookie: SameSite=Strict", "samesite=strict" in attrs, sc)
check("cookie: Path=/", "path=/" in attrs, sc)
check("cookie: no Secure without TLS (a browser would drop it on http)", "secure" not in attrs, sc)
check("cookie: no Domain", not any(a.startswith("domain") for a in attrs), sc)
# Only the token's hash is stored.
if not os.environ.get("POSTURA_TEST_BACKEND"):
    import sqlite3
    con = sqlite3.connect(db)
    dump = "\n".join(con.iterdump())
    con.close()
    check("the database holds no session token", tok not in dump)
s, h, d = p1.req("GET", "/api/v1/session")
check("/api/v1/session: the account", s == 200 and (jbody(d) or {}).get("account", {}).get("id") == ids["p1"], d)

for name, body, status, field in (
        ("wrong password", {"email": EMAIL["p1"], "password": "wrong-password-123"}, 401, None),
        ("unknown email", {"email": "nobody@example.org", "password": "wrong-password-123"}, 401, None),
        ("email in capitals still the same account, wrong password", {"email": EMAIL["p1"].upper(), "password": "x"}, 401, None),
        ("no password", {"email": EMAIL["p1"]}, 422, "password"),
        ("email not a string", {"email": 5, "password": "x"}, 422, "email"),
        ("an unknown member", {"email": EMAIL["p1"], "password": PW["p1"], "role": "admin"}, 400, None)):
    c = Client(port)
    s, h, d = c.req("POST", "/api/v1/login", body)
    e = (jbody(d) or {}).get("error", {})
    check("login, %s: %d" % (name, status), s == status and e.get("field") == field, (s, d))
    check("login, %s: no cookie" % name, not any(x.startswith("pst_session=") and "Max-Age=0" not in x for x in h["set-cookie-all"]), h["set-cookie-all"])
s, h, d = Client(port).req("POST", "/api/v1/login", "{not json")
check("login, not JSON: 400", s == 400, s)
c = Client(port)
s, h, d = c.login("p1")
check("login with the email in capitals works", c.req("POST", "/api/v1/login", {"email": EMAIL["p1"].upper(), "password": PW["p1"]})[0] == 200)

# The login form (no JavaScript): CSRF as every form.
b = Client(port)
s, h, d = b.req("POST", "/login", "email=%s&password=%s" % (EMAIL["p1"], PW["p1"]), "application/x-www-form-urlencoded")
check("the login form without its CSRF token: 403", s == 403, s)
s, h, d = b.form("/login", {"email": EMAIL["p1"], "password": "nope-nope-nope", "next": "/history"}, "/login?next=%2Fhistory")
check("the login form, wrong password: 401 with the form again", s == 401 and b"wrong" in d and b'action="/login"' in d, s)
s, h, d = b.form("/login", {"email": EMAIL["p1"], "password": PW["p1"], "next": "/history"}, "/login?next=%2Fhistory")
check("the login form: 303 to next", s == 303 and h.get("location") == "/history", (s, h.get("location")))
s, h, d = b.req("GET", "/history")
check("... and the page opens", s == 200, s)
check("a logged-in page has the logout button", b'action="/logout"' in d and b"Log out" in d)
s, h, d = Client(port).form("/login", {"email": EMAIL["p1"], "password": PW["p1"], "next": "//evil.example/"}, "/login")
check("the login form: a foreign next= goes home instead", s == 303 and h.get("location") == "/today", h.get("location"))

# --- the role matrix ------------------------------------------------------------------------
clients = {}
for who in ("admin", "ca", "cb", "p1", "p2"):
    clients[who] = Client(port)
    s, h, d = clients[who].login(who)
    check("login %s" % who, s == 200, (s, d))
# Each patient fills in their own profile and answers.
prof = {"pregnant_weeks": 24, "pain": 4, "areas": ["upper", "mid"], "triggers": ["desk"],
        "equipment": ["wall", "chair"], "avoid": [], "minutes": 10}
for who, weeks in (("p1", 24), ("p2", 30)):
    c = clients[who]
    s, h, d = c.req("PUT", "/api/v1/profile", dict(prof, pregnant_weeks=weeks))
    check("%s saves their profile" % who, s == 200, (s, d))
    s, h, d = c.req("POST", "/api/v1/screen?stage=pregnancy", json.loads(answers))
    check("%s answers the safety questions" % who, s == 200, (s, d[:300]))
s, h, d = clients["p1"].req("GET", "/api/v1/profile")
check("a patient sees their own profile", s == 200 and (jbody(d) or {}).get("pregnant_weeks") == 24, d[:300])
s, h, d = clients["p2"].req("GET", "/api/v1/profile")
check("another patient sees theirs, not the first's", s == 200 and (jbody(d) or {}).get("pregnant_weeks") == 30, d[:300])
s, h, d = clients["p1"].req("POST", "/api/v1/checkins", {"pain": 3, "note": "patient-one-note"})
check("a patient records a check-in", s in (200, 201), (s, d[:300]))
s, h, d = clients["p1"].req("GET", "/api/v1/history")
check("it is in their history", s == 200 and len((jbody(d) or {}).get("daily", [])) == 1, d[:300])
s, h, d = clients["p2"].req("GET", "/api/v1/history")
check("the other patient's history does not hold it", s == 200 and (jbody(d) or {}).get("daily") == [], d[:300])
s, h, d = clients["p2"].req("GET", "/api/v1/export?format=json")
check("nor the other patient's export", s == 200 and b"patient-one-note" not in d, s)
s, h, d = clients["p1"].req("GET", "/api/v1/export?format=json")
check("a patient's export holds their records and none of the one-person app's",
      s == 200 and b"patient-one-note" in d and b"one-person-note" not in d, (s, d[:300]))

GOOD_ARGS = {"/api/v1/catalog/{}": "cat-camel", "/exercises/{}": "cat-camel", "/tips/{}": None,
             "/img/{}": None, "/img/pregnant/{}": None, "/chart/{}": "pain.svg"}


def allowed_for(r, role):
    if r["public"]:
        return True
    if not (r["records"] or r["clinician"] or r["admin"]):
        return True
    return (r["records"] and role == "patient") or (r["clinician"] and role == "clinician") or \
        (r["admin"] and role == "admin")


ROLE = {"admin": "admin", "ca": "clinician", "cb": "clinician", "p1": "patient", "p2": "patient"}
for r in routes:
    if r["public"] or r["pattern"] in ("/logout",):
        continue
    for who in ("admin", "ca", "p1"):
        c = clients[who]
        if r["patient_arg"]:
            continue  # below, with own and other patients
        arg = GOOD_ARGS.get(r["pattern"]) or "1"
        path = sample(r, arg)
        body, ctype = body_of(r)
        if r["method"] != "GET" and allowed_for(r, ROLE[who]):
            continue  # the writes that are allowed are checked one by one above and below
        s, h, d = c.req(r["method"], path, body, ctype)
        name = "%s: %s %s" % (who, r["method"], path)
        if allowed_for(r, ROLE[who]):
            check(name + " is allowed", s not in (401, 403) and s < 500 and not (s == 303 and h.get("location", "").startswith("/login")), (s, d[:200]))
        else:
            check(name + " is 403", s == 403, (s, d[:200]))
            if r["api"]:
                check(name + " 403 is JSON", (jbody(d) or {}).get("error", {}).get("code") == "forbidden", d[:200])
            check(name + " shows no records", b"weeks" not in d and b"Pat One" not in d)

# Routes that name a patient (the clinician's, R_ARG_PATIENT): own 2xx, another
# clinician's 404, an id that does not exist 404 (the same), other roles 403.
for r in routes:
    if not r["patient_arg"]:
        continue
    body, ctype = body_of(r)
    own, other, none = sample(r, str(ids["p1"])), sample(r, str(ids["p2"])), sample(r, "999999")
    name = "%s %s" % (r["method"], r["pattern"])
    if r["method"] == "GET":
        # the writes that are allowed: the clinic's and programme's own tests, with
        # valid bodies; here only their denials
        s, h, d = clients["ca"].req(r["method"], own)
        check("clinician: %s of their own patient is allowed" % name,
              s not in (401, 403, 404) and s < 500, (s, d[:200]))
    s1, h1, d1 = clients["ca"].req(r["method"], other, body, ctype)
    s2, h2, d2 = clients["ca"].req(r["method"], none, body, ctype)
    check("clinician: %s of another's patient is 404" % name, s1 == 404, s1)
    check("clinician: %s of no patient (id 999999) is 404" % name, s2 == 404, s2)
    check("clinician: %s: the 404s of another's patient and of no patient are alike" % name,
          re.sub(rb"\d+", b"N", d1) == re.sub(rb"\d+", b"N", d2), (d1[:200], d2[:200]))
    s3, h3, d3 = clients["ca"].req(r["method"], sample(r, "x1"), body, ctype)
    check("clinician: %s with a malformed id is 404 too" % name, s3 == 404, s3)
    for who in ("admin", "p1"):
        s, h, d = clients[who].req(r["method"], own, body, ctype)
        check("%s: %s is 403" % (who, name), s == 403, s)

# The admin sees no health data: the profile, today, history are 403 for them.
for path in ("/api/v1/profile", "/api/v1/history", "/today", "/history", "/report.pdf"):
    s, h, d = clients["admin"].req("GET", path)
    check("admin: %s is 403" % path, s == 403, s)
    s, h, d = clients["ca"].req("GET", path)
    check("clinician: %s (no records of their own) is 403" % path, s == 403, s)
s, h, d = clients["admin"].req("GET", "/")
check("admin: / goes to the accounts", s == 303 and h.get("location") == "/admin", h.get("location"))
s, h, d = clients["admin"].req("GET", "/admin")
check("admin: the accounts page lists every account", s == 200 and all(EMAIL[w].encode() in d for w in EMAIL), s)
main = d[d.find(b"<main"):].lower()
check("admin: the accounts page holds no health data", b"weeks" not in main and b"pain" not in main, main[:2000])
for who in ("ca", "p1"):
    s, h, d = clients[who].req("GET", "/admin")
    check("%s: /admin is 403" % who, s == 403, s)
    s, h, d = clients[who].req("GET", "/admin/audit")
    check("%s: /admin/audit is 403" % who, s == 403, s)

# --- the audit log --------------------------------------------------------------------------
s, h, d = clients["admin"].req("GET", "/admin/audit")
page = d.decode()
check("the audit page", s == 200, s)
check("audit: logins", ">login<" in page)
check("audit: failed logins", ">login-failed<" in page)
check("audit: the patient's changes, by them, with the address",
      re.search(r"<td>change</td><td>%s</td><td>127\.0\.0\.1</td><td>%s[^<]*</td>" % (re.escape(EMAIL["p1"]), re.escape(EMAIL["p1"])), page) is not None, page[-3000:])
if any(r["patient_arg"] and r["method"] == "GET" for r in routes):
    check("audit: a clinician's reads of their patient's records, with the address",
          re.search(r"<td>read</td><td>%s</td><td>127\.0\.0\.1</td><td>%s[^<]*</td>" % (re.escape(EMAIL["ca"]), re.escape(EMAIL["p1"])), page) is not None, page[-3000:])
    if any(r["clinician"] and not r["patient_arg"] and r["method"] == "GET" for r in routes):
        check("audit: a clinician's view of their list of patients",
              re.search(r"<td>read-list</td><td>%s</td><td>127\.0\.0\.1</td>" % re.escape(EMAIL["ca"]), page) is not None)
    check("audit: no read of another clinician's patient (only 404s)",
          re.search(r"<td>read</td><td>%s</td><td>127\.0\.0\.1</td><td>%s" % (re.escape(EMAIL["ca"]), re.escape(EMAIL["p2"])), page) is None)
check("audit: no health data", "patient-one-note" not in page and "weeks" not in page)
s, h, d = clients["admin"].req("GET", "/admin/audit?since=2000-13-01")
check("audit: a bad since= is 422 naming it", s == 422 and b"since" in d, s)
out = cli(["audit"])
check("postura audit lists the web's entries", out.returncode == 0 and "login" in out.stdout, out.stderr)

# --- an invitation: the admin adds a clinician -------------------------------------------------
adm = clients["admin"]
s, h, d = adm.form("/admin", {"action": "add-clinician", "email": "cleo@clinic.example", "name": "Cleo"}, "/admin")
m = re.search(r"http://[^/\s<]+/invite/([0-9a-f]{64})", d.decode())
check("admin adds a clinician: the invitation link", s == 200 and m is not None, d[-2000:])
token = m.group(1) if m else "0" * 64
s, h, d = adm.form("/admin", {"action": "add-clinician", "email": "CLEO@clinic.example"}, "/admin")
check("the same email again: 422 naming the field", s == 422 and b"email:" in d, s)
inv = Client(port)
s, h, d = inv.req("GET", "/invite/" + token)
check("the invitation page: a set-password form", s == 200 and b'type="password"' in d and b'name="confirm"' in d, s)
s, h, d = inv.form("/invite/" + token, {"password": "short", "confirm": "short"}, "/invite/" + token)
check("a short password: 422 with the reason on the form", s == 422 and b"password:" in d and b'action="/invite/' in d, (s, d[-800:]))
s, h, d = inv.form("/invite/" + token, {"password": "sunflowers12", "confirm": "sunflowers12"}, "/invite/" + token)
check("a dictionary word: 422 with the reason (cracklib's dictionary is read by the confined server)",
      s == 422 and b"dictionary" in d, (s, d[d.find(b"<main"):][:600]))
s, h, d = inv.form("/invite/" + token, {"password": "harbour-lantern-19", "confirm": "harbour-lantern-91"}, "/invite/" + token)
check("passwords that differ: 422 naming confirm", s == 422 and b"confirm:" in d, s)
s, h, d = inv.form("/invite/" + token, {"password": "orchid-basalt-meridian-4", "confirm": "orchid-basalt-meridian-4"}, "/invite/" + token)
# A weak password checked only with the account's email may have used the link up: the
# form then carries a new one.
check("a good password: logged in, to /", s == 303 and h.get("location") == "/", (s, d[-500:]))
s, h, d = inv.req("GET", "/api/v1/session")
check("... as the new clinician", (jbody(d) or {}).get("account", {}).get("email") == "cleo@clinic.example", d)
# (the form's CSRF token taken from the login page: the used link's page has no form)
s, h, d = Client(port).form("/invite/" + token, {"password": "orchid-basalt-meridian-4", "confirm": "orchid-basalt-meridian-4"}, "/login")
check("the link works once", s == 404, s)
s, h, d = Client(port).req("GET", "/invite/" + token)
check("a used link says so before a password is chosen: 404, no form",
      s == 404 and b'type="password"' not in d and b"does not work" in d, s)
s, h, d = Client(port).req("GET", "/invite/" + "ab" * 32)
check("a link never made: 404, no form", s == 404 and b'type="password"' not in d, s)
s, h, d = Client(port).login("admin", "x")
c = Client(port)
check("the new clinician logs in with the password", c.req("POST", "/api/v1/login", {"email": "cleo@clinic.example", "password": "orchid-basalt-meridian-4"})[0] == 200)
s, h, d = Client(port).req("GET", "/invite/nothex")
check("a malformed invitation token: 404", s == 404, s)

# --- logout ----------------------------------------------------------------------------------
c = clients["p2"]
old = dict(c.cookies)
s, h, d = c.req("POST", "/api/v1/logout")
check("logout: 200", s == 200, s)
check("logout: the browser drops what it kept (Clear-Site-Data)", "cache" in h.get("clear-site-data", "") and "storage" in h.get("clear-site-data", ""), h.get("clear-site-data"))
check("logout: clears the cookie", any(x.startswith("pst_session=;") and "Max-Age=0" in x for x in h["set-cookie-all"]), h["set-cookie-all"])
c.cookies = old
s, h, d = c.req("GET", "/api/v1/profile")
check("logout ends the session (the old cookie is 401)", s == 401, s)
s, h, d = b.form("/logout", {}, "/history")
check("the logout button: 303 to /login", s == 303 and h.get("location") == "/login", (s, h.get("location")))
s, h, d = b.req("GET", "/history")
check("... and the session is over", s == 303, s)

# --- a disabled account: its session is refused at once ---------------------------------------
# The session and its account are read in one statement on every request (store.h
# session_read): the account's state is the one in the database now, whoever changed it.
def behind_back(statement):
    """Runs a statement on the server's database behind postura's back (on PostgreSQL the
    schema tests/pg/postura-pg made for this test's --db path)."""
    if os.environ.get("POSTURA_TEST_BACKEND"):
        import hashlib
        schema = "t_" + hashlib.md5(db.encode()).hexdigest()[:20]
        checks.psql("SET search_path TO %s; %s" % (schema, statement))
    else:
        import sqlite3
        con = sqlite3.connect(db)
        con.executescript(statement)
        con.close()


cb = clients["cb"]
own = "/clinic/patients/%d" % ids["p2"]
s0 = cb.req("GET", own)[0]
kept = dict(cb.cookies)
out = cli(["user", "disable", "--email", EMAIL["cb"]])
check("user disable while the server runs", out.returncode == 0, out.stderr)
s1, h1, d1 = cb.req("GET", own)
check("disabled: the clinician's next patient page goes to the login (was 200)",
      s0 == 200 and s1 == 303 and h1.get("location", "").startswith("/login"), (s0, s1, h1.get("location")))
check("disabled: nothing of the patient is sent", b"Pat Two" not in d1 and EMAIL["p2"].encode() not in d1)
cb.cookies = dict(kept)
s2, h2, d2 = cb.req("GET", "/api/v1/patients")
check("disabled: the API is 401", s2 == 401, s2)
out = cli(["user", "enable", "--email", EMAIL["cb"]])
cb.cookies = dict(kept)
check("enabled again: the ended session stays ended", out.returncode == 0 and cb.req("GET", own)[0] == 303)
# Disabled behind postura's back, the sessions left in place: refused all the same.
cb = Client(port)
check("enabled again: logs in", cb.login("cb")[0] == 200)
s0 = cb.req("GET", own)[0]
kept = dict(cb.cookies)
behind_back("UPDATE account SET disabled = %s WHERE email = '%s';" % (
    "true" if os.environ.get("POSTURA_TEST_BACKEND") else "1", EMAIL["cb"]))
s1, h1, d1 = cb.req("GET", own)
cb.cookies = dict(kept)
s2, h2, d2 = cb.req("GET", "/api/v1/session")
check("the account's row disabled, its session still stored: the page goes to the login",
      s0 == 200 and s1 == 303 and h1.get("location", "").startswith("/login") and EMAIL["p2"].encode() not in d1,
      (s0, s1, h1.get("location")))
check("... and its cookie is cleared", any("pst_session=;" in x and "Max-Age=0" in x for x in h1["set-cookie-all"]),
      h1["set-cookie-all"])
check("... and the API, the same cookie sent again, is 401", s2 == 401, s2)
behind_back("UPDATE account SET disabled = %s WHERE email = '%s';" % (
    "false" if os.environ.get("POSTURA_TEST_BACKEND") else "0", EMAIL["cb"]))

# --- equal time whether the account exists or not ----------------------------------------------
# Interleaved attempts, compared by their fastest and their lower quartile (the least
# disturbed by the load of a shared machine): without the dummy verify an unknown email
# is answered 6 to 30 times faster than a known one (no argon2id at all); a factor of 3
# is allowed for the noise of a loaded machine.
known, unknown = [], []
tc = Client(port)
for i in range(24):
    for lst, email in ((known, EMAIL["cb"]), (unknown, "nobody%d@example.org" % i)):
        t0 = time.monotonic()
        s, h, d = tc.req("POST", "/api/v1/login", {"email": email, "password": "not-the-password-%d" % i})
        lst.append(time.monotonic() - t0)
known.sort()
unknown.sort()
qk, qu = known[len(known) // 4], unknown[len(unknown) // 4]
print("timing: known email min %.1f ms, q1 %.1f ms; unknown min %.1f ms, q1 %.1f ms (24 each)" % (
    known[0] * 1000, qk * 1000, unknown[0] * 1000, qu * 1000))
check("a wrong password takes the same time for an unknown email (fastest within 3x: %.0f vs %.0f ms)" % (known[0] * 1000, unknown[0] * 1000),
      known[0] / 3 <= unknown[0] <= 3 * known[0], (known, unknown))
check("... and the lower quartiles within 3x (%.0f vs %.0f ms)" % (qk * 1000, qu * 1000),
      qk / 3 <= qu <= 3 * qk, (known, unknown))
check("the check costs real work (argon2id): over 5 ms", known[0] > 0.005 and unknown[0] > 0.005, (known[0], unknown[0]))

# --- a password hashed at an older, lower cost is hashed again at the next login ------------
# (the hash of "granite-pebble-lantern-8" with argon2id at libsodium's least cost: m=8 KiB, t=1)
OLD_HASH = "$argon2id$v=19$m=8,t=1,p=1$ZcwEoxZtAPSgh7inUz2P0Q$jnsnFhex50MBkusNIkNPIHoYnHd9Ns6ogWSHDZ+JTd0"
OLD_PW, OLD_EMAIL = "granite-pebble-lantern-8", "old.cost@clinic.example"
if not os.environ.get("POSTURA_TEST_BACKEND"):  # PostgreSQL: tests/unit/test_password.c
    import sqlite3
    out = cli(["user", "add", "--role", "clinician", "--email", OLD_EMAIL], "amber-tundra-piano-8\n")
    check("an account for the older cost", out.returncode == 0, out.stderr)
    con = sqlite3.connect(db)
    con.execute("UPDATE account SET password = ? WHERE email = ?", (OLD_HASH, OLD_EMAIL))
    con.commit()
    stored = lambda: con.execute("SELECT password FROM account WHERE email = ?", (OLD_EMAIL,)).fetchone()[0]
    oc = Client(port)
    s, h, d = oc.req("POST", "/api/v1/login", {"email": OLD_EMAIL, "password": OLD_PW})
    check("rehash: the login with the old hash works", s == 200, (s, d))
    new = stored()
    check("rehash: the stored hash changed to today's cost (m=19456, t=2)",
          new != OLD_HASH and new.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), new)
    check("rehash: the session of that login still works", oc.req("GET", "/api/v1/session")[0] == 200)
    s, h, d = Client(port).req("POST", "/api/v1/login", {"email": OLD_EMAIL, "password": OLD_PW})
    check("rehash: the same password logs in again", s == 200, (s, d))
    check("rehash: once only (today's cost stays)", stored() == new)
    s, h, d = Client(port).req("POST", "/api/v1/login", {"email": OLD_EMAIL, "password": OLD_PW + "x"})
    check("rehash: a wrong password is still refused", s == 401, s)
    con.close()
    out = cli(["audit", "--json", "--limit", "1000000"])
    rows = [e for e in (json.loads(out.stdout) if out.returncode == 0 else [])
            if e.get("action") == "password-rehash"]
    check("rehash: audited once, as password-rehash by and of the account",
          len(rows) == 1 and rows[0]["account_email"] == OLD_EMAIL and rows[0]["actor_email"] == OLD_EMAIL,
          rows or out.stderr)
    check("rehash: no secret in the audit log", OLD_HASH[30:] not in out.stdout and new[30:] not in out.stdout
          and OLD_PW not in out.stdout)
stop_all()
procs.clear()

# --- expiry: idle and absolute ----------------------------------------------------------------
port = serve(dict(BIG, POSTURA_SESSION_IDLE="2", POSTURA_SESSION_MAX="5"))
c = Client(port)
c.login("p1")
s1 = c.req("GET", "/api/v1/profile")[0]
time.sleep(1)
s2 = c.req("GET", "/api/v1/profile")[0]
time.sleep(3.2)
s3 = c.req("GET", "/api/v1/profile")[0]
check("idle expiry: used within the limit 200, then idle past it 401", (s1, s2, s3) == (200, 200, 401), (s1, s2, s3))
c = Client(port)
c.login("p1")
seen = []
t0 = time.monotonic()
while time.monotonic() - t0 < 7:
    seen.append((round(time.monotonic() - t0, 1), c.req("GET", "/api/v1/profile")[0]))
    time.sleep(0.8)
early = [st for t, st in seen if t < 4.5]
late = [st for t, st in seen if t > 6]
check("absolute expiry: kept busy, the session still ends after its limit",
      early and all(st == 200 for st in early) and late and all(st == 401 for st in late), seen)
stop_all()
procs.clear()
s = subprocess.run([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                   env=dict(base_env, POSTURA_SESSION_IDLE="soon"), timeout=20)
check("a bad limit refuses to start, naming the variable", s.returncode != 0 and "POSTURA_SESSION_IDLE" in s.stderr, s.stderr)

# --- rate limits: per account, per address --------------------------------------------------------
# A database of its own: the failures above count in this one's throttle for a while.
db = os.path.join(tmp, "limits.db")
for who, args in (("ca", ["--role", "clinician"]), ("cb", ["--role", "clinician"]),
                  ("p2", ["--role", "patient", "--clinician", EMAIL["cb"]])):
    out = cli(["user", "add", "--email", EMAIL[who]] + args, PW[who] + "\n")
    check("user add %s (limits)" % who, out.returncode == 0, out.stderr)
port = serve({"POSTURA_LOGIN_LIMIT_ACCOUNT": "3", "POSTURA_LOGIN_LIMIT_ADDRESS": "6", "POSTURA_LOGIN_WINDOW": "120"})
c = Client(port)
st = [c.login("p2", "wrong-%d-password" % i)[0] for i in range(3)]
check("three failures for an account: 401 each", st == [401, 401, 401], st)
s, h, d = c.login("p2")
ra = h.get("retry-after", "")
check("the account is locked: 429 even with the right password", s == 429, s)
check("429 has Retry-After in seconds within the window", ra.isdigit() and 1 <= int(ra) <= 120, ra)
check("429 is a JSON error", (jbody(d) or {}).get("error", {}).get("code") == "too-many-attempts", d)
s, h, d = c.req("POST", "/api/v1/login", {"email": "ghost@example.org", "password": "a"})
check("another account from the same address is not locked yet", s == 401, s)
s, h, d = c.login("ca")
check("... and logs in", s == 200, s)
st = [c.req("POST", "/api/v1/login", {"email": "ghost%d@example.org" % i, "password": "a"})[0] for i in range(2)]
s, h, d = c.login("cb")
check("six failures from one address: every account is locked from there (429)", s == 429 and h.get("retry-after", "").isdigit(), (st, s))
s, h, d = Client(port).form("/login", {"email": EMAIL["cb"], "password": PW["cb"]}, "/login")
check("the login form too: 429 with Retry-After", s == 429 and h.get("retry-after", "").isdigit() and b"Too many" in d, s)
# Behind a proxy on this machine (docs/nginx.conf), the address is the client it names.
s, h, d = c.req("POST", "/api/v1/login", {"email": EMAIL["cb"], "password": PW["cb"]},
                headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})
check("behind a proxy: another client (X-Forwarded-For's last address) is not locked", s == 200, (s, d))
s, h, d = c.req("POST", "/api/v1/login", {"email": EMAIL["cb"], "password": PW["cb"]},
                headers={"X-Forwarded-For": "203.0.113.9, 127.0.0.1"})
check("... the proxy's own entry is the one taken (127.0.0.1: locked)", s == 429, s)
stop_all()
procs.clear()

# --- over TLS: Secure and the __Host- prefix --------------------------------------------------------
helptext = subprocess.run([postura, "serve", "--help"], capture_output=True, text=True).stdout
if "--tls-cert" in helptext:
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    ssl_ok = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                             "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                            capture_output=True).returncode == 0
    check("a throw-away certificate", ssl_ok)
    port = serve(None, ["--tls-cert", cert, "--tls-key", key])
    c = Client(port, tls=True)
    s, h, d = c.login("p2")
    sc = [x for x in h["set-cookie-all"] if "_session=" in x]
    attrs = [a.strip().lower() for a in sc[0].split(";")[1:]] if sc else []
    check("TLS: the session cookie is __Host-pst_session", s == 200 and sc and sc[0].startswith("__Host-pst_session="), (s, h["set-cookie-all"]))
    check("TLS: Secure, HttpOnly, SameSite=Strict, Path=/, no Domain",
          {"secure", "httponly", "samesite=strict", "path=/"} <= set(attrs) and not any(a.startswith("domain") for a in attrs), sc)
    s, h, d = c.req("GET", "/api/v1/session")
    check("TLS: the session works", s == 200 and (jbody(d) or {}).get("account", {}).get("email") == EMAIL["p2"], (s, d))
    s, h, d = Client(port, tls=True).req("GET", "/login")
    csrf = [x for x in h["set-cookie-all"] if x.startswith("pst_csrf=")]
    check("TLS: the CSRF cookie is Secure too", csrf and "secure" in csrf[0].lower(), h["set-cookie-all"])
    bare = Client(port, tls=True)
    bare.cookies["pst_session"] = c.cookies.get("__Host-pst_session", "")
    check("TLS: the cookie without its prefix is no session", bare.req("GET", "/api/v1/session")[0] == 401)
    stop_all()
else:
    print("note: serve has no --tls-cert yet: the TLS cookie checks wait for it")

finish()
