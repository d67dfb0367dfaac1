#!/usr/bin/env python3
"""The clinician's side over HTTP (issue 14, "Roles and separation" and "The clinician's
work"): GET/POST /api/v1/patients (each patient's adherence this week, last pain and its
trend, open safety flags and the reasons to look, sorted by who needs attention), the
invitation link made once, GET /api/v1/patients/{id}/history (the patient's own history,
byte for byte), the dashboard page and the patient's page (charts, safety answers with
their date, the plan), the handout and the report printed for a patient (the same
pictures and PDF as the patient's own), and a clinician never reaching another
clinician's patient (404, the same as an id that does not exist).

usage: clinic_test.py POSTURA SOURCE_DIR
Runs on SQLite, and on PostgreSQL through tests/pg/postura-pg (web-clinic-pg).
"""
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from checks import check, finish, jbody
import checks

checks.detail_max = 600
postura, src = sys.argv[1], sys.argv[2]
PG = bool(os.environ.get("POSTURA_TEST_BACKEND"))
tmp = tempfile.mkdtemp(prefix="postura-clinic-")
db = os.path.join(tmp, "clinic.db")
# The week: Monday 2026-11-09 the profiles are saved; Wednesday 2026-11-18 is today.
SAVED = "2026-11-09T09:00:00+00:00"
TODAY = "2026-11-18T09:00:00+00:00"
base_env = dict(os.environ, TZ="UTC", POSTURA_LOGIN_LIMIT_ACCOUNT="1000",
                POSTURA_LOGIN_LIMIT_ADDRESS="1000")
procs = []
PW = {"admin": "granite-owl-harbour-7", "ca": "velvet-cactus-ledger-3", "cb": "amber-tundra-piano-9"}
EMAIL = {"admin": "admin@clinic.example", "ca": "ana.clinician@clinic.example",
         "cb": "ben.clinician@clinic.example"}
PATIENT_PW = "orchid-basalt-meridian-4"


def cli(args, stdin=None, now=TODAY):
    return subprocess.run([postura, "--db", db] + args, input=stdin, capture_output=True, text=True,
                          env=dict(base_env, POSTURA_NOW=now))


def serve(now):
    p = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=dict(base_env, POSTURA_NOW=now), text=True)
    line = p.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
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
    procs.clear()


class Client(checks.Browser):
    timeout = 60

    def login(self, email, password):
        return self.req("POST", "/api/v1/login", {"email": email, "password": password})


def error_of(d):
    return (jbody(d) or {}).get("error", {})


try:
    # --- the one-person app: no clinic ----------------------------------------------------
    port = serve(TODAY)
    anon = Client(port)
    for path in ("/api/v1/patients", "/clinic"):
        s, h, d = anon.req("GET", path)
        check("no accounts: %s is not there (404)" % path, s == 404, s)
    s, h, d = anon.req("POST", "/api/v1/patients", {"email": "x@y.example"})
    check("no accounts: no patient is added", s == 404, s)
    stop_all()

    # --- accounts: an admin and two clinicians (the command line) ----------------------------
    for who, args in (("admin", ["--role", "admin"]), ("ca", ["--role", "clinician", "--name", "Ana"]),
                      ("cb", ["--role", "clinician", "--name", "Ben"])):
        out = cli(["user", "add", "--email", EMAIL[who]] + args, PW[who] + "\n")
        if out.returncode:
            print("FAIL postura user add %s: %s" % (who, out.stderr))
            sys.exit(1)

    # Monday of last week: the patients are added, accept their invitations, save their
    # profiles and answer the safety questions.
    port = serve(SAVED)
    ca, cb, admin = Client(port), Client(port), Client(port)
    for c, who in ((ca, "ca"), (cb, "cb"), (admin, "admin")):
        s, h, d = c.login(EMAIL[who], PW[who])
        check("login %s" % who, s == 200, (s, d))

    s, h, d = ca.req("GET", "/api/v1/patients")
    check("a clinician without patients: an empty list", s == 200 and (jbody(d) or {}).get("patients") == [], (s, d))

    for name, body, status, field in (
            ("no email", {"name": "X"}, 422, "email"),
            ("an empty email", {"email": "", "name": "X"}, 422, "email"),
            ("not an email", {"email": "nobody", "name": "X"}, 422, "email"),
            ("email not a string", {"email": 5, "name": "X"}, 422, "email"),
            ("name not a string", {"email": "n@example.org", "name": ["X"]}, 422, "name"),
            ("a name with a control character", {"email": "n@example.org", "name": "X\u0007"}, 422, "name"),
            ("a name too long", {"email": "n@example.org", "name": "x" * 121}, 422, "name"),
            ("an unknown field", {"email": "n@example.org", "role": "admin"}, 422, "role"),
            ("the clinician's own email", {"email": EMAIL["cb"], "name": "X"}, 409, "email")):
        s, h, d = ca.req("POST", "/api/v1/patients", body)
        e = error_of(d)
        check("POST /api/v1/patients, %s: %d naming %s" % (name, status, field),
              s == status and e.get("field") == field and e.get("message"), (s, d))
    s, h, d = ca.req("POST", "/api/v1/patients", "{not json")
    check("POST /api/v1/patients, not JSON: 400", s == 400 and error_of(d).get("code") == "malformed", (s, d))
    s, h, d = ca.req("POST", "/api/v1/patients", [1])
    check("POST /api/v1/patients, not an object: 422", s == 422, (s, d))
    s, h, d = ca.req("GET", "/api/v1/patients")
    check("... and none of them added anyone", (jbody(d) or {}).get("patients") == [], d)

    PATIENTS = [("ca", "flag", "Fay Flag"), ("ca", "painup", "Paul Painup"), ("ca", "hurt", "Hana Hurt"),
                ("ca", "missed", "Milo Missed"), ("ca", "fine", "Finn Fine"), ("cb", "other", "Olga Other")]
    pid, pemail, pname, pclient = {}, {}, {}, {}
    for owner, key, name in PATIENTS:
        c = ca if owner == "ca" else cb
        email = "%s@patients.example" % key
        s, h, d = c.req("POST", "/api/v1/patients", {"email": email.upper(), "name": name})
        j = jbody(d) or {}
        check("%s adds %s: 201" % (owner, key), s == 201 and j.get("id"), (s, d))
        check("%s: the email stored lower-cased" % key, j.get("email") == email, j)
        check("%s: Location: the patient's history" % key,
              h.get("location") == "/api/v1/patients/%s/history" % j.get("id"), h.get("location"))
        link = (j.get("invitation") or {}).get("link", "")
        check("%s: an invitation link /invite/TOKEN (256 bits)" % key,
              re.fullmatch(r"/invite/[0-9a-f]{64}", link) is not None, j)
        check("%s: the link's whole address" % key,
              (j.get("invitation") or {}).get("url", "").endswith(link) and
              (j.get("invitation") or {}).get("url", "").startswith("http://"), j)
        exp = (j.get("invitation") or {}).get("expires", "")
        try:
            left = datetime.datetime.fromisoformat(exp.replace("Z", "+00:00")).timestamp() - time.time()
        except ValueError:
            left = 0
        check("%s: it expires in 7 days" % key, abs(left - 7 * 86400) < 120, exp)
        pid[key], pemail[key], pname[key] = j.get("id"), email, name
        if not PG and key == "flag":
            import sqlite3
            con = sqlite3.connect(db)
            dump = "\n".join(con.iterdump())
            con.close()
            check("the database holds no invitation token", link[8:] not in dump)
        p = Client(port)
        s, h, d = p.form(link, {"password": PATIENT_PW, "confirm": PATIENT_PW}, link)
        check("%s sets a password through the link" % key, s in (200, 303), (s, d[-300:]))
        s, h, d = Client(port).req("GET", link)
        check("%s: a used link's page says so (404, no form)" % key, s == 404 and b'type="password"' not in d, s)
        # the form's CSRF token from the login page: the used link's page has no form
        s, h, d = Client(port).form(link, {"password": PATIENT_PW, "confirm": PATIENT_PW}, "/login")
        check("%s: the link works once" % key, s == 404, s)
        s, h, d = p.login(email, PATIENT_PW)
        check("%s logs in" % key, s == 200, (s, d))
        pclient[key] = p
    s, h, d = ca.req("POST", "/api/v1/patients", {"email": pemail["other"], "name": "Again"})
    check("an email that has an account already: 409 naming email", s == 409 and error_of(d).get("field") == "email", (s, d))
    if pid.get("other"):
        s, h, d = ca.req("POST", "/api/v1/patients", {"email": "dup@patients.example"})
        check("a patient without a name is fine", s == 201, (s, d))
        pid["noname"], pemail["noname"], pname["noname"] = (jbody(d) or {}).get("id"), "dup@patients.example", ""

    answers = json.load(open(os.path.join(src, "examples", "answers.json")))
    prof = {"pregnant_weeks": 24, "pain": 4, "areas": ["upper", "mid"], "triggers": ["desk"],
            "equipment": ["wall", "chair"], "avoid": [], "minutes": 10}
    for key in ("flag", "painup", "hurt", "missed", "fine", "other"):
        p = pclient[key]
        s, h, d = p.req("PUT", "/api/v1/profile", prof)
        check("%s saves a profile" % key, s == 200, (s, d[:200]))
        a = dict(answers)
        if key in ("flag", "other"):
            a["vaginal-bleeding"] = True
        s, h, d = p.req("POST", "/api/v1/screen?stage=pregnancy", a)
        check("%s answers the safety questions" % key, s == 200, (s, d[:200]))
    stop_all()

    # --- Wednesday this week --------------------------------------------------------------
    port = serve(TODAY)
    for c in [ca, cb, admin] + list(pclient.values()):
        c.port = port
    s, h, d = pclient["fine"].req("GET", "/api/v1/plan")
    plan = jbody(d) or {}
    ex = [e["id"] for e in plan.get("exercises", [])]
    check("a plan to do", s == 200 and len(ex) >= 2, (s, d[:300]))

    def session(key, at, before, feedback):
        body = {"at": at, "pain_before": before, "pain_after": before,
                "exercises": [{"id": ex[0], "feedback": feedback, "pain": before},
                              {"id": ex[1], "feedback": "right", "pain": before}]}
        s, h, d = pclient[key].req("POST", "/api/v1/sessions", body)
        check("%s logs a session on %s" % (key, at[:10]), s in (200, 201), (s, d[:300]))

    def checkin(key, at, pain):
        s, h, d = pclient[key].req("POST", "/api/v1/checkins", {"pain": pain, "at": at})
        check("%s checks in %d/10 on %s" % (key, pain, at[:10]), s in (200, 201), (s, d[:300]))

    # painup: 3/10 the week before, 7/10 today (and sessions: nothing else to look at)
    checkin("painup", "2026-11-13T08:00:00Z", 3)
    checkin("painup", "2026-11-15T08:00:00Z", 3)
    session("painup", "2026-11-16T18:00:00Z", 3, "right")
    checkin("painup", "2026-11-18T08:00:00Z", 7)
    # hurt: "it hurt" yesterday, and Monday missed
    session("hurt", "2026-11-17T18:00:00Z", 3, "hurt")
    # fine: Monday's session, steady pain
    checkin("fine", "2026-11-12T08:00:00Z", 4)
    session("fine", "2026-11-16T18:00:00Z", 4, "easy")
    # other (Ben's): a session too
    session("other", "2026-11-16T18:00:00Z", 2, "hurt")

    # --- GET /api/v1/patients -----------------------------------------------------------
    s, h, d = ca.req("GET", "/api/v1/patients")
    j = jbody(d) or {}
    lst = j.get("patients", [])
    check("GET /api/v1/patients: 200", s == 200 and j.get("today") == "2026-11-18", (s, d[:300]))
    order = [p.get("name") for p in lst]
    want = [pname[k] for k in ("flag", "painup", "hurt", "missed")]
    check("sorted by who needs attention: red flag, pain up, 'it hurt', sessions missed",
          order[:4] == want, order)
    check("then those with nothing to look at, by name", set(order[4:]) == {pname["fine"], ""}, order)
    check("only the clinician's own patients", pname["other"] not in order and len(order) == 6, order)
    by = {p.get("id"): p for p in lst}
    f = by.get(pid["flag"], {})
    check("each patient: id, name, email", f.get("name") == pname["flag"] and f.get("email") == pemail["flag"], f)
    check("the red flag: outcome same-day, the question open",
          f.get("safety", {}).get("outcome") == "same-day" and
          [x.get("id") for x in f.get("safety", {}).get("flags", [])] == ["vaginal-bleeding"], f.get("safety"))
    check("the red flag: answered on the Monday", f.get("safety", {}).get("answered", "").startswith("2026-11-09"), f.get("safety"))
    check("the red flag is the first reason",
          (f.get("attention") or [{}])[0].get("kind") == "red-flag" and "bleeding" in (f.get("attention") or [{}])[0].get("reason", ""), f.get("attention"))
    check("no plan with a red flag: nothing planned, nothing missed",
          f.get("adherence", {}).get("planned") == 0 and f.get("adherence", {}).get("missed") == 0, f.get("adherence"))
    pu = by.get(pid["painup"], {})
    pn = pu.get("pain") or {}
    check("pain up: last 7, trend up, from an average of 3",
          pn.get("last") == 7 and pn.get("trend") == "up" and abs(pn.get("average_before", 0) - 3.0) < 1e-9, pn)
    check("pain up: the reason says so", [x.get("kind") for x in pu.get("attention", [])] == ["pain-up"], pu.get("attention"))
    check("pain up: no open safety flag, clear", pu.get("safety", {}).get("flags") == [] and pu.get("safety", {}).get("outcome") == "clear", pu.get("safety"))
    hu = by.get(pid["hurt"], {})
    s, h, d = ca.req("GET", "/api/v1/catalog/" + ex[0])
    ex_name = (jbody(d) or {}).get("name", "?")
    check("'it hurt': the reason names the exercise and the day",
          [x.get("kind") for x in hu.get("attention", [])] == ["hurt"] and
          ex_name in hu["attention"][0].get("reason", "") and "2026-11-17" in hu["attention"][0].get("reason", ""),
          (ex_name, hu.get("attention")))
    check("'it hurt': Tuesday's session makes up for Monday", hu.get("adherence", {}).get("missed") == 0, hu.get("adherence"))
    mi = by.get(pid["missed"], {})
    ad = mi.get("adherence", {})
    check("missed: this week 0 done of 4 (Monday missed, today not yet)",
          ad == {"week": "2026-11-16", "done": 0, "planned": 4, "planned_so_far": 2, "missed": 1}, ad)
    check("missed: the reason", [x.get("kind") for x in mi.get("attention", [])] == ["missed"], mi.get("attention"))
    check("missed: no pain recorded is null", mi.get("pain") is None, mi)
    fi = by.get(pid["fine"], {})
    check("fine: nothing to look at, Monday's session counted",
          fi.get("attention") == [] and fi.get("adherence", {}).get("done") == 1, fi)
    check("fine: steady pain", (fi.get("pain") or {}).get("trend") == "steady", fi.get("pain"))
    nn = by.get(pid.get("noname"), {})
    check("a patient who never accepted the invitation: invited, no answers",
          nn.get("state") == "invited" and nn.get("safety", {}).get("answered") is None, nn)

    s, h, d = cb.req("GET", "/api/v1/patients")
    lst_b = (jbody(d) or {}).get("patients", [])
    check("the other clinician sees only theirs", [p.get("id") for p in lst_b] == [pid["other"]], lst_b)
    for who, c in (("admin", admin), ("a patient", pclient["fine"])):
        s, h, d = c.req("GET", "/api/v1/patients")
        check("%s: GET /api/v1/patients is 403" % who, s == 403, s)
        s, h, d = c.req("POST", "/api/v1/patients", {"email": "sneaky@patients.example"})
        check("%s: POST /api/v1/patients is 403" % who, s == 403, s)
    s, h, d = Client(port).req("GET", "/api/v1/patients")
    check("without a session: 401", s == 401, s)

    # A write shows at once (the dashboard is kept in memory until a patient's records change).
    checkin("painup", "2026-11-18T12:00:00Z", 3)
    s, h, d = ca.req("GET", "/api/v1/patients")
    pu2 = {p.get("id"): p for p in (jbody(d) or {}).get("patients", [])}.get(pid["painup"], {})
    check("a new check-in shows at once: last 3, steady", (pu2.get("pain") or {}).get("last") == 3 and
          (pu2.get("pain") or {}).get("trend") == "steady" and pu2.get("attention") == [], pu2)

    # --- GET /api/v1/patients/{id}/history ---------------------------------------------------
    s1, h1, own = pclient["painup"].req("GET", "/api/v1/history")
    s2, h2, seen = ca.req("GET", "/api/v1/patients/%d/history" % pid["painup"])
    check("the clinician's view of the history is the patient's own", s1 == 200 and s2 == 200 and own == seen,
          (s1, s2, own[:200], seen[:200]))
    s1, h1, own = pclient["painup"].req("GET", "/api/v1/history?since=2026-11-15")
    s2, h2, seen = ca.req("GET", "/api/v1/patients/%d/history?since=2026-11-15" % pid["painup"])
    check("... since a day too", s2 == 200 and own == seen, (s2, seen[:200]))
    s, h, d = ca.req("GET", "/api/v1/patients/%d/history?since=2026-13-01" % pid["painup"])
    check("a bad since= is 422 naming it", s == 422 and error_of(d).get("field") == "since", (s, d))
    s1, h1, d1 = ca.req("GET", "/api/v1/patients/%d/history" % pid["other"])
    s2, h2, d2 = ca.req("GET", "/api/v1/patients/999999/history")
    check("another clinician's patient: 404", s1 == 404, s1)
    check("an id of nobody: 404", s2 == 404, s2)
    check("the two 404s are alike", re.sub(rb"\d+", b"N", d1) == re.sub(rb"\d+", b"N", d2), (d1, d2))
    s, h, d = ca.req("GET", "/api/v1/patients/%d/history" % pid["flag"])
    check("a patient's history holds nothing of another's", s == 200 and (jbody(d) or {}).get("daily") == [], d[:200])
    for who, c in (("admin", admin), ("the patient", pclient["painup"])):
        s, h, d = c.req("GET", "/api/v1/patients/%d/history" % pid["painup"])
        check("%s: the clinician's history route is 403" % who, s == 403, s)

    # --- the dashboard page -------------------------------------------------------------------
    s, h, d = ca.req("GET", "/")
    check("a clinician's home is the dashboard", s == 303 and h.get("location") in ("/clinic", "/patients"), (s, h.get("location")))
    s, h, page = ca.req("GET", "/clinic")
    text = page.decode()
    check("GET /clinic: 200", s == 200 and "text/html" in h.get("content-type", ""), s)
    pos = [text.find(pname[k]) for k in ("flag", "hurt", "missed", "fine")]
    check("the page lists the patients by attention", all(x > 0 for x in pos) and pos == sorted(pos), pos)
    check("with the reasons shown", "Red flag" in text and "It hurt" in text and "Sessions missed" in text, text[:500])
    check("a patient's page is linked", 'href="/clinic/patients/%d"' % pid["flag"] in text)
    check("no other clinician's patient", pname["other"] not in text and pemail["other"] not in text)
    check("the add form", 'action="/clinic/patients"' in text and 'name="csrf"' in text and 'name="email"' in text)
    check("no script needed: the form posts", "<noscript" not in text)
    s, h, d = ca.req("POST", "/clinic/patients", "email=x%40y.example&name=X", "application/x-www-form-urlencoded")
    check("the add form without its CSRF token: 403", s == 403, s)
    s, h, d = ca.form("/clinic/patients", {"email": "not-an-email", "name": "Nora"}, "/clinic")
    t = d.decode()
    check("the add form, a bad email: 422, the problem shown at the field",
          s == 422 and "email:" in t and 'aria-invalid="true"' in t and 'value="Nora"' in t, (s, t[-1500:]))
    s, h, d = ca.form("/clinic/patients", {"email": "nora@patients.example", "name": "Nora <b>New</b>"}, "/clinic")
    t = d.decode()
    m = re.search(r"http://[^<\s\"]+/invite/([0-9a-f]{64})", t)
    check("the add form: the page again with the invitation link", s == 200 and m is not None, (s, t[-1500:]))
    check("the name is escaped", "Nora &lt;b&gt;New&lt;/b&gt;" in t and "<b>New</b>" not in t)
    s, h, d = ca.req("GET", "/clinic")
    check("the link is shown once: not on the next visit", m is not None and m.group(1).encode() not in d and b"/invite/" not in d)
    check("... and Nora is in the list, invitation not used", b"Nora &lt;b&gt;New&lt;/b&gt;" in d and b"invitation not used" in d)
    for who, c in (("admin", admin), ("a patient", pclient["fine"])):
        s, h, d = c.req("GET", "/clinic")
        check("%s: /clinic is 403" % who, s == 403, s)

    # --- a patient's page --------------------------------------------------------------------
    s, h, page = ca.req("GET", "/clinic/patients/%d" % pid["flag"])
    t = page.decode()
    check("the patient's page: 200", s == 200, (s, t[:300]))
    i = t.find("<main")
    check("... the red flag's question", "bleeding from your vagina" in t, t[i:i + 3000])
    check("... the date of the answers", "Answered on <strong>Monday 9 November 2026</strong>" in t, t[i:i + 3000])
    check("... every answer", "Every answer" in t)
    check("... no plan while the answers send her to a professional", "No plan now" in t)
    s, h, page = ca.req("GET", "/clinic/patients/%d" % pid["painup"])
    t = page.decode()
    check("a patient with a plan: the plan's exercises", s == 200 and "The plan" in t and 'class="routine-list"' in t, t[:500])
    charts = re.findall(r'<img src="(/clinic/patients/%d/chart\?kind=(\w+)&amp;size=wide)"' % pid["painup"], t)
    check("the history charts", [k for _, k in charts][:2] == ["pain", "sessions"], charts)
    for url, kind in charts[:2]:
        url = url.replace("&amp;", "&")
        s1, h1, mine = ca.req("GET", url)
        s2, h2, theirs = pclient["painup"].req("GET", "/chart/%s.svg?size=wide" % kind)
        check("the %s chart: the same picture as the patient's" % kind,
              s1 == 200 and h1.get("content-type") == "image/svg+xml" and mine == theirs, (s1, s2))
    check("links to print the handout and the report",
          '/clinic/patients/%d/handout.pdf' % pid["painup"] in t and '/clinic/patients/%d/report.pdf' % pid["painup"] in t)
    s, h, pdf = ca.req("GET", "/clinic/patients/%d/handout.pdf" % pid["painup"])
    check("the handout for the patient: a PDF", s == 200 and h.get("content-type") == "application/pdf" and pdf.startswith(b"%PDF"), s)
    s2, h2, own_pdf = pclient["painup"].req("GET", "/handout.pdf")
    s, h, rep = ca.req("GET", "/clinic/patients/%d/report.pdf" % pid["painup"])
    check("the report for the patient: a PDF", s == 200 and rep.startswith(b"%PDF"), s)
    s2, h2, own_rep = pclient["painup"].req("GET", "/report.pdf")
    if shutil.which("pdftotext"):
        def text_of(b):
            p = os.path.join(tmp, "x.pdf")
            open(p, "wb").write(b)
            return subprocess.run(["pdftotext", "-layout", p, "-"], capture_output=True).stdout
        check("the report is the patient's own", text_of(rep) == text_of(own_rep) and len(text_of(rep)) > 200)
        check("the handout is the patient's own", text_of(pdf) == text_of(own_pdf) and len(text_of(pdf)) > 200)
    s, h, d = ca.req("GET", "/clinic/patients/%d/handout.pdf" % pid["flag"])
    check("no handout while the answers send her to a professional: 409 said in words", s == 409 and b"professional" in d, s)
    for path in ("/clinic/patients/%d", "/clinic/patients/%d/handout.pdf", "/clinic/patients/%d/report.pdf",
                 "/clinic/patients/%d/chart?kind=pain"):
        s1, h1, d1 = ca.req("GET", path % pid["other"])
        s2, h2, d2 = ca.req("GET", path % 999999)
        check("%s of another clinician's patient: 404 like no patient" % (path % pid["other"]),
              s1 == 404 and s2 == 404 and re.sub(rb"\d+", b"N", d1) == re.sub(rb"\d+", b"N", d2), (s1, s2))
        check("... holding nothing of hers", pname["other"].encode() not in d1 and pemail["other"].encode() not in d1)
        for who, c in (("admin", admin), ("the patient", pclient["painup"])):
            s, h, d = c.req("GET", path % pid["painup"])
            check("%s: %s is 403" % (who, path % pid["painup"]), s == 403, s)
    # A new invitation for a patient who has not used theirs; none for one who has.
    s, h, d = ca.req("POST", "/api/v1/patients/%d/invitation" % pid["noname"])
    link2 = ((jbody(d) or {}).get("invitation") or {}).get("link", "")
    check("a new invitation for a patient who never used theirs: 201",
          s == 201 and re.fullmatch(r"/invite/[0-9a-f]{64}", link2) is not None, (s, d))
    s, h, d = ca.req("POST", "/api/v1/patients/%d/invitation" % pid["fine"])
    check("none for a patient who has a password: 409", s == 409 and error_of(d).get("message"), (s, d))
    s, h, d = ca.req("POST", "/api/v1/patients/%d/invitation" % pid["other"])
    check("none for another clinician's patient: 404", s == 404, s)
    s, h, d = ca.req("GET", "/clinic/patients/%d" % pid["noname"])
    check("the page of an invited patient offers a new link", b'action="/clinic/patients/%d/invitation"' % pid["noname"] in d, d[-1500:])
    s, h, d = ca.form("/clinic/patients/%d/invitation" % pid["noname"], {}, "/clinic/patients/%d" % pid["noname"])
    m2 = re.search(rb'id="invite-link">http://[^<]+/invite/([0-9a-f]{64})<', d)
    check("... which shows it once", s == 200 and m2 is not None, (s, d[-1500:]))
    s, h, d = ca.req("GET", "/clinic/patients/%d" % pid["noname"])
    check("... and not on the next visit", m2 is not None and m2.group(1) not in d)
    s, h, d = Client(port).form(link2, {"password": PATIENT_PW, "confirm": PATIENT_PW}, link2)
    check("the new link works", s in (200, 303), s)

    s, h, d = cb.req("GET", "/clinic/patients/%d" % pid["other"])
    check("Ben sees his own patient's page", s == 200 and pname["other"].encode() in d, s)
    s, h, d = ca.req("GET", "/clinic/patients/%d/chart?kind=nope" % pid["painup"])
    check("a bad chart kind: 422 naming it", s == 422 and b"kind" in d, s)

    out = cli(["audit"])
    check("the audit log has the patients added and the clinician's reads",
          out.returncode == 0 and "account-add" in out.stdout and "read" in out.stdout, out.stdout[-1000:] + out.stderr)
finally:
    stop_all()
    shutil.rmtree(tmp, ignore_errors=True)
finish()
