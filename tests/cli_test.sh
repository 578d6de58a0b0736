#!/usr/bin/env bash
# End-to-end test of the stcluster executable: exit codes, summary, export.
# Usage: cli_test.sh PATH/TO/stcluster
set -u
BIN="$1"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected $2, got $3"; fail=1; else echo "ok: $1"; fi
}

"$BIN" generate --records 3000 --seed 5 --out "$T/dump" >/dev/null 2>&1
check "generate exit" 0 $?
"$BIN" ingest --db "$T/db" --quiet --stats-json "$T/s.json" "$T/dump" 2>"$T/err"
check "clean ingest exit" 0 $?
grep -q '"records_new":3000' "$T/s.json"; check "stats json new" 0 $?
grep -q "^records: " "$T/err"; check "summary on stderr" 0 $?

"$BIN" export --db "$T/db" --format csv > "$T/a.csv"; check "export exit" 0 $?
head -1 "$T/a.csv" | grep -q '^kind,source,year,lat,lon,country,field,units$'; check "csv header" 0 $?
"$BIN" export --db "$T/db" --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["cells"] and d["totals"]'
check "json export parses" 0 $?

printf '{"application_number":"PCT/JP2021/1","publication_date":"bad","inventors":[{"name":"A"}]}\n' > "$T/bad.jsonl"
"$BIN" ingest --db "$T/db" --quiet "$T/bad.jsonl" 2>/dev/null
check "rejected -> exit 1" 1 $?
grep -q '"reason":"bad_date"' "$T/db/rejects.jsonl"; check "rejects log" 0 $?

"$BIN" ingest --db "$T/db" --quiet "$T/missing.jsonl" 2>/dev/null
check "missing input -> exit 3" 3 $?
"$BIN" ingest --db "$T/db" --bogus-flag x 2>/dev/null
check "bad flag -> exit 2" 2 $?
"$BIN" ingest --db "$T/db2" --grid-deg 0.007 "$T/bad.jsonl" 2>/dev/null
check "bad grid -> exit 2" 2 $?
"$BIN" export --db "$T/nostore" 2>/dev/null
check "no store -> exit 4" 4 $?
"$BIN" ingest --db "$T/db" --format nope "$T/bad.jsonl" 2>/dev/null
check "unknown format -> exit 2" 2 $?

"$BIN" ingest --db "$T/db" --quiet "$T/dump" 2>"$T/err2"
check "re-ingest exit" 0 $?
grep -q "= 0 new + 0 updated" "$T/err2"; check "re-ingest changes nothing" 0 $?
"$BIN" export --db "$T/db" --format csv > "$T/b.csv"
cmp -s "$T/a.csv" "$T/b.csv"; check "export unchanged after re-ingest" 0 $?
"$BIN" --help | grep -q ingest; check "help lists commands" 0 $?

# Rejects under --max-reject-rate do not fail the run; above it they do.
printf '%s\n%s\n' '{"application_number":"PCT/JP2021/9","publication_date":"2021-01-01","inventors":[{"name":"A"}]}' \
  '{"application_number":"PCT/JP2021/8","publication_date":"bad","inventors":[{"name":"A"}]}' > "$T/half.jsonl"
"$BIN" ingest --db "$T/db3" --quiet --max-reject-rate 0.5 "$T/half.jsonl" 2>/dev/null
check "rejects within --max-reject-rate -> exit 0" 0 $?
"$BIN" ingest --db "$T/db4" --quiet --max-reject-rate 0.4 "$T/half.jsonl" 2>/dev/null
check "rejects above --max-reject-rate -> exit 1" 1 $?
# Unchanged files are skipped; --force reads them again.
"$BIN" ingest --db "$T/db3" --quiet "$T/half.jsonl" 2>"$T/err3"
grep -q "1 skipped: unchanged" "$T/err3"; check "unchanged file skipped" 0 $?
"$BIN" ingest --db "$T/db3" --quiet --force --max-reject-rate 1 "$T/half.jsonl" 2>"$T/err4"
grep -q "^records:   2 read" "$T/err4"; check "--force re-reads" 0 $?
"$BIN" ingest --db "$T/db3" --quiet --replace pct:21 "$T/half.jsonl" 2>/dev/null
check "bad --replace -> exit 2" 2 $?
exit $fail
