#include "io/byte_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "io/io_test_util.h"

namespace stc {
namespace {

using testutil::GzipCompress;
using testutil::RandomData;
using testutil::ScopedTempDir;
using testutil::WriteFile;
using testutil::ZstdCompress;

// Everything a source yields, read `cap` bytes at a time, and how it ended.
struct ReadOutcome {
  std::string data;
  Status status;  // OK for a clean end.
};

ReadOutcome ReadAll(ByteSource* src, size_t cap) {
  ReadOutcome out;
  std::vector<char> buf(cap);
  for (;;) {
    Result<size_t> n = src->Read(buf.data(), buf.size());
    if (!n.ok()) {
      out.status = n.status();
      return out;
    }
    if (*n == 0) return out;
    EXPECT_LE(*n, cap);
    out.data.append(buf.data(), *n);
  }
}

// Opens and reads `path`; after an error, checks that the error is sticky.
ReadOutcome OpenAndReadAll(const std::string& path, size_t cap,
                           const ByteSourceOptions& options = {}) {
  Result<std::unique_ptr<ByteSource>> src = OpenByteSource(path, options);
  if (!src.ok()) return {"", src.status()};
  ReadOutcome out = ReadAll(src->get(), cap);
  if (!out.status.ok()) {
    std::vector<char> buf(cap);
    for (int i = 0; i < 3; ++i) {
      Result<size_t> again = (*src)->Read(buf.data(), buf.size());
      EXPECT_FALSE(again.ok()) << "error not sticky: " << path;
      if (!again.ok()) {
        EXPECT_EQ(again.status().ToString(), out.status.ToString());
      }
    }
  }
  return out;
}

const size_t kSizes[] = {0, 1, 3, 4, 5, 1000, (1 << 20) + 17, 3 << 20};
const size_t kCaps[] = {1, 7, 4096, 1 << 20};

std::string Identity(const std::string& s) { return s; }
std::string Zstd(const std::string& s) { return ZstdCompress(s); }
std::string Gzip(const std::string& s) { return GzipCompress(s); }

struct CodecCase {
  const char* name;
  const char* suffix;
  std::string (*compress)(const std::string&);
  Compression compression;
};

void PrintTo(const CodecCase& c, std::ostream* os) { *os << c.name; }

class RoundTripTest : public testing::TestWithParam<CodecCase> {};

TEST_P(RoundTripTest, RandomDataOfSeveralSizes) {
  const CodecCase& c = GetParam();
  ScopedTempDir dir;
  for (size_t size : kSizes) {
    const std::string original = RandomData(size, static_cast<uint32_t>(size + 1));
    const std::string file_bytes = c.compress(original);
    const std::string path = dir.File("data_" + std::to_string(size) + c.suffix);
    WriteFile(path, file_bytes);
    for (size_t cap : kCaps) {
      if (cap == 1 && size > 100000) continue;  // Byte-by-byte reads of MiBs are slow.
      SCOPED_TRACE("size=" + std::to_string(size) + " cap=" + std::to_string(cap));
      Result<std::unique_ptr<ByteSource>> src = OpenByteSource(path);
      ASSERT_TRUE(src.ok()) << src.status().ToString();
      EXPECT_EQ((*src)->compression(), c.compression);
      ReadOutcome out = ReadAll(src->get(), cap);
      EXPECT_TRUE(out.status.ok()) << out.status.ToString();
      EXPECT_EQ(out.data.size(), original.size());
      EXPECT_TRUE(out.data == original);
      EXPECT_EQ((*src)->compressed_bytes_read(), file_bytes.size());
      // The end is sticky.
      char b;
      Result<size_t> again = (*src)->Read(&b, 1);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(*again, 0u);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, RoundTripTest,
                         testing::Values(CodecCase{"plain", ".bin", Identity, Compression::kNone},
                                         CodecCase{"zstd", ".zst", Zstd, Compression::kZstd},
                                         CodecCase{"gzip", ".gz", Gzip, Compression::kGzip}),
                         [](const testing::TestParamInfo<CodecCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(ByteSourceTest, CompressionIsDetectedFromContentNotName) {
  ScopedTempDir dir;
  const std::string original = RandomData(5000, 7);
  WriteFile(dir.File("a.txt"), ZstdCompress(original));
  WriteFile(dir.File("b.jsonl"), GzipCompress(original));
  Result<std::unique_ptr<ByteSource>> a = OpenByteSource(dir.File("a.txt"));
  Result<std::unique_ptr<ByteSource>> b = OpenByteSource(dir.File("b.jsonl"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->compression(), Compression::kZstd);
  EXPECT_EQ((*b)->compression(), Compression::kGzip);
  EXPECT_EQ(ReadAll(a->get(), 999).data, original);
  EXPECT_EQ(ReadAll(b->get(), 999).data, original);
}

TEST(ByteSourceTest, ZstdMultipleFramesAndSkippableFrame) {
  ScopedTempDir dir;
  const std::string p1 = RandomData(300000, 1), p2 = RandomData(10, 2), p3 = RandomData(70000, 3);
  // A skippable frame: magic 0x184D2A53, 4-byte size, payload.
  const std::string skippable = std::string("\x53\x2A\x4D\x18\x05\x00\x00\x00", 8) + "hello";
  const std::string file =
      ZstdCompress(p1) + ZstdCompress("") + skippable + ZstdCompress(p2) + ZstdCompress(p3, 19);
  WriteFile(dir.File("multi.zst"), file);
  for (size_t cap : {size_t{13}, size_t{1} << 20}) {
    ReadOutcome out = OpenAndReadAll(dir.File("multi.zst"), cap);
    EXPECT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_TRUE(out.data == p1 + p2 + p3);
  }
  // A stream that starts with a skippable frame is zstd too.
  WriteFile(dir.File("skip_first"), skippable + ZstdCompress(p2));
  Result<std::unique_ptr<ByteSource>> src = OpenByteSource(dir.File("skip_first"));
  ASSERT_TRUE(src.ok());
  EXPECT_EQ((*src)->compression(), Compression::kZstd);
  EXPECT_EQ(ReadAll(src->get(), 100).data, p2);
}

// A corrupt frame whose bytes after the magic read as a skippable frame and
// a valid one (found by fuzz_chunker). zstd 1.5.4, given the magic alone in
// one call and the rest in the next with room for the declared content
// size, decoded the valid frame; with small reads it reports the corruption.
// Every read size must see the error.
TEST(ByteSourceTest, ZstdCorruptFrameIsAnErrorWhateverTheReadSize) {
  ScopedTempDir dir;
  const std::string text = RandomData(700, 4);
  // Magic; descriptor 0x50, window 0x2a, content size 0x184d (+256); a
  // compressed block of size 0. From byte 4 on: skippable-frame magic
  // 0x184D2A50, size 4, "abcd", then a valid frame.
  const std::string file = std::string("\x28\xB5\x2F\xFD\x50\x2A\x4D\x18\x04\x00\x00\x00", 12) +
                           "abcd" + ZstdCompress(text);
  WriteFile(dir.File("corrupt.zst"), file);
  for (size_t cap : {size_t{1}, size_t{4096}, size_t{65536}, size_t{1} << 20}) {
    ReadOutcome out = OpenAndReadAll(dir.File("corrupt.zst"), cap);
    EXPECT_EQ(out.status.code(), StatusCode::kDataError) << cap << ": " << out.status.ToString();
    EXPECT_EQ(out.data, "") << cap;
  }
}

// Frames whose headers straddle the 1 MiB blocks the file is read in: the
// same stream with small and large reads.
TEST(ByteSourceTest, ZstdFrameHeadersAcrossInputBlocks) {
  ScopedTempDir dir;
  const std::string p2 = RandomData(9000, 5), p3 = RandomData(100, 6);
  for (size_t k : {size_t{1}, size_t{4}, size_t{5}, size_t{9}, size_t{17}, size_t{18}}) {
    // A skippable frame that ends k bytes before the first block's end.
    const size_t payload = (size_t{1} << 20) - k - 8;
    std::string file("\x50\x2A\x4D\x18", 4);
    for (int i = 0; i < 4; ++i) file.push_back(static_cast<char>((payload >> (8 * i)) & 0xff));
    file += std::string(payload, 'x') + ZstdCompress(p2) + ZstdCompress(p3);
    WriteFile(dir.File("straddle.zst"), file);
    for (size_t cap : {size_t{13}, size_t{1} << 20}) {
      ReadOutcome out = OpenAndReadAll(dir.File("straddle.zst"), cap);
      EXPECT_TRUE(out.status.ok()) << k << "/" << cap << ": " << out.status.ToString();
      EXPECT_TRUE(out.data == p2 + p3) << k << "/" << cap;
    }
  }
}

TEST(ByteSourceTest, GzipConcatenatedMembers) {
  ScopedTempDir dir;
  const std::string p1 = RandomData(200000, 4), p2 = RandomData(1, 5), p3 = RandomData(5000, 6);
  const std::string file =
      GzipCompress(p1) + GzipCompress("") + GzipCompress(p2, 1) + GzipCompress(p3, 9);
  WriteFile(dir.File("multi.gz"), file);
  for (size_t cap : {size_t{5}, size_t{1} << 20}) {
    ReadOutcome out = OpenAndReadAll(dir.File("multi.gz"), cap);
    EXPECT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_TRUE(out.data == p1 + p2 + p3);
  }
}

TEST(ByteSourceTest, GzipTrailingGarbageIsDataError) {
  ScopedTempDir dir;
  const std::string p1 = RandomData(1000, 8);
  WriteFile(dir.File("trail.gz"), GzipCompress(p1) + "garbage!");
  ReadOutcome out = OpenAndReadAll(dir.File("trail.gz"), 4096);
  EXPECT_EQ(out.data, p1);
  EXPECT_EQ(out.status.code(), StatusCode::kDataError);
  EXPECT_NE(out.status.message().find(dir.File("trail.gz")), std::string::npos);
}

TEST(ByteSourceTest, NameZstWithoutZstdContentIsDataError) {
  ScopedTempDir dir;
  const std::string path = dir.File("x.zst");
  for (const std::string& content :
       {std::string("{\"a\":1}\n"), std::string("ab"), GzipCompress("hello")}) {
    WriteFile(path, content);
    Result<std::unique_ptr<ByteSource>> src = OpenByteSource(path);
    ASSERT_FALSE(src.ok());
    EXPECT_EQ(src.status().code(), StatusCode::kDataError);
    EXPECT_EQ(src.status().message(), path + ": not a zstd file (named .zst)");
  }
  // Upper-case suffix too.
  WriteFile(dir.File("Y.ZST"), "plain");
  EXPECT_EQ(OpenByteSource(dir.File("Y.ZST")).status().code(), StatusCode::kDataError);
}

TEST(ByteSourceTest, NameGzWithoutGzipContentIsDataError) {
  ScopedTempDir dir;
  const std::string path = dir.File("x.gz");
  for (const std::string& content : {std::string("plain text\n"), ZstdCompress("hello")}) {
    WriteFile(path, content);
    Result<std::unique_ptr<ByteSource>> src = OpenByteSource(path);
    ASSERT_FALSE(src.ok());
    EXPECT_EQ(src.status().code(), StatusCode::kDataError);
    EXPECT_EQ(src.status().message(), path + ": not a gzip file (named .gz)");
  }
}

TEST(ByteSourceTest, EmptyCompressedNamesAreEmptyInput) {
  ScopedTempDir dir;
  WriteFile(dir.File("e.zst"), "");
  WriteFile(dir.File("e.gz"), "");
  WriteFile(dir.File("e.txt"), "");
  const std::pair<const char*, Compression> cases[] = {
      {"e.zst", Compression::kZstd}, {"e.gz", Compression::kGzip}, {"e.txt", Compression::kNone}};
  for (const auto& [name, compression] : cases) {
    Result<std::unique_ptr<ByteSource>> src = OpenByteSource(dir.File(name));
    ASSERT_TRUE(src.ok()) << src.status().ToString();
    EXPECT_EQ((*src)->compression(), compression) << name;
    ReadOutcome out = ReadAll(src->get(), 100);
    EXPECT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_EQ(out.data, "");
  }
}

// Cutting a compressed file in the middle: the data before the cut, then a
// sticky "truncated" DataError naming the file.
void ExpectTruncated(const std::string& path, const std::string& original) {
  for (size_t cap : {size_t{1000}, size_t{1} << 20}) {
    Result<std::unique_ptr<ByteSource>> src = OpenByteSource(path);
    ASSERT_TRUE(src.ok()) << src.status().ToString();
    ReadOutcome out = ReadAll(src->get(), cap);
    EXPECT_EQ(out.status.code(), StatusCode::kDataError) << out.status.ToString();
    EXPECT_NE(out.status.message().find("truncated"), std::string::npos) << out.status.message();
    EXPECT_NE(out.status.message().find(path), std::string::npos) << out.status.message();
    EXPECT_GT(out.data.size(), 0u);
    EXPECT_LT(out.data.size(), original.size());
    EXPECT_TRUE(original.compare(0, out.data.size(), out.data) == 0) << "not a prefix";
    char b[10];
    Result<size_t> again = (*src)->Read(b, sizeof(b));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.status().message(), out.status.message());
  }
}

TEST(ByteSourceTest, TruncatedZstdGivesPrefixThenTruncatedError) {
  ScopedTempDir dir;
  const std::string original = RandomData(3 << 20, 9);
  const std::string z = ZstdCompress(original);
  WriteFile(dir.File("cut.zst"), z.substr(0, z.size() / 2));
  ExpectTruncated(dir.File("cut.zst"), original);
  // A cut inside the frame header, and right after the magic.
  WriteFile(dir.File("cut2.zst"), z.substr(0, 5));
  ReadOutcome out = OpenAndReadAll(dir.File("cut2.zst"), 100);
  EXPECT_EQ(out.data, "");
  EXPECT_NE(out.status.message().find("truncated"), std::string::npos) << out.status.ToString();
  // A complete frame followed by a cut one.
  WriteFile(dir.File("cut3.zst"), ZstdCompress("abc") + z.substr(0, z.size() / 3));
  ExpectTruncated(dir.File("cut3.zst"), "abc" + original);
}

TEST(ByteSourceTest, TruncatedGzipGivesPrefixThenTruncatedError) {
  ScopedTempDir dir;
  const std::string original = RandomData(3 << 20, 10);
  const std::string g = GzipCompress(original);
  WriteFile(dir.File("cut.gz"), g.substr(0, g.size() / 2));
  ExpectTruncated(dir.File("cut.gz"), original);
  // Only the trailer (CRC + size) missing.
  WriteFile(dir.File("cut2.gz"), g.substr(0, g.size() - 4));
  ReadOutcome out = OpenAndReadAll(dir.File("cut2.gz"), 1 << 20);
  EXPECT_NE(out.status.message().find("truncated"), std::string::npos) << out.status.ToString();
}

TEST(ByteSourceTest, CorruptZstdIsDataError) {
  ScopedTempDir dir;
  const std::string original = RandomData(1 << 20, 11);
  std::string z = ZstdCompress(original, 3, 0, /*checksum=*/true);
  for (size_t i = z.size() / 2; i < z.size() / 2 + 64; ++i) z[i] = static_cast<char>(z[i] ^ 0x5A);
  WriteFile(dir.File("bad.zst"), z);
  ReadOutcome out = OpenAndReadAll(dir.File("bad.zst"), 1 << 16);
  EXPECT_EQ(out.status.code(), StatusCode::kDataError) << out.status.ToString();
  EXPECT_NE(out.status.message().find(dir.File("bad.zst")), std::string::npos);
  EXPECT_NE(out.status.message().find("zstd"), std::string::npos);
  EXPECT_EQ(out.status.message().find("truncated"), std::string::npos);
}

TEST(ByteSourceTest, CorruptGzipIsDataError) {
  ScopedTempDir dir;
  const std::string original = RandomData(1 << 20, 12);
  std::string g = GzipCompress(original);
  for (size_t i = g.size() / 2; i < g.size() / 2 + 64; ++i) g[i] = static_cast<char>(g[i] ^ 0x5A);
  WriteFile(dir.File("bad.gz"), g);
  ReadOutcome out = OpenAndReadAll(dir.File("bad.gz"), 1 << 16);
  EXPECT_EQ(out.status.code(), StatusCode::kDataError) << out.status.ToString();
  EXPECT_NE(out.status.message().find(dir.File("bad.gz")), std::string::npos);
  EXPECT_NE(out.status.message().find("gzip"), std::string::npos);
}

// A gzip member whose header carries every optional field (FTEXT, FHCRC,
// FEXTRA, FNAME, FCOMMENT, as `gzip` writes a name), between two plain
// members: the fields are skipped and all three members read.
TEST(ByteSourceTest, GzipOptionalHeaderFieldsAreSkipped) {
  ScopedTempDir dir;
  const std::string body = RandomData(70000, 14);
  // The plain member's deflate data and trailer after its 10-byte header.
  const std::string plain = GzipCompress(body);
  std::string header("\x1f\x8b\x08\x1f\0\0\0\0\0\x03", 10);
  header += std::string("\x04\0abcd", 6);     // FEXTRA: 4 bytes.
  header += std::string("name.jsonl\0", 11);  // FNAME.
  header += std::string("a comment\0", 10);   // FCOMMENT.
  const uLong crc =
      crc32(0, reinterpret_cast<const Bytef*>(header.data()), static_cast<uInt>(header.size()));
  header.push_back(static_cast<char>(crc & 0xff));  // FHCRC: the CRC-32's low 16 bits.
  header.push_back(static_cast<char>((crc >> 8) & 0xff));
  const std::string fields = header + plain.substr(10);
  WriteFile(dir.File("fields.gz"), GzipCompress("first\n") + fields + GzipCompress("last\n"));
  for (size_t cap : {size_t{7}, size_t{1} << 20}) {
    ReadOutcome out = OpenAndReadAll(dir.File("fields.gz"), cap);
    EXPECT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_TRUE(out.data == "first\n" + body + "last\n");
  }
}

// Member boundaries at every offset around the end of the first 1 MiB input
// block (the file is read in 1 MiB blocks after its 4 magic bytes): a member
// whose header, deflate data or trailer straddles two blocks reads whole.
TEST(ByteSourceTest, GzipMembersStraddlingInputBlocks) {
  ScopedTempDir dir;
  const std::string big = RandomData((1 << 20) - 40000, 16);
  const std::string a = GzipCompress(big, 0);  // Stored: its size follows the data's.
  const std::string body = "middle\n";
  const std::string deflated = GzipCompress(body).substr(10);  // Deflate data + trailer.
  for (int k = -24; k <= 24; ++k) {
    SCOPED_TRACE(k);
    // Member b, padded with an FEXTRA field, ends k bytes before the block
    // boundary at 4 + 2^20 (after it when k < 0); member c follows.
    const size_t target = static_cast<size_t>((1 << 20) + 4 - k);
    const size_t fixed = a.size() + 10 + 2 + deflated.size();
    ASSERT_LT(fixed, target);
    const size_t extra = target - fixed;
    ASSERT_LE(extra, 0xffffu);
    std::string b("\x1f\x8b\x08\x04\0\0\0\0\0\x03", 10);
    b.push_back(static_cast<char>(extra & 0xff));
    b.push_back(static_cast<char>(extra >> 8));
    b += std::string(extra, 'e') + deflated;
    const std::string c = GzipCompress("end\n");
    WriteFile(dir.File("straddle.gz"), a + b + c);
    ReadOutcome out = OpenAndReadAll(dir.File("straddle.gz"), 1 << 16);
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    EXPECT_TRUE(out.data == big + body + "end\n");
  }
}

// A member whose trailer (CRC-32, then the length) does not match its data.
TEST(ByteSourceTest, GzipTrailerMismatchIsDataError) {
  ScopedTempDir dir;
  const std::string original = RandomData(100000, 15);
  for (size_t from_end : {size_t{8}, size_t{1}}) {  // A CRC byte, a length byte.
    std::string g = GzipCompress(original);
    g[g.size() - from_end] = static_cast<char>(g[g.size() - from_end] ^ 0x01);
    WriteFile(dir.File("trailer.gz"), g);
    ReadOutcome out = OpenAndReadAll(dir.File("trailer.gz"), 1 << 16);
    EXPECT_EQ(out.status.code(), StatusCode::kDataError) << from_end << out.status.ToString();
    EXPECT_NE(out.status.message().find("checksum"), std::string::npos) << out.status.ToString();
  }
}

TEST(ByteSourceTest, ZstdWindowLargerThanLimitIsRefused) {
  ScopedTempDir dir;
  const std::string original = RandomData(3 << 20, 13);
  WriteFile(dir.File("big_window.zst"), ZstdCompress(original, 3, /*window_log=*/30));
  ByteSourceOptions small;
  small.max_window_log = 20;
  ReadOutcome refused = OpenAndReadAll(dir.File("big_window.zst"), 1 << 20, small);
  EXPECT_EQ(refused.status.code(), StatusCode::kDataError) << refused.status.ToString();
  EXPECT_NE(refused.status.message().find("window"), std::string::npos);
  EXPECT_NE(refused.status.message().find(dir.File("big_window.zst")), std::string::npos);
  EXPECT_EQ(refused.data, "");
  // With a limit at least as large as the frame's window it decodes.
  ByteSourceOptions large;
  large.max_window_log = 30;
  ReadOutcome ok = OpenAndReadAll(dir.File("big_window.zst"), 1 << 20, large);
  EXPECT_TRUE(ok.status.ok()) << ok.status.ToString();
  EXPECT_TRUE(ok.data == original);
}

TEST(ByteSourceTest, InvalidWindowLimitIsInvalidArgument) {
  ScopedTempDir dir;
  WriteFile(dir.File("a.txt"), "x");
  ByteSourceOptions options;
  options.max_window_log = 3;
  EXPECT_EQ(OpenByteSource(dir.File("a.txt"), options).status().code(),
            StatusCode::kInvalidArgument);
  options.max_window_log = 40;
  EXPECT_EQ(OpenByteSource(dir.File("a.txt"), options).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ByteSourceTest, MissingFileIsNotFound) {
  ScopedTempDir dir;
  const std::string path = dir.File("nope.zst");
  Result<std::unique_ptr<ByteSource>> src = OpenByteSource(path);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), StatusCode::kNotFound);
  EXPECT_NE(src.status().message().find(path), std::string::npos);
  EXPECT_EQ(OpenByteSource(dir.File("no_dir/x")).status().code(), StatusCode::kNotFound);
}

TEST(ByteSourceTest, DirectoryIsIoError) {
  ScopedTempDir dir;
  const std::string path = dir.File("sub");
  ASSERT_EQ(::mkdir(path.c_str(), 0755), 0);
  EXPECT_EQ(OpenByteSource(path).status().code(), StatusCode::kIoError);
}

TEST(ByteSourceTest, UnreadableFileIsIoError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read anything";
  ScopedTempDir dir;
  const std::string path = dir.File("secret.txt");
  WriteFile(path, "x");
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  EXPECT_EQ(OpenByteSource(path).status().code(), StatusCode::kIoError);
}

TEST(ByteSourceTest, CompressedBytesReadGrowsWithProgress) {
  ScopedTempDir dir;
  const std::string original = RandomData(4 << 20, 14);
  const std::string z = ZstdCompress(original);
  WriteFile(dir.File("p.zst"), z);
  Result<std::unique_ptr<ByteSource>> src = OpenByteSource(dir.File("p.zst"));
  ASSERT_TRUE(src.ok());
  std::vector<char> buf(1 << 16);
  ASSERT_TRUE((*src)->Read(buf.data(), buf.size()).ok());
  const uint64_t early = (*src)->compressed_bytes_read();
  EXPECT_GT(early, 0u);
  EXPECT_LT(early, z.size());
  EXPECT_TRUE(ReadAll(src->get(), 1 << 16).status.ok());
  EXPECT_EQ((*src)->compressed_bytes_read(), z.size());
}

TEST(ByteSourceTest, CompressionNames) {
  EXPECT_STREQ(CompressionName(Compression::kNone), "none");
  EXPECT_STREQ(CompressionName(Compression::kZstd), "zstd");
  EXPECT_STREQ(CompressionName(Compression::kGzip), "gzip");
}

}  // namespace
}  // namespace stc
