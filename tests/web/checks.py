"""The checks of the HTTP tests, shared: one line per check ('ok   NAME' or 'FAIL NAME:
DETAIL'), then 'N passed, N failed' from finish(), which exits 1 on any failure."""
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
from urllib.parse import urlencode

passed = failed = 0
detail_max = None  # a test may cut long details (whole pages) to this many characters


def psql(sql, dbname=None):
    """Runs sql as the throw-away PostgreSQL cluster's admin (tests/pg/with-cluster.sh), on
    its test database or on dbname, another database of the cluster; the output, unaligned."""
    admin = os.environ["POSTURA_TEST_PG_ADMIN"]
    conn = admin if dbname is None else admin.replace("dbname=postura_test", "dbname=" + dbname)
    psql_bin = os.path.join(os.environ["POSTURA_TEST_PG_BIN"], "psql")
    out = subprocess.run([psql_bin, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", conn, "-c", sql],
                         capture_output=True, text=True)
    if out.returncode:
        print("FAIL psql: " + out.stderr)
    return out.stdout.strip()


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        text = str(detail)[:detail_max] if detail_max else str(detail)
        print("FAIL " + name + (": " + text if detail != "" else ""))
    sys.stdout.flush()


def finish():
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


def request(port, method, path, body=None, ctype=None, headers=None, timeout=20):
    """One request on its own connection to 127.0.0.1:port. A dict or list body goes as
    JSON (Content-Type ctype or application/json). Returns (status, headers with
    lower-case names, body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = dict(headers or {})
    if body is not None:
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        h.setdefault("Content-Type", ctype or "application/json")
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def jbody(data):
    """The JSON of a reply's body, None when it is not JSON."""
    try:
        return json.loads(data)
    except ValueError:
        return None


class Browser:
    """A browser of sorts for the tests with accounts: keeps its cookies (the session's
    and the CSRF nonce's) from reply to reply; tls: HTTPS, any certificate. req returns
    (status, headers with lower-case names and "set-cookie-all": every Set-Cookie, body
    bytes)."""

    timeout = 30

    def __init__(self, port, tls=False):
        self.port = port
        self.tls = tls
        self.cookies = {}

    def req(self, method, path, body=None, ctype=None, headers=None, cookies=True):
        if self.tls:
            c = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=self.timeout,
                                            context=ssl._create_unverified_context())
        else:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        h = dict(headers or {})
        if cookies and self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if body is not None:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            body = body.encode() if isinstance(body, str) else body
            h.setdefault("Content-Type", ctype or "application/json")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        raw = r.getheaders()
        c.close()
        setc = [v for k, v in raw if k.lower() == "set-cookie"]
        for sc in setc:
            name, _, rest = sc.partition("=")
            if re.search(r"Max-Age=0\b", sc):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = rest.split(";")[0]
        hd = {k.lower(): v for k, v in raw}
        hd["set-cookie-all"] = setc
        return r.status, hd, data

    def csrf(self, page):
        """The CSRF token of a form on page (fetched first, for the nonce cookie)."""
        s, h, d = self.req("GET", page)
        m = re.search(r'name="csrf" value="([^"]+)"', d.decode())
        return m.group(1) if m else ""

    def form(self, path, fields, page=None):
        """Posts fields (a dict, or (name, value) pairs) as a form, with the CSRF token of
        the form on page (path when None)."""
        f = list(fields.items()) if isinstance(fields, dict) else list(fields)
        f.append(("csrf", self.csrf(page or path)))
        return self.req("POST", path, urlencode(f), "application/x-www-form-urlencoded")
