#!/usr/bin/env python3
"""HTTP tests of the exercise library and its pictures (issues 10 and 11): the search
(a GET form, filtered on the server, in plain words), a thumbnail for every exercise, the
rule's reason on the page of an exercise left out for the person's stage, captions in
plain words under the pictures and in their alt text and SVG titles, and the bump drawn
only for a pregnant person.

usage: library_test.py POSTURA SOURCE_DIR
Prints one line per check and 'N passed, N failed'; exits 1 on any failure.
"""
import html
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
from checks import check, finish

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-library-")
db = os.path.join(tmp, "me.db")
env = dict(os.environ, POSTURA_NOW="2026-11-18T09:00:00+00:00")
proc = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
m = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
if not m:
    print("FAIL the server did not start:", proc.stderr.read())
    sys.exit(1)
port = int(m.group(1))


def req(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    h = {}
    if body is not None:
        body = json.dumps(body) if not isinstance(body, str) else body
        h["Content-Type"] = "application/json"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def page(path):
    st, h, data = req("GET", path)
    return st, data.decode()


def names_listed(text):
    """The exercise ids the library lists, in order."""
    return re.findall(r'<li class="has-thumb">.*?<h2><a href="/exercises/([a-z0-9-]+)">', text, re.S)


def search(q, extra=""):
    return page("/exercises?q=" + urllib.parse.quote_plus(q) + extra)


try:
    catalog = json.loads(req("GET", "/api/v1/catalog")[2])
    full = {e["id"]: json.loads(req("GET", "/api/v1/catalog/" + e["id"])[2]) for e in catalog}
    ids = sorted(full)

    # --- thumbnails: a small still of every exercise, beside its name ----------------------
    st, text = page("/exercises")
    listed = names_listed(text)
    check("the library lists every exercise", st == 200 and sorted(listed) == ids, (st, listed))
    thumbs = re.findall(r'<li class="has-thumb"><img class="thumb" src="(/img/[a-z0-9-]+\.svg)" '
                        r'width="96" height="72" alt="" loading="lazy">', text)
    check("every exercise in the list has a thumbnail", len(thumbs) == len(ids), len(thumbs))
    bad = []
    for t in thumbs:
        st, h, data = req("GET", t)
        if st != 200 or h.get("content-type") != "image/svg+xml" or b"<svg" not in data[:400]:
            bad.append((t, st))
    check("every thumbnail is a picture the server draws", not bad, bad[:3])

    # --- search: a GET form that works without JavaScript, filtered on the server ----------
    check("the search is a GET form with a labelled search box",
          re.search(r'<form method="get" action="/exercises"[^>]*role="search"', text)
          and re.search(r'<label for="q">[^<]+</label><input type="search" id="q" name="q"', text), "")
    seated = sorted(i for i in ids if full[i]["position"] == "seated")
    st, text = search("sitting")
    check("'sitting' finds every exercise done sitting", st == 200 and set(seated) <= set(names_listed(text)),
          (seated, names_listed(text)))
    check("the search box keeps what was asked", 'value="sitting"' in text)
    quad = sorted(i for i in ids if full[i]["position"] == "quadruped")
    st, text = search("on hands and knees")
    found = names_listed(text)
    check("'on hands and knees' finds the all-fours exercises, and not the standing ones",
          set(quad) <= set(found) and not any(full[i]["position"] == "standing" for i in found), found)
    st, text = search("upper back")
    found = names_listed(text)
    check("'upper back' (a body region in plain words) finds exercises for it",
          found and all("upper-back" in full[i]["regions"] or "upper back" in
                        (full[i]["summary"] + " ".join(full[i]["muscles"])).lower() for i in found), found)
    muscle = full["wall-angels"]["muscles"][0]
    st, text = search(muscle.upper())
    check("a muscle's name finds its exercises, whatever the case", "wall-angels" in names_listed(text),
          (muscle, names_listed(text)))
    st, text = search("foam roller")
    check("'foam roller' finds what needs one", names_listed(text) and all(
        "foam-roller" in full[i]["equipment"] for i in names_listed(text)), names_listed(text))
    st, text = search("Wall angels")
    check("a name finds its exercise", "wall-angels" in names_listed(text))
    st, text = search("stretches for my chest")
    found = names_listed(text)
    check("a sentence in plain words works: small words and plurals aside",
          "doorway-chest-opener" in found and "chin-nod" not in found, found)
    st, text = search("zebra")
    check("no match says so and suggests words", st == 200 and not names_listed(text)
          and "No exercise matches" in text and "0 of %d" % len(ids) in text, text[-600:])
    st, text = search("chest", "&position=standing")
    found = names_listed(text)
    check("the search and the filters together", found and all(full[i]["position"] == "standing" for i in found),
          found)
    st, text = search("<script>alert(1)</script>")
    check("the search is escaped on the page", st == 200 and "<script>alert" not in text
          and "&lt;script&gt;" in text)
    st, text = page("/exercises?q=" + "a" * 81)
    check("a search over 80 characters: 422", st == 422, st)
    st, text = search("   ")
    check("a blank search lists everything", sorted(names_listed(text)) == ids)

    # --- captions in plain words under the pictures, in alt text and SVG titles -----------
    st, text = page("/exercises/gentle-spinal-twist")
    caps = [p["caption"] for p in full["gentle-spinal-twist"]["pictures"]["poses"]]
    shown = re.findall(r"<figcaption>([^<]*)</figcaption>", text)
    check("the library's captions are the poses' words", [html.unescape(s) for s in shown] == caps, shown)
    check("no pose code under a picture", "knees-right" not in " ".join(shown) and
          "Knees to the right" in [html.unescape(s) for s in shown], shown)
    alts = re.findall(r'<img class="still"[^>]* alt="([^"]*)"', text)
    check("each picture's alt text is the exercise and the caption",
          [html.unescape(a) for a in alts] == ["%s: %s" % (full["gentle-spinal-twist"]["name"], c) for c in caps],
          alts)
    bad = []
    for e in ids:
        for p in full[e]["pictures"]["poses"]:
            if not p["caption"] or re.fullmatch(r"[a-z0-9-]+", p["caption"]):
                bad.append((e, p["caption"]))
    check("every pose has words, not a code", not bad, bad[:5])
    st, h, data = req("GET", "/img/rib-breathing-breathe-in.svg")
    title = ET.fromstring(data).find("{http://www.w3.org/2000/svg}title")
    check("a picture's SVG title says what it shows", title is not None
          and title.text == "%s: %s" % (full["rib-breathing"]["name"],
                                         full["rib-breathing"]["pictures"]["poses"][0]["caption"]),
          data[:300])
    st, h, data = req("GET", "/img/rib-breathing.anim.svg")
    title = ET.fromstring(data).find("{http://www.w3.org/2000/svg}title")
    check("the movement's SVG title names its first and last poses in words",
          title is not None and "Breathe in" in title.text and "breathe-in" not in title.text, data[:300])

    out = subprocess.run([postura, "illustrate", "gentle-spinal-twist"], capture_output=True, text=True).stdout
    title = ET.fromstring(out).find("{http://www.w3.org/2000/svg}title")
    want = "%s: %s" % (full["gentle-spinal-twist"]["name"], ", ".join(
        "%d %s" % (k + 1, p["caption"]) for k, p in enumerate(full["gentle-spinal-twist"]["pictures"]["poses"])))
    check("postura illustrate: the SVG's title names every pose in words", title is not None and title.text == want,
          (title.text if title is not None else out[:300], want))
    out = subprocess.run([postura, "illustrate", "rib-breathing", "--pose", "end"], capture_output=True,
                         text=True).stdout
    check("postura illustrate --pose: the title is the exercise and that pose's caption",
          "<title>%s: %s</title>" % (html.escape(full["rib-breathing"]["name"], quote=False),
                                     full["rib-breathing"]["pictures"]["poses"][-1]["caption"]) in out)
    plain = subprocess.run([postura, "illustrate", "wall-angels", "--pose", "end", "--format", "png"],
                           capture_output=True).stdout
    bump = subprocess.run([postura, "illustrate", "wall-angels", "--pose", "end", "--format", "png",
                           "--pregnant"], capture_output=True).stdout
    check("postura illustrate --pregnant draws another figure", plain[:4] == b"\x89PNG" and bump[:4] == b"\x89PNG"
          and plain != bump)

    # --- the bump: only for a pregnant person ----------------------------------------------
    neutral = req("GET", "/img/wall-angels-y.svg")[2]
    pregnant = req("GET", "/img/pregnant/wall-angels-y.svg")
    check("the figure with the bump is its own picture", pregnant[0] == 200 and pregnant[2] != neutral
          and pregnant[1].get("content-type") == "image/svg+xml", pregnant[0])
    check("an unknown pregnant picture: 404", req("GET", "/img/pregnant/wall-angels-nope.svg")[0] == 404)
    check("the pregnant movement", req("GET", "/img/pregnant/wall-angels.anim.svg")[0] == 200)
    check("the library draws the neutral figure", "/img/pregnant/" not in page("/exercises/wall-angels")[1])

    # --- no profile: nothing is ruled out ---------------------------------------------------
    st, text = page("/exercises/couch-stretch")
    check("without a profile, no exercise says it is ruled out", st == 200 and 'ruled-out"' not in text)

    # --- a profile 3 weeks after a caesarean: the rules' reasons on the pages --------------
    answers = open(os.path.join(src, "tests/fixtures/answers-clear.json")).read()
    prof = {"postpartum_weeks": 3, "birth": "caesarean", "feeding": "breast", "pain": 4,
            "areas": ["upper"], "minutes": 10}
    st, h, data = req("PUT", "/api/v1/profile", prof)
    check("profile saved", st == 200, (st, data[:200]))
    req("POST", "/api/v1/screen", answers)
    plan = json.loads(req("GET", "/api/v1/plan")[2])
    # the safety rules' exclusions (with sources), not those for time or variety
    ruled = [x for x in plan.get("excluded", []) if x.get("rule") and x.get("sources")]
    check("some exercises are ruled out 3 weeks after a caesarean", len(ruled) >= 2, plan.get("excluded"))
    for x in ruled:
        st, text = page("/exercises/" + x["id"])
        box = re.search(r'<section class="notice warn ruled-out"[^>]*><h2[^>]*>([^<]+)</h2><p>([^<]*)</p>', text)
        ok = st == 200 and box and html.unescape(box.group(2)) == x["reason"]
        ok = ok and text.index('ruled-out"') < text.index("How to do it")
        ok = ok and text.index('ruled-out"') < text.index('class="poses"')
        check("%s: the rule's reason, above the instructions" % x["id"], ok,
              (box.groups() if box else text[:300], x["reason"]))
    st, text = page("/exercises")
    marked = re.findall(r'<a href="/exercises/([a-z0-9-]+)">(?:(?!</li>).)*class="ruled-out"', text, re.S)
    check("the list marks the exercises left out for the stage", set(x["id"] for x in ruled) <= set(marked),
          (marked, [x["id"] for x in ruled]))
    for e in plan.get("exercises", [])[:3]:
        st, text = page("/exercises/" + e["id"])
        check("%s (in the plan): not marked as ruled out" % e["id"], 'ruled-out"' not in text)
    st, text = page("/session")
    check("the player shows the neutral figure after the birth", "/img/pregnant/" not in text
          and 'class="still" src="/img/' in text)

    # --- pregnant: the player draws the bump ------------------------------------------------
    st, h, data = req("PUT", "/api/v1/profile", {"pregnant_weeks": 24, "pain": 4, "areas": ["upper"],
                                                 "minutes": 10})
    req("POST", "/api/v1/screen", answers)
    st, text = page("/session")
    stills = re.findall(r'<img class="(?:still|moving)" src="([^"]+)"', text)
    check("the player draws the bump in pregnancy", stills and all(s.startswith("/img/pregnant/") for s in stills),
          stills[:4])
    check("the player's pictures say what they show in words",
          all(not re.search(r'alt="[^"]*: [a-z0-9]+-[a-z0-9-]+"', a) for a in re.findall(r"<img[^>]*>", text)))
    st, text = page("/exercises/wall-angels")
    check("the library stays neutral in pregnancy", "/img/pregnant/" not in text)
finally:
    proc.terminate()
    proc.wait(timeout=10)

finish()
