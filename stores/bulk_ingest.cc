#include "stores/bulk_ingest.h"

#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <optional>
#include <thread>

namespace stc::store_internal {
namespace {

Status FromRocksStatus(const rocksdb::Status& s, const std::string& dir, const char* what) {
  if (s.ok()) return Status::Ok();
  std::string msg = "store " + dir + ": " + what + ": " + s.ToString();
  if (s.IsIOError() || s.IsNoSpace()) return Status::IoError(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  return Status::IoError(msg);
}

// The same for an entry added to a table file: SstFileWriter's only
// InvalidArgument there is its refusal of a key not above the one before,
// the check of the callers' order for large sets of records (store.h).
Status FromAddStatus(const rocksdb::Status& s, const std::string& dir) {
  if (s.IsInvalidArgument()) {
    return Status::InvalidArgument("store " + dir + ": writing a bulk table file: " + s.ToString());
  }
  return FromRocksStatus(s, dir, "writing a bulk table file");
}

// Adds `entries` to `writer` in order.
template <typename Entry>
Status WriteAll(rocksdb::SstFileWriter& writer, std::span<const Entry> entries,
                const std::string& store_dir) {
  // The entries point into buffers filled in another order (e.g. the
  // writer's arena, in arrival order): fetch the keys and values a few
  // entries ahead, or every key comparison waits for memory.
  constexpr size_t kAhead = 16;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i + kAhead < entries.size()) {
      const Entry& next = entries[i + kAhead];
      __builtin_prefetch(KeyOf(next).data());
      const std::string_view v = ValueOf(next);
      if (!v.empty()) {
        __builtin_prefetch(v.data());
        __builtin_prefetch(v.data() + 64);
      }
    }
    const Entry& e = entries[i];
    rocksdb::Status s;
    switch (OpOf(e)) {
      case SortedEntry::Op::kPut:
        s = writer.Put(KeyOf(e), ValueOf(e));
        break;
      case SortedEntry::Op::kDelete:
        s = writer.Delete(KeyOf(e));
        break;
      case SortedEntry::Op::kMerge:
        s = writer.Merge(KeyOf(e), ValueOf(e));
        break;
    }
    if (!s.ok()) return FromAddStatus(s, store_dir);
  }
  return Status::Ok();
}

// Adds the deltas of `sorted` to `writer` in order, each with `op`.
// Only those at positions [begin, end).
Status WriteSorted(rocksdb::SstFileWriter& writer, const SortedAggregates& sorted,
                   SortedEntry::Op op, const std::string& store_dir, size_t begin, size_t end) {
  std::string_view key;
  Units delta;
  for (size_t pos = begin; pos < end && sorted.Next(&pos, &key, &delta);) {
    const std::string_view value = SortedValueOf(key);
    const rocksdb::Status s =
        op == SortedEntry::Op::kPut ? writer.Put(key, value) : writer.Merge(key, value);
    if (!s.ok()) return FromAddStatus(s, store_dir);
  }
  return Status::Ok();
}

}  // namespace

Status IngestSorted(rocksdb::DB* db, const std::string& store_dir, const std::string& tmp_dir,
                    const std::vector<CfEntries>& cfs) {
  static std::atomic<uint64_t> counter{0};
  std::error_code ec;
  std::filesystem::create_directories(tmp_dir, ec);
  if (ec) return Status::IoError("store " + store_dir + ": cannot create " + tmp_dir);
  // One table file per non-empty column family (or per range of a split
  // set of records), written concurrently (each SstFileWriter is
  // independent; a batch's records and aggregates take about as long to
  // write, and the last flush of an ingest runs alone).
  struct File {
    const CfEntries* cf = nullptr;
    // A range of cf->records (a split set), or all of cf's entries.
    std::optional<std::span<const Store::RecordWrite>> records;
    bool whole = true;  // cf's entries and sorted deltas too.
    // The positions of cf->sorted written (a split set of sorted deltas).
    size_t sorted_begin = 0, sorted_end = SIZE_MAX;
    std::string path;
    bool created = false;
    Status status;
  };
  std::vector<File> files;
  for (const CfEntries& c : cfs) {
    if (c.size() == 0) continue;
    // A large set of records split in consecutive ranges, one file each.
    // (Records only: entries and sorted deltas of the same set could fall
    // between the ranges.)
    // Likewise a large set of sorted deltas alone, in ranges of its chunks.
    const bool sorted_alone = c.sorted != nullptr && c.entries.empty() && c.records.empty();
    const size_t parts =
        sorted_alone ? std::clamp<size_t>(c.sorted->chunks(), 1, c.sorted_files)
        : !c.entries.empty() || c.sorted != nullptr
            ? 1
            : std::clamp<size_t>(c.records.size() / kMinRecordsPerFile, 1, c.record_files);
    for (size_t p = 0; p < parts; ++p) {
      File f;
      f.cf = &c;
      if (sorted_alone && parts > 1) {
        const size_t chunks = c.sorted->chunks();
        f.sorted_begin = c.sorted->chunk_offset(chunks * p / parts);
        if (p + 1 < parts) f.sorted_end = c.sorted->chunk_offset(chunks * (p + 1) / parts);
      } else if (parts > 1) {
        const size_t begin = c.records.size() * p / parts;
        const size_t end = c.records.size() * (p + 1) / parts;
        f.records = c.records.subspan(begin, end - begin);
        f.whole = false;
      }
      f.path = tmp_dir + "/bulk-" + std::to_string(counter++) + "-" + c.cf->GetName() + ".sst";
      files.push_back(std::move(f));
    }
  }
  if (files.empty()) return Status::Ok();
  // Each file's writer refuses keys out of order within it; the ranges of a
  // split set must also follow one another.
  for (size_t i = 1; i < files.size(); ++i) {
    const File& a = files[i - 1];
    const File& b = files[i];
    if (a.cf == b.cf && a.records && b.records && !a.records->empty() && !b.records->empty() &&
        !(a.records->back().store_key < b.records->front().store_key)) {
      return Status::InvalidArgument("store " + store_dir +
                                     ": record writes not sorted and unique");
    }
  }
  auto write = [&](File* f) {
    const CfEntries& c = *f->cf;
    rocksdb::Options options = db->GetOptions(c.cf);
    // SstFileWriter compresses with the bottommost compression. Bulk files
    // are written on the ingest's critical path: they take the CF's fast
    // compression whatever its last level is set to (today LZ4 for every CF,
    // stores/store.cc).
    options.bottommost_compression = options.compression;
    if (c.uncompressed)
      options.compression = options.bottommost_compression = rocksdb::kNoCompression;
    // invalidate_page_cache = false: RocksDB's default drops each 1 MiB
    // written from the page cache (fadvise DONTNEED), which also starts its
    // write-back in 1 MiB pieces; the ingest's own look-ups of repeated keys
    // and the fold of the pending log then read the file back from disk.
    // The file is synced when finished either way.
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, c.cf,
                                  /*invalidate_page_cache=*/false);
    Status st = FromRocksStatus(writer.Open(f->path), store_dir, "opening a bulk table file");
    f->created = st.ok();
    if (f->whole) {
      if (st.ok()) st = WriteAll(writer, c.entries, store_dir);
      if (st.ok() && c.sorted != nullptr) {
        st = WriteSorted(writer, *c.sorted, c.sorted_op, store_dir, f->sorted_begin, f->sorted_end);
      }
    }
    if (st.ok()) st = WriteAll(writer, f->records ? *f->records : c.records, store_dir);
    if (st.ok()) st = FromRocksStatus(writer.Finish(), store_dir, "finishing a bulk table file");
    f->status = st;
  };
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < files.size(); ++i) helpers.emplace_back(write, &files[i]);
  write(&files[0]);
  for (std::thread& t : helpers) t.join();
  auto cleanup = [&] {
    for (const File& f : files) {
      if (f.created) std::filesystem::remove(f.path, ec);
    }
  };
  // One argument per column family, with all its files (a split set's
  // ranges are disjoint).
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (const File& f : files) {
    if (!f.status.ok()) {
      cleanup();
      return f.status;
    }
    if (args.empty() || args.back().column_family != f.cf->cf) {
      rocksdb::IngestExternalFileArg arg;
      arg.column_family = f.cf->cf;
      arg.options.move_files = true;
      arg.options.snapshot_consistency = true;
      arg.options.allow_global_seqno = true;
      arg.options.allow_blocking_flush = true;
      arg.options.write_global_seqno = false;
      args.push_back(std::move(arg));
    }
    args.back().external_files.push_back(f.path);
  }
  Status st =
      FromRocksStatus(db->IngestExternalFiles(args), store_dir, "ingesting bulk table files");
  cleanup();  // Moved files are gone already; this removes leftovers after a failure.
  return st;
}

}  // namespace stc::store_internal
