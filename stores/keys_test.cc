#include "stores/keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace stc {
namespace {

namespace sk = store_keys;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

int Sign(int v) { return (v > 0) - (v < 0); }

// memcmp order of two byte strings (RocksDB's BytewiseComparator).
int MemcmpOrder(const std::string& a, const std::string& b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return Sign(c);
  return Sign(static_cast<int>(a.size()) - static_cast<int>(b.size()));
}

int LogicalOrder(const AggregateKey& a, const AggregateKey& b) {
  if (sk::AggregateKeyLess(a, b)) return -1;
  if (sk::AggregateKeyLess(b, a)) return 1;
  return 0;
}

TEST(RecordKeyTest, EncodesSourceThenRawKey) {
  std::string out;
  sk::EncodeRecordKey(Source::kArticle, "2-s2.0-1", &out);
  EXPECT_EQ(out, Bytes({2}) + "2-s2.0-1");
  Source source;
  std::string_view key;
  ASSERT_TRUE(sk::DecodeRecordKey(out, &source, &key));
  EXPECT_EQ(source, Source::kArticle);
  EXPECT_EQ(key, "2-s2.0-1");
  EXPECT_FALSE(sk::DecodeRecordKey("", &source, &key));
  EXPECT_FALSE(sk::DecodeRecordKey(Bytes({0}) + "x", &source, &key));
  EXPECT_FALSE(sk::DecodeRecordKey(Bytes({4}) + "x", &source, &key));
}

TEST(RecordKeyTest, OrderIsSourceThenKey) {
  std::string a, b, c;
  sk::EncodeRecordKey(Source::kPct, "zzz", &a);
  sk::EncodeRecordKey(Source::kArticle, "aaa", &b);
  sk::EncodeRecordKey(Source::kArticle, "aaa\x80", &c);
  EXPECT_LT(MemcmpOrder(a, b), 0);
  EXPECT_LT(MemcmpOrder(b, c), 0);
}

TEST(AggregateKeyTest, EncodesByteByByte) {
  AggregateKey k;
  k.source = Source::kArticle;
  k.year = 2021;  // 0x07E5
  k.cell = {-1, 2};
  k.country[0] = 'J';
  k.country[1] = 'P';
  k.field = "17";
  std::string out;
  sk::EncodeAggregateKey(k, &out);
  EXPECT_EQ(out, Bytes({0x02, 0x07, 0xE5, 0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x02, 'J', 'P',
                        '1', '7'}));
  AggregateKey back;
  ASSERT_TRUE(sk::DecodeAggregateKey(out, &back));
  EXPECT_EQ(back, k);
}

TEST(AggregateKeyTest, ExtremesRoundTrip) {
  AggregateKey k;
  k.source = Source::kVc;
  k.year = 65535;
  k.cell = {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
  k.field = std::string(255, '\xff');
  ASSERT_TRUE(sk::IsEncodableAggregateKey(k));
  std::string out;
  sk::EncodeAggregateKey(k, &out);
  EXPECT_EQ(out.substr(0, 11),
            Bytes({0x03, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF}));
  AggregateKey back;
  ASSERT_TRUE(sk::DecodeAggregateKey(out, &back));
  EXPECT_EQ(back, k);
}

TEST(AggregateKeyTest, RejectsMalformedAndOutOfRange) {
  AggregateKey back;
  EXPECT_FALSE(sk::DecodeAggregateKey("", &back));
  EXPECT_FALSE(sk::DecodeAggregateKey(std::string(12, '\x01'), &back));  // Too short.
  std::string unknown_source(13, '\0');
  EXPECT_FALSE(sk::DecodeAggregateKey(unknown_source, &back));
  std::string too_long = Bytes({1}) + std::string(12, '\0') + std::string(256, 'x');
  EXPECT_FALSE(sk::DecodeAggregateKey(too_long, &back));
  EXPECT_TRUE(sk::DecodeAggregateKey(too_long.substr(0, too_long.size() - 1), &back));

  AggregateKey k;
  k.year = -1;
  EXPECT_FALSE(sk::IsEncodableAggregateKey(k));
  k.year = 65536;
  EXPECT_FALSE(sk::IsEncodableAggregateKey(k));
  k.year = 0;
  k.field = std::string(256, 'a');
  EXPECT_FALSE(sk::IsEncodableAggregateKey(k));
}

// Random keys drawn from small ranges so that prefixes often tie and every
// component gets to decide the order.
AggregateKey RandomKey(std::mt19937_64& rng) {
  static const Source kSources[] = {Source::kPct, Source::kArticle, Source::kVc};
  static const int32_t kIdx[] = {
      std::numeric_limits<int32_t>::min(), -18000, -256, -255, -1, 0, 1, 255, 256, 18000,
      std::numeric_limits<int32_t>::max()};
  static const char kCountry[] = {0, 'A', 'J', 'Z', '\x7f', '\x80', '\xff'};
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  AggregateKey k;
  k.source = kSources[pick(3)];
  k.year = static_cast<int32_t>(pick(3) == 0 ? pick(65536) : 2019 + pick(3));
  k.cell.lat_idx = pick(2) ? kIdx[pick(std::size(kIdx))] : static_cast<int32_t>(rng());
  k.cell.lon_idx = pick(2) ? kIdx[pick(std::size(kIdx))] : static_cast<int32_t>(rng());
  k.country[0] = kCountry[pick(std::size(kCountry))];
  k.country[1] = kCountry[pick(std::size(kCountry))];
  size_t len = pick(4);
  for (size_t i = 0; i < len; ++i) k.field.push_back(kCountry[pick(std::size(kCountry))]);
  return k;
}

TEST(AggregateKeyTest, RandomRoundTripAndMemcmpOrderEqualsLogicalOrder) {
  std::mt19937_64 rng(20240601);
  std::vector<AggregateKey> keys;
  for (int i = 0; i < 3000; ++i) keys.push_back(RandomKey(rng));
  std::vector<std::string> encoded(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(sk::IsEncodableAggregateKey(keys[i]));
    sk::EncodeAggregateKey(keys[i], &encoded[i]);
    AggregateKey back;
    ASSERT_TRUE(sk::DecodeAggregateKey(encoded[i], &back));
    ASSERT_EQ(back, keys[i]);
  }
  int negative_pairs = 0;
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    for (size_t j : {i + 1, static_cast<size_t>(rng() % keys.size())}) {
      ASSERT_EQ(MemcmpOrder(encoded[i], encoded[j]), LogicalOrder(keys[i], keys[j]))
          << "keys " << i << " and " << j;
      if (keys[i].cell.lat_idx < 0 && keys[j].cell.lat_idx >= 0) ++negative_pairs;
    }
  }
  EXPECT_GT(negative_pairs, 0);
  // Sorting by bytes and by logical order gives the same sequence.
  std::vector<size_t> by_bytes(keys.size()), by_logic(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) by_bytes[i] = by_logic[i] = i;
  std::stable_sort(by_bytes.begin(), by_bytes.end(),
                   [&](size_t a, size_t b) { return encoded[a] < encoded[b]; });
  std::stable_sort(by_logic.begin(), by_logic.end(),
                   [&](size_t a, size_t b) { return sk::AggregateKeyLess(keys[a], keys[b]); });
  EXPECT_EQ(by_bytes, by_logic);
}

TEST(AggregateKeyTest, NegativeCellsSortFirst) {
  AggregateKey a, b;
  a.cell = {-1, 5};
  b.cell = {0, -5};
  std::string ea, eb;
  sk::EncodeAggregateKey(a, &ea);
  sk::EncodeAggregateKey(b, &eb);
  EXPECT_LT(ea, eb);
  EXPECT_TRUE(sk::AggregateKeyLess(a, b));
}

TEST(TotalsKeyTest, EncodesRoundTripsAndOrders) {
  std::string out;
  sk::EncodeTotalsKey(Source::kPct, 2020, &out);
  EXPECT_EQ(out, Bytes({0x01, 0x07, 0xE4}));
  Source source;
  int32_t year = 0;
  ASSERT_TRUE(sk::DecodeTotalsKey(out, &source, &year));
  EXPECT_EQ(source, Source::kPct);
  EXPECT_EQ(year, 2020);
  EXPECT_FALSE(sk::DecodeTotalsKey(out + "x", &source, &year));
  EXPECT_FALSE(sk::DecodeTotalsKey(Bytes({9, 0, 0}), &source, &year));
  std::string later, other_source;
  sk::EncodeTotalsKey(Source::kPct, 2021, &later);
  sk::EncodeTotalsKey(Source::kArticle, 0, &other_source);
  EXPECT_LT(out, later);
  EXPECT_LT(later, other_source);
}

TEST(RecordKeyTest, PrefixIsAThousandSerialsOfPctAndTheSourceOtherwise) {
  std::string k;
  sk::EncodeRecordKey(Source::kPct, "PCT/CN2019/012345", &k);
  EXPECT_EQ(sk::RecordKeyPrefix(k), std::string("\x01PCT/CN2019/012"));
  EXPECT_EQ(sk::RecordKeyPrefixBytes(Source::kPct, 17), 15u);
  sk::EncodeRecordKey(Source::kPct, "WO12345", &k);
  EXPECT_EQ(sk::RecordKeyPrefix(k), k);  // Shorter than a prefix: whole.
  EXPECT_EQ(sk::RecordKeyPrefixBytes(Source::kPct, 7), 8u);
  sk::EncodeRecordKey(Source::kArticle, "2-s2.0-85012345678", &k);
  EXPECT_EQ(sk::RecordKeyPrefix(k), std::string("\x02"));
  EXPECT_EQ(sk::RecordKeyPrefixBytes(Source::kArticle, 18), 1u);
  EXPECT_EQ(sk::RecordKeyPrefix(""), "");
}

// A prefix's keys are one interval of the key order (what lets a prefix walk
// take a prefix's end for the end of its keys): brute force over random keys
// of mixed lengths and sources, sorted, each prefix's keys consecutive.
TEST(RecordKeyTest, EachPrefixIsAnIntervalOfTheKeyOrder) {
  std::mt19937 rng(5);
  std::vector<std::string> keys;
  const char digits[] = "0129";
  for (int i = 0; i < 20000; ++i) {
    std::string raw = rng() % 2 ? "PCT/CN2019/" : "PCT/CN201";
    const size_t extra = rng() % 9;
    for (size_t d = 0; d < extra; ++d) raw.push_back(digits[rng() % 4]);
    sk::EncodeRecordKey(rng() % 4 ? Source::kPct : Source::kArticle, raw, &keys.emplace_back());
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<std::string> closed;  // Prefixes whose run of keys has ended.
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string_view p = sk::RecordKeyPrefix(keys[i]);
    ASSERT_TRUE(keys[i].starts_with(p));
    EXPECT_EQ(std::count(closed.begin(), closed.end(), p), 0) << "prefix " << p << " resumes";
    if (i + 1 == keys.size() || sk::RecordKeyPrefix(keys[i + 1]) != p) closed.emplace_back(p);
  }
  EXPECT_GT(closed.size(), 1000u);
}

TEST(Int64LeTest, LittleEndianBytes) {
  std::string out;
  sk::AppendInt64Le(&out, 0x0102030405060708);
  sk::AppendInt64Le(&out, -2);
  EXPECT_EQ(out, Bytes({8, 7, 6, 5, 4, 3, 2, 1, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(sk::LoadInt64Le(out.data()), 0x0102030405060708);
  EXPECT_EQ(sk::LoadInt64Le(out.data() + 8), -2);
  EXPECT_FALSE(sk::IsAllZero(out));
  EXPECT_TRUE(sk::IsAllZero(std::string(24, '\0')));
}

}  // namespace
}  // namespace stc
