#!/usr/bin/env python3
"""Summarise meson testlog.json files: skips with their reasons, failures,
and the one line 'N passed, N failed[, N skipped]'. Exit 1 on any failure.
usage: test-summary.py BUILD_FAILURES SECONDS testlog.json..."""
import json
import sys

build_failures = int(sys.argv[1])
seconds = int(sys.argv[2])
passed = failed = skipped = 0
for path in sys.argv[3:]:
    build = path.split('/')[0]
    try:
        lines = open(path, encoding='utf-8', errors='replace').read().splitlines()
    except OSError:
        print(f"test: no results in {path}")
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        r = t.get('result')
        name = f"{build}: {t.get('name')}"
        if r in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif r == 'SKIP':
            skipped += 1
            out = t.get('stdout') or ''
            why = [l for l in out.splitlines() if 'SKIP' in l]
            print(f"skipped {name}: {why[-1].strip() if why else '(no reason printed)'}")
        else:
            failed += 1
            print(f"FAILED {name}: {r}")
failed += build_failures
summary = f"{passed} passed, {failed} failed"
if skipped:
    summary += f", {skipped} skipped"
print(f"test: finished in {seconds // 60} min {seconds % 60} s")
print(summary)
sys.exit(1 if failed or passed == 0 else 0)
