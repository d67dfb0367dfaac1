#!/usr/bin/env python3
"""HTTPS (issue 14, "TLS"): `postura serve --tls-cert FILE --tls-key FILE` over loopback,
with a throw-away certificate made here by openssl (never committed): a Python TLS client
that trusts only that certificate is served, with HSTS and a Secure cookie, kept alive;
plain HTTP sent to the HTTPS port gets one plain reply saying so, at once; a client that
never finishes its handshake or its head is closed by the header deadline; wrong
certificate and key files are named; `--allow-remote` without TLS and without accounts is
refused, saying why.

usage: tls_test.py POSTURA SOURCE_DIR
Prints one line per check and 'N passed, N failed'; exits 1 on any failure.
"""
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import checks
from checks import check, finish

postura, src = sys.argv[1], sys.argv[2]
checks.detail_max = 400
tmp = tempfile.mkdtemp(prefix="postura-tls-")
env = dict(os.environ, POSTURA_NOW="2026-11-18T09:00:00+00:00")
db = os.path.join(tmp, "me.db")


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)


def make_cert(name, cn="localhost", days="30"):
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM)."""
    cert, key = os.path.join(tmp, name + ".crt"), os.path.join(tmp, name + ".key")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", days, "-subj", "/CN=" + cn,
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
    os.chmod(key, 0o600)
    return cert, key


cert, key = make_cert("server")
other_cert, other_key = make_cert("other", cn="other")


def run(*args, timeout=20):
    return subprocess.run([postura, "--db", db] + list(args), capture_output=True, text=True,
                          env=env, timeout=timeout)


# The database exists before the server starts (serve never makes a new empty one).
run("plan")
err = open(os.path.join(tmp, "stderr"), "w+")
proc = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0", "--tls-cert", cert,
                         "--tls-key", key], stdout=subprocess.PIPE, stderr=err, env=env, text=True)
line = proc.stdout.readline()
m = re.search(r"https://127\.0\.0\.1:(\d+)/", line)
if not m:
    err.seek(0)
    print("FAIL the server did not start:", line, err.read())
    sys.exit(1)
port = int(m.group(1))
check("serve --tls-cert/--tls-key prints an https:// address", line.startswith("postura: serving on https://"),
      line)
HOST = "Host: 127.0.0.1:%d\r\n" % port
ctx = ssl.create_default_context(cafile=cert)  # trusts this certificate only


def tls_connect():
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    return ctx.wrap_socket(s, server_hostname="127.0.0.1")


def read_reply(s, buf=b""):
    """One reply (status, headers, body) from s, and what came after it."""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            return 0, {}, buf, b""
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    mm = re.match(rb"HTTP/1\.1 (\d\d\d) ", lines[0])
    h = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        h.setdefault(k.strip().lower().decode(), []).append(v.strip().decode("latin-1"))
    n = int(h.get("content-length", ["0"])[0])
    while len(rest) < n:
        d = s.recv(65536)
        if not d:
            break
        rest += d
    return (int(mm.group(1)) if mm else 0), h, rest[:n], rest[n:]


# --- HTTPS is served -------------------------------------------------------------------
s = tls_connect()
check("the handshake: TLS 1.2 or 1.3, the certificate verified against the test CA",
      s.version() in ("TLSv1.2", "TLSv1.3"), s.version())
statuses, hsts, left = [], [], b""
for path in ["/api/v1/catalog", "/about", "/api/v1/catalog"]:
    s.sendall(("GET %s HTTP/1.1\r\n%s\r\n" % (path, HOST)).encode())
    st, h, body, left = read_reply(s, left)
    statuses.append(st)
    hsts.append(h.get("strict-transport-security"))
    if path == "/api/v1/catalog":
        try:
            ok = isinstance(json.loads(body), list) and len(json.loads(body)) > 10
        except ValueError:
            ok = False
        check("GET /api/v1/catalog over HTTPS: the catalogue as JSON", st == 200 and ok, body[:200])
    else:
        check("GET /about over HTTPS: the page, with postura's headers",
              st == 200 and b"<html" in body and h.get("x-content-type-options") == ["nosniff"]
              and h.get("x-frame-options") == ["DENY"], (st, h))
        cookie = h.get("set-cookie", [""])[0]
        check("the CSRF cookie over HTTPS is Secure (and HttpOnly, SameSite=Strict)",
              "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie)
s.close()
check("three requests kept alive on one TLS connection: 200 each", statuses == [200, 200, 200], statuses)
check("HSTS on every reply over TLS (Strict-Transport-Security: max-age=31536000)",
      all(v == ["max-age=31536000"] for v in hsts), hsts)

# The standard library's client: certificate checked, the host name too.
import http.client  # noqa: E402
c = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=10)
c.request("GET", "/healthz", headers={"Host": "localhost:%d" % port})
r = c.getresponse()
check("http.client over HTTPS by name (localhost): /healthz 200", r.status == 200 and b"ok" in r.read(),
      r.status)
c.close()

# A client that does not trust the certificate refuses it (it really is this certificate).
try:
    bad = ssl.create_default_context(cafile=other_cert)
    t = bad.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname="127.0.0.1")
    t.close()
    verified = True
except ssl.SSLError:
    verified = False
check("a client trusting another certificate refuses the server's", not verified)

# A form posted from an http:// page is another site's when the server speaks https.
body = json.dumps({"pain": 2})
s = tls_connect()
s.sendall(("POST /api/v1/checkins HTTP/1.1\r\n%sOrigin: http://127.0.0.1:%d\r\nContent-Type: application/json\r\n"
           "Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (HOST, port, len(body), body)).encode())
st, h, b, _ = read_reply(s)
s.close()
check("POST with Origin http://... to the HTTPS server: 403 cross-site", st == 403 and b"cross-site" in b, (st, b[:200]))
s = tls_connect()
s.sendall(("POST /api/v1/checkins HTTP/1.1\r\n%sOrigin: https://127.0.0.1:%d\r\nContent-Type: application/json\r\n"
           "Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (HOST, port, len(body), body)).encode())
st, h, b, _ = read_reply(s)
s.close()
check("POST with Origin https://... (its own): 201", st == 201, (st, b[:200]))

# --- plain HTTP to the HTTPS port: one plain reply saying so, at once --------------------------
for path, api in [("/today", False), ("/api/v1/catalog", True)]:
    p = socket.create_connection(("127.0.0.1", port))
    p.settimeout(10)
    t0 = time.time()
    p.sendall(("GET %s HTTP/1.1\r\n%s\r\n" % (path, HOST)).encode())
    out = b""
    closed = False
    try:
        while True:
            d = p.recv(65536)
            if not d:
                closed = True
                break
            out += d
    except (ConnectionResetError, socket.timeout):
        closed = True
    p.close()
    st = int(out[9:12]) if out.startswith(b"HTTP/1.1 ") else 0
    check("plain HTTP GET %s to the HTTPS port: one 400 saying to use https://, closed at once (%.2f s)"
          % (path, time.time() - t0),
          st == 400 and out.count(b"HTTP/1.1 ") == 1 and b"https://" in out and closed and time.time() - t0 < 2
          and (b'"https-only"' in out if api else b"<html" in out) and b"nosniff" in out
          and b"Strict-Transport-Security" not in out, out[:400])
s = tls_connect()
s.sendall(("GET /healthz HTTP/1.1\r\n%sConnection: close\r\n\r\n" % HOST).encode())
check("HTTPS still served after them", read_reply(s)[0] == 200)
s.close()

# --- requests checked after decryption (the gate cannot read them) ------------------------------
for name, data, want in [
        ("HTTP/1.1 without Host", "GET /api/v1/catalog HTTP/1.1\r\n\r\n", 400),
        ("two Content-Lengths", "POST /api/v1/checkins HTTP/1.1\r\n" + HOST + "Content-Type: application/json\r\n"
         "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400),
        ("a foreign Host", "GET /today HTTP/1.1\r\nHost: evil.example\r\n\r\n", 421)]:
    s = tls_connect()
    s.sendall(data.encode())
    st, h, b, rest = read_reply(s)
    s.close()
    check("over HTTPS, %s: %d of ours (nosniff, one reply)" % (name, want),
          st == want and h.get("x-content-type-options") == ["nosniff"] and b"HTTP/1.1" not in b + rest,
          (st, h, b[:200]))

# --- the header deadline holds with TLS (slowloris) -----------------------------------------------


def closed_within(s, limit):
    """Seconds until the server closes s (None if it did not within limit)."""
    t0 = time.time()
    s.settimeout(0.5)
    while time.time() - t0 < limit:
        try:
            if s.recv(65536) == b"":
                return time.time() - t0
        except (socket.timeout, ssl.SSLWantReadError):
            continue
        except (OSError, ssl.SSLError):
            return time.time() - t0
    return None


silent = socket.create_connection(("127.0.0.1", port))
t_silent = closed_within(silent, 10)
silent.close()
check("a connection that sends nothing is closed by the header deadline (%s s)" % t_silent,
      t_silent is not None and 3 < t_silent < 6.5, t_silent)
half = socket.create_connection(("127.0.0.1", port))
half.sendall(b"\x16\x03\x01")  # the start of a handshake record, then nothing
t_half = closed_within(half, 10)
half.close()
check("a handshake started and never finished is closed by the deadline (%s s)" % t_half,
      t_half is not None and 3 < t_half < 6.5, t_half)
slow = tls_connect()
t0 = time.time()
slow.sendall(b"GET /today HTTP/1.1\r\n")
gone = None
while time.time() - t0 < 10:
    try:
        slow.sendall(b"X")  # a byte every half second: an idle timeout would never fire
    except (OSError, ssl.SSLError):
        gone = time.time() - t0
        break
    slow.settimeout(0.5)
    try:
        if slow.recv(65536) == b"":
            gone = time.time() - t0
            break
    except (socket.timeout, ssl.SSLWantReadError):
        pass
    except (OSError, ssl.SSLError):
        gone = time.time() - t0
        break
slow.close()
check("a TLS client trickling its head a byte at a time is closed by the header deadline (%s s)" % gone,
      gone is not None and gone < 6.5, gone)

proc.send_signal(signal.SIGTERM)
try:
    code = proc.wait(timeout=20)
except subprocess.TimeoutExpired:
    proc.kill()
    code = proc.wait()
err.seek(0)
log = err.read()
check("the HTTPS server stops cleanly", code == 0, (code, log[-500:]))
check("no sanitizer report", "Sanitizer" not in log and "runtime error" not in log, log[-1500:])

# --- wrong files: named, with what is wrong -----------------------------------------------------
junk = os.path.join(tmp, "junk.pem")
with open(junk, "w") as f:
    f.write("not a certificate\n")
enc = os.path.join(tmp, "enc.key")
openssl("pkey", "-in", key, "-aes256", "-passout", "pass:secret", "-out", enc)
missing = os.path.join(tmp, "missing.pem")
for name, c_, k_, words in [
        ("a certificate file that is not there", missing, key, [missing, "--tls-cert", "No such file"]),
        ("a key file that is not there", cert, missing, [missing, "--tls-key", "No such file"]),
        ("a certificate file that is no certificate", junk, key, [junk, "--tls-cert", "not a certificate"]),
        ("a key file that is no key", cert, junk, [junk, "--tls-key", "not a private key"]),
        ("the key of another certificate", cert, other_key, [other_key, cert, "not the key of the certificate"]),
        ("a key under a passphrase", cert, enc, [enc, "passphrase"]),
        ("certificate and key swapped", key, cert, [key, "--tls-cert", "not a certificate"])]:
    out = run("serve", "--listen", "127.0.0.1:0", "--tls-cert", c_, "--tls-key", k_)
    check("%s: refused, naming the file and what is wrong" % name,
          out.returncode == 1 and all(w in out.stderr for w in words) and "serving" not in out.stdout,
          (out.returncode, out.stderr))
out = run("serve", "--listen", "127.0.0.1:0", "--tls-cert", cert)
check("--tls-cert without --tls-key: a usage error", out.returncode == 2 and "--tls-key" in out.stderr,
      (out.returncode, out.stderr))
# An expired certificate (openssl 3.0's req cannot date one in the past: Python's
# cryptography can, where it is installed).
try:
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
except ImportError:
    x509 = None
if x509 is not None:
    k = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    old = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(k.public_key())
           .serial_number(1).not_valid_before(datetime.datetime(2020, 1, 1))
           .not_valid_after(datetime.datetime(2020, 2, 1)).sign(k, hashes.SHA256()))
    expired_cert, expired_key = os.path.join(tmp, "old.crt"), os.path.join(tmp, "old.key")
    with open(expired_cert, "wb") as f:
        f.write(old.public_bytes(serialization.Encoding.PEM))
    with open(expired_key, "wb") as f:
        f.write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()))
    os.chmod(expired_key, 0o600)
    out = run("serve", "--listen", "127.0.0.1:0", "--tls-cert", expired_cert, "--tls-key", expired_key)
    check("an expired certificate: refused, saying when it expired",
          out.returncode == 1 and expired_cert in out.stderr and "expired on 2020-02-01" in out.stderr, out.stderr)
else:
    print("skip an expired certificate (no Python cryptography here)")

# --- --allow-remote: refused without TLS and without accounts -----------------------------------
out = run("serve", "--listen", "0.0.0.0:0", "--allow-remote")
check("--allow-remote without TLS and without accounts: refused, saying why",
      out.returncode != 0 and "serving" not in out.stdout and "--allow-remote" in out.stderr
      and "HTTPS" in out.stderr and "account" in out.stderr and "postura user add" in out.stderr,
      (out.returncode, out.stderr))


def serves(args, wait=10):
    """Starts serve with args; (the first line it printed, its standard error)."""
    p = subprocess.Popen([postura, "--db", db, "serve"] + args, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, text=True)
    first = p.stdout.readline()
    p.send_signal(signal.SIGTERM)
    try:
        _, e = p.communicate(timeout=wait)
    except subprocess.TimeoutExpired:
        p.kill()
        _, e = p.communicate()
    return first, e


first, e = serves(["--listen", "0.0.0.0:0", "--allow-remote", "--tls-cert", cert, "--tls-key", key])
check("--allow-remote with TLS (no accounts yet): served over HTTPS, with a warning that anyone can "
      "read the records", first.startswith("postura: serving on https://0.0.0.0:") and "warning" in e
      and "account" in e, (first, e))

# With an account in the database (as `postura user add` makes one), --allow-remote
# without TLS starts, warning that what it serves crosses the network readable.
import sqlite3  # noqa: E402
con = sqlite3.connect(db)
con.execute("INSERT INTO account (email, name, role, created_epoch) VALUES ('admin@example.org', 'Admin', "
            "'admin', 1763456400)")
con.commit()
con.close()
first, e = serves(["--listen", "0.0.0.0:0", "--allow-remote"])
check("--allow-remote with accounts, without TLS: served, warning that passwords and records cross the "
      "network readable", first.startswith("postura: serving on http://0.0.0.0:") and "plain HTTP" in e
      and "readable" in e, (first, e))
first, e = serves(["--listen", "0.0.0.0:0", "--allow-remote", "--tls-cert", cert, "--tls-key", key])
check("--allow-remote with accounts and TLS: served, no warning",
      first.startswith("postura: serving on https://0.0.0.0:") and "warning" not in e, (first, e))

shutil.rmtree(tmp, ignore_errors=True)
finish()
