#!/usr/bin/env python3
"""No internal code reaches a person: walks every page of the web app (every link from the
start pages, every library filter), the handout and report PDFs (pdftotext) from the web
and the command line, and the command line's text (profile, plan, history, tips), and
fails if any code appears in what a person reads: a vocabulary word with a hyphen
("foam-roller", "wrist-load", "upper-back"), the positions' jargon ("quadruped",
"supine", "prone"), an exercise id ("seated-cat-cow") or a rule id. What a person reads
on a page is its text and its alt, title, aria-label and placeholder attributes (not the
values a form sends, which stay codes).

usage: words_test.py POSTURA SOURCE_DIR
"""
import html.parser
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import urljoin, urlparse, urlencode
from checks import check, finish

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-words-")
db = os.path.join(tmp, "me.db")
NOW = "2026-11-18T09:00:00+00:00"
env = dict(os.environ, POSTURA_NOW=NOW)


# --- the codes --------------------------------------------------------------------------
def read(path):
    with open(os.path.join(src, path)) as f:
        return f.read()


codes = set()
for m in re.finditer(r"VOCAB\(\w+,\s*\"\w+\",((?:\s*\"[^\"]*\",?)+)\)", read("src/core/vocab.c")):
    codes |= {w for w in re.findall(r"\"([^\"]*)\"", m.group(1)) if "-" in w}
for m in re.finditer(r"\{\s*\"([a-z0-9]+(?:-[a-z0-9]+)+)\",\s*PST_RULE_", read("src/core/rules.c")):
    codes.add(m.group(1))
codes |= {"quadruped", "supine", "prone"}
check("the codes to look for were read (vocabularies, rules)",
      {"foam-roller", "wrist-load", "upper-back", "half-kneeling", "see-provider"} <= codes, sorted(codes))

catalog = json.loads(subprocess.run([postura, "catalog", "list", "--json"], capture_output=True, text=True,
                                    env=env, check=True).stdout)
names = " ".join(e["name"].lower() for e in catalog)
# an id that is also part of a name ("cat-cow" in "Seated cat-cow") is a word, not a code
ids = {e["id"] for e in catalog if "-" in e["id"] and e["id"] not in names}
check("the exercise ids were read", "seated-cat-cow" in ids and "wall-angels" in ids, sorted(ids)[:5])
codes |= ids
pattern = re.compile(r"(?<![A-Za-z0-9_./-])(" + "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
                     + r")(?![A-Za-z0-9_-])")


def codes_in(text):
    return sorted({m.group(1) for m in pattern.finditer(text)})


class Visible(html.parser.HTMLParser):
    """The text a person sees or hears, and the page's links and filters."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self.selects, self.skip = [], [], {}, 0
        self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        for k in ("alt", "title", "aria-label", "placeholder"):
            if a.get(k):
                self.text.append(a[k])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "select":
            self.select = a.get("name")
        if tag == "option" and self.select and a.get("value"):
            self.selects.setdefault(self.select, []).append(a["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "select":
            self.select = None

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


# --- records that use every kind of word ----------------------------------------------------
proc = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, env=env, text=True)
m = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
if not m:
    print("FAIL the server did not start:", proc.stderr.read())
    sys.exit(1)
port = int(m.group(1))


def req(method, path, body=None, ctype="application/json"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {}
    if body is not None:
        h["Content-Type"] = ctype
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, r.getheader("content-type", ""), r.getheader("location"), data


profile = {"postpartum_weeks": 8, "birth": "caesarean", "feeding": "mixed", "pain": 4,
           "areas": ["upper", "mid", "neck"], "triggers": ["feeding", "holding", "screen", "desk"],
           "equipment": ["band", "foam-roller", "wall", "chair", "couch", "doorway", "mat"],
           "avoid": ["kneeling", "wrist-load"], "minutes": 15}
st = req("PUT", "/api/v1/profile", profile)[0]
check("PUT /api/v1/profile", st in (200, 201), st)
answers = json.loads(read("tests/fixtures/answers-clear.json"))
st, _, _, data = req("POST", "/api/v1/screen", answers)
check("POST /api/v1/screen: the answers are saved", st == 200, (st, data[:300]))
st, _, _, data = req("GET", "/api/v1/plan")
plan = json.loads(data) if st == 200 else {}
items = [it["id"] for it in plan.get("items", plan.get("routine", []))] or ["seated-cat-cow", "wall-angels"]
feedback = ["easy", "right", "hard", "hurt"]
for day in range(10, 18):
    at = "2026-11-%02dT18:00:00+00:00" % day
    body = {"pain_before": 5, "pain_after": 3, "at": at,
            "exercises": [{"id": x, "feedback": feedback[(i + day) % 4], "pain": 4} for i, x in enumerate(items)]
            + [{"id": "seated-cat-cow", "feedback": "right"}, {"id": "wall-angels", "feedback": "hard", "pain": 4}]}
    r = subprocess.run([postura, "--db", db, "session", "log", "-"], input=json.dumps(body), capture_output=True,
                       text=True, env=dict(os.environ, POSTURA_NOW=at))
    r = subprocess.run([postura, "--db", db, "checkin", "--pain", str(6 - day % 3), "--area", "upper,mid"],
                       capture_output=True, text=True, env=dict(os.environ, POSTURA_NOW=at.replace("T18", "T08")))
subprocess.run([postura, "--db", db, "psfs", "add", "carry the car seat"], capture_output=True, env=env)
subprocess.run([postura, "--db", db, "psfs", "rate", "1", "4"], capture_output=True, env=env)

# --- every page -------------------------------------------------------------------------------
start = ["/", "/today", "/session", "/history", "/exercises", "/profile", "/screening",
         "/screening?stage=postpartum", "/screening?stage=pregnancy", "/tips", "/about", "/disclaimer",
         "/stop", "/referral", "/checkin"]
seen, queue, pages, bad = set(), list(start), 0, {}
while queue and pages < 400:
    path = queue.pop(0)
    if path in seen:
        continue
    seen.add(path)
    st, ctype, loc, data = req("GET", path)
    if st in (301, 302, 303) and loc:
        queue.append(urljoin(path, loc))
        continue
    if not ctype.startswith("text/html"):
        continue
    pages += 1
    v = Visible()
    v.feed(data.decode("utf-8", "replace"))
    found = codes_in(" ".join(v.text))
    if found:
        bad[path] = found
    for href in v.links:
        u = urlparse(urljoin(path, href))
        if u.netloc or u.scheme not in ("", "http") or u.path.startswith(("/static", "/api", "/img", "/chart")):
            continue
        if u.path.endswith((".pdf", ".svg", ".png", ".csv", ".json")) or "export" in u.path:
            continue
        queue.append(u.path + ("?" + u.query if u.query else ""))
    if path.startswith("/exercises") and "?" not in path:
        for name, values in v.selects.items():
            queue.extend("/exercises?" + urlencode({name: val}) for val in values)
check("walked the web app (%d pages)" % pages, pages >= 40, sorted(seen)[:20])
check("the library's filters were walked", any(p.startswith("/exercises?position=") for p in seen))
for path, found in sorted(bad.items()):
    check("no code on " + path, False, found)
check("no code on any page", not bad, len(bad))

# --- the PDFs ------------------------------------------------------------------------------------
have_pdftotext = shutil.which("pdftotext") is not None


def pdf_text(data):
    p = os.path.join(tmp, "x.pdf")
    with open(p, "wb") as f:
        f.write(data)
    return subprocess.run(["pdftotext", "-layout", p, "-"], capture_output=True, text=True).stdout


if have_pdftotext:
    for path in ("/handout.pdf", "/report.pdf"):
        st, ctype, _, data = req("GET", path)
        text = pdf_text(data) if st == 200 else ""
        check("GET %s: a PDF with text" % path, st == 200 and len(text) > 500, st)
        # pdftotext joins a word broken at a line end with its hyphen: look at words whole
        check("no code in %s" % path, not codes_in(text), codes_in(text))
    for cmd, out in ((["handout", "--out"], "h.pdf"), (["report", "--format", "pdf", "--out"], "r.pdf")):
        p = os.path.join(tmp, out)
        r = subprocess.run([postura, "--db", db] + cmd + [p] + (["--answers", os.path.join(src, "tests/fixtures/answers-clear.json")] if cmd[0] == "handout" else []),
                           capture_output=True, text=True, env=env)
        text = subprocess.run(["pdftotext", "-layout", p, "-"], capture_output=True, text=True).stdout if r.returncode == 0 else ""
        check("postura %s: a PDF" % cmd[0], r.returncode == 0 and len(text) > 500, r.stderr)
        check("no code in postura %s's PDF" % cmd[0], not codes_in(text), codes_in(text))
    st, _, _, data = req("GET", "/report.pdf")
    text = re.sub(r"\s+", " ", pdf_text(data))
    check("the report's session table names exercises and feedback in words",
          "Seated cat-cow: felt right" in text and "Wall angels: hard (pain 4)" in text, text[-1500:])
else:
    print("skip the PDFs: no pdftotext")

# --- the command line's text ---------------------------------------------------------------------
for args in (["profile", "show"], ["plan", "--answers", os.path.join(src, "tests/fixtures/answers-clear.json")],
             ["history"]):
    r = subprocess.run([postura, "--db", db] + args, capture_output=True, text=True, env=env)
    check("postura %s runs" % args[0], r.returncode == 0, r.stderr)
    check("no code in postura %s" % " ".join(args[:2]), not codes_in(r.stdout), codes_in(r.stdout))

proc.terminate()
proc.wait(timeout=20)
finish()
