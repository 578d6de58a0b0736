#include "io/output_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace stc {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Whether the file system of `dir` lets a regular file switch to O_DIRECT.
bool DirectSupported(const std::string& dir) {
  const std::string probe = dir + "/direct-probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  const int flags = fcntl(fd, F_GETFL);
  const bool ok = flags >= 0 && fcntl(fd, F_SETFL, flags | O_DIRECT) == 0;
  ::close(fd);
  fs::remove(probe);
  return ok;
}

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Beside the build, not /tmp: /tmp may be a tmpfs, which refuses O_DIRECT.
    dir_ = (fs::current_path() / ("output_file_test_" + std::to_string(::getpid()))).string();
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `text` to a new file in pieces of the given sizes (cycled) and
  // returns the file's bytes; *direct is the file's direct() before Close.
  std::string WriteInPieces(const std::string& text, const std::vector<size_t>& pieces,
                            const OutputFileOptions& o, bool* direct = nullptr) {
    const std::string path = dir_ + "/out";
    auto f = OutputFile::Create(path, o);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    if (!f.ok()) return {};
    std::ostream& out = (*f)->stream();
    size_t at = 0;
    for (size_t i = 0; at < text.size(); ++i) {
      const size_t n = std::min(pieces[i % pieces.size()], text.size() - at);
      if (n == 1) {
        out.put(text[at]);  // One character: overflow() with a character.
      } else {
        out.write(text.data() + at, static_cast<std::streamsize>(n));
      }
      at += n;
      EXPECT_EQ((*f)->bytes(), at);
    }
    EXPECT_TRUE(out.good());
    if (direct != nullptr) *direct = (*f)->direct();
    const Status st = (*f)->Close();
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_TRUE((*f)->Close().ok());  // Idempotent.
    return ReadAll(path);
  }

  std::string dir_;
};

std::string RandomText(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

TEST_F(OutputFileTest, BytesComeOutAsWrittenWhateverTheSizes) {
  OutputFileOptions o;
  o.buffer_bytes = 64 * 1024;  // Many hand-overs to the writer thread.
  o.buffers = 2;
  // Sizes around the buffer and the alignment, and totals that end on and
  // off a block (the last block is padded, then the file truncated).
  for (size_t total : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{4097},
                       size_t{65535}, size_t{65536}, size_t{65537}, size_t{3'000'001}}) {
    const std::string text = RandomText(total, static_cast<uint32_t>(total));
    for (const std::vector<size_t>& pieces :
         {std::vector<size_t>{1}, std::vector<size_t>{7, 4096, 1, 70000},
          std::vector<size_t>{65536}, std::vector<size_t>{1 << 20}}) {
      if (pieces[0] == 1 && pieces.size() == 1 && total > 100'000) continue;  // Slow, same paths.
      for (bool direct : {false, true}) {
        o.direct = direct;
        EXPECT_EQ(WriteInPieces(text, pieces, o), text) << total << " bytes, direct " << direct;
      }
    }
  }
}

TEST_F(OutputFileTest, RegularFilesGoAroundThePageCacheWhenAskedAndAllowed) {
  if (!DirectSupported(dir_)) GTEST_SKIP() << dir_ << ": the file system refuses O_DIRECT";
  const std::string text = RandomText(1'000'003, 7);
  bool direct = false;
  OutputFileOptions o;
  o.direct = true;
  EXPECT_EQ(WriteInPieces(text, {4099}, o, &direct), text);
  EXPECT_TRUE(direct);
  EXPECT_EQ(WriteInPieces(text, {4099}, OutputFileOptions{}, &direct), text);
  EXPECT_FALSE(direct);  // The default.
}

TEST_F(OutputFileTest, ADirectWriteTheDeviceRefusesIsWrittenThroughThePageCache) {
  if (!DirectSupported(dir_)) GTEST_SKIP() << dir_ << ": the file system refuses O_DIRECT";
  // 1000-byte blocks: not a multiple of any device's sector size, so the
  // first direct write fails with EINVAL and the rest goes buffered.
  OutputFileOptions o;
  o.direct = true;
  o.alignment = 1000;
  o.buffer_bytes = 10'000;
  const std::string text = RandomText(123'457, 3);
  const std::string path = dir_ + "/out";
  auto f = OutputFile::Create(path, o);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE((*f)->direct());  // Switched on at open...
  (*f)->stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_FALSE((*f)->direct());  // ...and off at the first refused write.
  EXPECT_EQ(ReadAll(path), text);
}

TEST_F(OutputFileTest, AnExistingLongerFileIsReplaced) {
  const std::string path = dir_ + "/out";
  std::ofstream(path, std::ios::binary) << RandomText(200'000, 1);
  auto f = OutputFile::Create(path);
  ASSERT_TRUE(f.ok());
  (*f)->stream() << "short\n";
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(ReadAll(path), "short\n");
}

TEST_F(OutputFileTest, APipeIsWrittenPlainly) {
  const std::string path = dir_ + "/fifo";
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  const std::string text = RandomText(300'001, 5);
  std::string got;
  std::thread reader([&] { got = ReadAll(path); });
  OutputFileOptions o;
  o.buffer_bytes = 8192;
  auto f = OutputFile::Create(path, o);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_FALSE((*f)->direct());
  (*f)->stream().write(text.data(), static_cast<std::streamsize>(text.size()));
  const Status st = (*f)->Close();
  reader.join();
  ASSERT_TRUE(st.ok()) << st.ToString();  // No truncation of a pipe.
  EXPECT_EQ(got, text);
}

TEST_F(OutputFileTest, AFailedWriteStopsTheStreamAndIsReportedByClose) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  OutputFileOptions o;
  o.buffer_bytes = 4096;
  auto f = OutputFile::Create("/dev/full", o);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const std::string text = RandomText(100'000, 9);
  std::ostream& out = (*f)->stream();
  for (size_t at = 0; at < text.size() && out.good(); at += 1000) out.write(text.data() + at, 1000);
  const Status st = (*f)->Close();
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find("/dev/full"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("write failed"), std::string::npos) << st.message();
}

TEST_F(OutputFileTest, WriteWholeFileReplacesTheFileOrNamesWhyNot) {
  const std::string path = dir_ + "/whole";
  std::ofstream(path, std::ios::binary) << RandomText(50'000, 3);
  const std::string text = RandomText(9'000'001, 4);  // Past two 4 MiB buffers.
  ASSERT_TRUE(WriteWholeFile(path, text).ok());
  EXPECT_EQ(ReadAll(path), text);
  ASSERT_TRUE(WriteWholeFile(path, "").ok());
  EXPECT_EQ(ReadAll(path), "");
  const Status missing = WriteWholeFile(dir_ + "/no/such/out", "x");
  EXPECT_EQ(missing.code(), StatusCode::kIoError);
  EXPECT_NE(missing.message().find(dir_ + "/no/such/out"), std::string::npos);
  if (fs::exists("/dev/full")) {
    const Status full = WriteWholeFile("/dev/full", RandomText(100'000, 5));
    EXPECT_EQ(full.code(), StatusCode::kIoError);
    EXPECT_NE(full.message().find("/dev/full: write failed"), std::string::npos) << full.message();
  }
}

TEST_F(OutputFileTest, AMissingFolderIsAnErrorNamingThePath) {
  const std::string path = dir_ + "/no/such/folder/out.csv";
  auto f = OutputFile::Create(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kIoError);
  EXPECT_NE(f.status().message().find(path), std::string::npos);
}

}  // namespace
}  // namespace stc
