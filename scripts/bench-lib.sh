# Shared by scripts/bench, scripts/bench-ab and scripts/bench-formats (sourced,
# not run). Each function takes the calling script's name for its messages.

# need_time NAME: installs the Debian `time` package (/usr/bin/time: wall and
# CPU seconds, peak RSS) when it is missing.
need_time() {
  [ -x /usr/bin/time ] && return 0
  echo "$1: installing the Debian 'time' package (peak RSS)" >&2
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -q time >/dev/null
}

# allocator BIN: the malloc BIN runs on (docs/performance.md, "Memory allocator").
allocator() {
  local libs
  libs=$(ldd "$1" 2>/dev/null) || { echo "an unknown allocator"; return; }
  grep -q tcmalloc <<<"$libs" && echo tcmalloc-minimal || echo "glibc's malloc"
}

# build_kind BUILD: how the build folder BUILD was configured, from its
# CMake cache: the build type, and the optimised build's profiles and
# link-time optimisation when on (scripts/build-pgo).
build_kind() {
  local cache="$1/CMakeCache.txt" type pgo lto
  [ -f "$cache" ] || { echo "an unknown build"; return; }
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$cache")
  pgo=$(sed -n 's/^STC_PGO:[A-Z]*=//p' "$cache")
  lto=$(sed -n 's/^STC_LTO:[A-Z]*=//p' "$cache")
  local kind="${type:-no build type}"
  [ -n "$pgo" ] && [ "$pgo" != OFF ] && kind="$kind, profiles $pgo"
  [ "$lto" = ON ] && kind="$kind, LTO"
  echo "$kind"
}

# bench_workload NAME BUILD SCRATCH SIZE FILES: prints the folder of the
# pct-jsonl workload of SIZE records in FILES files (bench/make_workload.cc),
# generated into SCRATCH on first use (cached per size and file count; the
# generator is built in BUILD when missing).
bench_workload() {
  local name="$1" build="$2" scratch="$3" size="$4" files="$5"
  local wl="$scratch/workload-$size-$files"
  if [ ! -f "$wl/.done" ]; then
    if [ ! -x "$build/bench/stc_bench_workload" ]; then
      if [ ! -f "$build/build.ninja" ]; then
        cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTC_BUILD_BENCH=ON >/dev/null
      fi
      cmake --build "$build" --target stc_bench_workload >/dev/null
    fi
    rm -rf "$wl"
    echo "$name: generating $size records into $wl" >&2
    "$build/bench/stc_bench_workload" --records "$size" --files "$files" --out "$wl" >/dev/null
    touch "$wl/.done"
  fi
  echo "$wl"
}
