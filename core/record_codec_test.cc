#include "core/record_codec.h"

#include <gtest/gtest.h>

#include <random>

#include "core/threads.h"

namespace stc {
namespace {

CountedRecord RandomRecord(std::mt19937_64& rng) {
  CountedRecord r;
  r.year = 1990 + rng() % 40;
  r.version = r.year * 10000 + 101 + rng() % 1100;
  r.persons = 1 + rng() % 300;
  r.truncated = rng() % 2;
  r.field = rng() % 2 ? "H" : "17";
  for (int i = rng() % 4; i > 0; --i) r.codes.push_back("H04W " + std::to_string(rng() % 100));
  for (int i = rng() % 3; i > 0; --i) r.orgs.push_back("Org " + std::to_string(rng() % 100));
  Units left = kUnit;
  for (int i = rng() % 6; i > 0; --i) {
    WeightedPoint p;
    p.lat_e5 = static_cast<int32_t>(rng() % 18000001) - 9000000;
    p.lon_e5 = static_cast<int32_t>(rng() % 36000001) - 18000000;
    p.country[0] = 'A' + rng() % 26;
    p.country[1] = 'A' + rng() % 26;
    p.units = static_cast<Units>(rng() % (left + 1));
    left -= p.units;
    r.points.push_back(p);
  }
  r.unlocated = left;
  if (rng() % 2) r.unresolved.push_back({"Atlantis, XX", left});
  return r;
}

TEST(RecordCodec, RoundTripsRandomRecords) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 5000; ++i) {
    CountedRecord r = RandomRecord(rng);
    std::string enc;
    EncodeCountedRecord(r, &enc);
    CountedRecord back;
    ASSERT_TRUE(DecodeCountedRecord(enc, &back).ok());
    ASSERT_EQ(back, r);
    int32_t year = 0, version = 0;
    ASSERT_TRUE(PeekYearVersion(enc, &year, &version));
    ASSERT_EQ(year, r.year);
    ASSERT_EQ(version, r.version);
  }
}

TEST(RecordCodec, EqualRecordsGiveEqualFingerprints) {
  std::mt19937_64 rng(9);
  CountedRecord a = RandomRecord(rng);
  CountedRecord b = a;
  std::string ea, eb;
  EncodeCountedRecord(a, &ea);
  EncodeCountedRecord(b, &eb);
  EXPECT_EQ(FingerprintEncoded(ea), FingerprintEncoded(eb));
  b.unlocated += 1;
  eb.clear();
  EncodeCountedRecord(b, &eb);
  EXPECT_NE(FingerprintEncoded(ea), FingerprintEncoded(eb));
}

TEST(RecordCodec, RejectsTruncatedAndTrailingBytes) {
  std::mt19937_64 rng(1);
  CountedRecord r = RandomRecord(rng);
  r.points.push_back({1, 2, {'J', 'P'}, 3});
  std::string enc;
  EncodeCountedRecord(r, &enc);
  CountedRecord back;
  for (size_t cut = 0; cut < enc.size(); ++cut) {
    EXPECT_FALSE(DecodeCountedRecord(std::string_view(enc).substr(0, cut), &back).ok()) << cut;
  }
  EXPECT_FALSE(DecodeCountedRecord(enc + "x", &back).ok());
  std::string bad_version = enc;
  bad_version[0] = 9;
  EXPECT_EQ(DecodeCountedRecord(bad_version, &back).code(), StatusCode::kCorruption);
}

// The unit hash is stored (last 8 bytes, little-endian) and read back, but
// is not content: records that differ only in it have one fingerprint.
TEST(RecordCodec, UnitHashIsStoredButNotFingerprinted) {
  std::mt19937_64 rng(21);
  for (int i = 0; i < 200; ++i) {
    CountedRecord r = RandomRecord(rng);
    r.unit_hash = rng();
    std::string enc;
    EncodeCountedRecord(r, &enc);
    EXPECT_EQ(PeekUnitHash(enc), r.unit_hash);
    uint64_t tail = 0;
    for (int b = 0; b < 8; ++b) {
      tail |= static_cast<uint64_t>(static_cast<uint8_t>(enc[enc.size() - 8 + b])) << (8 * b);
    }
    EXPECT_EQ(tail, r.unit_hash);
    CountedRecord back;
    ASSERT_TRUE(DecodeCountedRecord(enc, &back).ok());
    EXPECT_EQ(back.unit_hash, r.unit_hash);
    CountedRecordView view;
    ASSERT_TRUE(DecodeCountedRecordView(enc, &view).ok());
    EXPECT_EQ(view.unit_hash, r.unit_hash);
    CountedRecord other = r;
    other.unit_hash = r.unit_hash ^ 1;
    std::string enc_other;
    EncodeCountedRecord(other, &enc_other);
    EXPECT_NE(enc, enc_other);
    EXPECT_EQ(FingerprintEncoded(enc), FingerprintEncoded(enc_other));
  }
}

// Records stored by format version 2 (no unit hash) still decode, with unit
// hash 0, and fingerprint like the same record in version 3.
TEST(RecordCodec, ReadsVersion2Records) {
  std::mt19937_64 rng(22);
  for (int i = 0; i < 200; ++i) {
    CountedRecord r = RandomRecord(rng);
    r.unit_hash = rng() | 1;
    std::string v3;
    EncodeCountedRecord(r, &v3);
    ASSERT_EQ(static_cast<uint8_t>(v3[0]), 3);
    const std::string v2 = "\x02" + v3.substr(1, v3.size() - 9);
    CountedRecord back;
    ASSERT_TRUE(DecodeCountedRecord(v2, &back).ok());
    CountedRecord want = r;
    want.unit_hash = 0;
    EXPECT_EQ(back, want);
    EXPECT_EQ(PeekUnitHash(v2), 0u);
    EXPECT_EQ(FingerprintEncoded(v2), FingerprintEncoded(v3));
    int32_t year = 0, version = 0;
    ASSERT_TRUE(PeekYearVersion(v2, &year, &version));
    EXPECT_EQ(year, r.year);
    EXPECT_EQ(version, r.version);
    EXPECT_FALSE(DecodeCountedRecord(v2 + "x", &back).ok());
  }
}

// One view reused for records of every size (stale entries of a longer
// record must not survive) holds what the copying decoder gives; with its
// vectors given thread scratch first (ReserveThreadScratch) too.
TEST(RecordCodec, ViewDecodesLikeTheCopyingDecoder) {
  std::mt19937_64 rng(11);
  CountedRecordView view;
  ReserveThreadScratch(&view);
  EXPECT_GE(view.codes.capacity() * sizeof(view.codes[0]), kThreadScratchBytes);
  EXPECT_GE(view.orgs.capacity() * sizeof(view.orgs[0]), kThreadScratchBytes);
  EXPECT_GE(view.points.capacity() * sizeof(view.points[0]), kThreadScratchBytes);
  EXPECT_GE(view.unresolved.capacity() * sizeof(view.unresolved[0]), kThreadScratchBytes);
  for (int i = 0; i < 5000; ++i) {
    CountedRecord r = RandomRecord(rng);
    std::string enc;
    EncodeCountedRecord(r, &enc);
    ASSERT_TRUE(DecodeCountedRecordView(enc, &view).ok());
    EXPECT_EQ(view.year, r.year);
    EXPECT_EQ(view.version, r.version);
    EXPECT_EQ(view.persons, r.persons);
    EXPECT_EQ(view.truncated, r.truncated);
    EXPECT_EQ(view.field, r.field);
    ASSERT_EQ(std::vector<std::string>(view.codes.begin(), view.codes.end()), r.codes);
    ASSERT_EQ(std::vector<std::string>(view.orgs.begin(), view.orgs.end()), r.orgs);
    EXPECT_EQ(view.unlocated, r.unlocated);
    ASSERT_EQ(view.points, r.points);
    ASSERT_EQ(view.unresolved.size(), r.unresolved.size());
    for (size_t u = 0; u < r.unresolved.size(); ++u) {
      EXPECT_EQ(view.unresolved[u].first, r.unresolved[u].first);
      EXPECT_EQ(view.unresolved[u].second, r.unresolved[u].second);
    }
    // Every strict prefix is rejected by both decoders alike.
    const size_t cut = rng() % enc.size();
    CountedRecord back;
    Status a = DecodeCountedRecordView(std::string_view(enc).substr(0, cut), &view);
    Status b = DecodeCountedRecord(std::string_view(enc).substr(0, cut), &back);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.ToString(), b.ToString());
  }
}

// The varint writer against the textbook byte-at-a-time LEB128 loop, at every
// length from 1 to 10 bytes and around each boundary.
TEST(RecordCodec, VarintsMatchTheReferenceEncoding) {
  std::vector<uint64_t> values = {0, 1, 127, 128, 255, 300, ~0ull};
  for (int bits = 1; bits < 64; ++bits) {
    uint64_t b = 1ull << bits;
    values.insert(values.end(), {b - 1, b, b + 1});
  }
  for (uint64_t v : values) {
    std::string want;
    for (uint64_t x = v;; x >>= 7) {
      if (x < 0x80) {
        want.push_back(static_cast<char>(x));
        break;
      }
      want.push_back(static_cast<char>((x & 0x7f) | 0x80));
    }
    std::string got = "prefix";
    PutVarint64(&got, v);
    EXPECT_EQ(got, "prefix" + want) << v;
    char buf[kMaxVarint64 + 1];
    EXPECT_EQ(std::string(buf, WriteVarint64(buf, v)), want) << v;
    std::string_view in(want);
    uint64_t back = 0;
    ASSERT_TRUE(GetVarint64(&in, &back));
    EXPECT_EQ(back, v);
    EXPECT_TRUE(in.empty()) << v;
    // Cut short: no value.
    std::string_view cut(want.data(), want.size() - 1);
    EXPECT_FALSE(GetVarint64(&cut, &back)) << v;
    // Followed by other bytes (with and without high bits set): the same
    // value, and what follows is left.
    for (const char* tail :
         {"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"}) {
      const std::string padded = want + tail;
      std::string_view rest(padded);
      back = 0;
      ASSERT_TRUE(GetVarint64(&rest, &back)) << v;
      EXPECT_EQ(back, v);
      EXPECT_EQ(rest, tail) << v;
      // One 8-byte load: the length and value up to 8 bytes, 0 beyond.
      back = 0;
      const size_t n = DecodeVarint64Word(padded.data(), &back);
      if (want.size() <= 8) {
        EXPECT_EQ(n, want.size()) << v;
        EXPECT_EQ(back, v);
      } else {
        EXPECT_EQ(n, 0u) << v;
      }
    }
  }
  // Longer than 10 bytes: no value.
  std::string_view eleven("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11);
  uint64_t ignored;
  EXPECT_FALSE(GetVarint64(&eleven, &ignored));
  // Nine to sixteen bytes, every high bit set: the input ends first (9
  // bytes) or the varint runs past 10 bytes; no value either way.
  for (size_t n = 9; n <= 16; ++n) {
    const std::string all(n, '\xff');
    std::string_view in(all);
    EXPECT_FALSE(GetVarint64(&in, &ignored)) << n;
  }
}

// Encoding appends: what was in the buffer stays, and the bytes appended equal
// those of an encoding into an empty buffer.
TEST(RecordCodec, EncodeAppendsToTheBuffer) {
  std::mt19937_64 rng(3);
  std::string alone, appended = "head";
  for (int i = 0; i < 200; ++i) {
    CountedRecord r = RandomRecord(rng);
    alone.clear();
    EncodeCountedRecord(r, &alone);
    size_t before = appended.size();
    EncodeCountedRecord(r, &appended);
    ASSERT_EQ(appended.substr(before), alone);
  }
  EXPECT_EQ(appended.substr(0, 4), "head");
}

}  // namespace
}  // namespace stc
