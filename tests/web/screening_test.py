#!/usr/bin/env python3
"""HTTP tests of the web's safety questions in short steps (issue 11): the stage first
when no profile says it, one outcome group a step, the most urgent first, "Step k of n",
the answers carried in the form (no JavaScript), a warning sign ending the steps at once,
"no warning signs" confirmed before the profile (which starts from the chosen stage), the
missing answers marked with real markup (not escaped text), the saved answers used, and
answers asked again, saying why, once they are too old or the stage has moved on.

usage: screening_test.py POSTURA SOURCE_DIR
"""
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import checks
from checks import check, finish

checks.detail_max = 400

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-screening-")


class Server:
    def __init__(self, db, now):
        env = dict(os.environ, POSTURA_NOW=now)
        self.proc = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                     text=True)
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", self.proc.stdout.readline())
        if not m:
            print("FAIL the server did not start:", self.proc.stderr.read())
            sys.exit(1)
        self.port = int(m.group(1))
        self.cookie = ""
        self.token = ""

    def req(self, method, path, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = {}
        if self.cookie:
            h["Cookie"] = self.cookie
        if body is not None:
            h["Content-Type"] = "application/x-www-form-urlencoded"
            body = body.encode()
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        hd = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        if "set-cookie" in hd:
            self.cookie = hd["set-cookie"].split(";")[0]
        m = re.search(r'name="csrf" value="([^"]+)"', data)
        if m:
            self.token = m.group(1)
        return r.status, hd, data

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def form_of(html):
    """The hidden fields of the page's screening form, and the question ids it asks."""
    form = re.search(r'<form method="post" action="/screening".*?</form>', html, re.S)
    if not form:
        return [], []
    f = form.group(0)
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', f)
    asked = re.findall(r'<input type="radio" name="q\.([a-z0-9-]+)" value="no"', f)
    return [(k, v) for k, v in hidden if k != "csrf"], asked


def post(srv, fields):
    return srv.req("POST", "/screening", urllib.parse.urlencode(fields + [("csrf", srv.token)]))


def questions(stage):
    out = subprocess.run([postura, "screen", "--list", "--json", "--stage", stage],
                         capture_output=True, text=True).stdout
    return json.loads(out)


# --- a first visit, pregnant: the stage, then the groups -----------------------------
srv = Server(os.path.join(tmp, "a.db"), "2026-11-18T09:00:00+00:00")
st, h, html = srv.req("GET", "/screening")
check("the first step asks the stage, step 1 of 6", st == 200 and 'name="stage" value="pregnancy"' in html
      and "Step 1 of 6" in html and "<progress" in html, html[:300])
st, h, html = srv.req("GET", "/screening?stage=pregnancy")
hidden, asked = form_of(html)
qs = questions("pregnancy")
emergency = [q["id"] for q in qs if q["outcome"] == "emergency"]
check("step 2 of 6 asks the emergency signs, and only those", "Step 2 of 6" in html and asked == emergency,
      (asked, emergency))
check("a step is short: under a third of the questions", 0 < len(asked) * 3 < len(qs), len(asked))

# The first step sent with one answer missing: marked, with real markup.
fields = hidden + [("q." + i, "no") for i in asked[1:]]
st, h, html = post(srv, fields)
check("a step with an answer missing comes back (422), that question marked",
      st == 422 and 'class="question missing" id="%s"' % asked[0] in html, st)
check("the missing note is markup, not escaped text",
      '<p class="missing-note">Please answer this one.</p>' in html and "&lt;p class=" not in html
      and "missing-note&quot;" not in html, re.findall(r".{40}missing-note.{60}", html)[:2])
check("answers already given stay checked", 'name="q.%s" value="no" required checked' % asked[1] in html)

# Every step answered no, in turn.
seen = []
fields = hidden + [("q." + i, "no") for i in asked]
steps = 0
while True:
    st, h, html = post(srv, fields)
    steps += 1
    m = re.search(r"Step (\d+) of (\d+)", html)
    if m:
        seen.append(int(m.group(1)))
    hidden, asked = form_of(html)
    if not asked or steps > 8:
        break
    fields = hidden + [("q." + i, "no") for i in asked]
check("the steps go on in order, one group each (3, 4, 5), then the check", seen[:3] == [3, 4, 5], seen)
groups = [q["outcome"] for q in qs]
check("every pregnancy question is carried to the last form",
      sorted(k[2:] for k, v in hidden if k.startswith("q.")) == sorted(q["id"] for q in qs),
      len(hidden))
check("the last step asks to confirm 'no warning signs' (step 6 of 6)",
      st == 200 and "No warning signs" in html and "Step 6 of 6" in html
      and ("confirm", "1") in hidden, html[:300])
st, h, _ = srv.req("GET", "/today")
check("nothing is saved before the confirmation", st == 303 and h.get("location") == "/screening", (st, h))
st, h, html = post(srv, hidden)
check("confirmed: saved, and on to the profile", st == 303 and h.get("location") == "/", (st, h))
st, h, html = srv.req("GET", "/profile")
check("the profile starts from the stage chosen for the questions",
      st == 200 and 'name="stage" value="pregnancy" required checked' in html, st)
srv.stop()

# --- a warning sign in the first step ends the steps at once --------------------------
srv = Server(os.path.join(tmp, "b.db"), "2026-11-18T09:00:00+00:00")
srv.req("GET", "/screening")
st, h, html = srv.req("GET", "/screening?stage=postpartum")
hidden, asked = form_of(html)
fields = hidden + [("q." + i, "yes" if i == "sudden-severe-back-pain" else "no") for i in asked]
st, h, html = post(srv, fields)
check("tearing pain between the shoulder blades: straight to the referral",
      st == 303 and h.get("location") == "/referral", (st, h))
st, h, html = srv.req("GET", "/referral")
check("the referral says: call emergency services", st == 200 and "emergency services" in html
      and "aortic dissection" in html, st)
srv.stop()

# --- a note: the plan is given, the advice beside it ----------------------------------
db = os.path.join(tmp, "c.db")
prof = subprocess.run([postura, "--db", db, "profile", "set", "--pregnant-weeks", "24",
                       "--minutes", "20"], capture_output=True, text=True,
                      env=dict(os.environ, POSTURA_NOW="2026-11-18T09:00:00+00:00"))
check("profile set", prof.returncode == 0, prof.stderr)
srv = Server(db, "2026-11-18T09:00:00+00:00")
st, h, html = srv.req("GET", "/screening?stage=pregnancy")
check("with a profile, no stage step: step 1 of 5", "Step 1 of 5" in html, re.findall(r"Step \d+ of \d+", html))
hidden, asked = form_of(html)
fields = hidden + [("q." + i, "no") for i in asked]
for _ in range(6):
    st, h, html = post(srv, fields)
    hidden, asked = form_of(html)
    if not asked:
        break
    fields = hidden + [("q." + i, "yes" if i == "hand-tingling-night" else "no") for i in asked]
check("the check page names the note and its advice", "next appointment" in html
      and "tingling" in html, html[:200])
st, h, html = post(srv, hidden)
check("a note is saved like clear answers", st == 303 and h.get("location") == "/", (st, h))
st, h, html = srv.req("GET", "/today")
check("today shows the plan with the note's advice and when the answers were given",
      st == 200 and "carpal tunnel" in html and "Safety questions answered on 2026-11-18" in html, st)
st, h, body = srv.req("GET", "/api/v1/plan")
plan = json.loads(body)
check("GET /api/v1/plan: outcome note, wrist-load exercises left out with the reason",
      plan.get("outcome") == "note" and plan.get("screened_at", "").startswith("2026-11-18")
      and any(x["rule"] == "hand-tingling-night" for x in plan["excluded"]), body[:300])
srv.stop()

# --- 29 days later the answers are asked again, saying why ----------------------------
srv = Server(db, "2026-12-17T09:00:00+00:00")
st, h, _ = srv.req("GET", "/today")
check("answers more than 4 weeks old in pregnancy: to the questions again",
      st == 303 and h.get("location", "").startswith("/screening"), (st, h))
st, h, html = srv.req("GET", h.get("location", "/screening"))
check("the questions say when they were answered and why they are asked again",
      "You answered these on 2026-11-18" in html and "4 weeks" in html, html[:600])
st, h, body = srv.req("GET", "/api/v1/plan")
plan = json.loads(body)
check("GET /api/v1/plan with stale answers: no plan, incomplete",
      plan.get("outcome") == "incomplete" and "exercises" not in plan, body[:200])
srv.stop()

# --- the baby is born: the new stage's questions are asked, saying why -------------------
now = "2026-12-01T09:00:00+00:00"
prof = subprocess.run([postura, "--db", db, "profile", "set", "--postpartum-weeks", "1",
                       "--birth", "vaginal"], capture_output=True, text=True,
                      env=dict(os.environ, POSTURA_NOW=now))
check("profile set to one week after birth", prof.returncode == 0, prof.stderr)
srv = Server(db, now)
st, h, _ = srv.req("GET", "/today")
check("after the birth, answers from pregnancy: to the questions after birth",
      st == 303 and h.get("location") == "/screening?stage=postpartum", (st, h))
st, h, html = srv.req("GET", "/screening?stage=postpartum")
hidden, asked = form_of(html)
check("the questions say why they are asked again: the baby is born, and which are new",
      "your baby has been born since" in html and "After birth some questions apply" in html,
      html[:800])
check("with a profile there is no stage step: step 1 of 5", "Step 1 of 5" in html)
srv.stop()

finish()
