// Store::ForEachRecordParallel and Store::ForEachAggregateParallel: a scan of
// every record (or aggregate) split into key ranges of about equal size, one
// thread each, all reading one snapshot; and Store::SplitAggregates, the same
// ranges for callers that scan them on threads of their own.
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "stores/keys.h"
#include "stores/store.h"
#include "stores/store_impl.h"
#include "stores/table_run.h"

namespace stc {
namespace {

namespace sk = store_keys;
using store_internal::Hex;
using store_internal::ToView;

// The direct read of `cf` (OpenTableRun), counted in the store's
// table_run_scans when there is one, and in raw_table_scans when every file
// of it is read block by block.
std::shared_ptr<const store_internal::TableRun> CountedTableRun(rocksdb::DB* db, bool read_only,
                                                                const rocksdb::Snapshot* snapshot,
                                                                rocksdb::ColumnFamilyHandle* cf,
                                                                std::atomic<uint64_t>* scans,
                                                                std::atomic<uint64_t>* raw_scans) {
  std::shared_ptr<const store_internal::TableRun> run =
      store_internal::OpenTableRun(db, cf, snapshot, read_only);
  if (run == nullptr) return run;
  scans->fetch_add(1, std::memory_order_relaxed);
  if (std::all_of(run->files().begin(), run->files().end(),
                  [](const store_internal::TableRun::File& f) { return f.raw != nullptr; })) {
    raw_scans->fetch_add(1, std::memory_order_relaxed);
  }
  return run;
}

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

// Whether the pending log `pending` (null: none) of the store in `dir` holds
// deltas of an unfinished ingest (at `snapshot`; null: now). The scans that
// see some read in one part: the serial scan adds them in key order.
Result<bool> HasPendingDeltas(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* pending,
                              const rocksdb::Snapshot* snapshot, const std::string& dir) {
  if (pending == nullptr) return false;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, pending));
  it->SeekToFirst();
  STC_RETURN_IF_ERROR(FromRocks(it->status(), dir, "reading the pending log"));
  return it->Valid();
}

// The units of the aggregate entry (k, v) into *units and, unless they are
// 0 (added, then removed: skipped by every scan), its key into *key.
// Corruption for a malformed entry.
Status DecodeAggregateEntry(const std::string& dir, std::string_view k, const rocksdb::Slice& v,
                            AggregateKey* key, Units* units) {
  if (v.size() != sk::kAggregateValueBytes) {
    return Status::Corruption("store " + dir + ": malformed aggregate entry, key " + Hex(k) +
                              ", value of " + std::to_string(v.size()) + " bytes");
  }
  *units = sk::LoadInt64Le(v.data());
  if (*units != 0 && !sk::DecodeAggregateKey(k, key)) {
    return Status::Corruption("store " + dir + ": malformed aggregate key " + Hex(k));
  }
  return Status::Ok();
}

// Visits the non-zero aggregates `it` reads, in key order, until `fn` fails.
Status VisitAggregates(store_internal::ScanIterator* it, const std::string& dir,
                       const std::function<Status(const AggregateKey&, Units)>& fn) {
  AggregateKey key;
  Units units = 0;
  for (; it->Valid(); it->Next()) {
    STC_RETURN_IF_ERROR(DecodeAggregateEntry(dir, ToView(it->key()), it->value(), &key, &units));
    if (units != 0) STC_RETURN_IF_ERROR(fn(key, units));
  }
  return FromRocks(it->status(), dir, "scanning aggregates");
}

// Up to `parts - 1` ascending split keys dividing the entries of `cf` into
// ranges of about equal size on disk (RocksDB's approximate sizes, from the
// table files' indexes, overlapping level-0 files included): a bisection
// over the key space between the first and the last key. None for a column
// family still in memory (small stores): scanned in one part.
// With `range_bytes` > 0, fewer ranges when the column family holds less
// than `parts` ranges of that size.
std::vector<std::string> SplitKeys(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                   const rocksdb::Snapshot* snapshot, size_t parts,
                                   uint64_t range_bytes = 0) {
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
  if (range_bytes > 0)
    parts = std::min<uint64_t>(parts, std::max<uint64_t>(1, total / range_bytes));
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

// Visits every entry of `cf` at `snapshot`, split at SplitKeys into up to
// `parts` ranges, one thread each (the calling thread takes part 0). Each
// part's thread makes its own visitor, `make_visit(part)`, on its own stack
// (scratch state of two parts side by side in memory made their writes
// share cache lines: a two-part aggregate scan took more CPU than the serial
// one), and calls `visit(key, value)` for each entry, which returns a
// Status; the first error stops every part at its next entry and the lowest
// failing part's error is returned. `what` names the scan in RocksDB errors.
// The parts read the table files of `run` when it is not null (OpenTableRun
// of `cf`), else through the database at `snapshot`; RocksDB's performance
// counters are off on every part's thread.
template <typename MakeVisit>
Status ScanInParts(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                   const rocksdb::Snapshot* snapshot, size_t parts, const std::string& dir,
                   std::string_view what, std::shared_ptr<const store_internal::TableRun> run,
                   const MakeVisit& make_visit) {
  const std::vector<std::string> splits = SplitKeys(db, cf, snapshot, parts);
  const size_t n = splits.size() + 1;
  std::vector<Status> results(n);
  std::atomic<bool> stop{false};
  auto scan = [&](size_t part) {
    std::optional<std::string> lower, upper;
    if (part > 0) lower = splits[part - 1];
    if (part + 1 < n) upper = splits[part];
    store_internal::ScanIterator it(db, cf, run.get(), snapshot, std::move(lower),
                                    std::move(upper));
    auto visit = make_visit(part);
    for (; it.Valid(); it.Next()) {
      if (stop.load(std::memory_order_relaxed)) return;  // Another part failed.
      Status s = visit(ToView(it.key()), it.value());
      if (!s.ok()) {
        results[part] = std::move(s);
        stop = true;
        return;
      }
    }
    if (!it.status().ok()) {
      results[part] = FromRocks(it.status(), dir, what);
      stop = true;
    }
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

// The store's snapshot for the length of a scan.
struct SnapshotHolder {
  explicit SnapshotHolder(rocksdb::DB* d) : db(d), snapshot(d->GetSnapshot()) {}
  ~SnapshotHolder() { db->ReleaseSnapshot(snapshot); }
  SnapshotHolder(const SnapshotHolder&) = delete;
  SnapshotHolder& operator=(const SnapshotHolder&) = delete;
  rocksdb::DB* db;
  const rocksdb::Snapshot* snapshot;
};

}  // namespace

Status Store::ForEachRecordParallel(
    size_t parts,
    const std::function<Status(size_t part, Source, std::string_view key, std::string_view value)>&
        fn) const {
  rocksdb::DB* db = impl_->db;
  SnapshotHolder holder(db);
  return ScanInParts(
      db, impl_->records, holder.snapshot, parts, dir_, "scanning records",
      CountedTableRun(db, impl_->read_only, holder.snapshot, impl_->records,
                      &impl_->table_run_scans, &impl_->raw_table_scans),
      [&](size_t part) {
        return [&, part](std::string_view k, const rocksdb::Slice& v) -> Status {
          Source source;
          std::string_view key;
          if (!sk::DecodeRecordKey(k, &source, &key)) {
            return Status::Corruption("store " + dir_ + ": malformed record key " + Hex(k));
          }
          return fn(part, source, key, ToView(v));
        };
      });
}

Status Store::ForEachAggregateParallel(
    size_t parts, const std::function<Status(size_t part, const AggregateKey&, Units)>& fn) const {
  rocksdb::DB* db = impl_->db;
  STC_RETURN_IF_ERROR(impl_->CheckAggregatesComplete());
  SnapshotHolder holder(db);
  // Deltas not folded yet (an ingest in progress, or one that stopped) are
  // added in key order by the serial scan: then one part.
  STC_ASSIGN_OR_RETURN(const bool pending,
                       HasPendingDeltas(db, impl_->pending, holder.snapshot, dir_));
  if (pending) {
    return ForEachAggregate([&](const AggregateKey& k, Units u) { return fn(0, k, u); });
  }
  return ScanInParts(db, impl_->aggregates, holder.snapshot, parts, dir_, "scanning aggregates",
                     CountedTableRun(db, impl_->read_only, holder.snapshot, impl_->aggregates,
                                     &impl_->table_run_scans, &impl_->raw_table_scans),
                     [&](size_t part) {
                       // The part's decoded key, reused from entry to entry.
                       return [&, part, key = AggregateKey()](
                                  std::string_view k, const rocksdb::Slice& v) mutable -> Status {
                         Units units = 0;
                         STC_RETURN_IF_ERROR(DecodeAggregateEntry(dir_, k, v, &key, &units));
                         return units == 0 ? Status::Ok() : fn(part, key, units);
                       };
                     });
}

namespace {

// The smallest aggregate key of (source, year) and later pairs: the source
// byte and the year, big-endian (years past the key's range start the next
// source).
std::string SourceYearBound(Store::SourceYear p) {
  uint32_t source = static_cast<uint8_t>(p.first);
  int32_t year = std::max(p.second, 0);
  if (year > sk::kMaxYear) {
    ++source;
    year = 0;
  }
  std::string out(3, '\0');
  out[0] = static_cast<char>(source);
  out[1] = static_cast<char>((year >> 8) & 0xff);
  out[2] = static_cast<char>(year & 0xff);
  return out;
}

}  // namespace

Status Store::ForEachAggregateOfYears(
    SourceYear from, std::optional<SourceYear> to,
    const std::function<Status(const AggregateKey&, Units)>& fn) const {
  rocksdb::DB* db = impl_->db;
  STC_RETURN_IF_ERROR(impl_->CheckAggregatesComplete());
  STC_ASSIGN_OR_RETURN(const bool pending, HasPendingDeltas(db, impl_->pending, nullptr, dir_));
  if (pending) {
    // The serial scan adds the deltas; the pairs outside are skipped.
    return ForEachAggregate([&](const AggregateKey& k, Units units) -> Status {
      const SourceYear p{k.source, k.year};
      if (p < from || (to.has_value() && !(p < *to))) return Status::Ok();
      return fn(k, units);
    });
  }
  const std::shared_ptr<const store_internal::TableRun> run =
      CountedTableRun(db, impl_->read_only, nullptr, impl_->aggregates, &impl_->table_run_scans,
                      &impl_->raw_table_scans);
  store_internal::ScanIterator it(
      db, impl_->aggregates, run.get(), /*snapshot=*/nullptr, SourceYearBound(from),
      to.has_value() ? std::optional<std::string>(SourceYearBound(*to)) : std::nullopt);
  return VisitAggregates(&it, dir_, fn);
}

Result<std::vector<uint64_t>> Store::ApproximateAggregateBytes(
    const std::vector<SourceYear>& pairs) const {
  STC_RETURN_IF_ERROR(impl_->CheckAggregatesComplete());
  std::vector<std::string> bounds;
  bounds.reserve(2 * pairs.size());
  std::vector<rocksdb::Range> ranges;
  ranges.reserve(pairs.size());
  for (const SourceYear& p : pairs) {
    bounds.push_back(SourceYearBound(p));
    bounds.push_back(SourceYearBound({p.first, p.second + 1}));
  }
  for (size_t i = 0; i < pairs.size(); ++i) ranges.emplace_back(bounds[2 * i], bounds[2 * i + 1]);
  std::vector<uint64_t> sizes(pairs.size(), 0);
  if (pairs.empty()) return sizes;
  rocksdb::SizeApproximationOptions options;
  options.include_files = true;
  options.include_memtables = true;
  STC_RETURN_IF_ERROR(
      impl_->Rocks(impl_->db->GetApproximateSizes(options, impl_->aggregates, ranges.data(),
                                                  static_cast<int>(ranges.size()), sizes.data()),
                   "estimating the aggregates' size"));
  return sizes;
}

Store::AggregateRanges::~AggregateRanges() {
  if (snapshot_ != nullptr) {
    store_->impl_->db->ReleaseSnapshot(static_cast<const rocksdb::Snapshot*>(snapshot_));
  }
}

Result<std::unique_ptr<Store::AggregateRanges>> Store::SplitAggregates(uint64_t range_bytes,
                                                                       size_t max_ranges) const {
  rocksdb::DB* db = impl_->db;
  STC_RETURN_IF_ERROR(impl_->CheckAggregatesComplete());
  STC_ASSIGN_OR_RETURN(const bool pending, HasPendingDeltas(db, impl_->pending, nullptr, dir_));
  if (pending) {
    // One range, the serial scan that adds the deltas.
    return std::unique_ptr<AggregateRanges>(new AggregateRanges(this, nullptr, {}));
  }
  const rocksdb::Snapshot* snapshot = db->GetSnapshot();
  std::unique_ptr<AggregateRanges> ranges(new AggregateRanges(this, snapshot, {}));
  ranges->splits_ = SplitKeys(db, impl_->aggregates, snapshot, max_ranges, range_bytes);
  ranges->run_ = CountedTableRun(db, impl_->read_only, snapshot, impl_->aggregates,
                                 &impl_->table_run_scans, &impl_->raw_table_scans);
  return ranges;
}

Status Store::AggregateRanges::Scan(
    size_t i, const std::function<Status(const AggregateKey&, Units)>& fn) const {
  if (i >= size()) {
    return Status::InvalidArgument("aggregate range " + std::to_string(i) + " of " +
                                   std::to_string(size()));
  }
  if (snapshot_ == nullptr) return store_->ForEachAggregate(fn);
  const Store::Impl& impl = *store_->impl_;
  std::optional<std::string> lower, upper;
  if (i > 0) lower = splits_[i - 1];
  if (i + 1 < size()) upper = splits_[i];
  store_internal::ScanIterator it(impl.db, impl.aggregates, run_.get(),
                                  static_cast<const rocksdb::Snapshot*>(snapshot_),
                                  std::move(lower), std::move(upper));
  return VisitAggregates(&it, store_->dir_, fn);
}

}  // namespace stc
