// A table file's entries read straight from its blocks (raw_table.h).
//
// The layout read here is RocksDB's block-based table format
// (table/format.h, table/block_based/block.h of RocksDB 7.8):
//   file   = data blocks, meta blocks, metaindex block, index block, footer
//   footer = checksum type (1 byte), metaindex handle, index handle (each
//            varint64 offset and size), zero padding to 41 bytes, format
//            version (fixed32), magic number (fixed64): 53 bytes
//   block  = contents, then a 5-byte trailer: compression type (1 byte)
//            and the checksum (fixed32) of the contents and that byte
//   contents = entries, restart offsets (fixed32 each), their count
//            (fixed32; its top bit set when a hash index follows)
//   entry  = varint32 shared key bytes, varint32 unshared key bytes,
//            varint32 value size (not in an index block with delta-encoded
//            values), the unshared key bytes, the value
// A data block's keys are internal keys: the user key, then a fixed64 of
// (sequence number << 8 | type). An index entry's value is the block handle
// (varint64 offset, varint64 size); with delta-encoded values only where the
// key shares no bytes with the one before (restart points among them), the
// others holding the size's change (signed varint64) and the block
// following the one before.
#include "stores/raw_table.h"

#include <fcntl.h>
#include <lz4.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#include "core/pread.h"
#include "core/record_codec.h"

namespace stc::store_internal {
namespace {

constexpr uint64_t kBlockBasedTableMagic = 0x88e241b785f4cff7ULL;
constexpr size_t kFooterSize = 53;
constexpr size_t kTrailerSize = 5;
constexpr uint8_t kNoChecksum = 0;
constexpr uint8_t kXxh3Checksum = 4;
constexpr uint8_t kNoCompression = 0;
constexpr uint8_t kLz4Compression = 4;
constexpr uint8_t kTypeValue = 1;
// A block or decompressed block larger than this is taken as corrupt.
constexpr uint64_t kMaxBlockBytes = uint64_t{256} << 20;

uint32_t Fixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);  // Little-endian, as this machine.
  return v;
}
uint64_t Fixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Varint parsers (RocksDB's varints are the store's: core/record_codec.h):
// null on a truncated or overlong varint.
const char* Varint64(const char* p, const char* limit, uint64_t* v) {
  std::string_view in(p, static_cast<size_t>(limit - p));
  return GetVarint64(&in, v) ? in.data() : nullptr;
}
const char* Varint32(const char* p, const char* limit, uint32_t* v) {
  uint64_t w = 0;
  p = Varint64(p, limit, &w);
  if (p == nullptr || w > UINT32_MAX) return nullptr;
  *v = static_cast<uint32_t>(w);
  return p;
}

// The three varints that start a data block entry; one byte each in most.
const char* EntryHeader(const char* p, const char* limit, uint32_t* shared, uint32_t* non_shared,
                        uint32_t* value_size) {
  if (limit - p >= 3) {
    const auto a = static_cast<uint8_t>(p[0]), b = static_cast<uint8_t>(p[1]),
               c = static_cast<uint8_t>(p[2]);
    if ((a | b | c) < 0x80) {
      *shared = a;
      *non_shared = b;
      *value_size = c;
      return p + 3;
    }
  }
  if ((p = Varint32(p, limit, shared)) == nullptr) return nullptr;
  if ((p = Varint32(p, limit, non_shared)) == nullptr) return nullptr;
  return Varint32(p, limit, value_size);
}

// The restart array of a block's contents: the end of its entries and the
// restart count. False when malformed or when a hash index follows.
bool ParseRestarts(std::string_view contents, size_t* entries_end, uint32_t* restarts) {
  if (contents.size() < 4) return false;
  const uint32_t footer = Fixed32(contents.data() + contents.size() - 4);
  if ((footer >> 31) != 0) return false;  // kDataBlockBinaryAndHash.
  const uint32_t n = footer;
  if (n == 0 || (contents.size() - 4) / 4 < n) return false;
  *entries_end = contents.size() - 4 - size_t{n} * 4;
  *restarts = n;
  return true;
}

}  // namespace

bool BlockReader::Read(int fd, uint8_t checksum_type, const RawTable::Block& b, uint64_t limit,
                       std::string_view* contents) {
  if (b.size > kMaxBlockBytes) return false;
  const size_t need = static_cast<size_t>(b.size) + kTrailerSize;
  // A handle past any file (the window test below would wrap around).
  if (b.offset > std::numeric_limits<uint64_t>::max() - need) return false;
  if (b.offset < window_offset_ || b.offset + need > window_offset_ + window_size_) {
    // Up to kWindowBytes ahead, not past `limit`; at least the block.
    const size_t ahead =
        limit > b.offset ? static_cast<size_t>(std::min<uint64_t>(limit - b.offset, kWindowBytes))
                         : 0;
    const size_t want = std::max(need, ahead);
    if (window_capacity_ < want) {
      window_ = std::make_unique_for_overwrite<char[]>(want);  // Read into, never zeroed.
      window_capacity_ = want;
    }
    window_size_ = 0;
    size_t got = 0;
    if (!PreadFully(fd, b.offset, window_.get(), want, &got) || got < need) return false;
    window_offset_ = b.offset;
    window_size_ = got;
  }
  const char* data = window_.get() + (b.offset - window_offset_);
  const auto compression = static_cast<uint8_t>(data[b.size]);
  if (checksum_type == kXxh3Checksum) {
    // RocksDB's ComputeBuiltinChecksumWithLastByte for kXXH3: the low 32
    // bits of XXH3 of the contents, modified by the compression type byte.
    const uint32_t computed =
        static_cast<uint32_t>(XXH3_64bits(data, b.size)) ^ (uint32_t{compression} * 0x6b9083d9u);
    if (computed != Fixed32(data + b.size + 1)) return false;
  } else if (checksum_type != kNoChecksum) {
    return false;
  }
  if (compression == kNoCompression) {
    *contents = std::string_view(data, b.size);
    return true;
  }
  if (compression != kLz4Compression) return false;
  // Format versions 2 and up: the decompressed size, then LZ4's raw block.
  uint32_t plain_size = 0;
  const char* p = Varint32(data, data + b.size, &plain_size);
  // LZ4 expands at most 255 times: a larger size is damage, not a block
  // (and no reason to allocate it).
  if (p == nullptr || plain_size > kMaxBlockBytes || plain_size > 255 * b.size + 64) return false;
  plain_.resize(plain_size);
  const int src = static_cast<int>(data + b.size - p);
  if (LZ4_decompress_safe(p, plain_.data(), src, static_cast<int>(plain_size)) !=
      static_cast<int>(plain_size)) {
    return false;
  }
  *contents = plain_;
  return true;
}

std::unique_ptr<const RawTable> RawTable::Open(const std::string& path,
                                               const rocksdb::TableProperties& props) {
  // Only what this reader knows: values only, a plain binary-search index.
  if (props.num_deletions != 0 || props.num_merge_operands != 0 || props.num_range_deletions != 0 ||
      props.index_partitions != 0) {
    return nullptr;
  }
  // Plain or LZ4 blocks only (a file of another compression, e.g. ZSTD from
  // an older build, would stop at its first block).
  if (props.compression_name != "NoCompression" && props.compression_name != "LZ4") {
    return nullptr;
  }
  const auto index_type =
      props.user_collected_properties.find("rocksdb.block.based.table.index.type");
  if (index_type == props.user_collected_properties.end() || index_type->second.size() != 4 ||
      Fixed32(index_type->second.data()) != 0) {  // kBinarySearch.
    return nullptr;
  }
  std::unique_ptr<RawTable> t(new RawTable);
  t->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (t->fd_ < 0) return nullptr;
  struct stat st;
  if (::fstat(t->fd_, &st) != 0 || static_cast<uint64_t>(st.st_size) < kFooterSize) return nullptr;
  const auto file_size = static_cast<uint64_t>(st.st_size);
  char footer[kFooterSize];
  size_t got = 0;
  if (!PreadFully(t->fd_, file_size - kFooterSize, footer, kFooterSize, &got) ||
      got != kFooterSize) {
    return nullptr;
  }
  if (Fixed64(footer + 45) != kBlockBasedTableMagic) return nullptr;
  const uint32_t format_version = Fixed32(footer + 41);
  if (format_version < 2 || format_version > 5) return nullptr;
  t->checksum_type_ = static_cast<uint8_t>(footer[0]);
  if (t->checksum_type_ != kNoChecksum && t->checksum_type_ != kXxh3Checksum) return nullptr;
  uint64_t meta_offset, meta_size;
  Block index;
  const char* p = footer + 1;
  const char* const handles_end = footer + 41;
  if ((p = Varint64(p, handles_end, &meta_offset)) == nullptr ||
      (p = Varint64(p, handles_end, &meta_size)) == nullptr ||
      (p = Varint64(p, handles_end, &index.offset)) == nullptr ||
      (p = Varint64(p, handles_end, &index.size)) == nullptr) {
    return nullptr;
  }
  BlockReader reader;
  std::string_view contents;
  if (!reader.Read(t->fd_, t->checksum_type_, index, index.offset + index.size + kTrailerSize,
                   &contents)) {
    return nullptr;
  }
  size_t entries_end = 0;
  uint32_t restarts = 0;
  if (!ParseRestarts(contents, &entries_end, &restarts)) return nullptr;
  const char* const base = contents.data();
  const bool delta = props.index_value_is_delta_encoded != 0;
  const size_t trailer_key_bytes = props.index_key_is_user_key != 0 ? 0 : 8;
  std::string key;
  t->separator_offsets_.push_back(0);
  for (const char* q = base; q < base + entries_end;) {
    uint32_t shared = 0, non_shared = 0, value_size = 0;
    const char* const limit = base + entries_end;
    if ((q = Varint32(q, limit, &shared)) == nullptr ||
        (q = Varint32(q, limit, &non_shared)) == nullptr ||
        (!delta && (q = Varint32(q, limit, &value_size)) == nullptr)) {
      return nullptr;
    }
    if (shared > key.size() || non_shared > static_cast<size_t>(limit - q)) return nullptr;
    key.resize(shared);
    key.append(q, non_shared);
    q += non_shared;
    if (key.size() < trailer_key_bytes) return nullptr;
    Block b;
    if (!delta) {
      if (value_size > static_cast<size_t>(limit - q)) return nullptr;
      const char* v = q;
      if ((v = Varint64(v, q + value_size, &b.offset)) == nullptr ||
          (v = Varint64(v, q + value_size, &b.size)) == nullptr) {
        return nullptr;
      }
      q += value_size;
    } else if (shared == 0 || t->blocks_.empty()) {
      // RocksDB's BlockBuilder delta-encodes a value only when its key
      // shares bytes with the one before (restart points never do).
      if ((q = Varint64(q, limit, &b.offset)) == nullptr ||
          (q = Varint64(q, limit, &b.size)) == nullptr) {
        return nullptr;
      }
    } else {
      uint64_t zigzag = 0;
      if ((q = Varint64(q, limit, &zigzag)) == nullptr) return nullptr;
      const int64_t change = UnZigZag(zigzag);
      const Block& prev = t->blocks_.back();
      b.offset = prev.offset + prev.size + kTrailerSize;
      b.size = prev.size + static_cast<uint64_t>(change);
    }
    // Blocks follow each other, trailers included, before the index.
    if (!t->blocks_.empty() &&
        b.offset < t->blocks_.back().offset + t->blocks_.back().size + kTrailerSize) {
      return nullptr;
    }
    // Before the index, trailer included (written so that a handle near 2^64
    // cannot wrap around).
    if (b.size > kMaxBlockBytes || b.offset > index.offset ||
        index.offset - b.offset < b.size + kTrailerSize) {
      return nullptr;
    }
    t->blocks_.push_back(b);
    t->separator_bytes_.append(key, 0, key.size() - trailer_key_bytes);
    t->separator_offsets_.push_back(t->separator_bytes_.size());
  }
  if (t->blocks_.size() != props.num_data_blocks) return nullptr;
  ::posix_fadvise(t->fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  return t;
}

RawTable::~RawTable() {
  if (fd_ >= 0) ::close(fd_);
}

RawTableCursor::RawTableCursor(const RawTable* table, const std::string* lower,
                               const std::string* upper)
    : table_(table), upper_(upper) {
  if (lower != nullptr) {
    // The first block whose separator is at least `lower`: the blocks
    // before hold only smaller keys.
    size_t lo = 0, hi = table->blocks().size();
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (table->separator(mid) < *lower) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    block_index_ = lo;
  }
  // The blocks the range may need end with the first whose separator is at
  // least `upper` (it may hold keys below it).
  size_t end = table->blocks().size();
  if (upper != nullptr) {
    end = static_cast<size_t>(
        std::lower_bound(table->blocks().begin() + static_cast<ptrdiff_t>(block_index_),
                         table->blocks().end(), *upper,
                         [&](const RawTable::Block& b, const std::string& u) {
                           return table->separator(
                                      static_cast<size_t>(&b - table->blocks().data())) < u;
                         }) -
        table->blocks().begin());
    if (end < table->blocks().size()) ++end;
  }
  if (end > 0) {
    const RawTable::Block& last = table->blocks()[end - 1];
    read_limit_ = last.offset + last.size + kTrailerSize;
  }
  Advance(/*load=*/true);
  if (lower != nullptr) {
    while (Valid() && user_key() < *lower) Next();
  }
}

int RawTableCursor::CompareWithLastUserKey(size_t shared, const char* unshared,
                                           size_t new_user) const {
  // The new user key is key_[0, from_key) then unshared[0, new_user -
  // from_key); its first min(from_key, user_key_size_) bytes are the last
  // user key's.
  const size_t from_key = std::min(shared, new_user);
  if (from_key > user_key_size_) return 1;  // The last user key, then more.
  const size_t old_rest = user_key_size_ - from_key, new_rest = new_user - from_key;
  const char* old_bytes = key_.data() + from_key;
  // RocksDB shares the longest common prefix: the first byte decides, mostly.
  if (old_rest > 0 && new_rest > 0 && old_bytes[0] != unshared[0]) {
    return static_cast<uint8_t>(unshared[0]) > static_cast<uint8_t>(old_bytes[0]) ? 1 : -1;
  }
  const int c = std::memcmp(unshared, old_bytes, std::min(old_rest, new_rest));
  if (c != 0) return c;
  return new_rest < old_rest ? -1 : new_rest > old_rest ? 1 : 0;
}

void RawTableCursor::Advance(bool load) {
  for (;;) {
    if (load) {
      load = false;
      if (block_index_ >= table_->blocks().size()) {
        state_ = State::kEnd;
        return;
      }
      uint32_t restarts = 0;
      if (!reader_.Read(table_->fd(), table_->checksum_type(), table_->blocks()[block_index_],
                        read_limit_, &contents_) ||
          !ParseRestarts(contents_, &entries_end_, &restarts)) {
        FailAfterLast();
        return;
      }
      pos_ = 0;
      block_in_bound_ = upper_ == nullptr || table_->separator(block_index_) < *upper_;
    }
    if (pos_ >= entries_end_) {
      ++block_index_;
      load = true;
      continue;
    }
    const char* const base = contents_.data();
    const char* const limit = base + entries_end_;
    uint32_t shared = 0, non_shared = 0, value_size = 0;
    const char* p = EntryHeader(base + pos_, limit, &shared, &non_shared, &value_size);
    const size_t new_size = size_t{shared} + non_shared;
    if (p == nullptr || shared > (has_key_ ? key_.size() : 0) ||
        size_t{non_shared} + value_size > static_cast<size_t>(limit - p) || new_size < 8) {
      FailAfterLast();
      return;
    }
    // An older version of the last key has the last one's user key. Other
    // keys come in increasing order, which the scans' bounds and resume keys
    // rely on; a block whose checksum matches but whose keys do not (damage
    // that hit the checksum too, or one forged) stops the scan.
    const size_t new_user = new_size - 8;
    const int order = has_key_ ? CompareWithLastUserKey(shared, p, new_user) : 1;
    if (order < 0) {
      FailAfterLast();
      return;
    }
    const bool older = order == 0;
    key_.resize(shared);
    key_.append(p, non_shared);
    value_ = std::string_view(p + non_shared, value_size);
    pos_ = static_cast<size_t>(p + non_shared + value_size - base);
    has_key_ = true;
    user_key_size_ = new_user;
    if (older) continue;
    if (static_cast<uint8_t>(key_[new_user]) != kTypeValue) {
      resume_inclusive_ = true;  // RocksDB reads this key and what follows.
      state_ = State::kFailed;
      return;
    }
    if (!block_in_bound_ && user_key() >= *upper_) {
      state_ = State::kEnd;
      return;
    }
    state_ = State::kEntry;
    return;
  }
}

}  // namespace stc::store_internal
