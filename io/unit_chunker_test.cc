#include "io/unit_chunker.h"

#include <gtest/gtest.h>

#include <random>

#include "io/io_test_util.h"

namespace stc {
namespace {

using namespace std::string_literals;

using testutil::MemorySource;

// Every chunk of `data` cut by `prefix`, with the given limits.
std::vector<Chunk> Cut(const std::string& data, const std::string& prefix, size_t target,
                       size_t max_unit, size_t max_read, size_t error_at = SIZE_MAX) {
  LineChunkerOptions o;
  o.target_chunk_bytes = target;
  o.max_line_bytes = max_unit;
  UnitChunker chunker(std::make_unique<MemorySource>(data, max_read, error_at), o,
                      UnitRule{prefix});
  std::vector<Chunk> out;
  Chunk c;
  while (chunker.Next(&c)) out.push_back(c);
  return out;
}

// The units (text, offset) and oversized units (offset, length) of `chunks`.
struct Cuts {
  std::vector<std::pair<std::string, uint64_t>> units;
  std::vector<std::pair<uint64_t, uint64_t>> oversized;
};
Cuts Flatten(const std::vector<Chunk>& chunks) {
  Cuts c;
  for (const Chunk& ch : chunks) {
    size_t start = 0;
    for (size_t end : ch.unit_ends) {
      c.units.emplace_back(ch.data.view().substr(start, end - start), ch.offset + start);
      start = end;
    }
    EXPECT_EQ(start, ch.data.size());
    for (const auto& o : ch.oversized) c.oversized.emplace_back(o.offset, o.length);
  }
  return c;
}

const char kXml[] =
    "<?xml version=\"1.0\"?>\n<a>\n  <b/>\n</a>\n"  // 0..38
    "<?xml version=\"1.0\"?>\n<a>x</a>\n"           // 38..69
    "<?xml version=\"1.0\"?><a/>";                  // 69..94, no final newline

TEST(UnitChunkerTest, CutsAtPrefixLines) {
  for (size_t read : {size_t{1}, size_t{5}, size_t{1000}}) {
    Cuts c = Flatten(Cut(kXml, "<?xml", 1 << 20, 1 << 20, read));
    ASSERT_EQ(c.units.size(), 3u) << read;
    EXPECT_EQ(c.units[0].first, "<?xml version=\"1.0\"?>\n<a>\n  <b/>\n</a>\n");
    EXPECT_EQ(c.units[1].second, 38u);
    EXPECT_EQ(c.units[1].first, "<?xml version=\"1.0\"?>\n<a>x</a>\n");
    EXPECT_EQ(c.units[2].second, 69u);
    EXPECT_EQ(c.units[2].first, "<?xml version=\"1.0\"?><a/>");
    EXPECT_TRUE(c.oversized.empty());
  }
}

TEST(UnitChunkerTest, SmallTargetGivesOneUnitPerChunkAndTiles) {
  std::vector<Chunk> chunks = Cut(kXml, "<?xml", 1, 1 << 20, 3);
  ASSERT_EQ(chunks.size(), 3u);
  uint64_t off = 0;
  for (const Chunk& c : chunks) {
    EXPECT_EQ(c.offset, off);
    off += c.data.size();
  }
  EXPECT_EQ(off, sizeof(kXml) - 1);
  EXPECT_TRUE(chunks.back().last);
}

TEST(UnitChunkerTest, EmptyPrefixMeansWholeStream) {
  Cuts c = Flatten(Cut("{\n  \"a\": 1\n}\n{\n}\n", "", 1, 1 << 20, 2));
  ASSERT_EQ(c.units.size(), 1u);
  EXPECT_EQ(c.units[0].first, "{\n  \"a\": 1\n}\n{\n}\n");
}

TEST(UnitChunkerTest, PrettyJsonDocumentsCutAtBraceLines) {
  Cuts c = Flatten(
      Cut("{\n  \"a\": {\n    \"b\": 1\n  }\n}\n{\n  \"c\": 2\n}\n", "{", 1 << 20, 1 << 20, 4));
  ASSERT_EQ(c.units.size(), 2u);
  EXPECT_EQ(c.units[1].first, "{\n  \"c\": 2\n}\n");
  EXPECT_EQ(c.units[1].second, 28u);
}

TEST(UnitChunkerTest, OversizedUnitIsSkippedWithBoundedMemory) {
  std::string big = "<?xml?>\n<a>" + std::string(5000, 'x') + "\n</a>\n";
  std::string data = "<?xml?><s/>\n" + big + "<?xml?><t/>\n";
  for (size_t read : {size_t{1}, size_t{7}, size_t{100000}}) {
    std::vector<Chunk> chunks = Cut(data, "<?xml", 1 << 20, 100, read);
    Cuts c = Flatten(chunks);
    ASSERT_EQ(c.units.size(), 2u) << read;
    EXPECT_EQ(c.units[0].first, "<?xml?><s/>\n");
    EXPECT_EQ(c.units[1].first, "<?xml?><t/>\n");
    EXPECT_EQ(c.units[1].second, 12u + big.size());
    ASSERT_EQ(c.oversized.size(), 1u);
    EXPECT_EQ(c.oversized[0], std::make_pair(uint64_t{12}, uint64_t{big.size()}));
  }
}

// A unit no longer than the limit is never reported oversized because the
// bytes buffered after it (a start marker not yet recognised, read in small
// pieces) exceed the limit (found by fuzz_chunker).
TEST(UnitChunkerTest, ShortUnitBeforeAPartlyReadMarkerIsKept) {
  const std::string data = "\n<?xml\0\0"s;
  for (size_t read : {size_t{1}, size_t{2}, size_t{4}, size_t{5}, size_t{100}}) {
    for (size_t max_unit : {size_t{1}, size_t{2}, size_t{3}}) {
      Cuts c = Flatten(Cut(data, "<?xml", 1, max_unit, read));
      ASSERT_EQ(c.units.size(), 1u) << read << " " << max_unit;
      EXPECT_EQ(c.units[0], std::make_pair(std::string("\n"), uint64_t{0}));
      ASSERT_EQ(c.oversized.size(), 1u) << read << " " << max_unit;
      EXPECT_EQ(c.oversized[0], std::make_pair(uint64_t{1}, uint64_t{7}));
    }
  }
}

TEST(UnitChunkerTest, OversizedLastUnitAndWholeFile) {
  std::string data = "<?xml?><s/>\n<?xml?>" + std::string(3000, 'y');
  Cuts c = Flatten(Cut(data, "<?xml", 1 << 20, 100, 64));
  ASSERT_EQ(c.units.size(), 1u);
  ASSERT_EQ(c.oversized.size(), 1u);
  EXPECT_EQ(c.oversized[0].second, 3007u);
  Cuts w = Flatten(Cut(std::string(5000, 'z'), "", 1 << 20, 100, 64));
  EXPECT_TRUE(w.units.empty());
  ASSERT_EQ(w.oversized.size(), 1u);
  EXPECT_EQ(w.oversized[0].second, 5000u);
}

TEST(UnitChunkerTest, StreamErrorReportsPartialUnit) {
  std::vector<Chunk> chunks = Cut(kXml, "<?xml", 1 << 20, 1 << 20, 8, 50);
  ASSERT_FALSE(chunks.empty());
  const Chunk& last = chunks.back();
  EXPECT_TRUE(last.last);
  EXPECT_FALSE(last.stream_error.ok());
  EXPECT_TRUE(last.has_partial_line);
  EXPECT_EQ(last.partial_line_offset, 38u);
  Cuts c = Flatten(chunks);
  ASSERT_EQ(c.units.size(), 1u);
}

TEST(UnitChunkerTest, PropertyUnitsRebuildTheStream) {
  std::mt19937 rng(7);
  std::string data;
  for (int i = 0; i < 300; ++i) {
    data += "<?xml v?>\n";
    int lines = static_cast<int>(rng() % 5);
    for (int l = 0; l < lines; ++l) data += std::string(rng() % 40, 'a' + l) + "\n";
  }
  for (size_t target : {size_t{1}, size_t{100}, size_t{5000}}) {
    for (size_t read : {size_t{1}, size_t{13}, size_t{4096}}) {
      std::vector<Chunk> chunks = Cut(data, "<?xml", target, 1 << 20, read);
      std::string rebuilt;
      uint64_t off = 0;
      for (const Chunk& ch : chunks) {
        EXPECT_EQ(ch.offset, off);
        rebuilt += ch.data;
        off += ch.data.size();
      }
      ASSERT_EQ(rebuilt, data) << target << " " << read;
      EXPECT_EQ(Flatten(chunks).units.size(), 300u);
    }
  }
}

// FindMarker against std::string_view::find: markers with and without '?',
// '?' repeated, at every position, overlapping candidates, near both ends.
TEST(FindMarkerTest, AgreesWithFind) {
  std::mt19937 rng(7);
  const std::string alphabet = "\n<?xml a";
  const std::vector<std::string> markers = {"\n<?xml", "?", "??x", "\n{", "x?", "\n<?x?"};
  for (int round = 0; round < 20000; ++round) {
    std::string hay(rng() % 40, ' ');
    for (char& c : hay) c = alphabet[rng() % alphabet.size()];
    const std::string& marker = markers[rng() % markers.size()];
    if (rng() % 3 == 0 && hay.size() >= marker.size()) {  // Plant one.
      hay.replace(rng() % (hay.size() - marker.size() + 1), marker.size(), marker);
    }
    ASSERT_EQ(FindMarker(hay, marker), std::string_view(hay).find(marker))
        << "marker '" << marker << "' in '" << hay << "'";
  }
}

}  // namespace
}  // namespace stc
