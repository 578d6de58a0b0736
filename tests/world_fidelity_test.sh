#!/usr/bin/env bash
# Fidelity of the calibrated GII 2023 world end to end (issue 6): generate at
# a small scale, ingest, delineate, rank with gii2023, compare with the
# published table (scripts/fidelity, stc_world_check).
# Usage: world_fidelity_test.sh PATH/TO/stcluster PATH/TO/stc_world_check
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
export STCLUSTER="$1" STC_WORLD_CHECK="$2"
gaz="${STC_GAZETTEER:-$HERE/../third_party_data/gazetteer/cities500.stcgaz}"
if [ ! -f "$gaz" ]; then
  echo "SKIP: no gazetteer index at $gaz (run scripts/setup)"
  exit 77
fi
"$HERE/../scripts/fidelity" --scale "${STC_WORLD_SCALE:-0.02}" --seed 3
