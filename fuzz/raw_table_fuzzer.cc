// The store's block-by-block table reader (stores/raw_table.h) on arbitrary
// file bytes, as a damaged or hostile store would hand them over.
//
// One input: byte 0: bit 0 = index values delta-encoded, bit 1 = index keys
// are user keys, bit 2 = LZ4 blocks (the table properties RocksDB would
// report); bytes 1-4: the data block count the properties claim
// (little-endian); the rest: the
// table file. RawTable::Open either refuses the file or opens it; a cursor
// over it, whole and from a lower bound taken from the file's own index,
// never reads outside its blocks and stops (end or Failed()) after
// finitely many entries. When the file's blocks carry checksums the keys
// also come in strictly increasing order and within the bounds (no
// mutation forges an XXH3); a file whose footer says "no checksums" can
// hand over altered blocks, keys out of order included, as RocksDB's own
// reader would.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "stores/raw_table.h"

namespace {

// Scans [lower, upper) and checks the order and the bounds.
void CheckScan(const stc::store_internal::RawTable& t, const std::string* lower,
               const std::string* upper, size_t max_entries) {
  stc::store_internal::RawTableCursor c(&t, lower, upper);
  std::string last;
  size_t n = 0;
  for (; c.Valid(); c.Next()) {
    const std::string_view k = c.user_key();
    if (t.checksum_type() != 0) {
      STC_FUZZ_CHECK(n == 0 || std::string_view(last) < k, "keys not strictly increasing");
      STC_FUZZ_CHECK(lower == nullptr || k >= *lower, "a key below the lower bound");
      STC_FUZZ_CHECK(upper == nullptr || k < *upper, "a key at or past the upper bound");
    }
    last.assign(k);
    STC_FUZZ_CHECK(++n <= max_entries, "more entries than the file's bytes can hold");
  }
  // Resuming after a key: after the last one given (older versions of it
  // are skipped), or, none given, after one below the lower bound.
  if (c.Failed() && !c.resume_inclusive() && t.checksum_type() != 0) {
    STC_FUZZ_CHECK(n > 0 ? c.resume_key() == last : lower != nullptr && c.resume_key() < *lower,
                   "a failure that resumes after a key not yet handled");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  rocksdb::TableProperties props;
  props.index_value_is_delta_encoded = data[0] & 1;
  props.index_key_is_user_key = (data[0] >> 1) & 1;
  props.compression_name = (data[0] >> 2) & 1 ? "LZ4" : "NoCompression";
  uint32_t blocks = 0;
  std::memcpy(&blocks, data + 1, 4);
  props.num_data_blocks = blocks;
  props.user_collected_properties["rocksdb.block.based.table.index.type"] = std::string(4, '\0');
  const std::string path = stc::fuzz::WriteScratchFile(
      "table.sst", std::string_view(reinterpret_cast<const char*>(data) + 5, size - 5));
  const auto t = stc::store_internal::RawTable::Open(path, props);
  if (t == nullptr) return 0;
  // An entry takes at least 3 header bytes and 8 key bytes of its block;
  // blocks decompress to at most 255 times their size (LZ4).
  const size_t max_entries = (size + 1) * 255 / 11 + 1;
  CheckScan(*t, nullptr, nullptr, max_entries);
  if (!t->blocks().empty()) {
    const std::string lower(t->separator(t->blocks().size() / 2));
    const std::string upper = lower + "\x7f";
    CheckScan(*t, &lower, nullptr, max_entries);
    CheckScan(*t, &lower, &upper, max_entries);
  }
  return 0;
}
