#!/usr/bin/env python3
"""Prints one closing line for every test run by meson in the given build directories:
'N passed, N failed' (skips follow when there are any). Exits 1 when any test failed."""
import json
import os
import sys

passed = failed = skipped = 0
for build in sys.argv[1:]:
    path = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(path):
        print(f"test-summary: no test log in {build}", file=sys.stderr)
        failed += 1
        continue
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            res = r.get("result")
            if res in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif res == "SKIP":
                skipped += 1
            else:
                failed += 1
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
