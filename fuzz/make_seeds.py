#!/usr/bin/env python3
"""Writes the committed seed corpus fuzz/corpus/<target>/ (fuzz/README.md).

Seeds are small files taken from tests/fixtures and tests/golden, plus hostile
variants: deeply nested JSON/XML, 1e999, NUL bytes, invalid UTF-8, duplicate
keys, huge numbers as strings, oversized lines, zstd frames declaring a huge
window, truncated zstd/gzip streams, small decompression bombs, OpenAlex
manifests with ".." paths. Deterministic: re-running gives the same files.
Run from anywhere: python3 fuzz/make_seeds.py (needs the zstd CLI).
"""
import gzip
import hashlib
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
FIX = os.path.join(ROOT, "tests", "fixtures")
GOLDEN = os.path.join(ROOT, "tests", "golden", "basic", "input")
SEP = b"\n@@@@\n"  # File separator of fuzz_ingest_input and fuzz_openalex_snapshot.


def read(*parts):
    with open(os.path.join(*parts), "rb") as f:
        return f.read()


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def zst(data, *args):
    return subprocess.run(["zstd", "-q", "-c", "--no-check", *args], input=data,
                          stdout=subprocess.PIPE, check=True).stdout


def zstd_frame(window_descriptor, payload):
    """A zstd frame with an explicit window descriptor and one raw block."""
    block = (1 | (0 << 1) | (len(payload) << 3)).to_bytes(3, "little")
    return b"\x28\xb5\x2f\xfd" + bytes([0x00, window_descriptor]) + block + payload


def zstd_rle_bomb(blocks, byte=b"a"):
    """`blocks` RLE blocks of 128 KiB each: 4 bytes per 128 KiB of output."""
    out = b"\x28\xb5\x2f\xfd" + bytes([0x00, 0x70])  # window 2^24
    for i in range(blocks):
        last = 1 if i == blocks - 1 else 0
        out += (last | (1 << 1) | ((128 << 10) << 3)).to_bytes(3, "little") + byte
    return out


def first_line(data):
    return data.split(b"\n", 1)[0]


def deep_json(depth, leaf=b"1"):
    return b'{"a":' * depth + leaf + b"}" * depth


def json_variants(line, subs):
    """Hostile variants of one JSON line: textual substitutions + generic ones."""
    out = []
    for old, new in subs:
        if old in line:
            out.append(line.replace(old, new, 1))
    out += [
        deep_json(2000),
        b"[" * 3000 + b"]" * 3000,
        line[:-1] + b"," + b'"x":' + deep_json(1500) + b"}",
        line.replace(b'"', b'"\x00', 1),
        line + b"\x00\x00\x00",
        b"\xef\xbb\xbf" + line,  # BOM
        line.replace(b"\n", b"") + b"\r",
        line[: len(line) // 2],  # cut inside the object
        line.replace(b":", b":1e999,\"_\":", 1),
        b"{}",
        b"null",
        b"[" + line + b"," + line + b"]",
        line + b" " + line,  # two objects on one line
    ]
    return out


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def write_all(target, seeds):
    for name, data in seeds:
        write(target, name, data)


def hostile_strings():
    return [
        b"\x00", b"a\x00b", b"\xff\xfe", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80",
        b"\xed\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xf0\x80\x80\x80",
        b"\xe2\x82", b"\"\\\n\r\t\x01\x1f\x7f", "caf\u00e9 \u4e2d\u6587 \U0001f600".encode(),
        b"x" * 199 + "\u00e9".encode(), b"\xc3", b"",
    ]


def main():
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)
    pct = read(GOLDEN, "a-pct.jsonl") + read(GOLDEN, "b-pct.jsonl")
    art = read(GOLDEN, "c-articles.jsonl")
    long_name = b"N" * 12000

    # Normalised PCT JSON Lines.
    l = first_line(pct)
    subs = [
        (b'"lat":35.68', b'"lat":1e999'), (b'"lon":139.77', b'"lon":-1e999'),
        (b'"lat":35.68', b'"lat":"35.68"'), (b'"lat":35.68', b'"lat":9999999999999999999999'),
        (b'"publication_date":"2021-03-04"', b'"publication_date":"99999999999999999999-01-01"'),
        (b'"publication_date":"2021-03-04"', b'"publication_date":"2021-13-45"'),
        (b'"name":"A"', b'"name":"\xff\xfe\xc0\xaf\xed\xa0\x80"'),
        (b'"name":"A"', b'"name":"A\\u0000\\ud800"'),
        (b'"name":"A"', b'"name":"' + long_name + b'"'),
        (b'{"application_number"', b'{"application_number":"PCT/XX/1","application_number"'),
        (b'"inventors":[', b'"inventors":[],"inventors":['),
        (b'"inventors":[', b'"inventors":[' + b"[" * 2000 + b"]" * 2000 + b","),
        (b'"ipc":["H04W 1/00"]', b'"ipc":"H04W 1/00"'),
        (b'"country":"JP"', b'"country":"\x00\x00"'),
        (b'"application_number":"PCT/JP2021/000001"', b'"application_number":""'),
        (b'"application_number":"PCT/JP2021/000001"', b'"application_number":12345678901234567890'),
    ]
    write_all("fuzz_pct_jsonl", [("golden.jsonl", pct)] +
              [(f"hostile-{i:02d}", v) for i, v in enumerate(json_variants(l, subs))] +
              [("mixed", pct + b"\n\n" + b"\x00" * 64 + b"\n" + l + b"\n")])

    # Normalised article JSON Lines.
    l = first_line(art)
    subs = [
        (b'"author_count":5', b'"author_count":"18446744073709551616"'),
        (b'"author_count":5', b'"author_count":1e999'),
        (b'"author_count":5', b'"author_count":1000000'),
        (b'"author_count":5', b'"author_count":-1'),
        (b'"lat":35.7128', b'"lat":1e999'), (b'"lon":139.762', b'"lon":"NaN"'),
        (b'"cover_date":"2022-01-15"', b'"cover_date":"2022-02-30"'),
        (b'"key":"2-s2.0-1"', b'"key":"2-s2.0-1","key":"2-s2.0-9"'),
        (b'"name":"X"', b'"name":"\xed\xa0\x80\xff"'),
        (b'"subjects":["1710"]', b'"subjects":[' + b'"1710",' * 500 + b'"1"]'),
        (b'"authors":[', b'"authors":[{"name":"X","affiliations":[' + b"[" * 3000 + b"]" * 3000 + b"]},"),
    ]
    write_all("fuzz_article_jsonl", [("golden.jsonl", art)] +
              [(f"hostile-{i:02d}", v) for i, v in enumerate(json_variants(l, subs))])

    # Scopus Search.
    seeds = [(n, read(FIX, "scopus", n)) for n in sorted(os.listdir(os.path.join(FIX, "scopus")))]
    l = first_line(read(FIX, "scopus", "entries.jsonl"))
    subs = [
        (b'"prism:coverDate": "2021-07-01"', b'"prism:coverDate": "1e999"'),
        (b'"eid": "2-s2.0-85000000020"', b'"eid": "2-s2.0-85000000020", "eid": "2-s2.0-1"'),
        (b'"affilname": "Max Planck Institute"', b'"affilname": "\xff\x00&#0;&#x110000;&amp"'),
        (b'"subtype": "ar"', b'"subtype": {"$": "ar"}'),
        (b'"affiliation": [', b'"author-count": {"@total": "99999999999999999999"}, "affiliation": ['),
        (b'"affiliation": [', b'"author-count": {"@total": "1000000"}, "author": [{"afid": "1"}], "affiliation": ['),
    ]
    seeds += [(f"hostile-{i:02d}", v) for i, v in enumerate(json_variants(l, subs))]
    page = read(FIX, "scopus", "pretty-page.json")
    seeds += [("pretty-cut", page[: len(page) // 2]),
              ("pretty-deep", b"{\n" + deep_json(2000) + b"\n}\n"),
              ("pretty-twice", page + page)]
    write_all("fuzz_scopus", seeds)

    # Scopus Abstract Retrieval.
    d = os.path.join(FIX, "scopus_abstract")
    seeds = [(n, read(d, n)) for n in sorted(os.listdir(d))]
    l = first_line(read(d, "abstracts.jsonl"))
    subs = [
        (b'"prism:coverDate": "2022-03-01"', b'"prism:coverDate": 20220301'),
        (b'"@id": "60000010"', b'"@id": 1e999'),
        (b'"author": [', b'"author": {"@auid": "1"}, "author": ['),
        (b'"ce:indexed-name": "Li X."', b'"ce:indexed-name": "\xc0\xaf\x00"'),
        (b'"authors": {', b'"authors": {"author": ' + b"[" * 3000 + b"]" * 3000 + b', '),
    ]
    seeds += [(f"hostile-{i:02d}", v) for i, v in enumerate(json_variants(l, subs))]
    write_all("fuzz_scopus_abstract", seeds)

    # OpenAlex works and merged ids.
    d = os.path.join(FIX, "openalex")
    works = read(d, "works-2024-01-01.jsonl")
    l = first_line(works)
    subs = [
        (b'"publication_year": 2021', b'"publication_year": 1e999'),
        (b'"publication_year": 2021', b'"publication_year": "99999999999999999999"'),
        (b'"id": "https://openalex.org/W1"', b'"id": "https://openalex.org/W1", "id": "W2"'),
        (b'"id": "https://openalex.org/I1"', b'"id": "https://openalex.org/I1\x00"'),
        (b'"display_name": "Ann Arbor"', b'"display_name": "\xed\xa0\x80"'),
        (b'"authorships": [', b'"authorships": [' + b'{"institutions": []},' * 300),
        (b'"countries": ["US"]', b'"countries": "US"'),
    ]
    write_all("fuzz_openalex", [("works-1.jsonl", works),
                                ("works-2.jsonl", read(d, "works-2024-03-01.jsonl"))] +
              [(f"hostile-{i:02d}", v) for i, v in enumerate(json_variants(l, subs))])
    merged = read(d, "merged_ids.csv")
    write_all("fuzz_openalex_merged", [
        ("merged.csv", merged),
        ("quotes.csv", merged + b'"2024-02-01","W""7",W1\n"unterminated,W8\n'),
        ("nul.csv", merged.replace(b"W5", b"W\x005")),
        ("utf8.csv", merged + b"2024-02-01,\xff\xfe,W1\n,,\n,\n\n"),
        ("long.csv", merged + b"2024-02-01,W" + b"9" * 12000 + b",W1\n"),
        ("header-only.csv", b"merge_date,id,merge_into_id\n"),
    ])

    # PATENTSCOPE XML.
    d = os.path.join(FIX, "patentscope")
    one = read(d, "WO2021187654-A1.xml")
    seeds = [(n, read(d, n)) for n in sorted(os.listdir(d))]
    xml_subs = [
        (b"<date>20210923</date>", b"<date>99999999999999999999</date>"),
        (b"<date>20210923</date>", b"<date>1e999</date>"),
        (b"<country>CN</country>", b"<country>\xff\x00</country>"),
        (b"<name>HUAWEI TECHNOLOGIES CO., LTD.</name>", b"<name>&#0;&#x110000;&bogus;&amp</name>"),
        (b"<doc-number>2021/187654</doc-number>", b"<doc-number>2021/187654</doc-number><doc-number>1/1</doc-number>"),
        (b"<parties>", b"<parties>" + b"<a>" * 2500 + b"</a>" * 2500),
        (b"<section>H</section>", b"<section>" + b"H" * 12000 + b"</section>"),
    ]
    for i, (old, new) in enumerate(xml_subs):
        seeds.append((f"hostile-{i:02d}.xml", one.replace(old, new, 1)))
    seeds += [
        ("laughs.xml", b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                       b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                       b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<l>&c;</l>\n'),
        ("cut.xml", one[: len(one) // 2]),
        ("deep.xml", b'<?xml version="1.0"?>\n' + b"<a>" * 3000 + b"</a>" * 3000),
        ("twice.xml", one + one[: len(one) // 3]),
        ("no-decl.xml", one.split(b"\n", 1)[1]),
    ]
    write_all("fuzz_patentscope", seeds)

    # VC deals (CSV and JSON Lines).
    d = os.path.join(FIX, "vc")
    csv = read(d, "deals.csv")
    jl = read(d, "deals.jsonl")
    l = first_line(jl)
    subs = [(b'"lat": 42.3601', b'"lat": 1e999'), (b'"lat": 42.3601', b'"lat": "42.3601"'),
            (b'"date": "2023-04-12"', b'"date": "2023-04-12", "date": "1999-01-01"'),
            (b'"company": "Acme Robotics"', b'"company": "\xff\xfe\x00"')]
    write_all("fuzz_vc", [("deals.csv", csv), ("deals.jsonl", jl),
                          ("csv-hostile.csv", csv + b'C9,2022-01-01,"unterminated,X,FR,1e999,-1e999,Seed\n'
                                              b'C10,2022-01-01,\xff\x00,,,,,\n,,,,,,,,,,,,\n'),
                          ("csv-quotes.csv", csv.split(b"\n", 1)[0] + b"\n" + b'"' * 5000 + b"\n")] +
              [(f"hostile-{i:02d}", v) for i, v in enumerate(json_variants(l, subs))])

    # Any file, format detected, possibly compressed (byte 0 = name suffix).
    suffix = {"": 0, ".zst": 1, ".gz": 2, ".json": 3, ".xml": 4, ".csv": 5, ".jsonl": 6}
    seeds = [
        ("pct-plain", bytes([0]) + pct),
        ("pct-zst", bytes([1]) + zst(pct)),
        ("art-gz", bytes([2]) + gz(art)),
        ("scopus-page", bytes([3]) + read(FIX, "scopus", "pretty-page.json")),
        ("xml", bytes([4]) + one),
        ("csv", bytes([5]) + csv),
        ("three-files", bytes([6]) + pct + SEP + art + SEP + read(FIX, "scopus", "entries.jsonl")),
        ("zst-huge-window", bytes([1]) + zstd_frame(0xF8, b'{"a":1}\n')),
        ("zst-window-2^28", bytes([1]) + zstd_frame(0x90, b'{"a":1}\n')),
        ("zst-truncated", bytes([1]) + zst(pct)[:-7]),
        ("gz-truncated", bytes([2]) + gz(art)[:-9]),
        ("zst-bomb", bytes([1]) + zstd_rle_bomb(24)),
        ("gz-bomb", bytes([2]) + gz(b"y" * (4 << 20) + b"\n" + pct)),
        ("wrong-name", bytes([1]) + pct),
        ("unknown", bytes([0]) + b"hello\nworld\n"),
    ]
    write_all("fuzz_ingest_input", seeds)

    # OpenAlex snapshot: manifest, institutions, works, merged ids.
    inst = read(d := os.path.join(FIX, "openalex"), "institutions-2024-01-01.jsonl")
    good = (b'{"entries": [{"url": "s3://openalex/data/works/updated_date=2024-01-01/part_000",'
            b' "meta": {"content_length": %d, "record_count": 8}}], "meta": {}}\n' % len(works))
    hostile = (b'{"entries": [{"url": "s3://openalex/data/works/../../../../etc/passwd"},'
               b' {"url": "/etc/passwd"}, {"url": ""}, {"url": "s3://openalex/data/works/"},'
               b' {"url": "updated_date=2024-01-01/../../x", "meta": {"record_count": 1e999}},'
               b' {"url": "s3://openalex/data/works/updated_date=2024-01-01/part_000",'
               b' "meta": {"content_length": -5, "record_count": "99999999999999999999"}},'
               b' {"url": {"$": "updated_date=2024-01-01/part_000"}, "meta": "x"},'
               b' {"url": "updated_date=2024-01-01/part_000\\u0000/../../../y"}]}\n')
    inst_hostile = (inst + b'{"id": "https://openalex.org/I1", "geo": {"latitude": 1e999, "longitude": "NaN"}}\n'
                    b'{"id": "I9", "geo": {"latitude": 91, "longitude": -181, "country_code": "\xff"}}\n'
                    b'{"id": ""}\n' + deep_json(1500) + b"\n")
    write_all("fuzz_openalex_snapshot", [
        ("snapshot", good + SEP + inst + SEP + works + SEP + merged),
        ("hostile-manifest", hostile + SEP + inst_hostile + SEP + works + SEP + merged),
        ("gz-parts", good + SEP + gz(inst) + SEP + gz(works) + SEP + gz(merged)),
        ("deep-manifest", deep_json(2000) + SEP + inst + SEP + works),
    ])

    # Byte sources and chunkers: byte 0 = suffix + framing + peek, byte 1 = sizes.
    def mode(suffix_id, framing, peek_k):
        return bytes([suffix_id | framing << 2 | peek_k << 4])
    seeds = [
        ("lines-plain", mode(0, 0, 0) + b"\x35" + pct),
        ("lines-zst", mode(1, 0, 2) + b"\x21" + zst(pct)),
        ("lines-gz", mode(2, 0, 3) + b"\xf0" + gz(art)),
        ("lines-long", mode(0, 0, 1) + b"\x10" + b"a" * 3000 + b"\nb\n" + b"c" * 3000),
        ("lines-crlf", mode(3, 0, 0) + b"\x77" + pct.replace(b"\n", b"\r\n")),
        ("xml-units", mode(0, 1, 4) + b"\x53" + read(FIX, "patentscope", "weekly-concatenated.xml")),
        ("xml-units-zst", mode(1, 1, 0) + b"\x12" + zst(read(FIX, "patentscope", "weekly-concatenated.xml"))),
        ("json-units", mode(0, 2, 2) + b"\x44" + page + page),
        ("whole", mode(0, 3, 5) + b"\x99" + page),
        ("zst-huge-window", mode(1, 0, 0) + b"\xff" + zstd_frame(0xF8, b"x\n" * 20)),
        ("zst-window-2^27", mode(1, 0, 0) + b"\xff" + zstd_frame(0x88, b"x\n" * 20)),
        ("zst-truncated", mode(1, 0, 0) + b"\x31" + zst(pct)[:-5]),
        ("zst-two-frames", mode(1, 0, 0) + b"\x31" + zst(pct) + zst(art)),
        ("zst-skippable", mode(1, 0, 0) + b"\x31" + b"\x50\x2a\x4d\x18\x04\x00\x00\x00abcd" + zst(art)),
        ("zst-garbage-after", mode(1, 0, 0) + b"\x31" + zst(art) + b"garbage"),
        ("zst-bomb", mode(1, 0, 0) + b"\x0f" + zstd_rle_bomb(24)),
        ("gz-truncated", mode(2, 1, 0) + b"\x31" + gz(one)[:-3]),
        ("gz-two-members", mode(2, 0, 0) + b"\x31" + gz(pct) + gz(art)),
        ("gz-trailing", mode(2, 0, 0) + b"\x31" + gz(pct) + b"\x00\x00"),
        ("gz-bomb", mode(2, 0, 0) + b"\x0f" + gz(b"y" * (3 << 20))),
        ("wrong-name", mode(1, 0, 0) + b"\x00" + pct),
        ("empty", mode(0, 0, 0) + b"\x00"),
    ]
    write_all("fuzz_chunker", seeds)

    write_all("fuzz_rejects_json", [(f"s{i:02d}", s) for i, s in enumerate(hostile_strings())] +
              [("line", l), ("long", b"\xe2\x82\xac" * 100)])

    # Encoded CountedRecords (core/record_codec.h layout, version 2).
    def varint(v):
        out = b""
        while v >= 0x80:
            out += bytes([(v & 0x7F) | 0x80])
            v >>= 7
        return out + bytes([v])

    def zz(v):
        return (v << 1) ^ (v >> 63) if v >= 0 else ((-v) << 1) - 1

    def string(s):
        return varint(len(s)) + s

    def record(year, version, persons, flags, field, codes, orgs, unlocated, points, unresolved):
        out = bytes([2]) + varint(zz(year)) + varint(zz(version)) + varint(persons) + bytes([flags])
        out += string(field) + varint(len(codes)) + b"".join(string(c) for c in codes)
        out += varint(len(orgs)) + b"".join(string(o) for o in orgs) + varint(zz(unlocated))
        out += varint(len(points))
        for dlat, dlon, cc, units in points:
            out += varint(zz(dlat)) + varint(zz(dlon)) + cc + varint(zz(units))
        out += varint(len(unresolved)) + b"".join(string(l) + varint(zz(u)) for l, u in unresolved)
        return out

    big = (1 << 62)
    write_all("fuzz_record_codec", [
        ("plain", record(2021, 20210304, 2, 0, b"H", [b"H04W 1/00"], [b"Acme"], 250000000,
                         [(3568000, 13977000, b"JP", 500000000), (-24000, -138000, b"JP", 250000000)],
                         [(b"Osaka, JP", 250000000)])),
        ("truncated-list", record(2022, 120220101, 5, 1, b"17", [], [], 1000000000, [],
                                  [(b"(no address)", 400000000)])),
        ("overflow-deltas", record(1, 1, 1, 0, b"", [], [], 0,
                                   [(big, big, b"\x00\x00", 1), (big, -big, b"ZZ", 1), (big, big, b"AA", 1)], [])),
        ("extreme", record(-(1 << 40), 1 << 40, 1 << 40, 0xFF, b"\xff", [b""] * 3, [], -(1 << 62),
                           [(0, 0, b"\x00\x00", -(1 << 62))], [(b"", 1 << 62)])),
        ("cut", record(2021, 1, 1, 0, b"H", [], [], 0, [(1, 1, b"JP", 1)], [])[:-3]),
        ("huge-count", bytes([2, 0, 0, 0, 0, 0, 0, 0, 0]) + varint(1 << 60)),
    ])

    n = sum(len(files) for _, _, files in os.walk(CORPUS))
    digest = hashlib.sha256()
    for dirpath, _, files in sorted(os.walk(CORPUS)):
        for f in sorted(files):
            digest.update(read(dirpath, f))
    print(f"make_seeds: {n} seeds in {CORPUS} (sha256 {digest.hexdigest()[:16]})", file=sys.stderr)


if __name__ == "__main__":
    main()
