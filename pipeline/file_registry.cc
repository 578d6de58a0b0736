#include "pipeline/file_registry.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/hash.h"
#include "core/pread.h"

namespace stc {
namespace {

constexpr char kPrefix[] = "file:";
constexpr size_t kEdgeBytes = 64 << 10;

// Exactly `n` bytes at `offset`: false at an error or the end of the file.
bool ReadAt(int fd, uint64_t offset, size_t n, std::string* out) {
  out->resize(n);
  size_t got = 0;
  return PreadFully(fd, offset, out->data(), n, &got) && got == n;
}

// "size\tfingerprint(hex)\trecords\ttime\toutcome"
std::string Encode(const FileEntry& e) {
  char fp[17];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(e.id.fingerprint));
  return std::to_string(e.id.size) + "\t" + fp + "\t" + std::to_string(e.records) + "\t" + e.time +
         "\t" + e.outcome;
}

bool Decode(std::string_view path, std::string_view v, FileEntry* e) {
  std::string fields[5];
  for (int i = 0; i < 5; ++i) {
    size_t tab = i < 4 ? v.find('\t') : v.size();
    if (tab == std::string_view::npos) return false;
    fields[i] = std::string(v.substr(0, tab));
    v.remove_prefix(std::min(v.size(), tab + 1));
  }
  try {
    e->id.path = std::string(path);
    e->id.size = std::stoull(fields[0]);
    e->id.fingerprint = std::stoull(fields[1], nullptr, 16);
    e->records = std::stoull(fields[2]);
  } catch (...) {
    return false;
  }
  e->time = fields[3];
  e->outcome = fields[4];
  return true;
}

}  // namespace

Result<FileIdentity> IdentifyFile(const std::string& path) {
  FileIdentity id;
  std::error_code ec;
  id.path = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) return Status::IoError("cannot resolve " + path + ": " + ec.message());
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno == ENOENT ? Status::NotFound("input not found: " + path)
                           : Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  }
  off_t end = ::lseek(fd, 0, SEEK_END);
  std::string head, tail;
  bool ok = end >= 0;
  if (ok) {
    id.size = static_cast<uint64_t>(end);
    size_t n = static_cast<size_t>(std::min<uint64_t>(id.size, kEdgeBytes));
    ok = ReadAt(fd, 0, n, &head) && ReadAt(fd, id.size - n, n, &tail);
  }
  ::close(fd);
  if (!ok) return Status::IoError("cannot read " + path);
  uint64_t h = Hash64(head, id.size);
  id.fingerprint = Hash64(tail, h);
  return id;
}

Result<std::optional<FileEntry>> LookupFile(const Store& store, const std::string& abs_path) {
  STC_ASSIGN_OR_RETURN(std::optional<std::string> v, store.GetMeta(kPrefix + abs_path));
  if (!v.has_value()) return std::optional<FileEntry>();
  FileEntry e;
  if (!Decode(abs_path, *v, &e)) {
    return Status::Corruption("store " + store.dir() + ": malformed file registry entry for " +
                              abs_path);
  }
  return std::optional<FileEntry>(std::move(e));
}

Status RegisterFile(Store* store, const FileEntry& entry) {
  return store->PutMeta(kPrefix + entry.id.path, Encode(entry));
}

Status ForEachRegisteredFile(const Store& store,
                             const std::function<Status(const FileEntry&)>& fn) {
  return store.ForEachMeta(kPrefix, [&](std::string_view name, std::string_view value) {
    FileEntry e;
    std::string_view path = name.substr(sizeof(kPrefix) - 1);
    if (!Decode(path, value, &e)) {
      return Status::Corruption("store " + store.dir() + ": malformed file registry entry");
    }
    return fn(e);
  });
}

}  // namespace stc
