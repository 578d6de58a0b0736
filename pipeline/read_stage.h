// The pipeline's first two stages: the serial reader that walks the files and
// cuts them into chunks (Reader), and the parallel parse + count of a chunk
// (ParseWork with per-thread ThreadState). Internal to pipeline/.
#ifndef STCLUSTER_PIPELINE_READ_STAGE_H_
#define STCLUSTER_PIPELINE_READ_STAGE_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/location_resolver.h"
#include "io/byte_source.h"
#include "pipeline/ingest.h"
#include "pipeline/work.h"

namespace stc {

// Collects a parser's output for one unit into Work::items.
class ItemSink : public ParseSink {
 public:
  // Starts a unit at `offset` (decompressed) on 0-based chunk line `line`;
  // `unit_hash` (UnitHash; 0: none) goes with the unit's record.
  void Begin(Work* work, uint64_t offset, uint64_t line, std::string_view unit,
             uint64_t unit_hash = 0);
  // The unit is the one the store's value for `key` was read from: one
  // recognised record item (Item::recognised) instead of parsing it. The
  // value is already in the Work's `encoded`, at [value_at, value_at +
  // value_size); `year` and `version` are the value's (PeekYearVersion, read
  // when the value was found, so its bytes are not read again here). The
  // item's fingerprint is left to the writer (Item). Call after Begin,
  // without End.
  void Recognised(std::string_view key, size_t value_at, size_t value_size, int32_t year,
                  int32_t version);
  Record* NewRecord() override;
  void Reject(std::string_view reason, std::string_view detail) override;
  void Skip(std::string_view reason) override;
  void Warn(std::string_view what) override;
  void Delete(std::string_view key) override;
  void Ignore(std::string_view what) override;
  // Resolver applied to each record before counting (may be null).
  void set_resolver(ThreadResolver* r) { resolver_ = r; }
  // ingest --replace: a record of another source or year becomes a skip
  // ("outside_replace_source" / "outside_replace_year", as Writer::SetReplace
  // counts them) as soon as it is parsed, before it is geocoded, counted,
  // encoded or looked up. Null = every record is in scope. Must outlive the
  // units parsed with it.
  void set_scope(const ReplaceSpec* scope) { scope_ = scope; }
  bool Scoped() const override { return scope_ != nullptr; }
  // Persons as views are resolved and counted as they are, or materialised
  // first when the resolver does not resolve views (FlushPending).
  bool AcceptsPersonViews() const override { return true; }
  std::string_view OutOfScope(int32_t year) const override;
  // Called after Parse returns: commits a pending record; a unit that produced
  // nothing at all is rejected.
  void End();

 private:
  Item& Emit(Item::Kind kind);
  void FlushPending();

  Work* work_ = nullptr;
  uint64_t offset_ = 0;
  uint64_t line_ = 0;
  std::string_view unit_;
  uint64_t unit_hash_ = 0;
  Record record_;
  CountedRecord counted_;  // Counting scratch (FlushPending).
  bool pending_ = false;
  size_t emitted_ = 0;
  bool ignored_ = false;
  size_t records_in_unit_ = 0;  // Record items emitted for the unit so far.
  size_t first_record_ = 0;     // Index in the Work's items of the unit's first record.

  ThreadResolver* resolver_ = nullptr;
  const ReplaceSpec* scope_ = nullptr;
};

// Per-thread state of the parse stage.
struct ThreadState {
  std::unordered_map<const Format*, std::unique_ptr<RecordParser>> parsers;
  ItemSink sink;
  std::unique_ptr<ThreadResolver> resolver;
  // Recognition scratch (reused from chunk to chunk).
  // The stored record a unit matched: its value, copied into the Work's
  // `encoded` (once per key, shared by the units of that key), and the
  // value's year and version (PeekYearVersion).
  struct Match {
    size_t value_at = 0;
    size_t value_size = 0;
    int32_t year = 0, version = 0;
  };
  struct Unit {
    size_t begin = 0;  // In the chunk's data.
    size_t size = 0;
    uint64_t line = 0;
    uint64_t hash = 0;
    size_t key_at = 0;  // In `keys`.
    size_t key_size = 0;
    bool peeked = false;
    // Whether `match` holds the stored record whose unit hash equals `hash`.
    // Kept in the unit: the units are walked in line order afterwards, and a
    // table in key order would be read at random.
    bool matched = false;
    Match match;
  };
  std::vector<Unit> units;
  std::string key;
  std::string keys;
  std::vector<uint32_t> order;
  std::vector<ChunkLookup::SortKey> sort_keys;
  std::vector<std::string_view> sorted_keys;
  std::vector<uint32_t> key_start;
  // Chunks left to parse without trying to recognise their units (set after
  // a chunk whose units were mostly not recognised: new records).
  uint32_t recognition_pause = 0;
};

// Parses and counts every unit of `w` into w->items. Thread-safe for distinct
// (w, ts) pairs.
// `resolver` (may be null) geocodes locations without coordinates; `reader`
// is handed to every parser the thread creates; `scope` (may be null): see
// ItemSink::set_scope. With `recognition` (may be null; never in a scoped
// run), units of a reader that hashes its units (RecordParser::HashesUnits)
// are first looked up by key (recognition->lookup), and those whose stored
// record has their unit hash become recognised items instead of being parsed.
void ParseWork(Work* w, ThreadState* ts, const LocationResolver* resolver,
               const ReaderContext& reader, const ReplaceSpec* scope = nullptr,
               const Recognition* recognition = nullptr);

// The serial input stage: walks the files and cuts them into chunks.
class Reader {
 public:
  // All pointers must outlive the Reader; `forced_format` may be null (auto).
  // `file_formats` (may be null) gives a format per file that overrides both
  // (null entries: forced or detected), e.g. OpenAlex merged-id lists.
  // `skip` (may be null): files not to read (unchanged since registered).
  Reader(const std::vector<std::string>* files, const IngestOptions* options,
         const Format* forced_format, const std::vector<const Format*>* file_formats = nullptr,
         const std::vector<bool>* skip = nullptr)
      : files_(files),
        options_(options),
        forced_(forced_format),
        file_formats_(file_formats),
        skip_(skip) {}

  // Fills `w` with the next chunk or file error. Returns false at the end.
  bool Next(Work* w);

 private:
  static constexpr size_t kHeadBytes = 64 << 10;  // Bytes peeked to detect a format.
  // Detects the current file's format and framing from its first bytes and
  // creates the matching chunker.
  void OpenChunker(std::unique_ptr<ByteSource> src);

  const std::vector<std::string>* files_;
  const IngestOptions* options_;
  const Format* forced_;
  const std::vector<const Format*>* file_formats_;
  const std::vector<bool>* skip_;
  size_t next_file_ = 0;
  size_t file_ = 0;
  std::unique_ptr<ChunkReader> chunker_;
  const Format* format_ = nullptr;
  Framing::Kind framing_ = Framing::Kind::kLines;
  std::shared_ptr<const FileContext> file_context_;
  bool first_ = false;
  const char* compression_ = "";
};

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_READ_STAGE_H_
