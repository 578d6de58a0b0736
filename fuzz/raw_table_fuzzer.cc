// The store's block-by-block table reader (stores/raw_table.h) on arbitrary
// file bytes, as a damaged or hostile store would hand them over.
//
// One input: byte 0: bit 0 = index values delta-encoded, bit 1 = index keys
// are user keys, bit 2 = LZ4 blocks (the table properties RocksDB would
// report); bytes 1-4: the data block count the properties claim
// (little-endian); the rest: the table file. RawTable::Open either refuses
// the file or opens it; a cursor over it, whole and from a lower bound taken
// from the file's own index, never reads outside its blocks, stops (end or
// Failed()) after finitely many entries, gives keys in strictly increasing
// order and none below the lower bound, and when it fails resumes after the
// last key it gave. Whatever the checksums: libFuzzer forges a block's
// 32-bit checksum from the comparison that checks it (2026-12-06), so a
// block whose checksum matches can hold anything. The upper bound holds when
// the index tells the truth (every block's keys at most its separator, as
// the whole scan found them): the cursor trusts the index there, as
// RocksDB's iterator does.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "stores/raw_table.h"

namespace {

// Scans [lower, upper) and checks the order and the bounds (the upper one
// when `honest_index`). With `blocks_honest` (the whole scan), also tells
// whether every entry's key is at most its block's separator and the scan
// reached the end.
void CheckScan(const stc::store_internal::RawTable& t, const std::string* lower,
               const std::string* upper, size_t max_entries, bool honest_index,
               bool* blocks_honest = nullptr) {
  stc::store_internal::RawTableCursor c(&t, lower, upper);
  std::string last;
  size_t n = 0;
  bool honest = true;
  for (; c.Valid(); c.Next()) {
    const std::string_view k = c.user_key();
    STC_FUZZ_CHECK(n == 0 || std::string_view(last) < k, "keys not strictly increasing");
    STC_FUZZ_CHECK(lower == nullptr || k >= *lower, "a key below the lower bound");
    STC_FUZZ_CHECK(!honest_index || upper == nullptr || k < *upper,
                   "a key at or past the upper bound");
    honest &= k <= t.separator(c.block());
    last.assign(k);
    STC_FUZZ_CHECK(++n <= max_entries, "more entries than the file's bytes can hold");
  }
  if (blocks_honest != nullptr) *blocks_honest = honest && !c.Failed();
  // Resuming after a key: after the last one given (older versions of it
  // are skipped), or, none given, after one below the lower bound.
  if (c.Failed() && !c.resume_inclusive()) {
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
  bool honest = false;
  CheckScan(*t, nullptr, nullptr, max_entries, /*honest_index=*/false, &honest);
  if (!t->blocks().empty()) {
    const std::string lower(t->separator(t->blocks().size() / 2));
    const std::string upper = lower + "\x7f";
    CheckScan(*t, &lower, nullptr, max_entries, honest);
    CheckScan(*t, &lower, &upper, max_entries, honest);
  }
  return 0;
}
