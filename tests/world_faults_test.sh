#!/usr/bin/env bash
# Faults of the calibrated world (issue 6): generate a small world with
# --faults, ingest it, and check that every injected fault is reported in
# the rejects log and that every good record is in the store.
# Usage: world_faults_test.sh PATH/TO/stcluster PATH/TO/stc_world_check
set -u
BIN="$1"
CHECK="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
gaz="${STC_GAZETTEER:-$HERE/../third_party_data/gazetteer/cities500.stcgaz}"
if [ ! -f "$gaz" ]; then
  echo "SKIP: no gazetteer index at $gaz (run scripts/setup)"
  exit 77
fi
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected $2, got $3"; fail=1; else echo "ok: $1"; fi
}

"$BIN" generate --world gii2023 --scale 0.004 --seed 5 --faults 0.02 --out "$T/w" >/dev/null 2>"$T/gen.log"
check "generate with faults" 0 $?
# Deterministic: the same options write the same bytes.
"$BIN" generate --world gii2023 --scale 0.004 --seed 5 --faults 0.02 --out "$T/w2" >/dev/null 2>&1
(cd "$T/w" && find . -type f | sort | xargs sha256sum) > "$T/a.sum"
(cd "$T/w2" && find . -type f | sort | xargs sha256sum) > "$T/b.sum"
cmp -s "$T/a.sum" "$T/b.sum"; check "deterministic for a seed" 0 $?
for kind in malformed_line bad_coordinates unknown_place truncated_file; do
  grep -q "\"kind\":\"$kind\"" "$T/w/world/faults.jsonl"; check "manifest lists $kind" 0 $?
done
"$BIN" ingest --db "$T/db" --quiet --max-reject-rate 0.5 "$T/w/data" 2>"$T/ingest.log"
# Exit 1: the truncated files are failed files (their records before the cut land).
check "ingest reports the truncated files" 1 $?
grep -q "truncated_stream" "$T/ingest.log"; check "summary names truncated_stream" 0 $?
# Unknown places are kept, unlocated: one unresolved address each.
unknown=$(grep -c '"kind":"unknown_place"' "$T/w/world/faults.jsonl")
unresolved=$(awk '/geocoding unresolved:/{print $3}' "$T/ingest.log")
check "every unknown place unresolved" "$unknown" "${unresolved:-0}"
pct=$("$BIN" stats --db "$T/db" | awk '/^pct: /{print $2}')
art=$("$BIN" stats --db "$T/db" | awk '/^article: /{print $2}')
"$CHECK" --world "$T/w/world" --rejects "$T/db/rejects.jsonl" --stored-pct "$pct" \
  --stored-articles "$art"
check "every fault reported, no good record lost" 0 $?
exit $fail
