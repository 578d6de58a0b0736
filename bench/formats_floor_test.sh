#!/usr/bin/env bash
# stc_formats_floor on hand-written files: record and person counts, units
# across the 4 MiB buffer boundary, threads, a malformed unit or a truncated
# gzip file (exit 1) and a bad command line (exit 2).
# Usage: formats_floor_test.sh STC_FORMATS_FLOOR
source "$(dirname "$0")/floor_test_lib.sh"
expect() {  # expect OUTPUT RECORDS PERSONS BYTES
  [ "$(field "$1" records)" = "$2" ] || fail "records: want $2 in: $1"
  [ "$(field "$1" persons)" = "$3" ] || fail "persons: want $3 in: $1"
  [ -z "${4:-}" ] || [ "$(field "$1" bytes)" = "$4" ] || fail "bytes: want $4 in: $1"
}

# Scopus Search JSON Lines: 2 + 3 authors (a repeated authid is still listed twice: the
# floor counts listings), one entry without authors.
cat >"$T/s.jsonl" <<'J'
{"eid":"2-s2.0-1","prism:coverDate":"2019-05-19","subtype":"ar","affiliation":[{"afid":"1","affiliation-city":"Anshan","affiliation-country":"China"}],"author-count":{"@total":"2"},"author":[{"authid":"a","afid":[{"$":"1"}]},{"authid":"b","afid":[{"$":"1"},{"$":"1"}]}]}
{"eid":"2-s2.0-2","prism:coverDate":"2020","affiliation":[],"author":[{"authid":"c","afid":[]},{"authid":"c","afid":[]},{"authid":"d","afid":[{"$":"9"}]}]}
{"eid":"2-s2.0-3","prism:coverDate":"2021-01-01","subtype":"re"}
J
zstd -q -f "$T/s.jsonl" -o "$T/s.jsonl.zst"
out=$("$FLOOR" --format scopus --threads 1 "$T/s.jsonl.zst")
expect "$out" 3 5 "$(wc -c <"$T/s.jsonl")"

# PATENTSCOPE: three concatenated documents (2, 1 and 0 inventors).
doc() {  # doc NUMBER INVENTORS...
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<wo-international-application-status>\n'
  printf ' <wo-bibliographic-data><publication-reference><document-id><date>20200820</date></document-id></publication-reference>'
  printf '<application-reference><document-id><doc-number>%s</doc-number></document-id></application-reference><parties><inventors>\n' "$1"
  shift
  for c in "$@"; do
    printf '  <inventor><addressbook><name>N</name><address><address-1>1 Road, %s</address-1><city>%s</city><country>CN</country></address></addressbook></inventor>\n' "$c" "$c"
  done
  printf ' </inventors></parties></wo-bibliographic-data>\n</wo-international-application-status>\n'
}
{ doc PCT/CN2020/000001 Shenzhen Dongguan; doc PCT/CN2020/000002 Wuhan; doc PCT/CN2020/000003; } >"$T/w.xml"
zstd -q -f "$T/w.xml" -o "$T/w.xml.zst"
out=$("$FLOOR" --format patentscope --threads 1 "$T/w.xml.zst")
expect "$out" 3 3 "$(wc -c <"$T/w.xml")"

# OpenAlex works, gzip: 3 + 1 authorships (nulls skipped: an author without
# id, an institution without country), one work without authorships; two
# gzip members in one file, as concatenated snapshot parts are.
cat >"$T/o1.jsonl" <<'J'
{"id":"https://openalex.org/W1","publication_year":2020,"authorships":[{"author":{"id":"https://openalex.org/A1","display_name":"A"},"institutions":[{"id":"https://openalex.org/I1","country_code":"US"}]},{"author":{"id":null},"institutions":[{"id":"https://openalex.org/I2","country_code":null}]},{"author":{"id":"https://openalex.org/A3"},"institutions":[]}]}
{"id":"https://openalex.org/W2","publication_year":2021,"authorships":[]}
J
cat >"$T/o2.jsonl" <<'J'
{"id":"https://openalex.org/W3","publication_year":2019,"type":"article","authorships":[{"author":{"id":"https://openalex.org/A4"},"institutions":[{"id":"https://openalex.org/I1","country_code":"US"}]}]}
J
{ gzip -c "$T/o1.jsonl"; gzip -c "$T/o2.jsonl"; } >"$T/o.jsonl.gz"
out=$("$FLOOR" --format openalex --threads 1 "$T/o.jsonl.gz")
expect "$out" 3 4 "$(cat "$T/o1.jsonl" "$T/o2.jsonl" | wc -c)"
[ "$(field "$out" compressed)" = "$(wc -c <"$T/o.jsonl.gz")" ] || fail "compressed: $out"

# Many units: they cross the 4 MiB parse buffer; two files over two threads
# give the sums and the checksum of one thread.
for i in $(seq 1 200); do cat "$T/s.jsonl"; done >"$T/big.jsonl"
for i in $(seq 1 40); do cat "$T/big.jsonl"; done >"$T/big2.jsonl"  # 24,000 lines, ~6 MB
zstd -q -f "$T/big2.jsonl" -o "$T/a.jsonl.zst"
cp "$T/a.jsonl.zst" "$T/b.jsonl.zst"
one=$("$FLOOR" --format scopus --threads 1 "$T/a.jsonl.zst")
expect "$one" 24000 40000 "$(wc -c <"$T/big2.jsonl")"
two=$("$FLOOR" --format scopus --threads 2 "$T/a.jsonl.zst" "$T/b.jsonl.zst")
expect "$two" 48000 80000
[ "$(field "$two" checksum)" = "$(( $(field "$one" checksum) * 2 ))" ] || fail "checksum: $one / $two"
for i in $(seq 1 3000); do doc "PCT/CN2020/$i" Shenzhen Dongguan; done >"$T/wbig.xml"  # ~2.5 MB
for i in 1 2 3; do cat "$T/wbig.xml"; done | zstd -q -o "$T/wbig.xml.zst"
out=$("$FLOOR" --format patentscope --threads 2 "$T/wbig.xml.zst")
expect "$out" 9000 18000

# A malformed unit: exit 1.
printf '{"eid":"2-s2.0-1","prism:coverDate":"2019\n' | zstd -q -o "$T/bad.jsonl.zst"
set +e
"$FLOOR" --format scopus "$T/bad.jsonl.zst" >/dev/null 2>&1; rc=$?
"$FLOOR" --format nonsense "$T/s.jsonl.zst" >/dev/null 2>&1; rc2=$?
printf '{"id":"W1","authorships":[{"author":{"id":"A1"}' | gzip -c >"$T/bad.jsonl.gz"
"$FLOOR" --format openalex "$T/bad.jsonl.gz" >/dev/null 2>&1; rc3=$?
head -c 20 "$T/o.jsonl.gz" >"$T/cut.jsonl.gz"
"$FLOOR" --format openalex "$T/cut.jsonl.gz" >/dev/null 2>&1; rc4=$?
set -e
[ "$rc" = 1 ] || fail "malformed unit: exit $rc, want 1"
[ "$rc2" = 2 ] || fail "bad format: exit $rc2, want 2"
[ "$rc3" = 1 ] || fail "malformed OpenAlex work: exit $rc3, want 1"
[ "$rc4" = 1 ] || fail "truncated gzip: exit $rc4, want 1"
echo "formats_floor_test: ok"
