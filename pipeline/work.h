// The unit of work flowing through the ingest pipeline (one chunk of one
// file) and the parsed items it carries between stages. Internal to pipeline/.
#ifndef STCLUSTER_PIPELINE_WORK_H_
#define STCLUSTER_PIPELINE_WORK_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/record_codec.h"
#include "core/status.h"
#include "io/line_chunker.h"
#include "parsers/record_parser.h"
#include "pipeline/chunk_lookup.h"

namespace stc {

// One parsed item of a chunk, in stream order.
struct Item {
  enum class Kind { kRecord, kReject, kSkip, kDelete };
  Kind kind = Kind::kRecord;
  uint64_t offset = 0;
  uint64_t line = 0;  // 0-based line of the unit's start within the chunk.
  std::string reason;
  std::string detail;
  std::string prefix;  // Rejects: first 200 bytes of the unit.
  // Records: the key and the scalar fields the writer reads (source, key,
  // year, version, field, unlocated, persons, truncated); its lists (points,
  // codes, orgs, unresolved) stay empty: the whole record is its encoding in
  // the Work's `encoded` (EncodedOf) and its points in the Work's `points`
  // (PointsOf). Deletions: only counted.key.
  CountedRecord counted;
  // Records: where the record's encoding (EncodeCountedRecord) lies in the Work's `encoded`
  // (EncodedOf) and its points in the Work's `points` (PointsOf), and the
  // encoding's FingerprintEncoded (for a recognised item, 0 until the writer
  // needs it: only when its key is already in a write buffer, which a
  // re-read rarely meets; the store's state taken with it compares equal).
  size_t encoded_at = 0;
  size_t encoded_size = 0;
  size_t points_at = 0;
  size_t points_size = 0;
  uint64_t fingerprint = 0;
  // Records: taken from the store by its unit hash (ItemSink::Recognised),
  // not parsed. Its encoding is the stored value; of its scalar fields only
  // source, key, year, version and unit_hash are set, and it has no points
  // in `points`: a writer that needs its counts decodes its encoding.
  bool recognised = false;
};

// A unit of work flowing through the pipeline: one chunk of one file.
struct Work {
  size_t file_index = 0;
  const Format* format = nullptr;
  Framing::Kind framing = Framing::Kind::kLines;  // How chunk.data is cut into units.
  std::shared_ptr<const FileContext> file;        // Of the file; handed to BeginFile.
  Chunk chunk;
  size_t data_size = 0;           // chunk.data minus the padding appended.
  uint64_t compressed_done = 0;   // File's compressed bytes consumed so far.
  bool file_start = false;        // First chunk of a file.
  const char* compression = "";   // Of the file.
  std::string file_error_reason;  // File-level failure (no chunk data).
  std::string file_error_detail;
  std::vector<Item> items;  // items[0..n_items) valid (items reused).
  // The record items' encodings and points, back to back: one buffer each
  // per Work, reused from chunk to chunk, instead of one per item slot (the
  // slots are many, and each would grow to the largest record it carries).
  std::string encoded;
  std::vector<WeightedPoint> points;
  size_t n_items = 0;
  uint64_t newlines = 0;  // Lines the chunk spans ('\n' in data + oversized lines).
  std::map<std::string, uint64_t> warnings;
  std::map<std::string, uint64_t> geocoding;  // ThreadResolver counts.
  ChunkLookup lookup;                         // Stored state of the items' keys (Writer::LookUp).
};

// Reads stored records by key, with the contract of
// Store::ForEachStoredRecord (stores/store.h): the ingest's store, reached
// through a function so that the read stage does not depend on the store
// (the fuzzers build it without RocksDB: fuzz/CMakeLists.txt).
using StoredRecordLookup =
    std::function<Status(Source source, const std::vector<std::string_view>& sorted_keys,
                         const std::function<Status(size_t i, std::string_view value)>& found)>;

// Where ParseWork may recognise units (pipeline/README.md, "Recognised
// units"): the stored records to read (empty: no recognition), and the
// writer's epoch (Writer::recognition), read before each recognising read
// (ChunkLookup::recognised_epoch).
struct Recognition {
  StoredRecordLookup lookup;
  const std::atomic<uint64_t>* epoch = nullptr;
};

// The encoding of a record item of `w`; valid until `w->encoded` changes.
inline std::string_view EncodedOf(const Work& w, const Item& it) {
  return std::string_view(w.encoded).substr(it.encoded_at, it.encoded_size);
}

// The points of a record item of `w`; valid until `w->points` changes.
inline std::span<const WeightedPoint> PointsOf(const Work& w, const Item& it) {
  return std::span<const WeightedPoint>(w.points).subspan(it.points_at, it.points_size);
}

// Appends the encoding of `record` to w->encoded and its points to
// w->points, sets the item's places in them and its fingerprint, and copies
// the record's key and scalar fields into it->counted (its lists are left
// empty, their capacity kept: item slots are many, and each would otherwise
// grow to the largest lists it carried).
inline void EncodeItem(Work* w, Item* it, const CountedRecord& record) {
  CountedRecord& c = it->counted;
  c.source = record.source;
  c.key.assign(record.key);
  c.year = record.year;
  c.version = record.version;
  c.field.assign(record.field);
  c.codes.clear();
  c.orgs.clear();
  c.points.clear();
  c.unlocated = record.unlocated;
  c.unresolved.clear();
  c.persons = record.persons;
  c.truncated = record.truncated;
  c.unit_hash = record.unit_hash;
  it->encoded_at = w->encoded.size();
  EncodeCountedRecord(record, &w->encoded);
  it->encoded_size = w->encoded.size() - it->encoded_at;
  it->fingerprint = FingerprintEncoded(EncodedOf(*w, *it));
  it->points_at = w->points.size();
  it->points_size = record.points.size();
  w->points.insert(w->points.end(), record.points.begin(), record.points.end());
}

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_WORK_H_
