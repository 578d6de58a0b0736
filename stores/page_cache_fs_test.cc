// DropReadsFileSystem: reads of table files are dropped from the page cache
// while a scope is alive, and only then; what is read does not change.
#include "stores/page_cache_fs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace stc::store_internal {
namespace {

constexpr size_t kFileBytes = size_t{4} << 20;

class PageCacheFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("stc_page_cache_fs_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Whether this file system drops clean pages on request at all (tmpfs, for
  // one, keeps them: they are the file).
  bool CanDropPages() {
    const std::string path = WriteSynced("probe");
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return false;
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
    return ResidentPages(path) == 0;
  }

  // Writes `name` with kFileBytes of a known pattern and syncs it (clean
  // pages can be dropped; dirty ones cannot).
  std::string WriteSynced(const std::string& name) {
    const std::string path = (dir_ / name).string();
    std::string bytes(kFileBytes, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 + i / 4096);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    EXPECT_EQ(::fsync(fd), 0);
    ::close(fd);
    expected_ = bytes;
    return path;
  }

  // How many of the file's pages are in the page cache (mincore).
  static size_t ResidentPages(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    EXPECT_GE(fd, 0);
    void* map = ::mmap(nullptr, kFileBytes, PROT_READ, MAP_SHARED, fd, 0);
    EXPECT_NE(map, MAP_FAILED);
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> in((kFileBytes + page - 1) / page);
    EXPECT_EQ(::mincore(map, kFileBytes, in.data()), 0);
    ::munmap(map, kFileBytes);
    ::close(fd);
    size_t n = 0;
    for (unsigned char c : in) n += c & 1;
    return n;
  }

  // Reads the whole file through `fs` in 256 KiB pieces; its bytes.
  static std::string ReadAll(DropReadsFileSystem* fs, const std::string& path) {
    std::unique_ptr<rocksdb::FSRandomAccessFile> file;
    EXPECT_TRUE(fs->NewRandomAccessFile(path, rocksdb::FileOptions(), &file, nullptr).ok());
    std::string out;
    std::string scratch(size_t{256} << 10, '\0');
    for (uint64_t at = 0; at < kFileBytes; at += scratch.size()) {
      rocksdb::Slice got;
      EXPECT_TRUE(
          file->Read(at, scratch.size(), rocksdb::IOOptions(), &got, scratch.data(), nullptr).ok());
      out.append(got.data(), got.size());
    }
    return out;
  }

  std::filesystem::path dir_;
  std::string expected_;
};

TEST_F(PageCacheFsTest, TableFileReadsAreDroppedOnlyInsideAScope) {
  if (!CanDropPages()) GTEST_SKIP() << dir_ << ": its file system keeps clean pages cached";
  DropReadsFileSystem fs(rocksdb::FileSystem::Default());
  const std::string path = WriteSynced("000001.sst");
  const size_t all = ResidentPages(path);
  ASSERT_GT(all, 0u);  // Just written: cached.

  // No scope: the reads leave the pages where they are.
  EXPECT_EQ(ReadAll(&fs, path), expected_);
  EXPECT_EQ(ResidentPages(path), all);
  EXPECT_EQ(fs.dropped_reads(), 0u);

  {
    const DropReadsScope scope(&fs, {"000001.sst"});
    EXPECT_TRUE(fs.Dropping("000001.sst"));
    EXPECT_EQ(ReadAll(&fs, path), expected_);  // The same bytes.
  }
  EXPECT_FALSE(fs.Dropping("000001.sst"));
  // One drop per 2 MiB piece, each when a read completes it.
  EXPECT_EQ(fs.dropped_reads(), kFileBytes / (size_t{2} << 20));
  EXPECT_EQ(ResidentPages(path), 0u);

  // Read again after the scope: from the file, cached again, not dropped.
  EXPECT_EQ(ReadAll(&fs, path), expected_);
  EXPECT_EQ(ResidentPages(path), all);
  EXPECT_EQ(fs.dropped_reads(), kFileBytes / (size_t{2} << 20));
}

// A read inside a piece drops nothing; the read that completes the piece
// drops all of it, and one that reaches the end of the file drops the rest.
TEST_F(PageCacheFsTest, DropsWholePiecesOnceRead) {
  if (!CanDropPages()) GTEST_SKIP() << dir_ << ": its file system keeps clean pages cached";
  DropReadsFileSystem fs(rocksdb::FileSystem::Default());
  const std::string path = WriteSynced("000002.sst");
  const size_t all = ResidentPages(path);
  ASSERT_GT(all, 0u);
  std::unique_ptr<rocksdb::FSRandomAccessFile> file;
  ASSERT_TRUE(fs.NewRandomAccessFile(path, rocksdb::FileOptions(), &file, nullptr).ok());
  std::string scratch(size_t{3} << 20, '\0');
  rocksdb::Slice got;
  const DropReadsScope scope(&fs, {"000002.sst"});
  ASSERT_TRUE(file->Read(4096, 65536, rocksdb::IOOptions(), &got, scratch.data(), nullptr).ok());
  EXPECT_EQ(got.ToString(), expected_.substr(4096, 65536));
  EXPECT_EQ(fs.dropped_reads(), 0u);
  EXPECT_EQ(ResidentPages(path), all);
  // [1 MiB, 3 MiB): completes the first piece.
  ASSERT_TRUE(
      file->Read(1 << 20, 2 << 20, rocksdb::IOOptions(), &got, scratch.data(), nullptr).ok());
  EXPECT_EQ(got.ToString(), expected_.substr(1 << 20, 2 << 20));
  EXPECT_EQ(fs.dropped_reads(), 1u);
  const size_t half = ResidentPages(path);
  EXPECT_LE(half, all - (size_t{2} << 20) / static_cast<size_t>(::sysconf(_SC_PAGESIZE)));
  EXPECT_GT(half, 0u);
  // To the end of the file: drops the second piece.
  ASSERT_TRUE(file->Read(3 << 20, 2 << 20, rocksdb::IOOptions(), &got, scratch.data(), nullptr)
                  .ok());  // Asks past the end: gets the last 1 MiB.
  EXPECT_EQ(got.size(), size_t{1} << 20);
  EXPECT_EQ(fs.dropped_reads(), 2u);
  EXPECT_EQ(ResidentPages(path), 0u);
}

// Files a scope does not name keep their pages: another table file, and a
// file that is not a table file even when named.
TEST_F(PageCacheFsTest, OnlyNamedTableFilesAreDropped) {
  if (!CanDropPages()) GTEST_SKIP() << dir_ << ": its file system keeps clean pages cached";
  DropReadsFileSystem fs(rocksdb::FileSystem::Default());
  for (const std::string name : {"000003.sst", "MANIFEST-000001"}) {
    const std::string path = WriteSynced(name);
    const size_t all = ResidentPages(path);
    ASSERT_GT(all, 0u);
    {
      const DropReadsScope scope(&fs, {"000004.sst", "MANIFEST-000001"});
      EXPECT_EQ(ReadAll(&fs, path), expected_);
    }
    EXPECT_EQ(fs.dropped_reads(), 0u) << name;
    EXPECT_EQ(ResidentPages(path), all) << name;
  }
}

TEST_F(PageCacheFsTest, ScopesOverlap) {
  DropReadsFileSystem fs(rocksdb::FileSystem::Default());
  {
    const DropReadsScope outer(&fs, {"000001.sst", "000002.sst"});
    {
      const DropReadsScope inner(&fs, {"000002.sst"});
      EXPECT_TRUE(fs.Dropping("000002.sst"));
    }
    EXPECT_TRUE(fs.Dropping("000001.sst"));
    EXPECT_TRUE(fs.Dropping("000002.sst"));  // Still named by the outer scope.
    EXPECT_FALSE(fs.Dropping("000003.sst"));
  }
  EXPECT_FALSE(fs.Dropping("000001.sst"));
  EXPECT_FALSE(fs.Dropping("000002.sst"));
}

}  // namespace
}  // namespace stc::store_internal
