#!/usr/bin/env python3
"""The programme a clinician assigns, over HTTP (issue 14, "Programme editing"):
GET|PUT /api/v1/patients/{id}/programme (JSON of docs/clinic.md) and its refusals (422
naming the field, nothing saved), the excluded exercise only with a written reason kept
with who and when, red flags winning (no programme shown or assigned), another
clinician's patient 404 and a patient 403; the patient's Today, /api/v1/plan and the
session player then show the changed dose and the clinician's notes; the editing page
(no JavaScript: add, move, remove, save, a refused save shown again with what was typed).

usage: programme_test.py POSTURA SOURCE_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

from checks import check, finish, jbody
import checks

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-programme-")
db = os.path.join(tmp, "clinic.db")
NOW = "2026-11-18T09:00:00+00:00"
ENV = dict(os.environ, POSTURA_NOW=NOW, TZ="Europe/London")
PW = {"ca": "velvet-cactus-ledger-3", "cb": "amber-tundra-piano-9", "p1": "silver-meadow-kettle-5"}
EMAIL = {"ca": "ana.clinician@clinic.example", "cb": "ben.clinician@clinic.example",
         "p1": "pat.one@example.org"}
procs = []


def cli(args, stdin=None):
    return subprocess.run([postura, "--db", db] + args, input=stdin, capture_output=True, text=True, env=ENV)


class Client(checks.Browser):
    def login(self, who):
        return self.req("POST", "/api/v1/login", {"email": EMAIL[who], "password": PW[who]})


def serve():
    p = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, text=True)
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
        p.wait(10)


for who, args in (("ca", ["--role", "clinician", "--name", "Ana"]),
                  ("cb", ["--role", "clinician", "--name", "Ben"]),
                  ("p1", ["--role", "patient", "--name", "Pat One", "--clinician", EMAIL["ca"]])):
    out = cli(["user", "add", "--email", EMAIL[who]] + args, PW[who] + "\n")
    if out.returncode:
        print("FAIL postura user add %s: %s" % (who, out.stderr))
        sys.exit(1)
out = cli(["user", "list"])
ids = {}
for who in EMAIL:
    m = re.search(r"^\s*(\d+)\s.*" + re.escape(EMAIL[who]), out.stdout, re.M)
    ids[who] = int(m.group(1)) if m else 0
check("user list gives the accounts' ids", all(ids.values()), out.stdout)

port = serve()
ana, ben, pat = Client(port), Client(port), Client(port)
for c, who in ((ana, "ca"), (ben, "cb"), (pat, "p1")):
    s, h, d = c.login(who)
    check("login %s" % who, s == 200, (s, d[:200]))
API = "/api/v1/patients/%d/programme" % ids["p1"]
PAGE = "/clinic/patients/%d/programme" % ids["p1"]

# Before the patient has a profile: nothing to assign yet.
s, h, d = ana.req("GET", API)
j = jbody(d) or {}
check("no profile yet: GET says so", s == 200 and j.get("status") == "no-profile" and j.get("why"), (s, d[:300]))
s, h, d = ana.req("PUT", API, {"exercises": [{"id": "chin-nod"}]})
check("no profile yet: PUT is refused naming profile", s == 422 and (jbody(d) or {}).get("error", {}).get("field") == "profile", (s, d[:300]))

# The patient sets up: 24 weeks pregnant (lying on the back is left out), answers all no.
s, h, d = pat.req("PUT", "/api/v1/profile", {"pregnant_weeks": 24, "minutes": 10})
check("patient saves a profile", s == 200, (s, d[:300]))
qs = jbody(cli(["screen", "--list", "--json"]).stdout.encode()) or []
no = {q["id"]: False for q in qs}
s, h, d = pat.req("POST", "/api/v1/screen?stage=pregnancy", no)
check("patient answers the safety questions", s == 200, (s, d[:300]))
s, h, d = pat.req("GET", "/api/v1/plan")
planner = jbody(d) or {}
check("the planner's plan first", s == 200 and not planner.get("assigned"), (s, d[:200]))

# Roles: another clinician's patient is 404, a patient may not use it (403).
s, h, d = ben.req("GET", API)
check("another clinician: GET 404", s == 404, s)
s, h, d = ben.req("PUT", API, {"exercises": [{"id": "chin-nod"}]})
check("another clinician: PUT 404", s == 404, s)
s, h, d = pat.req("GET", API)
check("the patient: 403", s == 403, s)
s, h, d = ana.req("GET", "/api/v1/patients/999999/programme")
check("an id that does not exist: 404", s == 404, s)

# GET: the planner's plan to start from, and the catalogue with what needs a reason.
s, h, d = ana.req("GET", API)
g = jbody(d) or {}
check("GET: ok, not assigned yet", s == 200 and g.get("status") == "ok" and g.get("assigned") is False, d[:300])
check("GET: the planner's exercises", [e["id"] for e in g.get("exercises", [])] ==
      [e["id"] for e in planner.get("exercises", [])], (g.get("exercises"), planner.get("exercises")))
cat = {c["id"]: c for c in g.get("catalogue", [])}
check("GET: the catalogue says what the rules leave out",
      (cat.get("gentle-spinal-twist", {}).get("excluded_by") or {}).get("rule") == "pregnancy-no-supine-from-20-weeks",
      cat.get("gentle-spinal-twist"))

# Refusals: 422 with the field; nothing saved.
before = ana.req("GET", API)[2]
refusals = [
    ({"exercises": [{"id": "chin-nod", "reps": 0}]}, "exercises[0].reps"),
    ({"exercises": [{"id": "chin-nod", "reps": 31}]}, "exercises[0].reps"),
    ({"exercises": [{"id": "chin-nod", "sets": "two"}]}, "exercises[0].sets"),
    ({"exercises": [{"id": "rib-breathing", "hold_s": 10}]}, "exercises[0].hold_s"),
    ({"exercises": [{"id": "chin-nodd"}]}, "exercises[0].id"),
    ({"exercises": [{"id": "chin-nod"}, {"id": "chin-nod"}]}, "exercises[1].id"),
    ({"exercises": []}, "exercises"),
    ({"exercises": [{"id": "chin-nod", "per_side": True}]}, "exercises[0].per_side"),
    ({"exercises": [{"id": "chin-nod"}], "colour": "red"}, "colour"),
    ({"note": "x" * 1001, "exercises": [{"id": "chin-nod"}]}, "note"),
    ({"exercises": [{"id": "chin-nod"}, {"id": "gentle-spinal-twist"}]}, "exercises[1].reason"),
    ({"exercises": [{"id": "gentle-spinal-twist", "reason": "ok"}]}, "exercises[0].reason"),
]
for body, field in refusals:
    s, h, d = ana.req("PUT", API, body)
    e = (jbody(d) or {}).get("error", {})
    check("PUT refused: %s" % field, s == 422 and e.get("field") == field and e.get("message"), (s, d[:300]))
s, h, d = ana.req("PUT", API, "{not json")
check("PUT refused: not JSON", s in (400, 422), (s, d[:200]))
check("nothing saved by a refused PUT", ana.req("GET", API)[2] == before)
e = (jbody(ana.req("PUT", API, refusals[10][0])[2]) or {}).get("error", {})
check("the excluded exercise's refusal names the rule", "pregnancy-no-supine-from-20-weeks" in e.get("message", ""), e)

# A good edit: reorder, change a dose, notes, and an excluded exercise with a reason.
first = g["exercises"][0]["id"]
edit = {"note": "Little and often: after the school run suits you.",
        "exercises": [{"id": "shoulder-blade-squeezes", "sets": 2, "reps": 13, "note": "Half effort, slowly."},
                      {"id": first},
                      {"id": "gentle-spinal-twist", "reason": "Propped on a wedge at 30 degrees; checked in clinic."}]}
if first == "shoulder-blade-squeezes":
    edit["exercises"][1] = {"id": "chin-nod"}
s, h, d = ana.req("PUT", API, edit)
j = jbody(d) or {}
check("PUT: 200 with the programme", s == 200 and j.get("assigned") is True, (s, d[:400]))
ex = {e["id"]: e for e in j.get("exercises", [])}
check("PUT: the dose kept", ex.get("shoulder-blade-squeezes", {}).get("reps") == 13 and
      ex["shoulder-blade-squeezes"].get("sets") == 2, ex.get("shoulder-blade-squeezes"))
tw = ex.get("gentle-spinal-twist", {})
check("PUT: the reason kept with who and when", tw.get("reason", "").startswith("Propped") and
      tw.get("reason_by") == ids["ca"] and tw.get("rule") == "pregnancy-no-supine-from-20-weeks" and
      tw.get("reason_at", 0) > 0, tw)
check("PUT: who saved it", j.get("updated_by") == ids["ca"] and j.get("updated_at"), (j.get("updated_by"), j.get("updated_at")))
s, h, d = ana.req("GET", API)
check("GET gives it back", (jbody(d) or {}).get("exercises") == j.get("exercises"), d[:300])
# A GET document can be PUT back as it is.
s, h, d = ana.req("PUT", API, d.decode())
check("a GET document PUT back is accepted", s == 200, (s, d[:300]))

# The patient's side: Today, the plan JSON, the session player.
s, h, d = pat.req("GET", "/api/v1/plan")
p = jbody(d) or {}
check("plan JSON: assigned, with the note", p.get("assigned") is True and p.get("programme_note") == edit["note"], d[:300])
check("plan JSON: the clinician's order", [e["id"] for e in p.get("exercises", [])] == [e["id"] for e in edit["exercises"]],
      [e["id"] for e in p.get("exercises", [])])
sq = p["exercises"][0]
check("plan JSON: the changed dose", sq["dose"].get("reps") == 13 and sq["dose"].get("sets") == 2, sq["dose"])
check("plan JSON: the exercise's note", sq.get("note") == "Half effort, slowly.", sq.get("note"))
s, h, d = pat.req("GET", "/today")
t = d.decode()
check("Today: 200", s == 200, s)
check("Today: the clinician's note", "Little and often: after the school run suits you." in t, t[:2000])
check("Today: the exercise's note", "Half effort, slowly." in t, "")
check("Today: the changed dose", re.search(r"2 sets of 13|13 repetitions|13 reps", t) is not None,
      re.findall(r'class="dose">[^<]*', t))
s, h, d = pat.req("GET", "/session")
check("the session player: the changed dose and the note",
      s == 200 and 'data-reps="13"' in d.decode() and "Half effort, slowly." in d.decode(), s)

# Changing the dose again: the next Today shows it at once (the cache follows the version).
edit["exercises"][0]["reps"] = 11
s, h, d = ana.req("PUT", API, edit)
s, h, d = pat.req("GET", "/today")
check("Today after a second change shows it", re.search(r"2 sets of 11|11 repetitions|11 reps", d.decode()) is not None, "")

# The editing page: no JavaScript needed.
s, h, d = ana.req("GET", PAGE)
t = d.decode()
check("page: 200 with a form", s == 200 and '<form method="post" action="%s"' % PAGE in t, (s, t[:300]))
check("page: the doses as fields", 'name="reps0" inputmode="numeric" size="4" value="11"' in t, "")
check("page: the reason field of the excluded exercise", 'name="reason2"' in t and "pregnancy-no-supine-from-20-weeks" in t, "")
check("page: the catalogue to add from", '<select id="add" name="add">' in t and 'value="chin-nod"' in t or first == "chin-nod", "")


def fields_of(html):
    """The form's fields as a browser sends them (text, hidden, checked boxes, textareas)."""
    f = []
    for m in re.finditer(r'<input[^>]*>', html):
        tag = m.group(0)
        n = re.search(r'name="([^"]+)"', tag)
        v = re.search(r'value="([^"]*)"', tag)
        if not n or n.group(1) == "csrf":
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        f.append((n.group(1), (v.group(1) if v else "").replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"')))
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        f.append((m.group(1), m.group(2).replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"')))
    return f


f = fields_of(t)
s, h, d = ana.form(PAGE, f + [("op", "down-0")], PAGE)
t2 = d.decode()
check("page: move down (not saved yet)", s == 200 and "not saved yet" in t2 and
      t2.find('name="id0" value="%s"' % edit["exercises"][1]["id"]) > 0, (s, t2[:300]))
f2 = fields_of(t2)
s, h, d = ana.form(PAGE, f2 + [("add", "rib-breathing"), ("op", "add")], PAGE)
t3 = d.decode()
check("page: add from the catalogue", s == 200 and 'name="id3" value="rib-breathing"' in t3, (s, t3[:300]))
f3 = [(k, ("0" if k == "reps1" else v)) for k, v in fields_of(t3)]
s, h, d = ana.form(PAGE, f3 + [("op", "save")], PAGE)
t4 = d.decode()
check("page: a refused save is 422 with the message", s == 422 and "Not saved" in t4 and "from 1 to 30" in t4, (s, t4[:500]))
check("page: ... what was typed is kept", 'name="id3" value="rib-breathing"' in t4 and 'aria-invalid="true"' in t4, (t4.count("aria-invalid"), re.findall(r"name=.id\d. value=.[a-z-]*", t4), t4[t4.find("Not saved"):][:300]))
check("page: ... and nothing saved", [e["id"] for e in (jbody(ana.req("GET", API)[2]) or {}).get("exercises", [])] ==
      [e["id"] for e in edit["exercises"]], "")
f4 = [(k, ("12" if k == "reps1" else v)) for k, v in fields_of(t4)]
s, h, d = ana.form(PAGE, f4 + [("op", "save")], PAGE)
check("page: save redirects", s == 303 and h.get("location", "").startswith(PAGE), (s, h.get("location")))
j = jbody(ana.req("GET", API)[2]) or {}
check("page: saved in the new order with the new exercise",
      [e["id"] for e in j.get("exercises", [])] == [edit["exercises"][1]["id"], "shoulder-blade-squeezes",
                                                     "gentle-spinal-twist", "rib-breathing"],
      [e["id"] for e in j.get("exercises", [])])
check("page: the reason kept its first who and when",
      {e["id"]: e for e in j["exercises"]}["gentle-spinal-twist"].get("reason_at") == tw.get("reason_at"), "")
s, h, d = ben.req("GET", PAGE)
check("page: another clinician 404", s == 404, s)

# Red flags win: an emergency answer, and nothing is shown or can be assigned.
yes = dict(no)
yes["chest-pain"] = True
s, h, d = pat.req("POST", "/api/v1/screen?stage=pregnancy", yes)
s, h, d = ana.req("GET", API)
j = jbody(d) or {}
check("referral: GET says so, with no exercises", j.get("status") == "referral" and j.get("exercises") == [], d[:300])
s, h, d = ana.req("PUT", API, edit)
check("referral: PUT refused naming screening", s == 422 and (jbody(d) or {}).get("error", {}).get("field") == "screening", (s, d[:300]))
s, h, d = ana.req("GET", PAGE)
check("referral: the page shows no form", s == 200 and "<form method=\"post\" action=\"%s\"" % PAGE not in d.decode() and
      "No programme can be assigned" in d.decode(), s)
s, h, d = pat.req("GET", "/today")
check("referral: the patient's Today goes to the referral", s == 303 and h.get("location") == "/referral", (s, h.get("location")))
s, h, d = pat.req("GET", "/api/v1/plan")
check("referral: no programme in the plan JSON", "Little and often" not in d.decode(), d[:200])

stop_all()
finish()
