#include "stores/bulk_ingest.h"

#include <rocksdb/sst_file_writer.h>

#include <atomic>
#include <filesystem>

namespace stc::store_internal {
namespace {

Status FromRocksStatus(const rocksdb::Status& s, const std::string& dir, const char* what) {
  if (s.ok()) return Status::Ok();
  std::string msg = "store " + dir + ": " + what + ": " + s.ToString();
  if (s.IsIOError() || s.IsNoSpace()) return Status::IoError(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  return Status::IoError(msg);
}

rocksdb::Slice ToSlice(std::string_view v) { return rocksdb::Slice(v.data(), v.size()); }

}  // namespace

Status IngestSorted(rocksdb::DB* db, const std::string& store_dir, const std::string& tmp_dir,
                    const std::vector<CfEntries>& cfs) {
  static std::atomic<uint64_t> counter{0};
  std::error_code ec;
  std::filesystem::create_directories(tmp_dir, ec);
  if (ec) return Status::IoError("store " + store_dir + ": cannot create " + tmp_dir);
  std::vector<rocksdb::IngestExternalFileArg> args;
  std::vector<std::string> written;
  auto cleanup = [&] {
    for (const auto& f : written) std::filesystem::remove(f, ec);
  };
  for (const CfEntries& c : cfs) {
    if (c.entries == nullptr || c.entries->empty()) continue;
    rocksdb::Options options = db->GetOptions(c.cf);
    // SstFileWriter compresses with the bottommost compression (the records
    // CF's is ZSTD, several times slower to write than LZ4). Bulk files are
    // written on the ingest's critical path: use the CF's fast compression;
    // compactions recompress into the bottommost level later.
    options.bottommost_compression = options.compression;
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, c.cf);
    std::string path =
        tmp_dir + "/bulk-" + std::to_string(counter++) + "-" + c.cf->GetName() + ".sst";
    Status st = FromRocksStatus(writer.Open(path), store_dir, "opening a bulk table file");
    if (st.ok()) written.push_back(path);
    for (size_t i = 0; st.ok() && i < c.entries->size(); ++i) {
      const SortedEntry& e = (*c.entries)[i];
      rocksdb::Status s;
      switch (e.op) {
        case SortedEntry::Op::kPut:
          s = writer.Put(e.key, e.value);
          break;
        case SortedEntry::Op::kDelete:
          s = writer.Delete(e.key);
          break;
        case SortedEntry::Op::kMerge:
          s = writer.Merge(e.key, e.value);
          break;
      }
      st = FromRocksStatus(s, store_dir, "writing a bulk table file");
    }
    if (st.ok()) st = FromRocksStatus(writer.Finish(), store_dir, "finishing a bulk table file");
    if (!st.ok()) {
      cleanup();
      return st;
    }
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = c.cf;
    arg.external_files = {path};
    arg.options.move_files = true;
    arg.options.snapshot_consistency = true;
    arg.options.allow_global_seqno = true;
    arg.options.allow_blocking_flush = true;
    arg.options.write_global_seqno = false;
    args.push_back(std::move(arg));
  }
  if (args.empty()) return Status::Ok();
  Status st =
      FromRocksStatus(db->IngestExternalFiles(args), store_dir, "ingesting bulk table files");
  cleanup();  // Moved files are gone already; this removes leftovers after a failure.
  return st;
}

}  // namespace stc::store_internal
