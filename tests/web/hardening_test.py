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
from checks import check, finish

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-hard-")
env = dict(os.environ, POSTURA_NOW="2026-11-18T09:00:00+00:00")
# On PostgreSQL, postura is tests/pg/postura-pg and the binary is POSTURA_REAL.
with open(os.environ.get("POSTURA_REAL", postura), "rb") as f:
    sanitized = b"__asan_init" in f.read()


class Server:
    """postura serve on a free loopback port, with its own database."""

    def __init__(self, *args, name="me.db"):
        self.db = os.path.join(tmp, name)
        # Standard error to a file: a pipe nobody reads fills with libmicrohttpd's notes
        # (one per refused request) and then blocks the server.
        self.err = open(self.db + ".stderr", "w+")
        self.proc = subprocess.Popen([postura, "--db", self.db, "serve", "--listen", "127.0.0.1:0", *args],
                                     stdout=subprocess.PIPE, stderr=self.err, env=env, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.err.seek(0)
            print("FAIL the server did not start:", line, self.err.read())
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
            out, _ = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        self.err.seek(0)
        return self.proc.returncode, out, self.err.read()


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

# --- 9. an error from the store names no file ------------------------------------------------
for i in range(6):
    st, h, data = srv.req("POST", "/psfs", "activity=lift+%d&csrf=%s" % (i, token),
                          headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
check("a sixth activity: 422 saying why, without the database's path", st == 422 and b"activities" in data
      and tmp.encode() not in data and b"me.db" not in data, (st, re.findall(rb'role="alert">([^<]*)', data)))

# --- 3. many query parameters: a prompt 414, and nothing kept ------------------------------
many = "GET /today?" + "&".join("a%d=1" % i for i in range(500)) + " HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port
t, out = srv.raw(many.encode())
check("500 query parameters: 414 at once, with our headers", t < 2 and out.startswith(b"HTTP/1.1 414")
      and b"X-Content-Type-Options: nosniff" in out and b"Content-Security-Policy:" in out, (t, out[:300]))
t, out = srv.raw(("GET /api/v1/history?" + "&".join("a%d=1" % i for i in range(100))
                  + " HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port).encode())
check("under /api/, the 414 is the JSON error", out.startswith(b"HTTP/1.1 414") and b'"code": "too-many-parameters"' in out, out[:400])
long_q = "GET /today?" + "&".join("a%d=%s" % (i, "x" * 800) for i in range(40)) + " HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port
t, out = srv.raw(long_q.encode())
check("40 long parameters (32 KB): answered at once", t < 2 and out[:12] in (b"HTTP/1.1 414", b"HTTP/1.1 431"), (t, out[:100]))
t, out = srv.raw(("GET /api/v1/history?" + "&".join("a%d=1" % i for i in range(60))
                  + " HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port).encode())
check("60 parameters are still taken (undeclared ones dropped)", out.startswith(b"HTTP/1.1 200"), out[:100])
bighdr = "GET /about HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port + "".join("X-%d: %s\r\n" % (i, "v" * 600) for i in range(60)) + "\r\n"


def burst(n, data):
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.settimeout(10)
        s.sendall(data)
        try:
            while s.recv(65536):
                pass
        except (socket.timeout, ConnectionResetError):
            pass
        s.close()


burst(300, many.encode())
burst(100, bighdr.encode())
time.sleep(0.5)
rss0 = srv.rss_kb()
t0 = time.time()
burst(2000, many.encode())
burst(500, bighdr.encode())
time.sleep(0.5)
rss1 = srv.rss_kb()
if sanitized:
    # ASan keeps freed memory in quarantine (up to 256 MB): RSS says nothing there; its
    # leak check at the stop does (below).
    print("ok   (a sanitizer build: RSS not compared, %d -> %d KiB; the leak check at the stop counts)" % (rss0, rss1))
else:
    check("2,000 requests of 500 parameters and 500 of too many header bytes: RSS flat within 2 MB "
          "(%d -> %d KiB, %.1f s)" % (rss0, rss1, time.time() - t0), rss1 - rss0 < 2048, (rss0, rss1))
st, h, _ = srv.req("GET", "/api/v1/catalog")
check("the server still answers after them", st == 200, st)

# --- 6. framing libmicrohttpd 0.9.75 lets through: 400 at once, with our headers ------------
hp = "Host: 127.0.0.1:%d\r\n" % port
for name, data in [
        ("two Content-Lengths", "POST /api/v1/checkins HTTP/1.1\r\n" + hp + "Content-Type: application/json\r\n"
         "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}"),
        ("HTTP/1.1 without Host", "GET /about HTTP/1.1\r\n\r\n"),
        ("two Hosts", "GET /about HTTP/1.1\r\n" + hp + hp + "\r\n"),
        ("bare LF line ends", "GET /about HTTP/1.1\n" + hp.replace("\r", "") + "\n"),
        ("an unknown Transfer-Encoding", "POST /api/v1/checkins HTTP/1.1\r\n" + hp + "Content-Type: application/json\r\n"
         "Transfer-Encoding: gzip\r\n\r\n{}"),
        ("Transfer-Encoding and Content-Length", "POST /api/v1/checkins HTTP/1.1\r\n" + hp +
         "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 7\r\n\r\n2\r\n{}\r\n0\r\n\r\n")]:
    t, out = srv.raw(data.encode(), wait=20)
    check("%s: 400 at once, once, with our headers, closed" % name, t < 3 and out.startswith(b"HTTP/1.1 400")
          and len(re.findall(rb"(?:^|\r\n)HTTP/1\.1 \d\d\d ", out)) == 1 and b"X-Content-Type-Options: nosniff" in out
          and b"Content-Type: " in out and b"Connection: close" in out and b"Set-Cookie" not in out, (t, out[:300]))
t, out = srv.raw(("GET /about HTTP/1.1\r\n" + hp + "\r\n").encode(), wait=2)
check("a well-formed request is still served (CR LF)", out.startswith(b"HTTP/1.1 200"), out[:100])

# --- 7. slow clients: a slot without a whole request is freed within seconds ----------------
slow = []
for i in range(40):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /today HTTP/1.1\r\n")
    slow.append(s)
t0 = time.time()
closed = 0
while time.time() - t0 < 12 and closed < len(slow):
    closed = 0
    for s in slow:
        try:
            s.sendall(b"X")  # a byte now and then: idle timeouts never fire
        except OSError:
            pass
        s.settimeout(0.01)
        try:
            if s.recv(1024) == b"":
                closed += 1
        except socket.timeout:
            pass
        except OSError:
            closed += 1
    time.sleep(0.5)
took = time.time() - t0
check("40 clients trickling a header byte every 0.5 s are all closed within 8 s (%.1f s)" % took,
      closed == len(slow) and took < 8, (closed, took))
for s in slow:
    s.close()
st, h, _ = srv.req("GET", "/api/v1/catalog")
check("and the server answers meanwhile", st == 200, st)
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
c.request("GET", "/stop")
r1 = c.getresponse(); r1.read()
time.sleep(1)
c.request("GET", "/about")
r2 = c.getresponse(); r2.read()
check("a keep-alive connection may wait a moment between requests", r1.status == r2.status == 200)
c.close()

code, out, err = srv.stop()
check("the first server stops cleanly", code == 0, (code, err[-500:]))
check("no sanitizer report (a leak of the requests above would be one)",
      "Sanitizer" not in err and "runtime error" not in err, err[-1500:])
# On PostgreSQL (tests/pg/postura-pg) the database is named by host, port and name.
where = 'PostgreSQL database "' if os.environ.get("POSTURA_TEST_BACKEND") == "postgresql" else srv.db
check("the server's log names the database for its owner", where in err and
      ": the functional scale already has" in err, err[-500:])

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

finish()
