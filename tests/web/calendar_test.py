#!/usr/bin/env python3
"""The calendar over HTTP: GET /calendar.ics read by a real parser (python3-icalendar);
the profile's reminder fields in the JSON API and the form (errors naming the field,
nothing saved); the subscription address /calendar/TOKEN.ics made, renewed and revoked
from the profile page (POST with CSRF): the old address then answers 404, the new one
works, and it opens nothing but that calendar; the QR code drawn by postura decodes
(zbarimg) to the webcal:// address; a change of the plan's minutes shows in the next
fetch with the same UIDs; a --host name a phone would use passes the Host check and is
the name in the address.

usage: calendar_test.py POSTURA SOURCE_DIR
"""
import http.client
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
import html as htmllib
from checks import check, finish

try:
    import icalendar
except ImportError:
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import icalendar
    except ImportError:
        print("SKIP: python3-icalendar is not installed (scripts/debian-packages.txt)")
        sys.exit(77)

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-cal-")
NOW = "2026-11-18T09:00:00+00:00"
db = os.path.join(tmp, "me.db")
env = dict(os.environ, POSTURA_NOW=NOW, TZ="Europe/London")
answers = open(os.path.join(src, "examples", "answers.json")).read()
for args, stdin in ((["profile", "set", "--pregnant-weeks", "24"], None), (["screen", "--answers", "-"], answers)):
    r = subprocess.run([postura, "--db", db] + args, input=stdin, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        print("FAIL postura %s: %s" % (" ".join(args), r.stderr))
        sys.exit(1)

PHONE = "postura-box.local"
proc = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0", "--host", PHONE],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
m = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
if not m:
    print("FAIL the server did not start:", proc.stderr.read())
    sys.exit(1)
port = int(m.group(1))
cookie = None


def req(method, path, body=None, ctype=None, headers=None):
    global cookie
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    h = dict(headers or {})
    if cookie and "Cookie" not in h:
        h["Cookie"] = cookie
    if body is not None:
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        body = body.encode() if isinstance(body, str) else body
        h.setdefault("Content-Type", ctype or "application/json")
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    sc = r.getheader("Set-Cookie")
    if sc and sc.startswith("pst_csrf="):
        cookie = sc.split(";")[0]
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def parse(data):
    try:
        return icalendar.Calendar.from_ical(data)
    except Exception as e:  # noqa: BLE001 - the parser's own complaint is the detail
        return e


def session_event(cal):
    evs = [e for e in cal.walk("VEVENT") if e["RRULE"]["FREQ"] == ["WEEKLY"]] if not isinstance(cal, Exception) else []
    return evs[0] if evs else None


try:
    # --- GET /calendar.ics ---------------------------------------------------------------
    st, h, data = req("GET", "/calendar.ics")
    check("GET /calendar.ics: 200 text/calendar", st == 200 and h.get("content-type", "").startswith("text/calendar"),
          (st, h.get("content-type")))
    check("CRLF line ends, lines of 75 octets at most",
          data.endswith(b"\r\n") and all(len(l) <= 75 for l in data.split(b"\r\n")), data[:100])
    cal = parse(data)
    ev = session_event(cal)
    check("parsed by python3-icalendar, with the session event", ev is not None, cal)
    plan = json.loads(req("GET", "/api/v1/plan")[2])
    if ev is not None:
        check("at 19:30 by default", (ev["DTSTART"].dt.hour, ev["DTSTART"].dt.minute) == (19, 30), ev["DTSTART"].dt)
        check("in the system's time zone by default (TZ)", ev["DTSTART"].params.get("TZID") == "Europe/London",
              ev["DTSTART"].params)
        check("on Mon, Wed, Fri and Sun (10 minutes)", sorted(ev["RRULE"]["BYDAY"]) == ["FR", "MO", "SU", "WE"],
              ev["RRULE"])
        desc = str(ev["DESCRIPTION"])
        check("every exercise of today's plan in the description",
              all(x["name"] in desc for x in plan["exercises"]), desc)
        check("a reminder 10 minutes before", [str(a["TRIGGER"].to_ical(), "ascii") for a in ev.walk("VALARM")] ==
              ["-PT10M"])
        check("the description links to the app by the Host used", "http://127.0.0.1:%d/today" % port in desc, desc)
        uid = str(ev["UID"])

    # --- the profile's fields: API ---------------------------------------------------------
    prof = json.loads(req("GET", "/api/v1/profile")[2])
    check("GET /api/v1/profile: remind_at, timezone, relief_reminder", prof.get("remind_at") == "19:30" and
          prof.get("timezone") == "Europe/London" and prof.get("relief_reminder") is False, prof)
    base = {k: v for k, v in prof.items() if k not in ("stage_words", "updated")}
    for field, value in (("remind_at", "25:00"), ("remind_at", "7pm"), ("remind_at", 1930),
                         ("timezone", "Europe/Lndon"), ("timezone", "../../etc/passwd"), ("timezone", 5),
                         ("relief_reminder", "perhaps")):
        st, h, data = req("PUT", "/api/v1/profile", dict(base, **{field: value}))
        err = (json.loads(data) if data.startswith(b"{") else {}).get("error", {})
        check("PUT %s=%r: 422 naming the field" % (field, value), st == 422 and err.get("field") == field and
              field in err.get("message", ""), (st, data[:200]))
    after = json.loads(req("GET", "/api/v1/profile")[2])
    check("nothing saved by the refused values", after == prof, after)
    st, h, data = req("PUT", "/api/v1/profile", dict(base, remind_at="06:40", timezone="Asia/Kolkata",
                                                     relief_reminder=True))
    check("PUT a reminder at 06:40 in Asia/Kolkata with the relief break", st == 200, data[:200])
    cal = parse(req("GET", "/calendar.ics")[2])
    ev = session_event(cal)
    check("the calendar follows: 06:40 Asia/Kolkata", ev is not None and
          (ev["DTSTART"].dt.hour, ev["DTSTART"].dt.minute) == (6, 40) and
          ev["DTSTART"].params.get("TZID") == "Asia/Kolkata", ev and ev["DTSTART"].to_ical())
    daily = [e for e in cal.walk("VEVENT") if e["RRULE"]["FREQ"] == ["DAILY"]] if not isinstance(cal, Exception) else []
    check("the relief break as a daily event, when asked", len(daily) == 1)

    # --- the profile form ------------------------------------------------------------------
    st, h, data = req("GET", "/profile")
    page = data.decode()
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    check("the form shows the reminder's time, zone and relief choice",
          'name="remind_at"' in page and 'value="06:40"' in page and 'value="Asia/Kolkata"' in page and
          re.search(r'name="relief_reminder" value="yes" checked', page), page[:0])
    form = "stage=pregnancy&weeks=24&minutes=10&csrf=" + token
    for field, value, word in (("remind_at", "31:00", "remind_at"), ("timezone", "Nowhere/Town", "timezone")):
        fields = {"remind_at": "19:30", "timezone": "Europe/London"}
        fields[field] = value
        st, h, data = req("POST", "/profile", form + "".join("&%s=%s" % kv for kv in fields.items()),
                          "application/x-www-form-urlencoded")
        check("the form refuses %s=%s (422, naming it)" % (field, value), st == 422 and word in data.decode(),
              (st, re.findall(r'role="alert">([^<]*)', data.decode())))
    st, h, data = req("POST", "/profile", form + "&remind_at=20%3A15&timezone=Europe%2FParis",
                      "application/x-www-form-urlencoded")
    check("the form saves 20:15 Europe/Paris, no relief break (unticked)", st == 303, st)
    prof = json.loads(req("GET", "/api/v1/profile")[2])
    check("saved from the form", prof["remind_at"] == "20:15" and prof["timezone"] == "Europe/Paris" and
          prof["relief_reminder"] is False, prof)

    # --- the subscription address ------------------------------------------------------------
    page = req("GET", "/profile")[2].decode()
    check("no address before one is made", "/calendar/" not in page.replace('action="/calendar"', ""), page[:0])
    st, h, data = req("POST", "/calendar", "action=renew", "application/x-www-form-urlencoded")
    check("POST /calendar without the CSRF token: refused (403), nothing made", st == 403 and
          "/calendar/" not in req("GET", "/profile")[2].decode().replace('action="/calendar"', ""), st)
    st, h, data = req("POST", "/calendar", "action=renew&csrf=" + token, "application/x-www-form-urlencoded")
    check("POST /calendar action=renew: 303 to the profile", st == 303 and "/profile" in h.get("location", ""),
          (st, h.get("location")))
    page = req("GET", "/profile")[2].decode()
    links = re.findall(r'webcal://127\.0\.0\.1:%d/calendar/([0-9a-f]+)\.ics' % port, page)
    check("the profile shows a webcal:// address with a 160-bit token", links and len(links[0]) == 40, links)
    t1 = links[0] if links else "0" * 40
    check("and the http:// address to paste", "http://127.0.0.1:%d/calendar/%s.ics" % (port, t1) in page)
    check("and says a phone cannot reach 127.0.0.1", "phone cannot reach" in page)
    st, h, data = req("GET", "/calendar/%s.ics" % t1)
    ev = session_event(parse(data))
    check("GET /calendar/TOKEN.ics: 200, the calendar", st == 200 and ev is not None, (st, data[:200]))
    check("the same UID as /calendar.ics", ev is not None and str(ev["UID"]) == uid)

    # The QR code: an inline SVG drawn by postura, decoded back to the address.
    svg = re.search(r'<svg class="qr"[^>]*viewBox="0 0 (\d+) \1"[^>]*>.*?<path fill="#000" d="([^"]+)"/></svg>', page)
    check("the page holds the QR code as inline SVG", svg is not None)
    check("the QR code has an accessible name", svg is not None and 'aria-label="' in svg.group(0))
    zbar = shutil.which("zbarimg")
    if svg and zbar:
        size, scale = int(svg.group(1)), 8
        grid = [[255] * (size * scale) for _ in range(size * scale)]
        for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg.group(2)):
            x, y, w = int(x), int(y), int(w)
            for yy in range(y * scale, (y + 1) * scale):
                for xx in range(x * scale, (x + w) * scale):
                    grid[yy][xx] = 0
        raw = b"".join(b"\x00" + bytes(row) for row in grid)

        def chunk(kind, body):
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size * scale, size * scale, 8, 0, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
        path = os.path.join(tmp, "qr.png")
        open(path, "wb").write(png)
        r = subprocess.run([zbar, "--quiet", "--raw", path], capture_output=True, text=True)
        check("zbarimg decodes the QR code to the webcal:// address",
              r.stdout.strip() == "webcal://127.0.0.1:%d/calendar/%s.ics" % (port, t1), (r.stdout, r.stderr))
    elif svg:
        print("note: zbarimg is missing (zbar-tools): the QR code's structure only")
        check("the QR code has modules", svg.group(2).count("M") > 100)

    # The token opens nothing else.
    for path in ("/calendar/%s" % t1, "/calendar/%s.json" % t1, "/calendar/%s.ics.ics" % t1,
                 "/calendar/%s.ics" % t1.upper(), "/calendar/%s.ics" % t1[:-1], "/calendar/%s0.ics" % t1,
                 "/calendar/%s.ics" % ("0" * 40)):
        st, h, data = req("GET", path)
        check("GET %s: 404, nothing of the calendar" % path.replace(t1, "TOKEN"), st == 404 and b"VEVENT" not in data,
              st)
    for path in ("/profile?token=%s" % t1, "/api/v1/profile?token=" + t1, "/export?format=json&token=" + t1):
        st, h, data = req("GET", path)
        check("the token in another address changes nothing (%s)" % path.split("?")[0],
              t1.encode() not in data or path.startswith("/profile"), st)
    st, h, data = req("POST", "/calendar/%s.ics" % t1, "x", "text/plain")
    check("POST to the calendar's address: not allowed", st in (405, 403, 415), st)
    st, h, data = req("GET", "/calendar/%s.ics" % t1, headers={"Host": "evil.example"})
    check("a foreign Host gets 421, not the calendar", st == 421 and b"VEVENT" not in data, st)
    st, h, data = req("GET", "/calendar/%s.ics" % t1, headers={"Host": "%s:%d" % (PHONE, port)})
    check("the --host name a phone uses gets the calendar", st == 200 and b"VEVENT" in data, st)
    page = req("GET", "/profile", headers={"Host": "%s:%d" % (PHONE, port)})[2].decode()
    check("the profile opened by that name shows the address with it",
          "webcal://%s:%d/calendar/%s.ics" % (PHONE, port, t1) in page and "phone cannot reach" not in page)

    # The plan changes: the next fetch shows it, with the same UIDs.
    st, h, data = req("PUT", "/api/v1/profile", dict(base, minutes=20, remind_at="18:05", timezone="Europe/Paris"))
    check("PUT minutes 20, 18:05", st == 200, data[:200])
    ev = session_event(parse(req("GET", "/calendar/%s.ics" % t1)[2]))
    check("after the change: Mon, Wed, Fri at 18:05", ev is not None and sorted(ev["RRULE"]["BYDAY"]) ==
          ["FR", "MO", "WE"] and (ev["DTSTART"].dt.hour, ev["DTSTART"].dt.minute) == (18, 5),
          ev and (ev["RRULE"], ev["DTSTART"].dt))
    check("after the change: the same UID", ev is not None and str(ev["UID"]) == uid)
    plan = json.loads(req("GET", "/api/v1/plan")[2])
    check("after the change: the new plan's exercises in the description", ev is not None and
          all(x["name"] in str(ev["DESCRIPTION"]) for x in plan["exercises"]))

    # Renew: the old address stops working, the new one works; revoke: none works.
    st, h, data = req("POST", "/calendar", "action=renew&csrf=" + token, "application/x-www-form-urlencoded")
    page = req("GET", "/profile")[2].decode()
    links = re.findall(r'webcal://127\.0\.0\.1:%d/calendar/([0-9a-f]+)\.ics' % port, page)
    t2 = links[0] if links else t1
    check("renew: a new token", t2 != t1 and len(t2) == 40, (t1, t2))
    st, h, data = req("GET", "/calendar/%s.ics" % t1)
    check("renew: the old address answers 404", st == 404 and b"VEVENT" not in data, st)
    st, h, data = req("GET", "/calendar/%s.ics" % t2)
    check("renew: the new address works", st == 200 and b"VEVENT" in data, st)
    st, h, data = req("POST", "/calendar", "action=revoke&csrf=" + token, "application/x-www-form-urlencoded")
    check("revoke: 303", st == 303, st)
    st, h, data = req("GET", "/calendar/%s.ics" % t2)
    check("revoke: the address answers 404", st == 404 and b"VEVENT" not in data, st)
    page = req("GET", "/profile")[2].decode()
    check("revoke: the profile offers to make one again", "Make a subscription address" in page)
    st, h, data = req("POST", "/calendar", "action=explode&csrf=" + token, "application/x-www-form-urlencoded")
    check("an unknown action: 422 naming the field", st == 422 and b"action" in data, st)
finally:
    proc.terminate()
    proc.wait(timeout=10)
finish()
