#!/usr/bin/env bash
# End-to-end test of the stcluster executable: exit codes, summary, export.
# Usage: cli_test.sh PATH/TO/stcluster PATH/TO/stc_tamper_store
set -u
BIN="$1"
TAMPER="$2"
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
"$BIN" stats --db "$T/db" --json | grep -q '"record_compression":"none"'; check "records plain by default" 0 $?
# --compress-records: fixed at creation, the same cells either way.
"$BIN" ingest --db "$T/dbz" --quiet --compress-records "$T/dump" 2>/dev/null; check "compressed ingest exit" 0 $?
"$BIN" ingest --db "$T/dbz" --quiet --force "$T/dump" 2>/dev/null; check "compressed re-read exit" 0 $?
"$BIN" stats --db "$T/dbz" --json | grep -q '"record_compression":"lz4"'; check "records compressed" 0 $?
"$BIN" stats --db "$T/dbz" | grep -q '^records stored: LZ4-compressed$'; check "stats shows compression" 0 $?
cmp -s <("$BIN" export --db "$T/db" --format csv) <("$BIN" export --db "$T/dbz" --format csv)
check "same cells compressed or not" 0 $?

"$BIN" export --db "$T/db" --format csv > "$T/a.csv"; check "export exit" 0 $?
head -1 "$T/a.csv" | grep -q '^kind,source,year,lat,lon,country,field,units$'; check "csv header" 0 $?
# stats counts the non-empty cells (aggregate rows) the export writes.
"$BIN" stats --db "$T/db" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cells"]["pct"])' > "$T/n_cells"
check "stats cells = export cell rows" "$(grep -c '^cell,pct,' "$T/a.csv")" "$(cat "$T/n_cells")"
# "-o -" is standard output (as with no -o), never a file named "-".
(cd "$T" && "$BIN" export --db "$T/db" --format csv -o - > "$T/dash.csv"); check "export -o - exit" 0 $?
cmp -s "$T/a.csv" "$T/dash.csv"; check "export -o - writes stdout" 0 $?
[ ! -e "$T/-" ]; check "export -o - makes no file '-'" 0 $?
"$BIN" export --db "$T/db" --format csv -o "$T/o.csv"; cmp -s "$T/a.csv" "$T/o.csv"; check "export -o FILE" 0 $?
"$BIN" export --db "$T/db" -o "$T/nodir/x.csv" 2>"$T/err"; check "export -o unwritable -> exit 3" 3 $?
# Over an existing longer file (truncated), and a failed write reported with the system's reason.
head -c 3000000 /dev/urandom > "$T/o.csv"
"$BIN" export --db "$T/db" --format csv -o "$T/o.csv"; cmp -s "$T/a.csv" "$T/o.csv"; check "export -o over a longer file" 0 $?
"$BIN" export --db "$T/db" --format csv --direct-output -o "$T/c.csv"; cmp -s "$T/a.csv" "$T/c.csv"; check "export --direct-output -o FILE" 0 $?
"$BIN" export --db "$T/db" --direct-output > /dev/null 2>"$T/err"; check "export --direct-output to stdout -> usage" 2 $?
grep -q -- '--direct-output applies to -o FILE' "$T/err"; check "export --direct-output to stdout says why" 0 $?
if [ -w /dev/full ]; then
  "$BIN" export --db "$T/db" -o /dev/full 2>"$T/err"; check "export -o /dev/full -> exit 3" 3 $?
  grep -q '/dev/full: write failed: No space left on device' "$T/err"; check "export -o /dev/full says why" 0 $?
fi
(cd "$T" && "$BIN" ingest --db "$T/db" --quiet --force --stats-json - "$T/dump" 2>/dev/null) |
  python3 -c 'import json,sys; d=json.load(sys.stdin); first=json.load(open(sys.argv[1]))
assert d["records_read"] == first["records_read"] and d["records_new"] == 0' "$T/s.json"
check "stats json to stdout" 0 $?
[ ! -e "$T/-" ]; check "--stats-json - makes no file '-'" 0 $?
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

# verify: consistent store -> 0; a stored cluster map off the store's grid -> 6.
"$BIN" verify --db "$T/db" > "$T/v.txt"; check "verify exit" 0 $?
grep -q "^result: *consistent" "$T/v.txt"; check "verify says consistent" 0 $?
"$BIN" verify --db "$T/db" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["ok"] and d["records"]>0 and d["passes"]>=1 and d["aggregates_stored"]==d["aggregates_recomputed"]'
check "verify json" 0 $?

# backup: an equal store; an existing destination refused; a held writer lock refused.
"$BIN" backup --db "$T/db" --to "$T/bk/one" 2>/dev/null; check "backup exit" 0 $?
"$BIN" export --db "$T/bk/one" --format csv > "$T/bk.csv"
cmp -s "$T/b.csv" "$T/bk.csv"; check "backup exports the same" 0 $?
cmp -s "$T/db/rejects.jsonl" "$T/bk/one/rejects.jsonl"; check "backup copies the rejects log" 0 $?
"$BIN" backup --db "$T/db" --to "$T/bk/one" 2>/dev/null; check "backup to an existing dir -> 3" 3 $?
flock "$T/db/WRITER.lock" "$BIN" backup --db "$T/db" --to "$T/bk/two" 2>"$T/err3"
check "backup during a write -> 4" 4 $?
grep -q "being written by another process (pid" "$T/err3"; check "backup names the writer" 0 $?
"$BIN" verify --db "$T/bk/one" >/dev/null; check "backup verifies" 0 $?
# One aggregate off by 7 units (stc_tamper_store writes it through the store
# library): verify must report the difference and exit 6.
"$TAMPER" "$T/bk/one"; check "tamper" 0 $?
"$BIN" verify --db "$T/bk/one" > "$T/v2.txt" 2>/dev/null; check "inconsistent -> exit 6" 6 $?
grep -q "units: stored" "$T/v2.txt"; check "verify names the difference" 0 $?

# rejects: per reason, per run, JSON; a malformed log line is reported, not fatal.
"$BIN" rejects --db "$T/db" > "$T/r.txt"; check "rejects exit" 0 $?
grep -q "bad_date" "$T/r.txt"; check "rejects by reason" 0 $?
"$BIN" rejects --db "$T/db" --last --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["reasons"]["bad_date"]==1 and d["entries"]==1 and len(d["runs"])==1 and d["examples"][0]["line"]==1, d'
check "rejects --last json" 0 $?
printf '{"run":"R9","file":"x.jsonl","offset":7,"line":3,"reason":"bad_year","detail":"d","prefix":"p"}\n{"run":\n' >> "$T/bk/one/rejects.jsonl"
"$BIN" rejects --db "$T/bk/one" --json > "$T/r.json"; check "malformed log line not fatal" 0 $?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["malformed"]==1 and d["malformed_lines"][0]["line"]==3 and len(d["runs"])==2 and d["entries"]==2, d' "$T/r.json"
check "rejects counts runs and malformed lines" 0 $?
"$BIN" rejects --db "$T/bk/one" --run R9 | grep -q "x.jsonl:3 offset 7 bad_year: d"; check "rejects --run example" 0 $?
"$BIN" rejects --db "$T/nostore" 2>/dev/null; check "rejects without store -> 4" 4 $?
exit $fail
