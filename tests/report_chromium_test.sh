#!/usr/bin/env bash
# `stcluster report` rendered by headless Chromium: a generated store with
# clusters and noise locations, a cluster and an organisation named
# <script>alert(1)</script>; checks that the page renders without script or
# console errors, that the browser's DOM holds the expected numbers of
# circles, noise dots, bars and table rows (computed independently from the
# rank and export outputs), that the hostile names show as text, and that the
# error detection itself works (a page with a broken script must be caught).
# The screenshot is kept as report_chromium.png in the working directory (or
# $STC_REPORT_SHOT_DIR) to be looked at.
# Usage: report_chromium_test.sh PATH/TO/stcluster
# Exit 77 (skipped) only when chromium is missing and cannot be installed.
set -u
BIN="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
"$HERE/report_chromium_setup.sh"
rc=$?
[ $rc -eq 0 ] || exit $rc
CHROME="$(command -v chromium)"
SHOT_DIR="${STC_REPORT_SHOT_DIR:-$PWD}"
T="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected $2, got $3"; fail=1; else echo "ok: $1"; fi
}
XSS='<script>alert(1)</script>'

# A store: the synthetic dump plus 300 PCT applications of one applicant
# named $XSS, invented in Reykjavik (far from every generated place: its own
# cluster, whose top applicant that name is).
"$BIN" generate --records 20000 --seed 11 --out "$T/dump" >/dev/null 2>&1
python3 - "$T/dump/xss-pct.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(300):
        f.write(json.dumps({
            "application_number": "PCT/IS2021/%06d" % (900000 + i),
            "publication_number": "WO2021/%06d" % (900000 + i), "kind": "A1",
            "publication_date": "2021-05-05", "ipc": ["A61K 31/00"],
            "applicants": [{"name": "<script>alert(1)</script>", "country": "IS"}],
            "inventors": [{"name": "JONSSON Jon", "addresses": [{"text": "Reykjavik",
                "city": "Reykjavik", "country": "IS", "lat": 64.1466, "lon": -21.9426}]}]}) + "\n")
EOF
"$BIN" ingest --db "$T/db" --quiet "$T/dump" 2>/dev/null
check "ingest" 0 $?
# A 1% core threshold leaves some generated places outside every cluster.
"$BIN" delineate --db "$T/db" --min-weight 1% --out "$T/map.csv" 2>/dev/null
check "delineate" 0 $?
# Rename the Reykjavik cluster to $XSS (a pinned name in the map file).
xss_id=$(python3 - "$T/map.csv" "$T/map_xss.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
cell = [r for r in rows if r[0] == "cell" and abs(float(r[1]) - 64.15) < 0.02
        and abs(float(r[2]) + 21.94) < 0.02]
assert cell, "no cluster at Reykjavik"
target = cell[0][3]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    for r in rows:
        if r[0] == "cluster" and r[1] == target:
            r[2] = "<script>alert(1)</script>"
            r[4] = "1"
        w.writerow(r)
print(target)
EOF
)
check "map renamed" 0 $?

TOP=30
"$BIN" report --db "$T/db" --clusters "$T/map_xss.csv" --top $TOP -o "$T/report.html" 2>"$T/err"
check "report" 0 $?
cat "$T/err"
# Expected counts, independently of the report code: ranked clusters from
# `rank`, noise cells from the exported aggregates and the map file.
ranked=$("$BIN" rank --db "$T/db" --clusters "$T/map_xss.csv" --format csv | grep -v '^#' |
  tail -n +2 | wc -l)
populated=$("$BIN" rank --db "$T/db" --clusters "$T/map_xss.csv" --by intensity --format csv |
  grep -v '^#' | tail -n +2 | wc -l)
shown=$((ranked < TOP ? ranked : TOP))
bars=$((shown < 25 ? shown : 25))
intensity_rows=$((populated < TOP ? populated : TOP))
"$BIN" export --db "$T/db" --format csv > "$T/cells.csv"
noise=$(python3 - "$T/cells.csv" "$T/map_xss.csv" <<'EOF'
import csv, sys
from collections import defaultdict
windows = {"pct": (2019, 2023), "article": (2018, 2022)}  # Edition gii2024.
weight = defaultdict(float)
for r in csv.DictReader(open(sys.argv[1])):
    if r["kind"] != "cell" or r["source"] not in windows:
        continue
    lo, hi = windows[r["source"]]
    if lo <= int(r["year"]) <= hi:
        weight[(round(float(r["lat"]), 2), round(float(r["lon"]), 2))] += float(r["units"])
clustered = {(round(float(r[1]), 2), round(float(r[2]), 2))
             for r in csv.reader(open(sys.argv[2])) if r and r[0] == "cell"}
print(sum(1 for c, w in weight.items() if c not in clustered and w >= 5 - 1e-9))
EOF
)
echo "expected: $shown circles and rows of $ranked ranked, $bars bars, $noise noise dots," \
  "$intensity_rows intensity rows"
[ "$noise" -gt 0 ] || { echo "FAIL: the test store has no noise location"; fail=1; }
[ "$shown" -gt 10 ] || { echo "FAIL: too few clusters ($shown)"; fail=1; }

render() {  # render HTML OUT_PREFIX: DOM dump and Chromium log
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
    --user-data-dir="$T/profile" --dump-dom "file://$1" >"$2.dom" 2>"$2.log"
}
# Console errors as Chromium logs them ("CONSOLE" lines naming an error).
console_errors() { grep 'CONSOLE' "$1" | grep -ciE 'error|uncaught'; }
attr() { grep -o "$1=\"[0-9]*\"" "$2" | head -1 | grep -o '[0-9]*'; }

render "$T/report.html" "$T/page"
check "chromium ran" 0 $?
check "page script ran" 1 "$(attr data-ready "$T/page.dom")"
check "no script errors" "" "$(attr data-errors "$T/page.dom")"
check "no console errors" 0 "$(console_errors "$T/page.log")"
check "circles" "$shown" "$(attr data-circles "$T/page.dom")"
check "table rows" "$shown" "$(attr data-rows "$T/page.dom")"
check "bars" "$bars" "$(attr data-bars "$T/page.dom")"
check "noise dots" "$noise" "$(attr data-noise "$T/page.dom")"
check "intensity rows" "$intensity_rows" "$(attr data-intensity-rows "$T/page.dom")"
# The hostile names are text: no script element from them, the text shown.
check "no injected script element" 0 "$(grep -c '<script>alert' "$T/page.dom")"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;</td>' "$T/page.dom"
check "cluster name shown as text" 0 $?
grep -q 'Top PCT applicants:</b> &lt;script&gt;alert(1)&lt;/script&gt;' "$T/page.dom"
check "applicant shown as text" 0 $?

# A link to report.html#c-ID opens that profile (the click handler's code).
render "$T/report.html#c-$xss_id" "$T/linked"
check "linked profile shown" 1 "$(grep -c "<div class=\"profile\" id=\"p-$xss_id\">" "$T/linked.dom")"
check "other profiles hidden" "$((shown - 1))" "$(grep -c '<div class="profile" id="p-[0-9]*" hidden' "$T/linked.dom")"

# The detection can fail: a page with a failing script is caught.
sed 's|</body>|<script>undefinedFunction();</script></body>|' "$T/report.html" > "$T/broken.html"
render "$T/broken.html" "$T/broken"
check "broken page: error recorded in the DOM" 1 "$(attr data-errors "$T/broken.dom")"
[ "$(console_errors "$T/broken.log")" -ge 1 ]
check "broken page: console error logged" 0 $?

# Screenshot, kept for a look.
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$T/profile" --window-size=1300,2200 \
  --screenshot="$SHOT_DIR/report_chromium.png" "file://$T/report.html#c-$xss_id" >/dev/null 2>&1
check "screenshot" 0 $?
python3 - "$SHOT_DIR/report_chromium.png" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1300, 2200), (w, h)
assert len(data) > 60000, "screenshot too small to hold the map: %d bytes" % len(data)
EOF
check "screenshot is a 1300x2200 PNG with content" 0 $?
echo "screenshot: $SHOT_DIR/report_chromium.png"
exit $fail
