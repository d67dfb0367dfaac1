"""The checks of the HTTP tests, shared: one line per check ('ok   NAME' or 'FAIL NAME:
DETAIL'), then 'N passed, N failed' from finish(), which exits 1 on any failure."""
import http.client
import json
import sys

passed = failed = 0
detail_max = None  # a test may cut long details (whole pages) to this many characters


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
