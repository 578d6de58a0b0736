#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "stores/bulk_ingest.h"
#include "stores/keys.h"
#include "stores/merge_operator.h"
#include "stores/store.h"
#include "stores/store_impl.h"
#include "stores/writer_lock.h"

namespace stc {
namespace {

namespace fs = std::filesystem;
namespace sk = store_keys;
using store_internal::ToView;

}  // namespace

namespace {

std::string EncodeVersion(uint64_t v) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) k[i] = static_cast<char>(v & 0xff);
  return k;
}

uint64_t DecodeVersion(std::string_view k) {
  uint64_t v = 0;
  for (unsigned char c : k) v = (v << 8) | c;
  return v;
}

}  // namespace

Result<uint64_t> Store::AddClusterMap(std::string_view encoded) {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  std::lock_guard<std::mutex> lock(impl_->clusters_mu);
  if (impl_->clusters == nullptr) {
    STC_ASSIGN_OR_RETURN(impl_->clusters, impl_->CreateCf(sk::kClustersCf));
  }
  STC_ASSIGN_OR_RETURN(std::vector<uint64_t> versions, ClusterMapVersions());
  const uint64_t version = versions.empty() ? 1 : versions.back() + 1;
  rocksdb::WriteBatch wb;
  STC_RETURN_IF_ERROR(impl_->Rocks(
      wb.Put(impl_->clusters, EncodeVersion(version), ToSlice(encoded)), "preparing cluster map"));
  STC_RETURN_IF_ERROR(
      impl_->Rocks(wb.Put(impl_->meta, sk::kMetaClusterMapCurrent, std::to_string(version)),
                   "preparing cluster map"));
  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  STC_RETURN_IF_ERROR(impl_->Rocks(impl_->db->Write(sync_write, &wb), "writing cluster map"));
  return version;
}

Status Store::SetCurrentClusterMap(uint64_t version) {
  STC_RETURN_IF_ERROR(impl_->CheckWritable());
  STC_ASSIGN_OR_RETURN(std::optional<std::string> value, GetClusterMap(version));
  if (!value.has_value()) {
    return Status::NotFound("store " + dir_ + " has no cluster map version " +
                            std::to_string(version));
  }
  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  return impl_->Rocks(
      impl_->db->Put(sync_write, impl_->meta, sk::kMetaClusterMapCurrent, std::to_string(version)),
      "writing meta cluster_map_current");
}

Result<std::optional<uint64_t>> Store::CurrentClusterMap() const {
  STC_ASSIGN_OR_RETURN(std::optional<std::string> text,
                       impl_->Get(impl_->meta, sk::kMetaClusterMapCurrent));
  if (!text.has_value()) return std::optional<uint64_t>();
  int64_t v = 0;
  if (!ParseInt64(*text, &v) || v <= 0) {
    return Status::Corruption("store " + dir_ + ": bad cluster_map_current '" + *text + "'");
  }
  return std::optional<uint64_t>(static_cast<uint64_t>(v));
}

Result<std::optional<std::string>> Store::GetClusterMap(uint64_t version) const {
  if (impl_->clusters == nullptr) return std::optional<std::string>();
  return impl_->Get(impl_->clusters, EncodeVersion(version));
}

Result<std::vector<uint64_t>> Store::ClusterMapVersions() const {
  std::vector<uint64_t> out;
  if (impl_->clusters == nullptr) return out;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->clusters));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != 8) {
      return Status::Corruption("store " + dir_ + ": malformed cluster map key " +
                                Hex(ToView(it->key())));
    }
    out.push_back(DecodeVersion(ToView(it->key())));
  }
  STC_RETURN_IF_ERROR(impl_->Rocks(it->status(), "scanning cluster maps"));
  return out;
}

Status Store::Checkpoint(const std::string& to_dir) const {
  if (to_dir.empty()) return Status::InvalidArgument("backup directory is empty");
  // RocksDB 7.8 checkpoints a read-only instance too, but not safely while a
  // writer in another process flushes, compacts or ingests (the copy would
  // mix the reader's old MANIFEST with the writer's newer WAL): a checkpoint
  // needs the writer lock.
  if (impl_->read_only) {
    return Status::InvalidArgument("store " + dir_ +
                                   " opened read-only: a checkpoint needs the writer lock");
  }
  std::error_code ec;
  const fs::path to(to_dir);
  if (fs::exists(to, ec) || fs::is_symlink(to, ec)) {
    return Status::InvalidArgument("backup directory " + to_dir + " already exists");
  }
  const fs::path parent = to.parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) return Status::IoError("cannot create " + parent.string() + ": " + ec.message());
  }
  rocksdb::Checkpoint* raw = nullptr;
  STC_RETURN_IF_ERROR(
      impl_->Rocks(rocksdb::Checkpoint::Create(impl_->db, &raw), "preparing a checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: always flush, so the copy needs no WAL replay.
  STC_RETURN_IF_ERROR(impl_->Rocks(checkpoint->CreateCheckpoint(to_dir, /*log_size_for_flush=*/0),
                                   "creating a checkpoint in " + to_dir));
  // The store's files that are not RocksDB's (the writer lock is not copied).
  for (const char* name : {"rejects.jsonl"}) {
    const fs::path from = fs::path(dir_) / name;
    if (!fs::exists(from, ec)) continue;
    fs::copy_file(from, to / name, ec);
    if (ec) {
      std::string why = ec.message();
      fs::remove_all(to, ec);
      return Status::IoError("cannot copy " + from.string() + " to " + to_dir + ": " + why);
    }
  }
  return Status::Ok();
}

}  // namespace stc
