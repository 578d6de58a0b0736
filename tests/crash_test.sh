#!/usr/bin/env bash
# Crash safety: `stcluster ingest` is killed with SIGKILL at random moments
# (at least 20 kill points across a multi-file ingest, one on a 0.1-degree
# grid whose first load defers its cells, a later ingest whose fold rewrites
# the stored aggregates, and during a replace),
# restarted, and the final export must be byte-identical to an uninterrupted
# run. Kill delays are drawn from the measured length of uninterrupted runs,
# so kills land inside running processes on fast and slow machines alike;
# rounds continue until KILLS kills have landed and one of them left a first
# load marked for a rebuild (capped at 4x KILLS rounds).
# Usage: crash_test.sh PATH/TO/stcluster [KILLS]
set -u
BIN="$1"
KILLS="${2:-24}"
NEED=20
[ "$KILLS" -lt "$NEED" ] && NEED="$KILLS"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail=0
# Small flush budget: many atomic writes per run, so kills land between and
# inside them.
ING=(ingest --quiet --no-geocode --threads 2 --flush-mb 1)

"$BIN" generate --records 40000 --seed 11 --files 4 --out "$T/dump" >/dev/null 2>&1 || exit 1
# A nightly dump onto it: new, updated and unchanged records, enough cells
# (more than 50,000) that its fold rewrites the stored aggregates whole.
"$BIN" generate --records 60000 --seed 12 --files 1 --out "$T/nightly" >/dev/null 2>&1 || exit 1
# A correction of pct:2019: the 2019 records of the first PCT file, some moved.
zstd -dcq "$T"/dump/pct-000.jsonl.zst | grep '"publication_date":"2019' |
  sed -n '1~2p' | sed 's/"lat":3/"lat":4/' > "$T/fix-2019.jsonl"

t0=$(now_ms)
"$BIN" "${ING[@]}" --db "$T/ref" "$T/dump" 2>/dev/null
INGEST_MS=$(($(now_ms) - t0))
"$BIN" export --db "$T/ref" > "$T/ref.csv" || exit 1
t0=$(now_ms)
"$BIN" "${ING[@]}" --db "$T/ref" --replace pct:2019 "$T/fix-2019.jsonl" 2>/dev/null
REPLACE_MS=$(($(now_ms) - t0))
echo "uninterrupted: ingest ${INGEST_MS} ms, replace ${REPLACE_MS} ms"
"$BIN" export --db "$T/ref" > "$T/ref-replaced.csv" || exit 1
cmp -s "$T/ref.csv" "$T/ref-replaced.csv" && { echo "FAIL: the replace changed nothing"; exit 1; }
# The same load on a 0.1-degree grid, where cells repeat from flush to flush:
# the load keeps its cells in memory until its end (pipeline/write_stage.h),
# the store marked meanwhile, and a killed one is rebuilt by the next run.
COARSE=(--grid-deg 0.1)
t0=$(now_ms)
"$BIN" "${ING[@]}" "${COARSE[@]}" --db "$T/ref-coarse" "$T/dump" 2>/dev/null
COARSE_MS=$(($(now_ms) - t0))
"$BIN" export --db "$T/ref-coarse" > "$T/ref-coarse.csv" || exit 1
echo "uninterrupted on the 0.1-degree grid: ingest ${COARSE_MS} ms"
"$BIN" "${ING[@]}" --db "$T/ref-nightly" "$T/dump" 2>/dev/null
t0=$(now_ms)
"$BIN" "${ING[@]}" --db "$T/ref-nightly" "$T/nightly" 2>/dev/null
NIGHTLY_MS=$(($(now_ms) - t0))
"$BIN" export --db "$T/ref-nightly" > "$T/ref-nightly.csv" || exit 1
echo "uninterrupted nightly ingest onto the dump: ${NIGHTLY_MS} ms"

# Runs `stcluster ARGS` in the background and kills it after a random delay
# between 5% and 95% of SPAN_MS (the uninterrupted run's length); returns
# whether it was killed before finishing.
SPAN_MS=1000
kill_run() {
  "$BIN" "$@" 2>/dev/null &
  local pid=$!
  local ms=$((SPAN_MS / 20 + RANDOM % (SPAN_MS * 9 / 10 + 1)))
  sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null; return 0; fi
  wait "$pid" 2>/dev/null
  return 1
}

killed=0
marked=0
rounds=0
i=0
# Until KILLS kills have landed and at least one left a first load marked
# (a kill lands there in about a third of those rounds), capped.
while { [ "$killed" -lt "$KILLS" ] || [ "$marked" -lt 1 ]; } && [ "$i" -lt $((KILLS * 4)) ]; do
  i=$((i + 1))
  rounds=$i
  rm -rf "$T/db"
  if [ $((i % 4)) -eq 3 ]; then
    SPAN_MS=$NIGHTLY_MS
    # Kill a nightly ingest (its fold rewrites the aggregates), then re-run it.
    "$BIN" "${ING[@]}" --db "$T/db" "$T/dump" 2>/dev/null
    kill_run "${ING[@]}" --db "$T/db" "$T/nightly" && killed=$((killed + 1))
    "$BIN" "${ING[@]}" --db "$T/db" "$T/nightly" 2>/dev/null
    want="$T/ref-nightly.csv"
  elif [ $((i % 4)) -eq 0 ]; then
    SPAN_MS=$REPLACE_MS
    # Kill during a replace: ingest, then an interrupted replace, then re-run it.
    "$BIN" "${ING[@]}" --db "$T/db" "$T/dump" 2>/dev/null
    kill_run "${ING[@]}" --db "$T/db" --replace pct:2019 "$T/fix-2019.jsonl" && killed=$((killed + 1))
    "$BIN" "${ING[@]}" --db "$T/db" --replace pct:2019 "$T/fix-2019.jsonl" 2>/dev/null
    want="$T/ref-replaced.csv"
  elif [ $((i % 4)) -eq 1 ]; then
    SPAN_MS=$COARSE_MS
    # Kill a fresh load that defers its cells (twice), then let it finish.
    kill_run "${ING[@]}" "${COARSE[@]}" --db "$T/db" "$T/dump" && killed=$((killed + 1))
    # Killed between its first flush and its end, it leaves the store marked
    # (readers refuse); the next run rebuilds the aggregates from the records.
    if ! "$BIN" stats --db "$T/db" >/dev/null 2>"$T/stats.err" &&
      grep -q 'aggregates are incomplete' "$T/stats.err"; then
      marked=$((marked + 1))
    fi
    kill_run "${ING[@]}" "${COARSE[@]}" --db "$T/db" "$T/dump" && killed=$((killed + 1))
    "$BIN" "${ING[@]}" "${COARSE[@]}" --db "$T/db" "$T/dump" 2>/dev/null
    want="$T/ref-coarse.csv"
  else
    SPAN_MS=$INGEST_MS
    # Kill a fresh multi-file ingest (twice), then let it finish.
    kill_run "${ING[@]}" --db "$T/db" "$T/dump" && killed=$((killed + 1))
    kill_run "${ING[@]}" --db "$T/db" "$T/dump" && killed=$((killed + 1))
    "$BIN" "${ING[@]}" --db "$T/db" "$T/dump" 2>/dev/null
    want="$T/ref.csv"
  fi
  "$BIN" export --db "$T/db" > "$T/got.csv"
  if ! cmp -s "$want" "$T/got.csv"; then
    echo "FAIL: run $i: export differs from the uninterrupted run"
    diff "$want" "$T/got.csv" | head -5
    fail=1
  fi
done
echo "kill points that hit a running ingest: $killed in $rounds rounds"
echo "killed first loads that left their deferred cells to rebuild: $marked"
if [ "$marked" -lt 1 ]; then
  echo "FAIL: no kill left a first load's cells deferred (the rebuild was not exercised)"
  fail=1
fi
if [ "$killed" -lt "$NEED" ]; then
  echo "FAIL: only $killed kills hit a running process (need $NEED)"
  fail=1
fi
[ $fail -eq 0 ] && echo "crash test: $rounds rounds passed"
exit $fail
