#!/usr/bin/env bash
# End-to-end test of delineate / rank / export --by cluster through the executable.
# Usage: cluster_cli_test.sh PATH/TO/stcluster
set -u
BIN="$1"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected $2, got $3"; fail=1; else echo "ok: $1"; fi
}

"$BIN" generate --records 4000 --seed 11 --out "$T/dump" >/dev/null 2>&1
"$BIN" ingest --db "$T/db" --quiet "$T/dump" 2>/dev/null
check "ingest" 0 $?
"$BIN" rank --db "$T/db" >/dev/null 2>"$T/err"
check "rank without a map -> exit 4" 4 $?
grep -q "run \`stcluster delineate" "$T/err"; check "rank says how to fix it" 0 $?
"$BIN" delineate --db "$T/db" --gazetteer none --out "$T/map.csv" 2>"$T/err"
check "delineate" 0 $?
grep -q "cluster map version 1 is now current" "$T/err"; check "version 1 current" 0 $?
head -1 "$T/map.csv" | grep -q '^stcluster-clusters,1$'; check "map file header" 0 $?
"$BIN" rank --db "$T/db" --format csv > "$T/r1.csv"; check "rank csv" 0 $?
head -1 "$T/r1.csv" | grep -q '^rank,cluster_id,cluster,economy,pct_units,pct_share_pct,article_units,article_share_pct,total,previous_rank,rank_change,edition,settings$'
check "rank csv header" 0 $?
sed -n 2p "$T/r1.csv" | grep -q ',gii2024,grid_deg=0.01 merge_km='; check "rank csv states the settings" 0 $?
"$BIN" rank --db "$T/db" --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["clusters"] and d["economies"]'
check "rank json parses" 0 $?
"$BIN" rank --db "$T/db" --format md --top 5 | grep -q '^| 1 |'; check "rank md" 0 $?
"$BIN" rank --db "$T/db" --top 3 --previous "$T/r1.csv" | grep -q "Change"; check "rank --previous" 0 $?
# The same map stored again from its file ranks identically.
"$BIN" delineate --db "$T/db" --gazetteer none --clusters "$T/map.csv" 2>/dev/null; check "import map" 0 $?
"$BIN" rank --db "$T/db" --format csv > "$T/r2.csv"
cmp -s "$T/r1.csv" "$T/r2.csv"; check "imported map ranks the same" 0 $?
"$BIN" rank --db "$T/db" --format csv --clusters "$T/map.csv" > "$T/r3.csv"
cmp -s "$T/r1.csv" "$T/r3.csv"; check "rank --clusters FILE" 0 $?
# rank uses the sums delineate saved only while the store is unchanged: after
# another ingest it reads the aggregates (and notes the map is older).
cp -r "$T/db" "$T/db2"
"$BIN" generate --records 2000 --seed 12 --out "$T/dump2" >/dev/null 2>&1
"$BIN" ingest --db "$T/db2" --quiet "$T/dump2" 2>/dev/null; check "second ingest" 0 $?
"$BIN" rank --db "$T/db2" --format csv > "$T/r5.csv" 2>"$T/err"
grep -q "aggregates changed since cluster map version 2" "$T/err"; check "stale map noted" 0 $?
cmp -s "$T/r1.csv" "$T/r5.csv"; check "rank after an ingest differs" 1 $?
"$BIN" rank --db "$T/db2" --format csv --clusters "$T/map.csv" > "$T/r6.csv" 2>/dev/null
cmp -s "$T/r5.csv" "$T/r6.csv"; check "rank after an ingest reads the aggregates" 0 $?
# export --by profile ranks from its record scan; the check of the map
# against the changed store reads the aggregates (nothing saved is current).
"$BIN" export --db "$T/db2" --by profile --gazetteer none --format json --clusters "$T/map.csv" \
  > "$T/p5.json" 2>"$T/err"
grep -q "aggregates changed since cluster map $T/map.csv" "$T/err"; check "profiles: stale map noted" 0 $?
"$BIN" export --db "$T/db2" --by profile --gazetteer none --format json --clusters "$T/map.csv" \
  --top 100000 > "$T/p6.json" 2>/dev/null
cmp -s "$T/p5.json" "$T/p6.json"; check "profiles after an ingest: scan's ranking = aggregates'" 0 $?
"$BIN" show --db "$T/db2" --gazetteer none --format json --clusters "$T/map.csv" 1 > "$T/s5.json" 2>"$T/err"
grep -q "aggregates changed since cluster map $T/map.csv" "$T/err"; check "show: stale map noted" 0 $?
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert a["cluster"] == b["clusters"][0], "rank 1 differs"' "$T/s5.json" "$T/p5.json"
check "show after an ingest: the export's rank 1" 0 $?
rm -rf "$T/db2"
"$BIN" delineate --db "$T/db" --list | grep -c '^[0-9]' > "$T/n"; check "two versions" 2 "$(cat "$T/n")"
"$BIN" export --db "$T/db" --by cluster > "$T/e.csv"; check "export by cluster" 0 $?
head -1 "$T/e.csv" | grep -q '^kind,source,year,cluster,name,country,field,units$'; check "export header" 0 $?
grep -q '^cluster,pct,' "$T/e.csv"; check "export cluster rows" 0 $?
printf 'stcluster-clusters,1\ncell,91,0,1\n' > "$T/bad.csv"
"$BIN" rank --db "$T/db" --clusters "$T/bad.csv" >/dev/null 2>"$T/err"
check "bad map file -> exit 3" 3 $?
grep -q "line 2" "$T/err"; check "bad map names the line" 0 $?
# A map on a grid finer than the store's would split store cells: refused.
sed 's/^grid_deg,.*/grid_deg,0.005/' "$T/map.csv" > "$T/fine.csv"
grep -q '^grid_deg,0.005$' "$T/fine.csv"; check "finer map made" 0 $?
"$BIN" delineate --db "$T/db" --gazetteer none --clusters "$T/fine.csv" 2>"$T/err"
check "finer-grid map -> exit 3" 3 $?
grep -q "not a multiple of the store's grid" "$T/err"; check "finer-grid map message" 0 $?
"$BIN" delineate --db "$T/db" --list | grep -c '^[0-9]' > "$T/n"; check "refused map not stored" 2 "$(cat "$T/n")"
"$BIN" delineate --db "$T/db" --edition gii1999 2>/dev/null; check "unknown edition -> exit 2" 2 $?
"$BIN" delineate --db "$T/db" --min-weight abc 2>/dev/null; check "bad min weight -> exit 2" 2 $?
"$BIN" delineate --db "$T/db" --gazetteer none --eps-km 20 --min-weight 0.05% --dry-run 2>"$T/err"
check "dry run" 0 $?
grep -q "eps_km=20" "$T/err"; check "settings echoed" 0 $?
# Editions as files (issue 7): a built-in printed as a file, edited, used.
"$BIN" show --edition gii2024 > "$T/ed.json"; check "show --edition" 0 $?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["name"]=="gii2024"' "$T/ed.json"
check "edition file is JSON" 0 $?
sed 's/"name": "gii2024"/"name": "mine"/; s/"eps_km": 12,/"eps_km": 15,/g' "$T/ed.json" > "$T/mine.json"
"$BIN" delineate --db "$T/db" --gazetteer none --edition "$T/mine.json" 2>"$T/err"
check "delineate --edition FILE" 0 $?
grep -q "edition mine: .*eps_km=15" "$T/err"; check "delineate states the file's settings" 0 $?
"$BIN" rank --db "$T/db" --edition "$T/mine.json" | grep -q '^Edition mine: '
check "rank --edition FILE" 0 $?
"$BIN" rank --db "$T/db" 2>"$T/err" | grep -q '^Settings: .*eps_km=15'
check "rank uses the edition file kept with the map" 0 $?
grep -q "not built in" "$T/err"; check "no note when the edition is kept" 1 $?
sed 's/"eps_km": 15,/"eps_km": -1,/' "$T/mine.json" > "$T/bad.json"
"$BIN" rank --db "$T/db" --edition "$T/bad.json" >/dev/null 2>"$T/err"
check "bad edition file -> exit 3" 3 $?
grep -q "bad.json: metrics\[0\].eps_km: must be in (0, 1000\]" "$T/err"
check "bad edition file names the field" 0 $?
"$BIN" rank --db "$T/db" --edition nosuch >/dev/null 2>&1; check "unknown edition name -> exit 2" 2 $?
# Intensity, profiles, show, profile export.
"$BIN" rank --db "$T/db" --edition "$T/mine.json" --by intensity --gazetteer none > "$T/int.txt"
check "rank --by intensity" 0 $?
grep -q '^Not ranked (no populated place' "$T/int.txt"; check "intensity without populations" 0 $?
"$BIN" rank --db "$T/db" --edition "$T/mine.json" --by intensity --gazetteer "$T/nope" >/dev/null 2>&1
check "intensity with a missing gazetteer -> exit 3" 3 $?
"$BIN" show --db "$T/db" --edition "$T/mine.json" --gazetteer none 1 > "$T/show.txt"
check "show 1" 0 $?
grep -q '^Top PCT applicant: ' "$T/show.txt"; check "show prints the top applicant" 0 $?
grep -q '^Edition mine: ' "$T/show.txt"; check "show states the edition" 0 $?
"$BIN" show --db "$T/db" --gazetteer none --format json 1 | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["cluster"]["rank"]==1'
check "show --format json" 0 $?
"$BIN" show --db "$T/db" --gazetteer none "no such cluster" >/dev/null 2>&1
check "show unknown cluster -> exit 2" 2 $?
"$BIN" export --db "$T/db" --by profile --gazetteer none --top 3 > "$T/p.csv"; check "export --by profile" 0 $?
grep -v '^#' "$T/p.csv" | head -1 | grep -q '^edition,rank,cluster_id,cluster,economy,population,metric,year,field_kind,field_code,field_name,units,share$'
check "profile export header" 0 $?
"$BIN" export --db "$T/db" --by profile --gazetteer none --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["format"]=="stcluster-profiles/1" and d["rows"]'
check "profile export json" 0 $?
(cd "$T" && "$BIN" export --db "$T/db" --by profile --gazetteer none --top 3 -o -) |
  cmp -s - "$T/p.csv"; check "profile export -o - writes stdout" 0 $?
# show, report and export --by profile use the profile tallies delineate kept
# while the store is unchanged (verify checks them against a scan); the same
# map read from its file is scanned: the same profiles but the map's version.
"$BIN" delineate --db "$T/db" --gazetteer none --out "$T/map4.csv" 2>/dev/null; check "delineate again" 0 $?
if [ -w /dev/full ]; then
  "$BIN" delineate --db "$T/db" --gazetteer none --dry-run --out /dev/full 2>"$T/err"; check "delineate --out /dev/full -> exit 3" 3 $?
  grep -q '/dev/full: write failed: No space left on device' "$T/err"; check "delineate --out /dev/full says why" 0 $?
fi
"$BIN" verify --db "$T/db" --json > "$T/v.json"; check "verify" 0 $?
grep -q '"saved_profiles":1' "$T/v.json"; check "verify checked the saved profiles" 0 $?
grep -q '"saved_noise":1' "$T/v.json"; check "verify checked the saved noise locations" 0 $?
# report draws the noise locations delineate kept; from the map file it reads
# the aggregates: the same page but the map's version.
"$BIN" report --db "$T/db" --gazetteer none --atlas none -o "$T/rs.html" 2>/dev/null
check "report" 0 $?
"$BIN" report --db "$T/db" --gazetteer none --atlas none --clusters "$T/map4.csv" -o "$T/rf.html" 2>/dev/null
mapless() { sed 's/Cluster map: [^,]*,/Cluster map:,/' "$1"; }
cmp -s <(mapless "$T/rs.html") <(mapless "$T/rf.html"); check "report: saved noise = read" 0 $?
unversioned() { sed 's/"cluster_map":{"version":[0-9]*,/"cluster_map":{/' "$1"; }
"$BIN" export --db "$T/db" --by profile --gazetteer none --format json > "$T/ps.json"
"$BIN" export --db "$T/db" --by profile --gazetteer none --format json --clusters "$T/map4.csv" > "$T/pf.json"
grep -q '"top":{"applicant":{"code":"","name":"[A-Z]' "$T/ps.json"; check "saved profiles name applicants" 0 $?
cmp -s <(unversioned "$T/ps.json") <(unversioned "$T/pf.json"); check "saved profiles = scanned" 0 $?
# From a map file the scan ranks the clusters (--top ranks from the
# aggregates before it scans): the same rows. The map is checked against the
# fingerprint delineate saved: no note for this map, a note for one whose
# fingerprint differs.
"$BIN" export --db "$T/db" --by profile --gazetteer none --format json --clusters "$T/map4.csv" \
  --top 100000 > "$T/pt.json" 2>/dev/null
cmp -s "$T/pf.json" "$T/pt.json"; check "profiles: scan's ranking = aggregates'" 0 $?
"$BIN" export --db "$T/db" --by profile --gazetteer none --format json --clusters "$T/map4.csv" \
  2>"$T/err" >/dev/null
grep -q "changed since" "$T/err"; check "profiles: current map not noted" 1 $?
sed 's/^fingerprint,.*/fingerprint,0123456789abcdef/' "$T/map4.csv" > "$T/map4fp.csv"
grep -q '^fingerprint,0123456789abcdef$' "$T/map4fp.csv"; check "map with another fingerprint" 0 $?
"$BIN" export --db "$T/db" --by profile --gazetteer none --format json --clusters "$T/map4fp.csv" \
  2>"$T/err" > "$T/pfp.json"
grep -q "aggregates changed since cluster map $T/map4fp.csv" "$T/err"; check "profiles: other data noted" 0 $?
"$BIN" show --db "$T/db" --gazetteer none --format json --top-items 25 1 > "$T/ss.json"
"$BIN" show --db "$T/db" --gazetteer none --format json --top-items 25 --clusters "$T/map4.csv" 1 > "$T/sf.json"
cmp -s <(unversioned "$T/ss.json") <(unversioned "$T/sf.json"); check "show: saved = scanned" 0 $?
"$BIN" delineate --db "$T/db" --gazetteer none --no-profiles 2>/dev/null; check "delineate --no-profiles" 0 $?
"$BIN" verify --db "$T/db" --json | grep -q '"saved_profiles":0,'; check "no profiles kept" 0 $?
"$BIN" export --db "$T/db" --by profile --gazetteer none --format json > "$T/pn.json"
cmp -s <(unversioned "$T/ps.json") <(unversioned "$T/pn.json"); check "profiles without saved tallies" 0 $?
"$BIN" rank --db "$T/db" --format csv > "$T/r4.csv"
(cd "$T" && "$BIN" rank --db "$T/db" --format csv -o -) | cmp -s - "$T/r4.csv"
check "rank -o - writes stdout" 0 $?
[ ! -e "$T/-" ]; check "-o - makes no file '-'" 0 $?
"$BIN" rank --db "$T/db" --format csv -o "$T/r5.csv"; cmp -s "$T/r4.csv" "$T/r5.csv"; check "rank -o FILE" 0 $?
if [ -w /dev/full ]; then
  "$BIN" rank --db "$T/db" -o /dev/full 2>"$T/err"; check "rank -o /dev/full -> exit 3" 3 $?
  grep -q '/dev/full: write failed: No space left on device' "$T/err"; check "rank -o /dev/full says why" 0 $?
fi
# CSV neutralisation through a names file.
"$BIN" rank --db "$T/db" --format json --top 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["clusters"][0]["id"])' > "$T/id"
grep '^cell,' "$T/map.csv" | head -1 | cut -d, -f2,3 > "$T/ll"
printf '%s,=HYPERLINK("x")\n' "$(cat "$T/ll")" > "$T/names.csv"
"$BIN" delineate --db "$T/db" --gazetteer none --names "$T/names.csv" 2>/dev/null; check "delineate --names" 0 $?
"$BIN" rank --db "$T/db" --format csv | grep -q ",\"'=HYPERLINK(\"\"x\"\")\","
check "rank csv neutralises =" 0 $?
"$BIN" export --db "$T/db" --by cluster | grep -q "'=HYPERLINK"; check "export csv neutralises =" 0 $?
exit $fail
