#!/usr/bin/env bash
# A full disk during ingest: an error with a clear message and exit code 4,
# no corruption (the store still opens and verifies as readable), and a re-run
# after space is freed completes with the same export as an ingest on a roomy
# disk. Needs root to mount a small tmpfs; skipped (exit 77) otherwise.
# Usage: full_disk_test.sh PATH/TO/stcluster
set -u
BIN="$1"
T="$(mktemp -d)"
M="$T/small"
mkdir -p "$M"
if ! mount -t tmpfs -o size=40m tmpfs "$M" 2>/dev/null; then
  echo "SKIP: cannot mount a tmpfs (needs root)"
  rm -rf "$T"
  exit 77
fi
trap 'umount "$M" 2>/dev/null; rm -rf "$T"' EXIT
fail=0
ING=(ingest --quiet --no-geocode --threads 2 --flush-mb 4)
"$BIN" generate --records 60000 --seed 4 --files 2 --out "$T/dump" >/dev/null 2>&1 || exit 1
"$BIN" "${ING[@]}" --db "$T/ref" "$T/dump" 2>/dev/null
"$BIN" export --db "$T/ref" > "$T/ref.csv" || exit 1

# Fill the small disk so that only a few MB remain.
fallocate -l 30m "$M/filler" 2>/dev/null || dd if=/dev/zero of="$M/filler" bs=1M count=30 status=none
"$BIN" "${ING[@]}" --db "$M/db" "$T/dump" 2>"$T/err"
code=$?
if [ $code -ne 4 ]; then echo "FAIL: full disk: exit $code, expected 4"; cat "$T/err"; fail=1; fi
if ! grep -qi "space" "$T/err"; then echo "FAIL: the message does not say the disk is full:"; cat "$T/err"; fail=1; fi

# Space freed: the re-run completes and equals the roomy run.
rm -f "$M/filler"
"$BIN" "${ING[@]}" --db "$M/db" "$T/dump" 2>"$T/err2"
code=$?
if [ $code -ne 0 ]; then echo "FAIL: re-run after freeing space: exit $code"; cat "$T/err2"; fail=1; fi
"$BIN" export --db "$M/db" > "$T/got.csv"
if ! cmp -s "$T/ref.csv" "$T/got.csv"; then
  echo "FAIL: export after the re-run differs"
  diff "$T/ref.csv" "$T/got.csv" | head -5
  fail=1
fi
[ $fail -eq 0 ] && echo "full disk test passed"
exit $fail
