#!/usr/bin/env bash
# `stcluster gazetteer build`, `geocode` (one address, --batch) and the
# unresolved places of `stats`, over the hand-made gazetteer (no download).
# Usage: geocode_cli_test.sh PATH/TO/stcluster PATH/TO/geo/testdata
set -u
BIN="$1"
D="$2"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected $2, got $3"; fail=1; else echo "ok: $1"; fi
}

"$BIN" gazetteer build --cities "$D/mini_cities500.txt" --countries "$D/mini_en.json" \
  --codes "$D/mini_codes.json" --out "$T/mini.stcgaz" 2>/dev/null
check "gazetteer build exit" 0 $?
G=(--gazetteer "$T/mini.stcgaz")

out=$("$BIN" geocode "${G[@]}" 1 Main St, Mountain View, CA 94043, USA)
check "geocode exit" 0 $?
check "geocode quality" "quality:     address_token" "$(grep '^quality' <<<"$out")"
check "geocode place" "place:       Mountain View (geonames 5375480, population 80435)" \
  "$(grep '^place' <<<"$out")"
check "geocode admin1" "admin1:      CA" "$(grep '^admin1' <<<"$out")"
out=$("$BIN" geocode "${G[@]}" --country "Korea, Republic of" --city Suwon)
check "geocode country name" "country:     KR" "$(grep '^country' <<<"$out")"

printf '# comment\nid\tcountry\tcity\taddress\nr1\tKorea, Republic of\tSuwon\nr2\tAtlantis\tParis\t\nr3\t\t\tNo. 1 Foo Road, Zürich, Switzerland\n' >"$T/b.tsv"
"$BIN" geocode "${G[@]}" --batch "$T/b.tsv" >"$T/out.tsv" 2>/dev/null
check "batch exit" 0 $?
check "batch rows" 4 "$(wc -l <"$T/out.tsv")"
check "batch header" "id	quality	lat	lon	geonameid	place	country	admin1" "$(head -1 "$T/out.tsv")"
check "batch r1" "r1	exact	37.29111	127.00889	1835553	Suwon	KR	13" "$(grep ^r1 "$T/out.tsv")"
check "batch r2 unknown country" "r2	unresolved" "$(grep ^r2 "$T/out.tsv" | cut -f1,2)"
check "batch r3" "r3	address_token	Zürich	CH" "$(grep ^r3 "$T/out.tsv" | cut -f1,2,6,7)"

"$BIN" geocode --gazetteer "$T/none.stcgaz" Paris 2>/dev/null
check "missing index -> 3" 3 $?

# Ingest with geocoding: unknown country names show, as written, among the
# top unresolved places of stats, with their weight.
entry() {  # entry N CITY COUNTRY
  printf '{"eid": "2-s2.0-8500000%04d", "prism:coverDate": "2021-07-01", "subtype": "ar", "affiliation": [{"afid": "1", "affilname": "U", "affiliation-city": "%s", "affiliation-country": "%s"}], "author-count": {"@total": "1"}, "author": [{"@seq": "1", "authid": "1", "authname": "A", "afid": [{"$": "1"}]}]}\n' "$1" "$2" "$3"
}
{
  entry 1 Zürich Switzerland
  entry 2 Paris Atlantis
  entry 3 Paris Atlantis
  entry 4 Lyon Narnia
} >"$T/scopus.jsonl"
"$BIN" ingest "${G[@]}" --db "$T/db" --quiet "$T/scopus.jsonl" 2>"$T/err"
check "ingest exit" 0 $?
check "summary exact share" "  geocoding exact: 1 (25.00%)" "$(grep 'geocoding exact' "$T/err")"
check "summary unresolved share" "  geocoding unresolved: 3 (75.00%)" \
  "$(grep 'geocoding unresolved' "$T/err")"
"$BIN" stats --db "$T/db" >"$T/stats.txt"
check "stats exit" 0 $?
check "stats top unresolved" "2	Paris, Atlantis" \
  "$(grep -A3 'top unresolved' "$T/stats.txt" | sed -n 2p | sed 's/^ *//')"
grep -q "1	Lyon, Narnia" "$T/stats.txt"; check "stats second unresolved" 0 $?
"$BIN" stats --db "$T/db" --top-unresolved 1 >"$T/stats1.txt"
check "stats one unresolved" "1" "$(grep -A9 'top unresolved' "$T/stats1.txt" | grep -c '^  ')"
"$BIN" stats --db "$T/db" --top-unresolved 0 >"$T/stats0.txt"
check "stats no unresolved list" "0" "$(grep -c 'top unresolved' "$T/stats0.txt")"
"$BIN" stats --db "$T/db" --top-unresolved -1 >/dev/null 2>&1
check "stats negative count -> 2" 2 $?
# A store without unlocated units lists no places (the records are not read).
entry 1 Zürich Switzerland >"$T/located.jsonl"
"$BIN" ingest "${G[@]}" --db "$T/db2" --quiet "$T/located.jsonl" 2>"$T/err2"
"$BIN" stats --db "$T/db2" --json >"$T/stats2.json"
check "stats located exit" 0 $?
grep -q '"top_unresolved":\[\]' "$T/stats2.json"; check "stats located no places" 0 $?

exit $fail
