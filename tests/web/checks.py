"""The checks of the HTTP tests, shared: one line per check ('ok   NAME' or 'FAIL NAME:
DETAIL'), then 'N passed, N failed' from finish(), which exits 1 on any failure."""
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
