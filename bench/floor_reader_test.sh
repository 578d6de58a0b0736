#!/usr/bin/env bash
# stc_floor_reader on hand-written lines: record and person counts, and the
# On-Demand and DOM passes (--dom) reading the same values (equal checksums,
# also over lines spanning the 4 MiB buffer), a malformed line (exit 1) and a
# bad command line (exit 2).
# Usage: floor_reader_test.sh STC_FLOOR_READER
source "$(dirname "$0")/floor_test_lib.sh"
# same OUT_A OUT_B: equal but for the seconds.
same() { [ "$(sed 's/seconds [^ ]*//' <<<"$1")" = "$(sed 's/seconds [^ ]*//' <<<"$2")" ] ||
  fail "passes differ: $1 / $2"; }

# 3 records, 2 + 1 + 3 persons; keys in another order, an extra field, a
# person with two addresses.
cat >"$T/a.jsonl" <<'J'
{"application_number":"PCT/JP2014/000001","publication_date":"2015-06-05","inventors":[{"name":"A","addresses":[{"country":"ES","lat":39.9098,"lon":-2.66561}]},{"name":"B","addresses":[{"country":"JP","lat":35.80375,"lon":140.39885}]}]}
{"inventors":[{"name":"C","addresses":[{"lat":-33.5,"lon":151.25,"country":"AU"}]}],"kind":"A1","publication_date":"2019-01-01","application_number":"PCT/AU2018/000002"}
{"application_number":"PCT/US2020/3","publication_date":"2021","inventors":[{"addresses":[{"country":"US","lat":40,"lon":-74},{"country":"US","lat":41.5,"lon":-73.25}]},{"name":"E","addresses":[]},{"name":"F","addresses":[{"country":"CA","lat":45.5,"lon":-73.5}]}]}
J
zstd -q -f "$T/a.jsonl" -o "$T/a.jsonl.zst"
od=$("$FLOOR" --threads 1 "$T/a.jsonl.zst")
dom=$("$FLOOR" --threads 1 --dom "$T/a.jsonl.zst")
[ "$(field "$od" records)" = 3 ] || fail "records: $od"
[ "$(field "$od" persons)" = 6 ] || fail "persons: $od"
[ "$(field "$od" bytes)" = "$(wc -c <"$T/a.jsonl")" ] || fail "bytes: $od"
same "$od" "$dom"

# 40,000 lines (about 8 MB) over 2 files and 2 threads: lines cross the
# reader's 4 MiB buffer.
awk 'BEGIN { for (i = 1; i <= 20000; i++)
  printf "{\"application_number\":\"PCT/CN2020/%d\",\"publication_date\":\"2020-01-0%d\",\"inventors\":[{\"name\":\"N%d\",\"addresses\":[{\"country\":\"CN\",\"lat\":%d.%d,\"lon\":1%d.5}]},{\"name\":\"M\",\"addresses\":[{\"country\":\"HK\",\"lat\":22.3,\"lon\":114.2}]}],\"pad\":\"%0100d\"}\n",
    i, i % 9 + 1, i, i % 80, i % 97, i % 70, i }' >"$T/b.jsonl"
zstd -q -f "$T/b.jsonl" -o "$T/b1.jsonl.zst"
cp "$T/b1.jsonl.zst" "$T/b2.jsonl.zst"
od=$("$FLOOR" --threads 2 "$T/b1.jsonl.zst" "$T/b2.jsonl.zst")
dom=$("$FLOOR" --threads 2 --dom "$T/b1.jsonl.zst" "$T/b2.jsonl.zst")
[ "$(field "$od" records)" = 40000 ] || fail "records: $od"
[ "$(field "$od" persons)" = 80000 ] || fail "persons: $od"
same "$od" "$dom"

# A malformed line: exit 1 either way.
printf '{"application_number":"PCT/X/1","inventors":[{"addresses":[{"lat":}]}]}\n' >"$T/bad.jsonl"
zstd -q -f "$T/bad.jsonl" -o "$T/bad.jsonl.zst"
for mode in "" --dom; do
  set +e
  "$FLOOR" --threads 1 $mode "$T/bad.jsonl.zst" >/dev/null 2>&1
  rc=$?
  set -e
  [ "$rc" = 1 ] || fail "malformed line $mode: exit $rc, want 1"
done
set +e
"$FLOOR" --threads 0 "$T/a.jsonl.zst" >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || fail "bad command line: exit $rc, want 2"
echo "floor_reader_test: ok"
