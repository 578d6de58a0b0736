// Store::ForEachRecordParallel: a scan of every record split into key ranges
// of about equal size, one thread each, all reading one snapshot.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "stores/keys.h"
#include "stores/store.h"
#include "stores/store_impl.h"

namespace stc {
namespace {

namespace sk = store_keys;
using store_internal::Hex;
using store_internal::ToView;

// The 8 bytes of `key` after `prefix_len` as a big-endian number (zeros
// past its end), and back.
uint64_t KeyNumber(std::string_view key, size_t prefix_len) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    const size_t at = prefix_len + i;
    v = (v << 8) | (at < key.size() ? static_cast<unsigned char>(key[at]) : 0u);
  }
  return v;
}

std::string NumberKey(std::string_view prefix, uint64_t v) {
  std::string out(prefix);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return out;
}

// Up to `parts - 1` ascending split keys dividing the records into ranges of
// about equal size on disk (RocksDB's approximate sizes, from the table
// files' indexes, overlapping level-0 files included): a bisection over the
// key space between the first and the last key. None for a store whose
// records are still in memory (small ones): scanned in one part.
std::vector<std::string> SplitKeys(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                   const rocksdb::Snapshot* snapshot, size_t parts) {
  std::vector<std::string> out;
  if (parts < 2) return out;
  std::string first, last;
  {
    rocksdb::ReadOptions ro = store_internal::TotalOrder();
    ro.snapshot = snapshot;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf));
    it->SeekToFirst();
    if (!it->Valid()) return out;
    first = it->key().ToString();
    it->SeekToLast();
    if (!it->Valid()) return out;
    last = it->key().ToString();
  }
  size_t prefix = 0;
  while (prefix < first.size() && prefix < last.size() && first[prefix] == last[prefix]) ++prefix;
  const std::string_view common(first.data(), prefix);
  const uint64_t lo = KeyNumber(first, prefix), hi = KeyNumber(last, prefix);
  if (hi <= lo) return out;
  rocksdb::SizeApproximationOptions options;
  options.include_files = true;
  options.include_memtables = false;
  auto size_below = [&](const std::string& key) {
    rocksdb::Range range(first, key);
    uint64_t size = 0;
    if (!db->GetApproximateSizes(options, cf, &range, 1, &size).ok()) return uint64_t{0};
    return size;
  };
  const std::string end = last + '\0';  // Just past the last key.
  const uint64_t total = size_below(end);
  if (total < (uint64_t{1} << 20)) return out;  // Under 1 MiB on disk: not worth threads.
  for (size_t i = 1; i < parts; ++i) {
    const uint64_t want = total / parts * i;
    uint64_t a = lo, b = hi;  // size_below(key(a)) <= want < size_below(key(b)), roughly.
    for (int step = 0; step < 64 && b - a > 1; ++step) {
      const uint64_t mid = a + (b - a) / 2;
      if (size_below(NumberKey(common, mid)) <= want) {
        a = mid;
      } else {
        b = mid;
      }
    }
    std::string key = NumberKey(common, b);
    if (key > first && key <= last && (out.empty() || key > out.back())) out.push_back(key);
  }
  return out;
}

}  // namespace

Status Store::ForEachRecordParallel(
    size_t parts,
    const std::function<Status(size_t part, Source, std::string_view key, std::string_view value)>&
        fn) const {
  rocksdb::DB* db = impl_->db;
  struct SnapshotHolder {
    rocksdb::DB* db;
    const rocksdb::Snapshot* snapshot;
    ~SnapshotHolder() { db->ReleaseSnapshot(snapshot); }
  } holder{db, db->GetSnapshot()};
  const std::vector<std::string> splits = SplitKeys(db, impl_->records, holder.snapshot, parts);
  const size_t n = splits.size() + 1;
  std::vector<Status> results(n);
  std::atomic<bool> stop{false};
  auto scan = [&](size_t part) {
    rocksdb::ReadOptions ro = store_internal::TotalOrder();
    ro.fill_cache = false;  // A full scan would evict the lookup working set.
    ro.readahead_size = store_internal::kScanReadaheadBytes;
    ro.snapshot = holder.snapshot;
    rocksdb::Slice lower, upper;
    if (part > 0) {
      lower = splits[part - 1];
      ro.iterate_lower_bound = &lower;
    }
    if (part + 1 < n) {
      upper = splits[part];
      ro.iterate_upper_bound = &upper;
    }
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, impl_->records));
    if (part > 0) {
      it->Seek(lower);
    } else {
      it->SeekToFirst();
    }
    for (; it->Valid(); it->Next()) {
      if (stop.load(std::memory_order_relaxed)) return;  // Another part failed.
      Source source;
      std::string_view key;
      if (!sk::DecodeRecordKey(ToView(it->key()), &source, &key)) {
        results[part] = Status::Corruption("store " + dir_ + ": malformed record key " +
                                           Hex(ToView(it->key())));
        stop = true;
        return;
      }
      Status s = fn(part, source, key, ToView(it->value()));
      if (!s.ok()) {
        results[part] = std::move(s);
        stop = true;
        return;
      }
    }
    results[part] = impl_->Rocks(it->status(), "scanning records");
    if (!results[part].ok()) stop = true;
  };
  std::vector<std::thread> threads;
  for (size_t part = 1; part < n; ++part) {
    try {
      threads.emplace_back(scan, part);
    } catch (const std::system_error&) {
      scan(part);  // No thread to be had: scanned here, in turn.
    }
  }
  scan(0);
  for (std::thread& t : threads) t.join();
  for (Status& s : results) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace stc
