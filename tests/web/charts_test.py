#!/usr/bin/env python3
"""Every chart the history page shows draws at every size the page asks for, from zero
records up: for 0, 1, 2 and many records (check-ins, sessions, PSFS activities each rated
once), the history page is fetched, and every chart it links to (narrow and wide, all
time and the last 4 weeks) must answer 200 with an SVG of the size the page said.

usage: charts_test.py POSTURA SOURCE_DIR
"""
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import html as htmllib
import xml.etree.ElementTree as ET
from checks import check, finish

postura = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="postura-charts-")
NOW = "2026-11-18T09:00:00+00:00"


def cli(db, *args, stdin=None, now=NOW):
    env = dict(os.environ, POSTURA_NOW=now)
    r = subprocess.run([postura, "--db", db] + list(args), input=stdin, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        print("FAIL postura %s: %s" % (" ".join(args), r.stderr))
        sys.exit(1)


ACTIVITIES = ["feed the baby", "carry the car seat", "sleep through", "lift the basket", "sit at the desk"]


def fill(db, n):
    """n check-ins and n sessions on the n days up to today, min(n, 5) activities rated once."""
    for i in range(n):
        day = 18 - (n - 1 - i) % 18
        month = 11 - (n - 1 - i) // 18
        at = "2026-%02d-%02dT08:00:00+00:00" % (month, day)
        cli(db, "checkin", "--pain", str(2 + i % 6), "--area", "upper", now=at)
        body = {"pain_before": 5, "pain_after": 3, "exercises": [{"id": "chin-nod", "feedback": "right"}]}
        cli(db, "session", "log", "-", stdin=json.dumps(body), now=at.replace("T08", "T18"))
    for i in range(min(n, 5)):
        cli(db, "psfs", "add", ACTIVITIES[i])
        cli(db, "psfs", "rate", str(i + 1), str(3 + i))


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request("GET", path)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, r.getheader("content-type", ""), data


for n in (0, 1, 2, 40):
    db = os.path.join(tmp, "n%d.db" % n)
    fill(db, n)
    proc = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(os.environ, POSTURA_NOW=NOW), text=True)
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
    if not m:
        print("FAIL the server did not start:", proc.stderr.read())
        sys.exit(1)
    port = int(m.group(1))
    seen = set()
    st, _, body = get(port, "/history")
    ranges = [htmllib.unescape(u) for u in re.findall(r'<a href="(/history[^"]*)"', body.decode())]
    check("%d records: the history offers its ranges" % n, len(ranges) >= 3, ranges)
    for page in ranges:
        st, _, body = get(port, page)
        check("%d records: GET %s answers 200" % (n, page), st == 200, st)
        text = body.decode()
        # each <source srcset=... width= height=> and <img src=... width= height=>
        for m2 in re.finditer(r'<(?:source[^>]*srcset|img[^>]*src)="(/chart/[^"]+)" width="(\d+)" height="(\d+)"', text):
            url, w, h = htmllib.unescape(m2.group(1)), int(m2.group(2)), int(m2.group(3))
            seen.add(url.split("?")[0])
            st, ctype, data = get(port, url)
            ok = st == 200 and ctype.startswith("image/svg+xml")
            if ok:
                root = ET.fromstring(data)
                ok = root.get("width") == "%dpx" % w and root.get("height") == "%dpx" % h
            check("%d records: %s answers an SVG %dx%d as the page says" % (n, url, w, h), ok,
                  (st, data[:200]))
    # the charts are there whether or not there is anything to draw (PSFS: once an activity is named)
    want = {"/chart/pain.svg", "/chart/sessions.svg"} | ({"/chart/psfs.svg"} if n else set())
    check("%d records: the page shows the charts %s" % (n, sorted(want)), want <= seen, sorted(seen))
    for kind in ("pain", "sessions", "psfs"):
        for size in ("narrow", "wide"):
            st, _, data = get(port, "/chart/%s.svg?size=%s" % (kind, size))
            check("%d records: /chart/%s.svg?size=%s draws" % (n, kind, size), st == 200, (st, data[-200:]))
    proc.terminate()
    proc.wait(timeout=20)

finish()
