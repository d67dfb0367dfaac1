#!/usr/bin/env python3
"""What an attack test of `postura serve` found (issue 12), each checked over HTTP on a
random loopback port: DNS rebinding (Host), cross-site writes (Origin, Sec-Fetch-Site),
many query parameters (a prompt reply, no leak), libmicrohttpd's own replies and its
strictness, slow clients, and no file path in an error.

usage: hardening_test.py POSTURA SOURCE_DIR
Prints one line per check and 'N passed, N failed'; exits 1 on any failure.
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-hard-")
env = dict(os.environ, POSTURA_NOW="2026-11-18T09:00:00+00:00")
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + str(detail) if detail != "" else ""))
    sys.stdout.flush()


class Server:
    """postura serve on a free loopback port, with its own database."""

    def __init__(self, *args, name="me.db"):
        self.db = os.path.join(tmp, name)
        self.proc = subprocess.Popen([postura, "--db", self.db, "serve", "--listen", "127.0.0.1:0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            print("FAIL the server did not start:", line, self.proc.stderr.read())
            sys.exit(1)
        self.port = int(m.group(1))

    def req(self, method, path, body=None, headers=None, host=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = dict(headers or {})
        if body is not None:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode()
            h.setdefault("Content-Type", "application/json")
        c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        c.putheader("Host", host if host is not None else "127.0.0.1:%d" % self.port)
        for k, v in h.items():
            c.putheader(k, v)
        if body is not None:
            c.putheader("Content-Length", str(len(body)))
        c.endheaders(body)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def raw(self, data, wait=10):
        """Sends bytes as they are; returns (seconds to the reply, the reply)."""
        s = socket.create_connection(("127.0.0.1", self.port))
        s.settimeout(wait)
        t0 = time.time()
        s.sendall(data)
        out = b""
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                out += d
        except (socket.timeout, ConnectionResetError):
            pass
        s.close()
        return time.time() - t0, out

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, out, err


def jbody(data):
    try:
        return json.loads(data)
    except ValueError:
        return None


srv = Server()
port = srv.port

# --- 1. DNS rebinding: only the names the server listens as -------------------------------
for host in ["127.0.0.1:%d" % port, "localhost:%d" % port, "[::1]:%d" % port, "LOCALHOST:%d" % port]:
    st, h, _ = srv.req("GET", "/api/v1/catalog", host=host)
    check("Host: %s is served" % host, st == 200, st)
srv.req("PUT", "/api/v1/profile", {"pregnant_weeks": 24, "pain": 4, "areas": ["upper"], "triggers": ["desk"],
                                   "equipment": ["wall"], "avoid": [], "minutes": 10})
srv.req("POST", "/api/v1/checkins", {"pain": 3, "note": "private note"})
for host in ["evil.example:%d" % port, "evil.example", "127.0.0.1", "127.0.0.1:%d" % (port + 1),
             "localhost.evil.example:%d" % port, "127.0.0.2:%d" % port]:
    st, h, data = srv.req("GET", "/api/v1/export?format=json", host=host)
    e = (jbody(data) or {}).get("error", {})
    check("Host: %s gets 421 with a JSON error and no data" % host,
          st == 421 and e.get("code") == "misdirected" and b"private note" not in data
          and h.get("content-type", "").startswith("application/json"), (st, data[:200]))
st, h, data = srv.req("GET", "/today", host="evil.example:%d" % port)
check("a page under a foreign Host: 421 as a page, no CSRF token, no cookie",
      st == 421 and b"<html" in data and b'name="csrf"' not in data and "set-cookie" not in h
      and h.get("x-content-type-options") == "nosniff", (st, h))
st, h, data = srv.req("POST", "/api/v1/checkins", {"pain": 9, "note": "rebound"}, host="evil.example:%d" % port)
check("a write under a foreign Host: 421, nothing saved", st == 421
      and b"rebound" not in srv.req("GET", "/api/v1/export?format=json")[2], (st, data[:200]))
t, out = srv.raw(b"GET /api/v1/export?format=json HTTP/1.0\r\n\r\n")
check("HTTP/1.0 without a Host: 421, no data", out.startswith(b"HTTP/1.1 421") and b"private note" not in out, out[:200])

# --- 1. cross-site writes to the JSON API --------------------------------------------------
before = srv.req("GET", "/api/v1/export?format=json")[2].count(b'"pain"')
for name, hdrs in [("Sec-Fetch-Site: cross-site", {"Sec-Fetch-Site": "cross-site"}),
                   ("Sec-Fetch-Site: same-site", {"Sec-Fetch-Site": "same-site"}),
                   ("a foreign Origin", {"Origin": "http://evil.example"}),
                   ("Origin of another port", {"Origin": "http://127.0.0.1:%d" % (port + 1)}),
                   ("Origin: null", {"Origin": "null"})]:
    st, h, data = srv.req("POST", "/api/v1/checkins", {"pain": 8}, headers=hdrs)
    e = (jbody(data) or {}).get("error", {})
    check("POST /api/v1/checkins with %s: 403" % name, st == 403 and e.get("code") == "cross-site", (st, data[:200]))
    st, h, data = srv.req("PUT", "/api/v1/profile", {"pregnant_weeks": 30, "pain": 1}, headers=hdrs)
    check("PUT /api/v1/profile with %s: 403" % name, st == 403, (st, data[:200]))
after = srv.req("GET", "/api/v1/export?format=json")[2].count(b'"pain"')
check("nothing was saved by a cross-site request", before == after, (before, after))
st, h, data = srv.req("POST", "/api/v1/checkins", {"pain": 2},
                      headers={"Origin": "http://127.0.0.1:%d" % port, "Sec-Fetch-Site": "same-origin"})
check("the same origin may write", st == 201, (st, data[:200]))
st, h, data = srv.req("POST", "/api/v1/checkins", {"pain": 2}, headers={"Origin": "http://localhost:%d" % port},
                      host="localhost:%d" % port)
check("the same origin by another of its names may write", st == 201, (st, data[:200]))

st, h, data = srv.req("POST", "/api/v1/checkins", {"pain": 2}, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
check("a browser's own request under no-referrer (Origin: null, same-origin) may write", st == 201, (st, data[:200]))
srv.req("POST", "/api/v1/screen", open(os.path.join(src, "tests/fixtures/answers-clear.json")).read())
st, h, data = srv.req("GET", "/today")
token = re.search(r'name="csrf" value="([^"]+)"', data.decode()).group(1)
cookie = h.get("set-cookie", "").split(";")[0]
form = "pain=2&areas=upper&csrf=" + token
for name, hdrs, want in [("a foreign Origin", {"Origin": "http://evil.example"}, 403),
                         ("Origin of another port", {"Origin": "http://127.0.0.1:%d" % (port + 1)}, 403),
                         ("Origin: null from the page itself", {"Origin": "null", "Sec-Fetch-Site": "same-origin"}, 303),
                         ("its own Origin", {"Origin": "http://127.0.0.1:%d" % port}, 303)]:
    st, h, data = srv.req("POST", "/checkin", form, headers=dict(hdrs, Cookie=cookie,
                          **{"Content-Type": "application/x-www-form-urlencoded"}))
    check("a form with the token and %s: %d" % (name, want), st == want, (st, data[-200:]))

code, out, err = srv.stop()
check("the first server stops cleanly", code == 0, (code, err[-500:]))

# --- 1. --host NAME for use beyond this machine ------------------------------------------------
srv = Server("--host", "postura.example.org", "--host", "box.lan:8443", name="hosts.db")
port = srv.port
for host, want in [("postura.example.org", 200), ("Postura.Example.org:%d" % port, 200), ("box.lan:8443", 200),
                   ("box.lan", 421), ("box.lan:%d" % port, 421), ("example.org", 421)]:
    st, h, _ = srv.req("GET", "/api/v1/catalog", host=host)
    check("--host: Host %s gets %d" % (host, want), st == want, st)
st, h, data = srv.req("POST", "/api/v1/checkins", {"pain": 2}, headers={"Origin": "https://postura.example.org"},
                      host="postura.example.org")
check("--host: behind a TLS proxy, the https origin of that name may write", st == 201, (st, data[:200]))
srv.stop()
for bad in ["evil example", "a/b", "x:0", "x:99999", "[zz]:80", ""]:
    out = subprocess.run([postura, "--db", os.path.join(tmp, "x.db"), "serve", "--host", bad, "--listen", "127.0.0.1:0"],
                         capture_output=True, text=True, env=env, timeout=10)
    check("--host %r is refused (exit 2, naming --host)" % bad, out.returncode == 2 and "--host" in out.stderr,
          (out.returncode, out.stderr))

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
