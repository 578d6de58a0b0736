#!/usr/bin/env bash
# The optimised build's CMake options (STC_PGO, STC_PGO_DIR, STC_LTO; what
# scripts/build-pgo runs), on the two one-file programs of the benchmarks:
# an instrumented build writes profiles when its programs exit; the build
# that uses them (with link-time optimisation) compiles with both options and
# its programs give the same bytes (a workload) and the same floor checksum;
# a value of STC_PGO other than OFF/GENERATE/USE stops the configure.
# Usage: pgo_build_test.sh SOURCE_DIR
set -euo pipefail
SRC="$1"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
B="$T/build"
PROFILES="$T/profiles"
configure() {
  cmake -S "$SRC" -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTC_BUILD_TESTS=OFF \
    -DSTC_BUILD_BENCH=ON -DSTC_PGO_DIR="$PROFILES" "$@" >"$T/configure.log" 2>&1
}
build() { cmake --build "$B" --target stc_bench_workload stc_floor_reader >"$T/build.log" 2>&1; }
# flags_of FILE: the compile command of that source file.
flags_of() { grep -F "\"command\"" "$B/compile_commands.json" | grep -F "$1" || true; }
without_seconds() { sed 's/seconds [^ ]*//' "$1"; }

configure -DSTC_PGO=GENERATE -DSTC_LTO=OFF || { cat "$T/configure.log" >&2; fail "configure GENERATE"; }
build || { tail -20 "$T/build.log" >&2; fail "instrumented build"; }
flags_of make_workload.cc | grep -q -- '-fprofile-generate' || fail "no -fprofile-generate"
flags_of make_workload.cc | grep -q -- '-flto' && fail "-flto with STC_LTO=OFF"
"$B/bench/stc_bench_workload" --records 20000 --files 2 --out "$T/w1" >/dev/null
"$B/bench/stc_floor_reader" --threads 2 "$T"/w1/*.jsonl.zst >"$T/floor1"
ls "$PROFILES" | grep -q 'make_workload\.cc\.gcda$' || fail "no profile of make_workload.cc"
ls "$PROFILES" | grep -q 'floor_reader\.cc\.gcda$' || fail "no profile of floor_reader.cc"

configure -DSTC_PGO=USE -DSTC_LTO=ON || { cat "$T/configure.log" >&2; fail "configure USE"; }
build || { tail -20 "$T/build.log" >&2; fail "build with the profiles"; }
flags_of floor_reader.cc | grep -q -- '-fprofile-use' || fail "no -fprofile-use"
flags_of floor_reader.cc | grep -q -- '-flto' || fail "no -flto with STC_LTO=ON"
"$B/bench/stc_bench_workload" --records 20000 --files 2 --out "$T/w2" >/dev/null
"$B/bench/stc_floor_reader" --threads 2 "$T"/w2/*.jsonl.zst >"$T/floor2"
for f in "$T"/w1/*.jsonl.zst; do
  cmp -s "$f" "$T/w2/$(basename "$f")" || fail "the workload differs: $(basename "$f")"
done
[ "$(without_seconds "$T/floor1")" = "$(without_seconds "$T/floor2")" ] ||
  fail "the floor differs: $(cat "$T/floor1") / $(cat "$T/floor2")"
grep -q 'records 20000 ' "$T/floor2" || fail "floor: $(cat "$T/floor2")"

if configure -DSTC_PGO=maybe; then fail "STC_PGO=maybe accepted"; fi
grep -q "STC_PGO is OFF, GENERATE or USE, not 'maybe'" "$T/configure.log" ||
  fail "no clear message for a bad STC_PGO: $(tail -5 "$T/configure.log")"
echo "ok"
