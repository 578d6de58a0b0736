// Tests of the store's write path and batched look-ups (store_writes.cc),
// its info log (store_logger.cc) and the end-of-ingest aggregates compaction.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stores/keys.h"
#include "stores/store.h"
#include "stores/store_impl.h"
#include "stores/store_test_util.h"

namespace stc {
namespace {

namespace fs = std::filesystem;

// The store's aggregates by encoded key.
std::map<std::string, Units> EncodedAggregates(const Store& store) {
  std::map<std::string, Units> out;
  Status st = store.ForEachAggregate([&](const AggregateKey& k, Units u) {
    std::string key;
    store_keys::EncodeAggregateKey(k, &key);
    out[key] = u;
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST_F(StoreTest, GetRecordsAnswersInCallerOrder) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  batch.PutRecord(Source::kPct, "b", "vb");
  batch.PutRecord(Source::kPct, "a", "va");
  batch.PutRecord(Source::kPct, "c", "vc");
  batch.PutRecord(Source::kArticle, "x", "vx");
  batch.PutRecord(Source::kPct, "d", "vd");
  ASSERT_TRUE(store->Apply(batch).ok());
  StoreBatch del;
  del.DeleteRecord(Source::kPct, "d");
  del.PutRecord(Source::kPct, "b", "vb2");  // Overwrite.
  ASSERT_TRUE(store->Apply(del).ok());

  std::vector<std::optional<std::string>> values = {std::string("stale")};
  ASSERT_TRUE(
      store->GetRecords(Source::kPct, {"c", "missing", "a", "b", "a", "x", "d"}, &values).ok());
  std::vector<std::optional<std::string>> expected = {
      "vc", std::nullopt, "va", "vb2", "va", std::nullopt /* x is an article */, std::nullopt};
  EXPECT_EQ(values, expected);
  ASSERT_TRUE(store->GetRecords(Source::kArticle, {"x"}, &values).ok());
  EXPECT_EQ(values, (std::vector<std::optional<std::string>>{"vx"}));
  ASSERT_TRUE(store->GetRecords(Source::kArticle, {}, &values).ok());
  EXPECT_TRUE(values.empty());
  ASSERT_TRUE(store->Compact().ok());  // Same answers from SST files.
  ASSERT_TRUE(store->GetRecords(Source::kPct, {"d", "b"}, &values).ok());
  EXPECT_EQ(values, (std::vector<std::optional<std::string>>{std::nullopt, "vb2"}));
}

TEST_F(StoreTest, ForEachStoredRecordVisitsTheStoredSortedKeys) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  StoreBatch batch;
  for (const char* k : {"a", "c", "d", "e"}) {
    batch.PutRecord(Source::kPct, k, std::string("v") + k);
  }
  batch.PutRecord(Source::kArticle, "b", "vb-article");
  ASSERT_TRUE(store->Apply(batch).ok());
  StoreBatch del;
  del.DeleteRecord(Source::kPct, "d");
  ASSERT_TRUE(store->Apply(del).ok());
  for (int pass = 0; pass < 2; ++pass) {  // Memtable, then table files.
    std::vector<std::pair<size_t, std::string>> seen;
    auto collect = [&](size_t i, std::string_view v) {
      seen.emplace_back(i, std::string(v));
      return Status::Ok();
    };
    ASSERT_TRUE(store->ForEachStoredRecord(Source::kPct, {"a", "b", "d", "e", "f"}, collect).ok());
    EXPECT_EQ(seen, (std::vector<std::pair<size_t, std::string>>{{0, "va"}, {3, "ve"}}));
    seen.clear();
    ASSERT_TRUE(store->ForEachStoredRecord(Source::kArticle, {"a", "b"}, collect).ok());
    EXPECT_EQ(seen, (std::vector<std::pair<size_t, std::string>>{{1, "vb-article"}}));
    ASSERT_TRUE(store->ForEachStoredRecord(Source::kPct, {}, collect).ok());
    // The callback's error stops the visit and is returned.
    int calls = 0;
    Status st =
        store->ForEachStoredRecord(Source::kPct, {"a", "c", "e"}, [&](size_t, std::string_view) {
          ++calls;
          return Status::Corruption("bad value");
        });
    EXPECT_EQ(st.code(), StatusCode::kCorruption);
    EXPECT_EQ(calls, 1);
    ASSERT_TRUE(store->Compact().ok());
  }
}

// More keys than one RocksDB batch (32): every stored key is found with its
// own index across the batch boundaries, and an error in a later batch
// stops the visit there.
TEST_F(StoreTest, ForEachStoredRecordAcrossBatches) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  auto key = [](int i) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "k%04d", i);
    return std::string(buf);
  };
  StoreBatch batch;
  for (int i = 0; i < 200; i += 3) batch.PutRecord(Source::kPct, key(i), "v" + key(i));
  ASSERT_TRUE(store->Apply(batch).ok());
  std::vector<std::string> owned;
  for (int i = 0; i < 131; ++i) owned.push_back(key(i));  // 4 batches and 3 keys.
  const std::vector<std::string_view> keys(owned.begin(), owned.end());
  std::vector<std::pair<size_t, std::string>> expected;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i % 3 == 0) expected.emplace_back(i, "v" + owned[i]);
  }
  std::vector<std::pair<size_t, std::string>> seen;
  ASSERT_TRUE(store
                  ->ForEachStoredRecord(Source::kPct, keys,
                                        [&](size_t i, std::string_view v) {
                                          seen.emplace_back(i, std::string(v));
                                          return Status::Ok();
                                        })
                  .ok());
  EXPECT_EQ(seen, expected);
  size_t last = 0;
  Status st = store->ForEachStoredRecord(Source::kPct, keys, [&](size_t i, std::string_view) {
    last = i;
    return i >= 70 ? Status::Corruption("bad value") : Status::Ok();
  });
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(last, 72u);  // The first stored key at or after 70.
}

TEST_F(StoreTest, SortedAggregatesAddUpAndBadOnesWriteNothing) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  auto cell = [](int32_t lat, const char* field) {
    AggregateKey k;
    k.source = Source::kPct;
    k.year = 2021;
    k.cell = Cell{lat, 7};
    k.country[0] = 'F';
    k.country[1] = 'R';
    k.field = field;
    std::string out;
    store_keys::EncodeAggregateKey(k, &out);
    return out;
  };
  const std::string a = cell(1, "H04"), b = cell(1, "H04L"), c = cell(2, "");
  ASSERT_LT(a, b);
  ASSERT_LT(b, c);
  for (int round = 0; round < 2; ++round) {
    SortedAggregates sa;
    sa.Add(a, 5);
    sa.Add(b, -2);
    sa.Add(c, 7);
    StoreBatch totals;
    totals.AddTotals(Source::kPct, 2021, 10, 0, 1);
    ASSERT_TRUE(store->ApplyWithSortedRecords({}, sa, totals).ok());
  }
  const std::map<std::string, Units> got = EncodedAggregates(*store);
  EXPECT_EQ(got, (std::map<std::string, Units>{{a, 10}, {b, -4}, {c, 14}}));
  // Out of order, repeated, malformed: InvalidArgument, nothing written.
  for (const std::vector<std::string>& keys :
       std::vector<std::vector<std::string>>{{b, a}, {a, a}, {a, "short"}}) {
    SortedAggregates bad;
    for (const std::string& k : keys) bad.Add(k, 1);
    EXPECT_EQ(store->ApplyWithSortedRecords({}, bad, StoreBatch()).code(),
              StatusCode::kInvalidArgument);
  }
  const std::map<std::string, Units> after = EncodedAggregates(*store);
  EXPECT_EQ(after, got);
}

// Record writes large enough for table files (puts, then deletes and
// overwrites of some of them) read back as a WriteBatch of the same writes
// would: both paths take the callers' RecordWrite spans.
TEST_F(StoreTest, SortedRecordWritesAsTableFilesPutAndDelete) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  const int n = 2 * static_cast<int>(store_internal::kBulkIngestThreshold);
  auto key_of = [](int i) {  // Store keys: the source byte, then the record key.
    char k[16];
    std::snprintf(k, sizeof(k), "%07d", i);
    return std::string(1, static_cast<char>(Source::kPct)) + k;
  };
  std::vector<std::string> keys, values;
  for (int i = 0; i < n; ++i) {
    keys.push_back(key_of(i));
    values.push_back("v" + std::to_string(i));
  }
  for (int round = 0; round < 2; ++round) {  // Puts; then deletes (i % 3 == 0) and overwrites.
    std::vector<Store::RecordWrite> writes;
    for (int i = 0; i < n; ++i) {
      if (round == 0) {
        writes.push_back({keys[i], values[i], false});
      } else if (i % 3 == 0) {
        writes.push_back({keys[i], "", true});
      } else if (i % 3 == 1) {
        values[i] += "-new";
        writes.push_back({keys[i], values[i], false});
      }
    }
    ASSERT_GE(writes.size(), store_internal::kBulkIngestThreshold);
    ASSERT_TRUE(store->ApplyWithSortedRecords(writes, StoreBatch()).ok());
  }
  std::vector<std::string> asked_keys;
  for (int i = 0; i < n; i += 97) asked_keys.push_back(key_of(i).substr(1));
  const std::vector<std::string_view> asked(asked_keys.begin(), asked_keys.end());
  std::vector<std::optional<std::string>> got;
  ASSERT_TRUE(store->GetRecords(Source::kPct, asked, &got).ok());
  ASSERT_EQ(got.size(), asked.size());
  for (size_t j = 0; j < asked.size(); ++j) {
    const int i = static_cast<int>(j) * 97;
    if (i % 3 == 0) {
      EXPECT_EQ(got[j], std::nullopt) << i;
    } else {
      EXPECT_EQ(got[j], std::optional<std::string>(values[i])) << i;
    }
  }
  store.reset();
  EXPECT_GE(RawFileCount(dir_, "records"), 2u);  // Table files, not the memtable.
}

// The encoding is the pending log's, in chunks that entries never straddle:
// decoding the chunks one by one gives back every non-zero delta in order.
TEST(SortedAggregatesTest, ChunksHoldEveryNonZeroDeltaOnce) {
  SortedAggregates sa;
  for (int round = 0; round < 2; ++round) {  // The second after Clear.
    SCOPED_TRACE(round);
    sa.Clear();
    std::vector<std::pair<std::string, Units>> want;
    char name[32];
    for (int i = 0; i < 150000; ++i) {
      std::snprintf(name, sizeof(name), "key%09d%s", i, i % 7 == 0 ? "-longer-key" : "");
      const Units delta = i % 5 == 0 ? 0 : (i % 2 == 0 ? -1 : 1) * (Units{i} << 20);
      sa.Add(name, delta);
      if (delta != 0) want.emplace_back(name, delta);
    }
    ASSERT_EQ(sa.size(), want.size());
    ASSERT_GE(sa.chunks(), 3u);
    std::vector<std::pair<std::string, Units>> got;
    for (size_t c = 0; c < sa.chunks(); ++c) {
      const std::string_view chunk = sa.chunk(c);
      if (c + 1 < sa.chunks()) {
        EXPECT_GE(chunk.size(), SortedAggregates::kChunkBytes) << c;
      }
      EXPECT_LT(chunk.size(), SortedAggregates::kChunkBytes + 64) << c;
      size_t pos = 0;
      while (pos < chunk.size()) {  // The log's layout, decoded by hand.
        const auto* p = reinterpret_cast<const unsigned char*>(chunk.data() + pos);
        const size_t n = p[0] | static_cast<size_t>(p[1]) << 8;
        ASSERT_LE(pos + 2 + n + 8, chunk.size()) << c;
        got.emplace_back(std::string(chunk.substr(pos + 2, n)),
                         store_keys::LoadInt64Le(chunk.data() + pos + 2 + n));
        pos += 2 + n + 8;
      }
    }
    EXPECT_EQ(got, want);
    std::vector<std::pair<std::string, Units>> read;  // The same through Next.
    std::string_view key;
    Units delta;
    for (size_t pos = 0; sa.Next(&pos, &key, &delta);) read.emplace_back(std::string(key), delta);
    EXPECT_EQ(read, want);
  }
  sa.Clear();
  EXPECT_TRUE(sa.empty());
  EXPECT_EQ(sa.chunks(), 0u);
}

// A key too long for the encoding's length is refused with the whole set.
TEST_F(StoreTest, SortedAggregatesWithAnOversizedKeyWriteNothing) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  AggregateKey k;
  k.source = Source::kPct;
  k.year = 2021;
  k.cell = Cell{1, 2};
  std::string ok;
  store_keys::EncodeAggregateKey(k, &ok);
  SortedAggregates sa;
  sa.Add(ok, 5);
  sa.Add(ok + std::string(70000, 'x'), 1);
  EXPECT_EQ(sa.size(), 1u);
  EXPECT_EQ(store->ApplyWithPendingAggregates({}, sa, StoreBatch()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->ApplyWithSortedRecords({}, sa, StoreBatch()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(EncodedAggregates(*store).empty());
}

// The store's info log: a fresh LOG per writable open, the previous ones
// kept as LOG.old.* (a bounded number: our rotation keeps 5, RocksDB's purge
// of obsolete files may take one more), RocksDB's lines in it.
TEST_F(StoreTest, InfoLogRotatesAndKeepsABoundedNumber) {
  for (int i = 0; i < 8; ++i) {
    auto store = Create();
    ASSERT_NE(store, nullptr);
  }
  StoreOptions ro;
  ro.read_only = true;
  ASSERT_NE(OpenOrDie(ro), nullptr);
  size_t old = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    old += e.path().filename().string().rfind("LOG.old.", 0) == 0;
  }
  EXPECT_GE(old, 4u);
  EXPECT_LE(old, 5u);
  std::ifstream in(fs::path(dir_) / "LOG");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("RocksDB version"), std::string::npos) << text.substr(0, 300);
  EXPECT_NE(text.find("Shutdown complete"), std::string::npos) << "the last writable open's log";
}

// A bulk write leaves a level-0 file of aggregates; compacting it keeps every
// value, and a second call finds nothing to do. Small writes go through the
// memtable and add no level-0 file.
TEST_F(StoreTest, CompactAggregatesIfLayeredMergesBulkWritesOnly) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  StoreBatch small;
  AggregateKey k;
  k.source = Source::kPct;
  k.year = 2020;
  k.country[0] = 'D';
  k.country[1] = 'E';
  small.AddAggregate(k, 3);
  ASSERT_TRUE(store->Apply(small).ok());
  Result<bool> none = store->CompactAggregatesIfLayered(1);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none.value());
  StoreBatch big;  // Over the bulk threshold: written as table files.
  for (int i = 0; i < 60000; ++i) {
    k.cell = Cell{i, -i};
    big.AddAggregate(k, i + 1);
  }
  ASSERT_TRUE(store->Apply(big).ok());
  std::map<std::pair<int32_t, int32_t>, Units> before, after;
  auto collect = [&](std::map<std::pair<int32_t, int32_t>, Units>* out) {
    ASSERT_TRUE(store
                    ->ForEachAggregate([&](const AggregateKey& a, Units u) {
                      (*out)[{a.cell.lat_idx, a.cell.lon_idx}] = u;
                      return Status::Ok();
                    })
                    .ok());
  };
  collect(&before);
  ASSERT_EQ(before.size(), 60000u);
  EXPECT_EQ(before[std::make_pair(0, 0)], 3 + 1);  // The small write and the bulk one.
  Result<bool> compacted = store->CompactAggregatesIfLayered(1);
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  EXPECT_TRUE(compacted.value());
  collect(&after);
  EXPECT_EQ(after, before);
  Result<bool> again = store->CompactAggregatesIfLayered(1);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value());
}

// A bulk write onto aggregates compacted into the last level is layered and
// compacted into one run of values. (Here it lands in level 0; on a store
// whose last level outgrows the base level's size it lands in level 5, which
// counts as well: store_compaction.cc. That takes a store of hundreds of MB.)
TEST_F(StoreTest, CompactAggregatesIfLayeredMergesAFileAboveTheLastLevel) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  AggregateKey k = TestAggregateKey(Source::kPct, 2020, 0, 0, "DE", "");
  std::map<int32_t, Units> want;
  for (int round = 0; round < 2; ++round) {
    StoreBatch big;  // Over the bulk threshold: written as table files.
    for (int i = 0; i < 60000; ++i) {
      k.cell = Cell{i, -i};
      big.AddAggregate(k, i + 1 + round);
      want[i] += i + 1 + round;
    }
    ASSERT_TRUE(store->Apply(big).ok());
    if (round == 0) ASSERT_TRUE(store->Compact().ok());  // Into the last level.
  }
  Result<bool> compacted = store->CompactAggregatesIfLayered(1);
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  EXPECT_TRUE(compacted.value());
  std::map<int32_t, Units> got;
  ASSERT_TRUE(store
                  ->ForEachAggregate([&](const AggregateKey& a, Units u) {
                    got[a.cell.lat_idx] = u;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(got, want);
  store.reset();
  EXPECT_EQ(RawFileCount(dir_, "aggregates"), 1u);  // One run of values.
  EXPECT_EQ(RawKeyCount(dir_, "aggregates"), want.size());
}

// Share of the pages of `path` in the page cache (mincore), or -1 when it
// cannot be told.
double ResidentShare(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return -1;
  const off_t size = ::lseek(fd, 0, SEEK_END);
  double share = -1;
  if (size > 0) {
    void* map = ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_SHARED, fd, 0);
    if (map != MAP_FAILED) {
      const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
      std::vector<unsigned char> in((static_cast<size_t>(size) + page - 1) / page);
      if (::mincore(map, static_cast<size_t>(size), in.data()) == 0) {
        size_t resident = 0;
        for (unsigned char c : in) resident += c & 1;
        share = static_cast<double>(resident) / static_cast<double>(in.size());
      }
      ::munmap(map, static_cast<size_t>(size));
    }
  }
  ::close(fd);
  return share;
}

// Bulk writes leave their table files in the page cache: the ingest reads
// them back soon (look-ups of repeated keys, the fold of the pending log).
// RocksDB's SstFileWriter drops the pages it writes by default.
TEST_F(StoreTest, BulkWrittenTableFilesStayInThePageCache) {
  auto store = Create();
  ASSERT_NE(store, nullptr);
  StoreBatch big;  // Over the bulk threshold: written as table files.
  AggregateKey k;
  k.source = Source::kPct;
  k.year = 2020;
  for (int i = 0; i < 200000; ++i) {
    k.cell = Cell{i, -i};
    big.AddAggregate(k, i + 1);
  }
  ASSERT_TRUE(store->Apply(big).ok());
  size_t files = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_)) {
    if (e.path().extension() != ".sst" || e.file_size() < (256u << 10)) continue;
    ++files;
    const double share = ResidentShare(e.path().string());
    ASSERT_GE(share, 0) << e.path();
    EXPECT_GE(share, 0.9) << e.path() << ", " << e.file_size() << " bytes";
  }
  EXPECT_GE(files, 1u);
}

}  // namespace
}  // namespace stc
