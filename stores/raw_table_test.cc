// RawTable and RawTableCursor (raw_table.h) against RocksDB's own reader:
// table files written by RocksDB with the layouts the reader knows (every
// format version it reads, plain and LZ4 blocks, small and large blocks,
// index entries delta-encoded or not) give the entries SstFileReader gives,
// over any range; files it does not know are left to RocksDB; a corrupt
// block stops the cursor after the entries before it; older versions of a
// key are skipped.
#include "stores/raw_table.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_reader.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL  // Header-only, as raw_table.cc uses it.
#endif
#include <xxhash.h>

namespace stc::store_internal {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

class RawTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::path(::testing::TempDir()) /
            ("stc_raw_table_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  struct Layout {
    int format_version = 5;
    rocksdb::CompressionType compression = rocksdb::kLZ4Compression;
    size_t block_size = 16 * 1024;
    int index_restart_interval = 1;
    rocksdb::ChecksumType checksum = rocksdb::kXXH3;
    int restart_interval = 16;  // Of the data blocks.
    std::string Name() const {
      return "format " + std::to_string(format_version) + ", compression " +
             std::to_string(compression) + ", blocks " + std::to_string(block_size) +
             ", index restarts " + std::to_string(index_restart_interval) + ", checksum " +
             std::to_string(checksum);
    }
  };
  static rocksdb::Options OptionsOf(const Layout& l) {
    rocksdb::Options o;
    o.compression = l.compression;
    rocksdb::BlockBasedTableOptions t;
    t.format_version = l.format_version;
    t.block_size = l.block_size;
    t.index_block_restart_interval = l.index_restart_interval;
    t.block_restart_interval = l.restart_interval;
    t.checksum = l.checksum;
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    return o;
  }

  // Writes `entries` (sorted, distinct keys) as one table file.
  std::string Write(const Layout& l, const std::map<std::string, std::string>& entries,
                    const std::string& name = "t.sst") {
    const std::string path = dir_ + "/" + name;
    rocksdb::SstFileWriter w(rocksdb::EnvOptions(), OptionsOf(l));
    EXPECT_TRUE(w.Open(path).ok());
    for (const auto& [k, v] : entries) EXPECT_TRUE(w.Put(k, v).ok());
    EXPECT_TRUE(w.Finish().ok());
    return path;
  }

  static std::shared_ptr<const rocksdb::TableProperties> Properties(const Layout& l,
                                                                    const std::string& path) {
    rocksdb::SstFileReader r(OptionsOf(l));
    EXPECT_TRUE(r.Open(path).ok());
    return r.GetTableProperties();
  }

  // The cursor's entries of [lower, upper); `failed` tells whether it stopped
  // with Failed().
  static Entries Scan(const RawTable& t, const std::string* lower, const std::string* upper,
                      bool* failed = nullptr) {
    Entries out;
    RawTableCursor c(&t, lower, upper);
    for (; c.Valid(); c.Next()) out.emplace_back(std::string(c.user_key()), std::string(c.value()));
    if (failed != nullptr) *failed = c.Failed();
    return out;
  }

  // The entries of `all` in [lower, upper), by the map's own order.
  static Entries Select(const std::map<std::string, std::string>& all, const std::string* lower,
                        const std::string* upper) {
    Entries out;
    auto it = lower == nullptr ? all.begin() : all.lower_bound(*lower);
    for (; it != all.end() && (upper == nullptr || it->first < *upper); ++it) out.push_back(*it);
    return out;
  }

  std::string dir_;
};

// Keys of 1-40 random bytes (zero bytes included), values of 0-120.
std::map<std::string, std::string> RandomEntries(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::map<std::string, std::string> out;
  while (out.size() < n) {
    std::string k(1 + rng() % 40, '\0');
    // Mostly a shared prefix (as store keys), so that blocks share key bytes.
    for (size_t i = 0; i < k.size(); ++i) {
      k[i] = static_cast<char>(i < 3 ? 'a' + rng() % 3 : rng() % 256);
    }
    std::string v(rng() % 121, '\0');
    for (char& c : v) c = static_cast<char>(rng() % 7);  // Compressible.
    out[k] = v;
  }
  return out;
}

TEST_F(RawTableTest, ReadsWhatRocksDbReadsInEveryLayoutItKnows) {
  const std::map<std::string, std::string> entries = RandomEntries(2000, 11);
  std::vector<Layout> layouts;
  for (int fv : {2, 3, 4, 5}) {
    for (auto compression : {rocksdb::kLZ4Compression, rocksdb::kNoCompression}) {
      for (size_t block : {size_t{256}, size_t{16 * 1024}}) {
        // Index entries between restart points matter from version 4 on
        // (values delta-encoded).
        for (int restarts : {1, 16}) {
          if (restarts > 1 && fv < 4) continue;
          layouts.push_back({fv, compression, block, restarts, rocksdb::kXXH3});
        }
      }
    }
  }
  layouts.push_back({5, rocksdb::kLZ4Compression, 4096, 1, rocksdb::kNoChecksum});
  std::mt19937 rng(5);
  for (const Layout& l : layouts) {
    SCOPED_TRACE(l.Name());
    const std::string path = Write(l, entries);
    const auto props = Properties(l, path);
    ASSERT_NE(props, nullptr);
    const std::unique_ptr<const RawTable> t = RawTable::Open(path, *props);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->blocks().size(), props->num_data_blocks);
    if (l.block_size == 256) {
      EXPECT_GT(t->blocks().size(), 100u);
    }

    // RocksDB's reader, the brute-force selection and the cursor agree.
    Entries rocks;
    {
      rocksdb::SstFileReader r(OptionsOf(l));
      ASSERT_TRUE(r.Open(path).ok());
      std::unique_ptr<rocksdb::Iterator> it(r.NewIterator(rocksdb::ReadOptions()));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        rocks.emplace_back(it->key().ToString(), it->value().ToString());
      }
      ASSERT_TRUE(it->status().ok());
    }
    const Entries all(entries.begin(), entries.end());
    ASSERT_EQ(rocks, all);
    bool failed = true;
    ASSERT_EQ(Scan(*t, nullptr, nullptr, &failed), all);
    EXPECT_FALSE(failed);

    // Bounds: every block's separator, just past it, existing keys, random
    // strings, before the first and past the last key.
    std::vector<std::string> bounds = {"", "a", "b", "c", "\xff"};
    for (size_t i = 0; i < t->blocks().size(); i += 1 + t->blocks().size() / 4) {
      bounds.emplace_back(t->separator(i));
      bounds.push_back(std::string(t->separator(i)) + '\0');
    }
    for (int i = 0; i < 5; ++i) {
      auto it = entries.begin();
      std::advance(it, rng() % entries.size());
      bounds.push_back(it->first);
      bounds.push_back(it->first.substr(0, 1 + rng() % it->first.size()));
    }
    // Every bound alone, and a third of the pairs.
    for (size_t i = 0; i < bounds.size(); ++i) {
      for (size_t j = 0; j < bounds.size(); ++j) {
        if (i != 0 && j != 0 && (i + j) % 3 != 0) continue;
        const std::string* lower = i == 0 ? nullptr : &bounds[i];
        const std::string* upper = j == 0 ? nullptr : &bounds[j];
        ASSERT_EQ(Scan(*t, lower, upper), Select(entries, lower, upper))
            << "lower " << (lower ? *lower : "-") << " upper " << (upper ? *upper : "-");
      }
    }
  }
}

// Files it does not know are left to RocksDB: another checksum type, a
// hash index in the data blocks, deletions, merge operands.
TEST_F(RawTableTest, LeavesOtherLayoutsToRocksDb) {
  const std::map<std::string, std::string> entries = RandomEntries(500, 3);
  Layout crc;
  crc.checksum = rocksdb::kCRC32c;
  const std::string crc_path = Write(crc, entries, "crc.sst");
  EXPECT_EQ(RawTable::Open(crc_path, *Properties(crc, crc_path)), nullptr);

  Layout hashed;
  rocksdb::Options o = OptionsOf(hashed);
  rocksdb::BlockBasedTableOptions t;
  t.checksum = rocksdb::kXXH3;
  t.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  const std::string hash_path = dir_ + "/hash.sst";
  {
    rocksdb::SstFileWriter w(rocksdb::EnvOptions(), o);
    ASSERT_TRUE(w.Open(hash_path).ok());
    for (const auto& [k, v] : entries) ASSERT_TRUE(w.Put(k, v).ok());
    ASSERT_TRUE(w.Finish().ok());
  }
  // The index opens; the data blocks are refused: the cursor stops before
  // its first entry, for RocksDB to read the file from its start.
  const auto hash_table = RawTable::Open(hash_path, *Properties(hashed, hash_path));
  ASSERT_NE(hash_table, nullptr);
  RawTableCursor c(hash_table.get(), nullptr, nullptr);
  EXPECT_TRUE(c.Failed());
  EXPECT_TRUE(c.resume_key().empty());
  EXPECT_TRUE(c.resume_inclusive());

  Layout zstd;
  zstd.compression = rocksdb::kZSTD;
  const std::string zstd_path = dir_ + "/zstd.sst";
  {
    rocksdb::SstFileWriter w(rocksdb::EnvOptions(), OptionsOf(zstd));
    ASSERT_TRUE(w.Open(zstd_path).ok());
    for (const auto& [k, v] : entries) ASSERT_TRUE(w.Put(k, v).ok());
    ASSERT_TRUE(w.Finish().ok());
  }
  const auto zstd_props = Properties(zstd, zstd_path);
  ASSERT_EQ(zstd_props->compression_name, "ZSTD");
  EXPECT_EQ(RawTable::Open(zstd_path, *zstd_props), nullptr);

  Layout plain;
  const std::string del_path = dir_ + "/del.sst";
  {
    rocksdb::SstFileWriter w(rocksdb::EnvOptions(), OptionsOf(plain));
    ASSERT_TRUE(w.Open(del_path).ok());
    ASSERT_TRUE(w.Put("a", "1").ok());
    ASSERT_TRUE(w.Delete("b").ok());
    ASSERT_TRUE(w.Finish().ok());
  }
  EXPECT_EQ(RawTable::Open(del_path, *Properties(plain, del_path)), nullptr);
}

// A merge operand where a value was expected (properties that claim none):
// the cursor stops on that key, inclusive, after the values before it.
TEST_F(RawTableTest, StopsOnAnEntryThatIsNotAValue) {
  Layout l;
  rocksdb::Options o = OptionsOf(l);
  o.merge_operator.reset();
  const std::string path = dir_ + "/merge.sst";
  {
    rocksdb::SstFileWriter w(rocksdb::EnvOptions(), o);
    ASSERT_TRUE(w.Open(path).ok());
    ASSERT_TRUE(w.Put("k1", "v1").ok());
    ASSERT_TRUE(w.Put("k2", "v2").ok());
    ASSERT_TRUE(w.Merge("k3", "m3").ok());
    ASSERT_TRUE(w.Put("k4", "v4").ok());
    ASSERT_TRUE(w.Finish().ok());
  }
  rocksdb::TableProperties props = *Properties(l, path);
  EXPECT_EQ(RawTable::Open(path, props), nullptr);  // The properties tell.
  props.num_merge_operands = 0;
  const auto t = RawTable::Open(path, props);
  ASSERT_NE(t, nullptr);
  RawTableCursor c(t.get(), nullptr, nullptr);
  Entries got;
  for (; c.Valid(); c.Next()) got.emplace_back(std::string(c.user_key()), std::string(c.value()));
  EXPECT_EQ(got, (Entries{{"k1", "v1"}, {"k2", "v2"}}));
  ASSERT_TRUE(c.Failed());
  EXPECT_EQ(c.resume_key(), "k3");
  EXPECT_TRUE(c.resume_inclusive());
}

// A byte changed in a data block: the cursor gives the blocks before it and
// stops, resuming after the last key it gave; RocksDB reports the damage.
TEST_F(RawTableTest, CorruptBlockStopsAfterTheBlocksBefore) {
  const std::map<std::string, std::string> entries = RandomEntries(3000, 9);
  for (auto compression : {rocksdb::kLZ4Compression, rocksdb::kNoCompression}) {
    Layout l;
    l.compression = compression;
    l.block_size = 1024;
    const std::string path = Write(l, entries, "c" + std::to_string(compression) + ".sst");
    const auto props = Properties(l, path);
    const auto intact = RawTable::Open(path, *props);
    ASSERT_NE(intact, nullptr);
    ASSERT_GT(intact->blocks().size(), 10u);
    const RawTable::Block victim = intact->blocks()[intact->blocks().size() / 2];
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(static_cast<std::streamoff>(victim.offset + victim.size / 2));
      char byte = 0;
      f.read(&byte, 1);
      byte = static_cast<char>(byte ^ 0x20);
      f.seekp(static_cast<std::streamoff>(victim.offset + victim.size / 2));
      f.write(&byte, 1);
    }
    const auto t = RawTable::Open(path, *props);  // The index is intact.
    ASSERT_NE(t, nullptr);
    bool failed = false;
    const Entries got = Scan(*t, nullptr, nullptr, &failed);
    EXPECT_TRUE(failed);
    // Exactly the entries of the blocks before the damaged one.
    Entries before;
    for (const auto& [k, v] : entries) {
      if (k > t->separator(intact->blocks().size() / 2 - 1)) break;
      before.emplace_back(k, v);
    }
    ASSERT_FALSE(before.empty());
    EXPECT_EQ(got, before);
    RawTableCursor c(t.get(), nullptr, nullptr);
    while (c.Valid()) c.Next();
    ASSERT_TRUE(c.Failed());
    EXPECT_EQ(c.resume_key(), before.back().first);
    EXPECT_FALSE(c.resume_inclusive());
    // RocksDB finds the damage too.
    rocksdb::SstFileReader r(OptionsOf(l));
    ASSERT_TRUE(r.Open(path).ok());
    std::unique_ptr<rocksdb::Iterator> it(r.NewIterator(rocksdb::ReadOptions()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
    }
    EXPECT_FALSE(it->status().ok());
  }
}

// The empty key is a key: damage right after it resumes after it (not from
// the start, which would give it twice).
TEST_F(RawTableTest, ResumesAfterTheEmptyKey) {
  Layout l;
  l.block_size = 1;  // One entry a block.
  l.compression = rocksdb::kNoCompression;
  const std::map<std::string, std::string> entries = {{"", "e"}, {"a", "1"}, {"b", "2"}};
  const std::string path = Write(l, entries);
  const auto props = Properties(l, path);
  auto t = RawTable::Open(path, *props);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->blocks().size(), 3u);
  const RawTable::Block second = t->blocks()[1];
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(second.offset));
    f.put('\x7f');
  }
  t = RawTable::Open(path, *props);
  ASSERT_NE(t, nullptr);
  RawTableCursor c(t.get(), nullptr, nullptr);
  ASSERT_TRUE(c.Valid());
  EXPECT_EQ(c.user_key(), "");
  EXPECT_EQ(c.value(), "e");
  c.Next();
  ASSERT_TRUE(c.Failed());
  EXPECT_EQ(c.resume_key(), "");
  EXPECT_FALSE(c.resume_inclusive());
}

// A key not above the one before, in a block whose checksum matches (damage
// that hit the checksum too, or a forged one: libFuzzer forges them), stops
// the cursor after the last key in order, within a block and at a block's
// first entry, with XXH3 checksums (recomputed for the altered block, which
// RocksDB then verifies) and without.
TEST_F(RawTableTest, KeysOutOfOrderStopTheCursor) {
  std::map<std::string, std::string> entries;
  for (int i = 0; i < 200; ++i) entries["key" + std::to_string(1000 + i)] = "v";
  for (const auto checksum : {rocksdb::kNoChecksum, rocksdb::kXXH3}) {
    for (const bool at_block_start : {false, true}) {
      SCOPED_TRACE(testing::Message()
                   << "checksum " << int{checksum} << ", at a block's start " << at_block_start);
      Layout l;
      l.compression = rocksdb::kNoCompression;
      l.block_size = 256;
      l.restart_interval = 1;  // Every key whole in the file.
      l.checksum = checksum;
      const std::string path = Write(l, entries);
      const auto props = Properties(l, path);
      const auto intact = RawTable::Open(path, *props);
      ASSERT_NE(intact, nullptr);
      ASSERT_GT(intact->blocks().size(), 4u);
      // The victim: block 2's first key, or its second.
      auto it = entries.upper_bound(std::string(intact->separator(1)));
      if (!at_block_start) ++it;
      const std::string victim = it->first;
      const std::string before = std::prev(it)->first;
      std::string bytes;
      {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
      const size_t at = bytes.find(victim);
      ASSERT_NE(at, std::string::npos);
      ASSERT_EQ(bytes.find(victim, at + 1), std::string::npos);
      bytes[at + 3] = '0';  // "key1xyz" -> "key0xyz": below every key.
      const RawTable::Block block = intact->blocks()[2];
      ASSERT_GE(at, block.offset);
      ASSERT_LT(at, block.offset + block.size);
      if (checksum == rocksdb::kXXH3) {
        // RocksDB's checksum of a plain block: the low 32 bits of XXH3 of
        // its contents (the compression byte 0 changes nothing).
        const uint32_t sum =
            static_cast<uint32_t>(XXH3_64bits(bytes.data() + block.offset, block.size));
        for (int i = 0; i < 4; ++i) {
          bytes[block.offset + block.size + 1 + i] = static_cast<char>(sum >> (8 * i));
        }
      }
      {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      }
      rocksdb::SstFileReader r(OptionsOf(l));
      ASSERT_TRUE(r.Open(path).ok());
      EXPECT_TRUE(r.VerifyChecksum().ok());  // The altered block passes.
      const auto t = RawTable::Open(path, *props);
      ASSERT_NE(t, nullptr);
      bool failed = false;
      const Entries got = Scan(*t, nullptr, nullptr, &failed);
      EXPECT_TRUE(failed);
      Entries want;
      for (const auto& [k, v] : entries) {
        if (k == victim) break;
        want.emplace_back(k, v);
      }
      EXPECT_EQ(got, want);
      RawTableCursor c(t.get(), nullptr, nullptr);
      while (c.Valid()) c.Next();
      ASSERT_TRUE(c.Failed());
      EXPECT_EQ(c.resume_key(), before);
      EXPECT_FALSE(c.resume_inclusive());
    }
  }
}

// A block handle near the end of the offsets (a damaged index) is refused,
// not wrapped around onto the reader's window: an empty one (fuzz_raw_table
// found it: a null pointer read) or one holding the file's first bytes.
TEST_F(RawTableTest, BlockHandlesPastAnyFileAreRefused) {
  Layout l;
  const std::string path = Write(l, RandomEntries(10, 3));
  const auto t = RawTable::Open(path, *Properties(l, path));
  ASSERT_NE(t, nullptr);
  ASSERT_FALSE(t->blocks().empty());
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (const bool window_loaded : {false, true}) {
    for (const uint64_t size : {uint64_t{0}, uint64_t{3}, uint64_t{20}}) {
      SCOPED_TRACE(testing::Message() << "window loaded " << window_loaded << ", size " << size);
      BlockReader reader;
      std::string_view contents;
      if (window_loaded) {
        ASSERT_TRUE(reader.Read(fd, t->checksum_type(), t->blocks()[0], kMax, &contents));
      }
      // offset + size + the 5-byte trailer wraps around to 0 (the empty
      // window's end) or into the loaded window.
      RawTable::Block b;
      b.size = size;
      b.offset = kMax - size - 5 + 1 + (window_loaded ? 8 : 0);
      EXPECT_FALSE(reader.Read(fd, t->checksum_type(), b, kMax, &contents));
    }
  }
  ::close(fd);
}

// A file flushed while a snapshot held an older version of a key holds both:
// the cursor gives the newest only, as the database does.
TEST_F(RawTableTest, OlderVersionsOfAKeyAreSkipped) {
  rocksdb::Options o = OptionsOf(Layout());
  o.create_if_missing = true;
  o.disable_auto_compactions = true;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, dir_ + "/db", &db).ok());
  std::map<std::string, std::string> want;
  std::vector<const rocksdb::Snapshot*> snapshots;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 400; ++i) {
      if (round > 0 && i % (round + 1) != 0) continue;
      const std::string k = "key" + std::to_string(1000 + i);
      const std::string v = "v" + std::to_string(round) + "." + std::to_string(i);
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), k, v).ok());
      want[k] = v;
    }
    snapshots.push_back(db->GetSnapshot());
  }
  ASSERT_TRUE(db->Flush(rocksdb::FlushOptions()).ok());
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  ASSERT_EQ(files.size(), 1u);
  const std::string path = files[0].directory + "/" + files[0].name;
  for (const auto* s : snapshots) db->ReleaseSnapshot(s);
  delete db;
  const auto props = Properties(Layout(), path);
  ASSERT_GT(props->num_entries, want.size());  // Older versions kept.
  const auto t = RawTable::Open(path, *props);
  ASSERT_NE(t, nullptr);
  bool failed = true;
  EXPECT_EQ(Scan(*t, nullptr, nullptr, &failed), Entries(want.begin(), want.end()));
  EXPECT_FALSE(failed);
  const std::string lower = "key1100", upper = "key1300";
  EXPECT_EQ(Scan(*t, &lower, &upper), Select(want, &lower, &upper));
}

}  // namespace
}  // namespace stc::store_internal
