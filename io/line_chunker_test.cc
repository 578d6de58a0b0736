#include "io/line_chunker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "io/io_test_util.h"

namespace stc {
namespace {

using testutil::MemorySource;
using testutil::ScopedTempDir;
using testutil::WriteFile;
using testutil::ZstdCompress;

// All chunks of a source, reading into one reused Chunk (as the pipeline may).
std::vector<Chunk> ChunkAll(std::unique_ptr<ByteSource> source, const LineChunkerOptions& options) {
  LineChunker chunker(std::move(source), options);
  std::vector<Chunk> chunks;
  Chunk chunk;
  while (chunker.Next(&chunk)) {
    chunks.push_back(chunk);
    if (chunks.size() > 10'000'000) break;  // Runaway guard.
  }
  // Next keeps returning false after the last chunk.
  EXPECT_FALSE(chunker.Next(&chunk));
  return chunks;
}

std::vector<Chunk> ChunkString(const std::string& s, size_t target, size_t max_line,
                               size_t max_read = SIZE_MAX) {
  LineChunkerOptions options;
  options.target_chunk_bytes = target;
  options.max_line_bytes = max_line;
  return ChunkAll(std::make_unique<MemorySource>(s, max_read), options);
}

// Random lines: lengths mostly short, some long; any byte but '\n'.
std::string RandomLines(size_t total, uint32_t seed, bool final_newline) {
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < total) {
    size_t len = rng() % 8 == 0 ? rng() % 190 : rng() % 20;
    for (size_t i = 0; i < len; ++i) {
      char c = static_cast<char>(rng() & 0xFF);
      s.push_back(c == '\n' ? 'n' : c);
    }
    s.push_back('\n');
  }
  if (!final_newline) s += "tail without newline";
  return s;
}

// Checks that the chunks tile `original` exactly: each chunk's data is the
// stream span at its offset, followed by its oversized lines (checked against
// the original bytes); chunk sizes respect the target; the stream ended cleanly.
void ExpectCleanTiling(const std::vector<Chunk>& chunks, const std::string& original, size_t target,
                       size_t max_line) {
  ASSERT_FALSE(chunks.empty());
  uint64_t pos = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const Chunk& c = chunks[i];
    SCOPED_TRACE("chunk " + std::to_string(i) + " of " + std::to_string(chunks.size()));
    EXPECT_EQ(c.last, i + 1 == chunks.size());
    EXPECT_TRUE(c.stream_error.ok());
    EXPECT_FALSE(c.has_partial_line);
    ASSERT_EQ(c.offset, pos);
    ASSERT_LE(pos + c.data.size(), original.size());
    ASSERT_TRUE(original.compare(pos, c.data.size(), c.data) == 0) << "data differs at " << pos;
    // Whole lines, none oversized; only the file's last line may lack '\n'.
    size_t start = 0;
    while (start < c.data.size()) {
      size_t nl = c.data.view().find('\n', start);
      if (nl == std::string::npos) {
        EXPECT_TRUE(c.last && c.oversized.empty()) << "unterminated line not at the end";
        EXPECT_EQ(pos + c.data.size(), original.size());
        nl = c.data.size();
      }
      EXPECT_LE(nl - start, max_line) << "oversized line in data at " << pos + start;
      // Only the chunk's last line may reach past the target.
      if (nl + 1 < c.data.size()) {
        EXPECT_LT(nl + 1, std::max<size_t>(target, 1));
      }
      start = nl + 1;
    }
    if (!c.last && c.oversized.empty()) {
      EXPECT_GE(c.data.size(), target);
    }
    pos += c.data.size();
    for (const OversizedLine& o : c.oversized) {
      ASSERT_EQ(o.offset, pos);
      size_t nl = original.find('\n', pos);
      const size_t len = (nl == std::string::npos ? original.size() : nl) - pos;
      EXPECT_EQ(o.length, len);
      EXPECT_GT(o.length, max_line);
      EXPECT_EQ(o.prefix, original.substr(pos, std::min<size_t>(len, 200)));
      pos += len + (nl == std::string::npos ? 0 : 1);
    }
  }
  EXPECT_EQ(pos, original.size());
}

TEST(LineChunkerTest, PropertyChunksTileTheStreamExactly) {
  for (bool final_newline : {true, false}) {
    const std::string original = RandomLines(20000, final_newline ? 1 : 2, final_newline);
    for (size_t target :
         {size_t{0}, size_t{1}, size_t{7}, size_t{64}, size_t{4096}, size_t{1} << 20}) {
      for (size_t max_read : {size_t{1}, size_t{3}, size_t{64}, size_t{100000}}) {
        for (size_t max_line : {size_t{1} << 20, size_t{50}, size_t{0}}) {
          SCOPED_TRACE("target=" + std::to_string(target) + " read=" + std::to_string(max_read) +
                       " max_line=" + std::to_string(max_line) +
                       " final_newline=" + std::to_string(final_newline));
          std::vector<Chunk> chunks = ChunkString(original, target, max_line, max_read);
          ExpectCleanTiling(chunks, original, target, max_line);
          if (HasFatalFailure()) return;
          // Rebuild the stream from the chunks alone: data, then each
          // oversized line's prefix (lines here are < 200 bytes, so whole).
          std::string rebuilt;
          for (const Chunk& c : chunks) {
            rebuilt += c.data;
            for (const OversizedLine& o : c.oversized) {
              ASSERT_EQ(o.prefix.size(), o.length);
              rebuilt += o.prefix;
              if (rebuilt.size() < original.size()) rebuilt += '\n';
            }
          }
          ASSERT_TRUE(rebuilt == original);
        }
      }
    }
  }
}

TEST(LineChunkerTest, HandComputedOffsets) {
  // Lines: "ab" @0, "cd" @3, "efghij" @6, "" @13, "k" @14 (no '\n').
  const std::string s = "ab\ncd\nefghij\n\nk";
  std::vector<Chunk> chunks = ChunkString(s, 4, 100, 2);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].offset, 0u);
  EXPECT_EQ(chunks[0].data, "ab\ncd\n");  // 3 < 4, so one more line.
  EXPECT_EQ(chunks[1].offset, 6u);
  EXPECT_EQ(chunks[1].data, "efghij\n");
  EXPECT_EQ(chunks[2].offset, 13u);
  EXPECT_EQ(chunks[2].data, "\nk");
  EXPECT_TRUE(chunks[2].last);
  EXPECT_FALSE(chunks[0].last || chunks[1].last);

  chunks = ChunkString(s, 1, 100);
  ASSERT_EQ(chunks.size(), 5u);
  const uint64_t offsets[] = {0, 3, 6, 13, 14};
  const char* lines[] = {"ab\n", "cd\n", "efghij\n", "\n", "k"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(chunks[i].offset, offsets[i]) << i;
    EXPECT_EQ(chunks[i].data, lines[i]) << i;
  }
}

TEST(LineChunkerTest, FinalLineWithoutNewline) {
  std::vector<Chunk> chunks = ChunkString("a\nbb\nccc", 1 << 20, 100);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].data, "a\nbb\nccc");
  EXPECT_TRUE(chunks[0].last);
  EXPECT_TRUE(chunks[0].stream_error.ok());
  EXPECT_FALSE(chunks[0].has_partial_line);
}

TEST(LineChunkerTest, EmptyStreamYieldsOneEmptyLastChunk) {
  std::vector<Chunk> chunks = ChunkString("", 10, 10);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].data, "");
  EXPECT_EQ(chunks[0].offset, 0u);
  EXPECT_TRUE(chunks[0].last);
  EXPECT_TRUE(chunks[0].stream_error.ok());
}

TEST(LineChunkerTest, EmptyFileOnDisk) {
  ScopedTempDir dir;
  WriteFile(dir.File("empty.zst"), "");
  Result<std::unique_ptr<ByteSource>> src = OpenByteSource(dir.File("empty.zst"));
  ASSERT_TRUE(src.ok());
  std::vector<Chunk> chunks = ChunkAll(std::move(src).value(), {});
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].data, "");
  EXPECT_TRUE(chunks[0].last);
}

TEST(LineChunkerTest, OversizedLineIsSkippedAndReported) {
  const std::string big(30, 'X');
  const std::string s = "aa\n" + big + "\nbb\ncc";  // big @3, "bb" @34.
  for (size_t max_read : {size_t{1}, size_t{5}, SIZE_MAX}) {
    std::vector<Chunk> chunks = ChunkString(s, 100, 10, max_read);
    ASSERT_EQ(chunks.size(), 2u);
    EXPECT_EQ(chunks[0].offset, 0u);
    EXPECT_EQ(chunks[0].data, "aa\n");
    ASSERT_EQ(chunks[0].oversized.size(), 1u);
    EXPECT_EQ(chunks[0].oversized[0].offset, 3u);
    EXPECT_EQ(chunks[0].oversized[0].length, 30u);
    EXPECT_EQ(chunks[0].oversized[0].prefix, big);
    EXPECT_FALSE(chunks[0].last);
    EXPECT_EQ(chunks[1].offset, 34u);
    EXPECT_EQ(chunks[1].data, "bb\ncc");
    EXPECT_TRUE(chunks[1].oversized.empty());  // The reused Chunk was reset.
    EXPECT_TRUE(chunks[1].last);
  }
  // A line of exactly max_line_bytes is kept.
  std::vector<Chunk> chunks = ChunkString("0123456789\n", 100, 10);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].data, "0123456789\n");
}

TEST(LineChunkerTest, OversizedPrefixIsFirst200Bytes) {
  std::string big;
  for (int i = 0; i < 1000; ++i) big += static_cast<char>('a' + i % 26);
  std::vector<Chunk> chunks = ChunkString("x\n" + big + "\ny\n", 1 << 20, 500, 77);
  ASSERT_EQ(chunks.size(), 2u);
  ASSERT_EQ(chunks[0].oversized.size(), 1u);
  EXPECT_EQ(chunks[0].oversized[0].offset, 2u);
  EXPECT_EQ(chunks[0].oversized[0].length, 1000u);
  EXPECT_EQ(chunks[0].oversized[0].prefix, big.substr(0, 200));
  EXPECT_EQ(chunks[1].offset, 1003u);
  EXPECT_EQ(chunks[1].data, "y\n");
}

TEST(LineChunkerTest, OversizedFinalLineWithoutNewline) {
  std::vector<Chunk> chunks = ChunkString("ok\n" + std::string(50, 'Z'), 100, 10);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].data, "ok\n");
  ASSERT_EQ(chunks[0].oversized.size(), 1u);
  EXPECT_EQ(chunks[0].oversized[0].offset, 3u);
  EXPECT_EQ(chunks[0].oversized[0].length, 50u);
  EXPECT_TRUE(chunks[0].last);
  EXPECT_TRUE(chunks[0].stream_error.ok());
}

// Generates "head\n", then a line of `line_bytes` 'x' bytes, then "tail\n",
// without ever holding the long line.
class LongLineSource : public ByteSource {
 public:
  explicit LongLineSource(uint64_t line_bytes) : line_bytes_(line_bytes) {}
  Result<size_t> Read(char* buf, size_t cap) override {
    const uint64_t total = 5 + line_bytes_ + 1 + 5;
    size_t n = 0;
    while (n < cap && pos_ < total) {
      char c = 'x';
      if (pos_ < 5)
        c = "head\n"[pos_];
      else if (pos_ == 5 + line_bytes_)
        c = '\n';
      else if (pos_ > 5 + line_bytes_)
        c = "tail\n"[pos_ - 6 - line_bytes_];
      else if (n + 4096 <= cap && pos_ + 4096 < 5 + line_bytes_) {
        std::memset(buf + n, 'x', 4096);
        n += 4096;
        pos_ += 4096;
        continue;
      }
      buf[n++] = c;
      ++pos_;
    }
    return n;
  }
  uint64_t compressed_bytes_read() const override { return pos_; }
  Compression compression() const override { return Compression::kNone; }

 private:
  uint64_t line_bytes_;
  uint64_t pos_ = 0;
};

TEST(LineChunkerTest, HugeLineUsesBoundedMemory) {
  const uint64_t kLine = 300ull << 20;  // 300 MiB line, 4 KiB limit.
  LineChunkerOptions options;
  options.target_chunk_bytes = 64;
  options.max_line_bytes = 4096;
  LineChunker chunker(std::make_unique<LongLineSource>(kLine), options);
  Chunk chunk;
  std::vector<Chunk> chunks;
  size_t max_capacity = 0;
  while (chunker.Next(&chunk)) {
    max_capacity = std::max(max_capacity, chunk.data.capacity());
    chunks.push_back(chunk);
  }
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].data, "head\n");
  ASSERT_EQ(chunks[0].oversized.size(), 1u);
  EXPECT_EQ(chunks[0].oversized[0].offset, 5u);
  EXPECT_EQ(chunks[0].oversized[0].length, kLine);
  EXPECT_EQ(chunks[0].oversized[0].prefix, std::string(200, 'x'));
  EXPECT_EQ(chunks[1].offset, 5 + kLine + 1);
  EXPECT_EQ(chunks[1].data, "tail\n");
  EXPECT_LT(max_capacity, 4u << 20);  // Read block + limit, nowhere near 300 MiB.
}

TEST(LineChunkerTest, StreamErrorMidLineReportsPartialLine) {
  // "l1\nl2\npart|ial\n": the stream fails after 10 bytes, inside "partial".
  const std::string s = "l1\nl2\npartial\n";
  for (size_t max_read : {size_t{1}, size_t{4}, SIZE_MAX}) {
    LineChunkerOptions options;
    options.target_chunk_bytes = 1 << 20;
    std::vector<Chunk> chunks = ChunkAll(
        std::make_unique<MemorySource>(s, max_read, 10, Status::DataError("f.zst: truncated")),
        options);
    ASSERT_EQ(chunks.size(), 1u);
    const Chunk& c = chunks[0];
    EXPECT_EQ(c.data, "l1\nl2\n");
    EXPECT_EQ(c.stream_error.code(), StatusCode::kDataError);
    EXPECT_EQ(c.stream_error.message(), "f.zst: truncated");
    EXPECT_EQ(c.error_offset, 10u);
    EXPECT_TRUE(c.has_partial_line);
    EXPECT_EQ(c.partial_line_offset, 6u);
    EXPECT_EQ(c.partial_line_prefix, "part");
    EXPECT_TRUE(c.last);
  }
}

TEST(LineChunkerTest, StreamErrorAtLineBoundaryHasNoPartialLine) {
  LineChunkerOptions options;
  options.target_chunk_bytes = 4;
  std::vector<Chunk> chunks =
      ChunkAll(std::make_unique<MemorySource>("abc\ndefg\nhi", 3, 9), options);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].data, "abc\n");
  EXPECT_EQ(chunks[1].data, "defg\n");
  EXPECT_TRUE(chunks[1].stream_error.ok());
  EXPECT_EQ(chunks[2].offset, 9u);
  EXPECT_EQ(chunks[2].data, "");
  EXPECT_FALSE(chunks[2].stream_error.ok());
  EXPECT_EQ(chunks[2].error_offset, 9u);
  EXPECT_FALSE(chunks[2].has_partial_line);
  EXPECT_TRUE(chunks[2].last);
}

TEST(LineChunkerTest, StreamErrorInsideOversizedLine) {
  const std::string s = "a\n" + std::string(100, 'Q');
  LineChunkerOptions options;
  options.max_line_bytes = 20;
  std::vector<Chunk> chunks = ChunkAll(std::make_unique<MemorySource>(s, 7, 60), options);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].data, "a\n");
  ASSERT_EQ(chunks[0].oversized.size(), 1u);
  EXPECT_EQ(chunks[0].oversized[0].offset, 2u);
  EXPECT_EQ(chunks[0].oversized[0].length, 58u);  // Lower bound: the bytes before the error.
  EXPECT_FALSE(chunks[0].stream_error.ok());
  EXPECT_EQ(chunks[0].error_offset, 60u);
  EXPECT_FALSE(chunks[0].has_partial_line);
  EXPECT_TRUE(chunks[0].last);
}

TEST(LineChunkerTest, PartialLinePrefixIsCappedAt200Bytes) {
  const std::string s = "x\n" + std::string(500, 'p');
  std::vector<Chunk> chunks = ChunkAll(std::make_unique<MemorySource>(s, 1000, 400), {});
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_TRUE(chunks[0].has_partial_line);
  EXPECT_EQ(chunks[0].partial_line_offset, 2u);
  EXPECT_EQ(chunks[0].partial_line_prefix, std::string(200, 'p'));
}

TEST(LineChunkerTest, TruncatedZstdFileEndsWithPartialLine) {
  ScopedTempDir dir;
  std::string original;
  for (int i = 0; original.size() < (3 << 20); ++i) {
    original += "{\"id\":" + std::to_string(i * 7919 % 100003) + ",\"v\":\"" +
                std::string(static_cast<size_t>(i % 37), 'a' + static_cast<char>(i % 26)) + "\"}\n";
  }
  const std::string z = ZstdCompress(original);
  const std::string path = dir.File("cut.zst");
  WriteFile(path, z.substr(0, z.size() / 2));
  Result<std::unique_ptr<ByteSource>> src = OpenByteSource(path);
  ASSERT_TRUE(src.ok());
  LineChunkerOptions options;
  options.target_chunk_bytes = 100000;
  std::vector<Chunk> chunks = ChunkAll(std::move(src).value(), options);
  ASSERT_GE(chunks.size(), 2u);
  uint64_t pos = 0;
  for (const Chunk& c : chunks) {
    ASSERT_EQ(c.offset, pos);
    ASSERT_TRUE(original.compare(pos, c.data.size(), c.data) == 0);
    pos += c.data.size();
  }
  const Chunk& last = chunks.back();
  EXPECT_TRUE(last.last);
  EXPECT_EQ(last.stream_error.code(), StatusCode::kDataError);
  EXPECT_NE(last.stream_error.message().find("truncated"), std::string::npos);
  EXPECT_NE(last.stream_error.message().find(path), std::string::npos);
  EXPECT_GT(last.error_offset, pos);
  EXPECT_LT(last.error_offset, original.size());
  if (last.has_partial_line) {
    EXPECT_EQ(last.partial_line_offset, pos);
    EXPECT_EQ(original.compare(pos, last.partial_line_prefix.size(), last.partial_line_prefix), 0);
    // The partial line is everything read after the last whole line.
    EXPECT_EQ(last.partial_line_prefix.size(), std::min<uint64_t>(last.error_offset - pos, 200));
  } else {
    EXPECT_EQ(last.error_offset, pos);
  }
  EXPECT_EQ(pos == 0 ? 0 : original[pos - 1], '\n');
}

TEST(LineChunkerTest, CompressedBytesReadIsForwarded) {
  auto source = std::make_unique<MemorySource>("a\nb\n", 100);
  LineChunker chunker(std::move(source), {});
  EXPECT_EQ(chunker.compressed_bytes_read(), 0u);
  Chunk chunk;
  ASSERT_TRUE(chunker.Next(&chunk));
  EXPECT_EQ(chunker.compressed_bytes_read(), 4u);
  EXPECT_EQ(chunker.source().compression(), Compression::kNone);
}

// Against std::count, at every length and alignment, with bytes near '\n'
// (0x0a with the high bit, 0x0b, 0x00, 0xff) that a wrong bit trick confuses.
TEST(CountNewlines, MatchesAByteCount) {
  std::mt19937 rng(11);
  const char alphabet[] = {'\n', '\n', static_cast<char>(0x8a), 0x0b, 0x00, static_cast<char>(0xff),
                           'a',  0x09};
  std::string buf(300, ' ');
  for (int trial = 0; trial < 20000; ++trial) {
    const size_t len = rng() % 120, start = rng() % 16;
    for (size_t i = 0; i < len; ++i) buf[start + i] = alphabet[rng() % sizeof alphabet];
    const std::string_view s(buf.data() + start, len);
    ASSERT_EQ(CountNewlines(s), static_cast<uint64_t>(std::count(s.begin(), s.end(), '\n')))
        << trial;
  }
  EXPECT_EQ(CountNewlines(std::string(1000, '\n')), 1000u);
  // Long enough for the 16-byte counters to fill (255 rounds) several times.
  std::string big(100000 + 7, 'x');
  for (char& c : big) c = alphabet[rng() % sizeof alphabet];
  for (size_t start : {0, 3}) {
    const std::string_view s(big.data() + start, big.size() - start);
    EXPECT_EQ(CountNewlines(s), static_cast<uint64_t>(std::count(s.begin(), s.end(), '\n')));
  }
  EXPECT_EQ(CountNewlines(std::string(10000, '\n')), 10000u);
  EXPECT_EQ(CountNewlines(""), 0u);
}

}  // namespace
}  // namespace stc
