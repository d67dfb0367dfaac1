#!/usr/bin/env python3
"""Malformed request heads, over raw sockets (issue 12, items 6 and 7): each gets ONE
well-formed reply of postura's, with postura's headers, at once, and the connection is
closed; good requests (kept alive, pipelined, with a body, sent slowly) are still served.
libmicrohttpd 0.9.75 answered several of these itself: a bad Content-Length with its
status line and headers twice, the others with no Content-Type, nosniff or frame headers.

usage: head_test.py POSTURA SOURCE_DIR
Prints one line per check and 'N passed, N failed'; exits 1 on any failure.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import checks
from checks import check, finish

postura, src = sys.argv[1], sys.argv[2]
checks.detail_max = 400
tmp = tempfile.mkdtemp(prefix="postura-head-")
env = dict(os.environ, POSTURA_NOW="2026-11-18T09:00:00+00:00")
err = open(os.path.join(tmp, "stderr"), "w+")
proc = subprocess.Popen([postura, "--db", os.path.join(tmp, "me.db"), "serve", "--listen", "127.0.0.1:0"],
                        stdout=subprocess.PIPE, stderr=err, env=env, text=True)
m = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
if not m:
    err.seek(0)
    print("FAIL the server did not start:", err.read())
    sys.exit(1)
port = int(m.group(1))
HOST = "Host: 127.0.0.1:%d\r\n" % port
STATUS = re.compile(rb"(?:^|\r?\n)HTTP/\d(?:\.\d)? \d\d\d ")


def exchange(data, wait=10, pause=0.0):
    """Sends data (a list: parts sent `pause` seconds apart); reads until the server
    closes. Returns (seconds from the last part to the close, the bytes, closed?)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(wait)
    parts = data if isinstance(data, list) else [data]
    for i, p in enumerate(parts):
        if i and pause:
            time.sleep(pause)
        s.sendall(p if isinstance(p, bytes) else p.encode())
    t0 = time.time()
    out, closed = b"", False
    try:
        while True:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            out += d
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        pass
    s.close()
    return time.time() - t0, out, closed


def split(reply):
    """(status, {header: [values]}, body) of one reply."""
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    m = re.match(rb"HTTP/1\.1 (\d\d\d) ", lines[0])
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        hdrs.setdefault(k.strip().lower().decode(), []).append(v.strip().decode("latin-1"))
    return (int(m.group(1)) if m else 0), hdrs, body


def one_reply(name, data, want, api):
    t, out, closed = exchange(data)
    st, h, body = split(out)
    n_status = len(STATUS.findall(out))
    check("%s: %d" % (name, want), st == want, out[:300])
    check("%s: exactly one status line and one set of headers" % name,
          n_status == 1 and all(len(v) == 1 for v in h.values()), out[:600])
    clen = h.get("content-length", ["-1"])[0]
    check("%s: the body is exactly Content-Length bytes, nothing after it" % name,
          clen.isdigit() and int(clen) == len(body), (clen, len(body), out[-200:]))
    csp = h.get("content-security-policy", [""])[0]
    check("%s: postura's headers (Content-Type, nosniff, frame, CSP, no-store, no cookie)" % name,
          h.get("x-content-type-options") == ["nosniff"] and h.get("x-frame-options") == ["DENY"]
          and "frame-ancestors 'none'" in csp and h.get("referrer-policy") == ["no-referrer"]
          and h.get("cache-control") == ["no-store"] and "set-cookie" not in h
          and h.get("connection") == ["close"], h)
    if api:
        try:
            e = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            e = None
        check("%s: the JSON error under /api/" % name,
              h.get("content-type", [""])[0].startswith("application/json") and e is not None
              and e.get("code") and e.get("message"), body[:300])
    else:
        check("%s: the error page" % name, h.get("content-type", [""])[0].startswith("text/html")
              and b"<html" in body and b'role="alert"' in body, body[:300])
    check("%s: answered and closed at once (%.2f s)" % (name, t), closed and t < 2, (closed, t))


big = "a" * 40 * 1024
cases = [
    ("Content-Length: -1", "POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
     "Content-Length: -1\r\n\r\n{}", 400, True),
    ("Content-Length: 10^26", "POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
     "Content-Length: 100000000000000000000000000\r\n\r\n{}", 413, True),
    ("Content-Length: 1e3", "POST /checkin HTTP/1.1\r\n" + HOST + "Content-Type: application/x-www-form-urlencoded\r\n"
     "Content-Length: 1e3\r\n\r\npain=2", 400, False),
    ("Content-Length: +5", "POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
     "Content-Length: +5\r\n\r\n{}", 400, True),
    ("two different Content-Lengths", "POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
     "Content-Length: 2\r\nContent-Length: 12\r\n\r\n{}", 400, True),
    ("a body over 64 KiB by Content-Length", "POST /api/v1/sessions HTTP/1.1\r\n" + HOST +
     "Content-Type: application/json\r\nContent-Length: 70000\r\n\r\n{}", 413, True),
    ("a bare LF ending a header line", "GET /about HTTP/1.1\r\n" + HOST + "Accept: text/html\nX-After: 1\r\n\r\n", 400, False),
    ("a bare LF ending the last header line", "GET /api/v1/catalog HTTP/1.1\r\n" + HOST + "Accept: */*\n\r\n", 400, True),
    ("a bare LF ending the head", "GET /about HTTP/1.1\r\n" + HOST + "\n", 400, False),
    ("a bare CR in a header value", "GET /about HTTP/1.1\r\n" + HOST + "X-A: 1\r2\r\n\r\n", 400, False),
    ("a header folded onto the line before", "GET /about HTTP/1.1\r\n" + HOST + "X-A: 1\r\n 2\r\n\r\n", 400, False),
    ("a space before a header's colon", "GET /about HTTP/1.1\r\n" + HOST + "X-A : 1\r\n\r\n", 400, False),
    ("a header line without a colon", "GET /about HTTP/1.1\r\n" + HOST + "Nonsense\r\n\r\n", 400, False),
    ("an unknown Transfer-Encoding", "POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
     "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400, True),
    ("Transfer-Encoding and Content-Length", "POST /api/v1/checkins HTTP/1.1\r\n" + HOST +
     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 7\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400, True),
    ("HTTP/1.1 without Host", "GET /api/v1/catalog HTTP/1.1\r\n\r\n", 400, True),
    ("two Hosts", "GET /about HTTP/1.1\r\n" + HOST + HOST + "\r\n", 400, False),
    ("HTTP/2.0", "GET /about HTTP/2.0\r\n" + HOST + "\r\n", 505, False),
    ("HTTP/3", "GET /api/v1/catalog HTTP/3\r\n" + HOST + "\r\n", 505, True),
    ("HTTP/2's preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, False),
    ("no HTTP version", "GET /about\r\n\r\n", 400, False),
    ("a version that is not HTTP", "GET /about FTP/1.1\r\n" + HOST + "\r\n", 400, False),
    ("two spaces in the request line", "GET  /about HTTP/1.1\r\n" + HOST + "\r\n", 400, False),
    ("a control character in the target", "GET /ab\x01out HTTP/1.1\r\n" + HOST + "\r\n", 400, False),
    ("a bare LF ending the request line", "GET /about HTTP/1.1\n" + HOST + "\r\n", 400, False),
    ("a 40 KiB header", "GET /about HTTP/1.1\r\n" + HOST + "X-Big: " + big + "\r\n\r\n", 431, False),
    ("a 40 KiB header under /api/", "GET /api/v1/catalog HTTP/1.1\r\n" + HOST + "X-Big: " + big + "\r\n\r\n", 431, True),
    ("65 header fields", "GET /about HTTP/1.1\r\n" + HOST + "".join("X-%d: 1\r\n" % i for i in range(64)) + "\r\n",
     431, False),
    ("a 40 KiB URI", "GET /about?q=" + big + " HTTP/1.1\r\n" + HOST + "\r\n", 414, False),
    ("a 40 KiB URI under /api/", "GET /api/v1/history?q=" + big + " HTTP/1.1\r\n" + HOST + "\r\n", 414, True),
    ("a 40 KiB URI before any header", "GET /about?q=" + big, 414, False),
]
for name, data, want, api in cases:
    one_reply(name, data, want, api)

# --- a kept-alive connection's later requests are checked too (issue 12, item 6) -----------------
# libmicrohttpd 0.9.75 reads a connection's requests after the first itself: a bad one got its
# own bare reply (a bad Content-Length its status line twice) or was taken (a bare LF). Now
# the next head is checked before libmicrohttpd reads it.
GOOD = "GET /api/v1/catalog HTTP/1.1\r\n" + HOST + "\r\n"


def after_good(second, pause=0.0, first=GOOD):
    """Sends a good request, reads its whole reply, then sends `second` (a list: parts
    `pause` seconds apart) on the same connection; returns (the first reply's status, seconds
    from the last part to the close, what came after the first reply, closed?)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    s.sendall(first.encode())
    buf = b""
    while True:
        st, h, body = split(buf) if b"\r\n\r\n" in buf else (0, {}, b"")
        n = int(h.get("content-length", ["-1"])[0]) if h else -1
        if n >= 0 and len(body) >= n:
            rest = body[n:]
            break
        d = s.recv(65536)
        if not d:
            return st, 0, b"", True
        buf += d
    parts = second if isinstance(second, list) else [second]
    for i, p in enumerate(parts):
        if i and pause:
            time.sleep(pause)
        s.sendall(p if isinstance(p, bytes) else p.encode())
    t0 = time.time()
    out, closed = rest, False
    try:
        while True:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            out += d
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        pass
    s.close()
    return st, time.time() - t0, out, closed


later = [
    ("Content-Length: -1", "POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
     "Content-Length: -1\r\n\r\n{}", 400, True),
    ("Content-Length: 10^26", "POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
     "Content-Length: 100000000000000000000000000\r\n\r\n{}", 413, True),
    ("Content-Length: 1e3", "POST /checkin HTTP/1.1\r\n" + HOST + "Content-Type: application/x-www-form-urlencoded\r\n"
     "Content-Length: 1e3\r\n\r\npain=2", 400, False),
    ("a bare LF ending a header line", "GET /about HTTP/1.1\r\n" + HOST + "Accept: text/html\nX-After: 1\r\n\r\n",
     400, False),
    ("a bare LF ending the last header line", "GET /api/v1/catalog HTTP/1.1\r\n" + HOST + "Accept: */*\n\r\n",
     400, True),
    ("a header folded onto the line before", "GET /about HTTP/1.1\r\n" + HOST + "X-A: 1\r\n 2\r\n\r\n", 400, False),
    ("HTTP/2.0", "GET /about HTTP/2.0\r\n" + HOST + "\r\n", 505, False),
    ("a 40 KiB header", "GET /about HTTP/1.1\r\n" + HOST + "X-Big: " + big + "\r\n\r\n", 431, False),
    ("two different Content-Lengths", "POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
     "Content-Length: 2\r\nContent-Length: 12\r\n\r\n{}", 400, True),
]
for name, data, want, api in later:
    st1, t, out, closed = after_good(data)
    st, h, body = split(out)
    n_status = len(STATUS.findall(out))
    label = "a second request on a kept-alive connection, " + name
    check("%s: the first 200, then %d" % (label, want), st1 == 200 and st == want, (st1, out[:300]))
    check("%s: exactly one status line and one set of headers (not libmicrohttpd's twice)" % label,
          n_status == 1 and all(len(v) == 1 for v in h.values()), out[:600])
    clen = h.get("content-length", ["-1"])[0]
    check("%s: the body is exactly Content-Length bytes" % label,
          clen.isdigit() and int(clen) == len(body), (clen, len(body), out[-200:]))
    check("%s: postura's headers (Content-Type, nosniff, frame, CSP, no-store, Connection: close)" % label,
          h.get("x-content-type-options") == ["nosniff"] and h.get("x-frame-options") == ["DENY"]
          and "frame-ancestors 'none'" in h.get("content-security-policy", [""])[0]
          and h.get("cache-control") == ["no-store"] and "set-cookie" not in h
          and h.get("connection") == ["close"]
          and h.get("content-type", [""])[0].startswith("application/json" if api else "text/html"), h)
    check("%s: answered and closed at once (%.2f s)" % (label, t), closed and t < 2, (closed, t))

# The bad head comes in pieces: still one reply of ours, once it shows.
st1, t, out, closed = after_good(["POST /api/v1/checkins HTTP/1.1\r\n" + HOST, "Content-Type: application/json\r\n",
                                  "Content-Length: -1\r\n\r\n{}"], pause=0.2)
check("a second request sent in pieces with Content-Length: -1: one 400 of ours",
      st1 == 200 and split(out)[0] == 400 and len(STATUS.findall(out)) == 1 and b"nosniff" in out and closed, out[:300])
# The second head cut short by the client: one 400, not a wait.
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)
s.sendall(GOOD.encode())
first = b""
while b"]\n" not in first:
    first += s.recv(65536)
s.sendall(("GET /about HTTP/1.1\r\n" + HOST).encode())
s.shutdown(socket.SHUT_WR)
t0 = time.time()
out = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    out += d
s.close()
check("a second head cut short by the client: one 400 at once", split(out)[0] == 400 and len(STATUS.findall(out)) == 1
      and time.time() - t0 < 2, out[:200])
# Good later requests are served as before, each checked: many on one connection, a POST
# with its body, a head in pieces, an empty line between requests.
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)
got, buf = [], b""
post_body = json.dumps({"pain": 2, "note": "kept alive"})
seq = [GOOD] * 20 + [("POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
                      "Content-Length: %d\r\n\r\n%s" % (len(post_body), post_body)), "\r\n" + GOOD]
for req in seq:
    s.sendall(req.encode())
    while True:
        st, h, body = split(buf) if b"\r\n\r\n" in buf else (0, {}, b"")
        n = int(h.get("content-length", ["-1"])[0]) if h else -1
        if n >= 0 and len(body) >= n:
            got.append(st)
            buf = body[n:]
            break
        d = s.recv(65536)
        if not d:
            break
        buf += d
s.close()
check("22 requests kept alive on one connection (a POST with its body among them): all served",
      got == [200] * 20 + [201, 200], got)
st1, t, out, closed = after_good([GOOD.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")[:15],
                                  GOOD.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")[15:]], pause=0.3)
check("a second request whose head comes in two pieces: 200", st1 == 200 and split(out)[0] == 200 and closed, out[:200])
st1, t, out, closed = after_good(GOOD + GOOD + GOOD.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
check("three requests pipelined after the first reply: three replies in order",
      [int(x) for x in re.findall(rb"(?:^|\n)HTTP/1\.1 (\d\d\d) ", out)] == [200, 200, 200] and closed, out[:200])
st1, t, out, closed = after_good(GOOD + "GET /about HTTP/2.0\r\n" + HOST + "\r\n")
check("a good and a bad request pipelined after the first reply: one reply, the bad one's (505)",
      len(STATUS.findall(out)) == 1 and split(out)[0] == 505, out[:200])
# A kept-alive connection that sends nothing more is closed by the header deadline.
s = socket.create_connection(("127.0.0.1", port))
s.sendall(GOOD.encode())
s.settimeout(10)
first = b""
while b"]\n" not in first:
    first += s.recv(65536)
t0 = time.time()
while True:
    try:
        if s.recv(65536) == b"":
            break
    except (socket.timeout, OSError):
        break
idle = time.time() - t0
s.close()
check("a kept-alive connection idle after its reply is closed by the header deadline (%.1f s)" % idle,
      3 < idle < 6, idle)
# A second head trickled a byte at a time: closed by the header deadline, however slowly it
# keeps sending, and without the server spinning meanwhile.
def cpu_ticks():
    with open("/proc/%d/stat" % proc.pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return int(v[11]) + int(v[12])


s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)
s.sendall(GOOD.encode())
first = b""
while b"]\n" not in first:
    first += s.recv(65536)
c0, t0 = cpu_ticks(), time.time()
s.sendall(b"GET /about HTTP/1.1\r\n")
gone = None
while time.time() - t0 < 10:
    try:
        s.sendall(b"X")
        s.settimeout(0.5)
        if s.recv(65536) == b"":
            gone = time.time() - t0
            break
    except socket.timeout:
        pass
    except OSError:
        gone = time.time() - t0
        break
s.close()
ticks = cpu_ticks() - c0
check("a second head trickled a byte every half second: closed by the header deadline (%s s), "
      "the server idle meanwhile (%d CPU ticks)" % (gone and round(gone, 1), ticks),
      gone is not None and gone < 6 and ticks < 50, (gone, ticks))

# Sent at once after the first request, before its reply (pipelining the gate may not have
# seen): never libmicrohttpd's reply; ours, or the connection closed after the first reply
# (a pipelining client sends the rest again, RFC 9112, 9.3.2).
bad_cl = ("POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
          "Content-Length: -1\r\n\r\n{}")
outs = []
for i in range(10):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    s.sendall(GOOD.encode())
    time.sleep(0.001 * i)
    s.sendall(bad_cl.encode())
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
    outs.append(out)
check("a bad request sent right behind a good one, 10 times: never libmicrohttpd's own reply",
      all(b"Content-Length</b>" not in o and all(b"nosniff" in r for r in re.split(rb"(?=HTTP/1\.1 \d\d\d )", o) if r)
          for o in outs), [o[:120] for o in outs])

# Binary bytes (a TLS handshake on the plain port): refused at once, not after a timeout.
t, out, closed = exchange(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
check("a TLS handshake on the plain HTTP port: one 400 at once", split(out)[0] == 400
      and len(STATUS.findall(out)) == 1 and closed and t < 2, (t, out[:200]))
# A head cut short (the client shuts its side): one 400, not a wait.
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)
s.sendall(("GET /about HTTP/1.1\r\n" + HOST).encode())
s.shutdown(socket.SHUT_WR)
t0 = time.time()
out = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    out += d
s.close()
check("a head cut short by the client: one 400 at once", split(out)[0] == 400 and len(STATUS.findall(out)) == 1
      and time.time() - t0 < 2, out[:200])

# --- good requests are served as before ------------------------------------------------------
get = "GET /api/v1/catalog HTTP/1.1\r\n" + HOST + "\r\n"
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)
got = []
buf = b""
for i in range(3):
    s.sendall(get.encode())
    while True:
        st, h, body = split(buf) if b"\r\n\r\n" in buf else (0, {}, b"")
        n = int(h.get("content-length", ["-1"])[0]) if h else -1
        if n >= 0 and len(body) >= n:
            got.append(st)
            buf = body[n:]
            break
        d = s.recv(65536)
        if not d:
            break
        buf += d
    time.sleep(0.2)
s.close()
check("keep-alive: three requests on one connection, each 200", got == [200, 200, 200], got)

t, out, closed = exchange(get + get + "GET /about HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n")
check("pipelined: three requests sent at once get three replies in order",
      [int(x) for x in re.findall(rb"(?:^|\n)HTTP/1\.1 (\d\d\d) ", out)] == [200, 200, 200]
      and out.count(b"<html") == 1 and closed, out[:200])

body = json.dumps({"pain": 3, "note": "sent raw"})
post = ("POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\nContent-Length: %d\r\n"
        "Connection: close\r\n\r\n%s" % (len(body), body))
t, out, closed = exchange(post)
check("POST with a body: 201", split(out)[0] == 201, out[:300])
t, out, closed = exchange([post[:40], post[40:-10], post[-10:]], pause=0.3)
check("POST whose head and body come in pieces: 201", split(out)[0] == 201, out[:300])
chunked = ("POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
           "Connection: close\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
t, out, closed = exchange(chunked)
check("POST with a chunked body: 201", split(out)[0] == 201, out[:300])
t, out, closed = exchange(post.replace("Connection: close\r\n", "") + get.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
check("a POST and a GET pipelined: 201 then 200",
      [int(x) for x in re.findall(rb"(?:^|\n)HTTP/1\.1 (\d\d\d) ", out)] == [201, 200], out[:300])
t, out, closed = exchange("\r\n" + get.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
check("an empty line before the request line is ignored (RFC 9112, 2.2)", split(out)[0] == 200, out[:200])
t, out, closed = exchange("GET /api/v1/catalog HTTP/1.0\r\n" + HOST + "\r\n")
check("HTTP/1.0 is served", split(out)[0] == 200, out[:200])
t, out, closed = exchange("GET /api/v1/catalog HTTP/1.1\r\n" + HOST + "X-Name: Zoë\t  \r\n"
                          "Content-Length: 0\r\nConnection: close\r\n\r\n")
check("UTF-8 and tabs in a header value, Content-Length: 0: served", split(out)[0] == 200, out[:200])
parts = [c for c in "GET /api/v1/catalog HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n"]
t, out, closed = exchange(["".join(parts[i:i + 8]) for i in range(0, len(parts), 8)], pause=0.05)
check("a head sent 8 bytes at a time within the deadline: 200", split(out)[0] == 200, out[:200])
t, out, closed = exchange("POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
                          "Content-Length: 2\r\n\r\n{}" + "GET /about HTTP/2.0\r\n" + HOST + "\r\n")
check("a good request with a bad one pipelined behind it: one reply, the bad one's (505)",
      len(STATUS.findall(out)) == 1 and split(out)[0] == 505, out[:200])

# --- slowloris: 600 clients trickling a head hold no slot of libmicrohttpd's (512) ----------------
slow = []
for i in range(600):
    try:
        c = socket.create_connection(("127.0.0.1", port))
        c.sendall(b"GET /today HTTP/1.1\r\n")
        slow.append(c)
    except OSError:
        break
times = []
for i in range(6):
    for c in slow:
        try:
            c.sendall(b"X")  # a byte now and then: an idle timeout never fires
        except OSError:
            pass
    t0 = time.time()
    t, out, closed = exchange(get.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"), wait=10)
    times.append((round(time.time() - t0, 2), split(out)[0]))
    time.sleep(0.4)
check("600 clients trickling their heads: %d held open, and a good request meanwhile is answered "
      "within a second each time %s" % (len(slow), times),
      len(slow) == 600 and all(st == 200 and dt < 1 for dt, st in times), times)
t0 = time.time()
gone = 0
while time.time() - t0 < 8 and gone < len(slow):
    gone = 0
    for c in slow:
        c.settimeout(0.001)
        try:
            if c.recv(1) == b"":
                gone += 1
        except socket.timeout:
            pass
        except OSError:
            gone += 1
    time.sleep(0.2)
check("and all 600 are closed by the header deadline (4 s): %d closed after %.1f s" % (gone, time.time() - t0),
      gone == len(slow), gone)
for c in slow:
    c.close()

# --- every slot of libmicrohttpd's taken: 503 of ours at once, not a silent close -----------------
held = []
for i in range(512):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(get.encode())
    held.append(c)
ok = 0
for c in held:
    c.settimeout(10)
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = c.recv(65536)
        if not d:
            break
        buf += d
    ok += buf.startswith(b"HTTP/1.1 200")
t, out, closed = exchange("GET /api/v1/catalog HTTP/1.1\r\n" + HOST + "\r\n")
st, h, body = split(out)
check("512 kept-alive connections (%d served): the next gets 503 of ours, JSON, at once" % ok,
      ok == 512 and st == 503 and len(STATUS.findall(out)) == 1 and h.get("x-content-type-options") == ["nosniff"]
      and b'"busy"' in body and closed and t < 2, (ok, t, out[:300]))
for c in held:
    c.close()
time.sleep(0.5)
t, out, closed = exchange(get.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
check("once they close, requests are served again", split(out)[0] == 200, out[:200])

# --- the server's log, and its stop -------------------------------------------------------------
proc.send_signal(signal.SIGTERM)
try:
    code = proc.wait(timeout=20)
except subprocess.TimeoutExpired:
    proc.kill()
    code = proc.wait()
err.seek(0)
log = err.read()
check("the server stops cleanly after all of them", code == 0, (code, log[-500:]))
check("no sanitizer report", "Sanitizer" not in log and "runtime error" not in log, log[-1500:])
finish()
