#include "stores/page_cache_fs.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace stc::store_internal {

// The page cache holds a file in folios of up to 2 MiB (ext4 and XFS on
// Linux 6.x), and a drop of part of a folio drops nothing: drops cover whole
// 2 MiB-aligned pieces of the file.
constexpr uint64_t kDropPiece = uint64_t{2} << 20;

// A table file whose reads are dropped from the page cache while its file
// system says so: each read that reaches the end of a 2 MiB piece, or the end
// of the file, drops the pieces from the one it started in up to there. A
// merge reads each input in key order, in parts of key ranges read side by
// side: a part that starts inside a piece may drop the beginning of that
// piece before the part before it has read it (which then reads it from the
// file again), at most one piece per part and input.
class DropReadsFileSystem::File : public rocksdb::FSRandomAccessFileOwnerWrapper {
 public:
  File(std::unique_ptr<rocksdb::FSRandomAccessFile>&& base, std::string base_name, uint64_t size,
       DropReadsFileSystem* fs)
      : rocksdb::FSRandomAccessFileOwnerWrapper(std::move(base)),
        base_name_(std::move(base_name)),
        size_(size),
        fs_(fs) {}

  rocksdb::IOStatus Read(uint64_t offset, size_t n, const rocksdb::IOOptions& options,
                         rocksdb::Slice* result, char* scratch,
                         rocksdb::IODebugContext* dbg) const override {
    rocksdb::IOStatus s = target()->Read(offset, n, options, result, scratch, dbg);
    if (s.ok() && !result->empty() && fs_->Dropping(base_name_)) {
      const uint64_t end = offset + result->size();
      const uint64_t from = offset / kDropPiece * kDropPiece;
      const uint64_t to = end >= size_ ? end : end / kDropPiece * kDropPiece;
      // A hint: its failure (NotSupported elsewhere) changes nothing read.
      if (to > from &&
          target()
              ->InvalidateCache(static_cast<size_t>(from), static_cast<size_t>(to - from))
              .ok()) {
        fs_->dropped_reads_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    return s;
  }

 private:
  std::string base_name_;
  uint64_t size_;  // Table files do not change once written.
  DropReadsFileSystem* fs_;
};

rocksdb::IOStatus DropReadsFileSystem::NewRandomAccessFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSRandomAccessFile>* result, rocksdb::IODebugContext* dbg) {
  rocksdb::IOStatus s = target()->NewRandomAccessFile(fname, options, result, dbg);
  if (s.ok() && std::string_view(fname).ends_with(".sst")) {
    uint64_t size = 0;
    // Without its size, the file's last piece is not dropped.
    if (!target()->GetFileSize(fname, rocksdb::IOOptions(), &size, dbg).ok()) size = UINT64_MAX;
    *result = std::make_unique<File>(std::move(*result), BaseName(fname), size, this);
  }
  return s;
}

std::string BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool DropReadsFileSystem::Dropping(std::string_view base_name) const {
  if (scopes_.load(std::memory_order_relaxed) == 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return names_.find(base_name) != names_.end();
}

DropReadsScope::DropReadsScope(DropReadsFileSystem* fs, std::vector<std::string> base_names)
    : fs_(fs), names_(std::move(base_names)) {
  std::lock_guard<std::mutex> lock(fs_->mu_);
  fs_->names_.insert(names_.begin(), names_.end());
  fs_->scopes_.fetch_add(1, std::memory_order_relaxed);
}

DropReadsScope::~DropReadsScope() {
  std::lock_guard<std::mutex> lock(fs_->mu_);
  for (const std::string& name : names_) fs_->names_.erase(fs_->names_.find(name));
  fs_->scopes_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace stc::store_internal
