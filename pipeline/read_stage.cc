#include "pipeline/read_stage.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/record_codec.h"
#include "io/byte_source.h"
#include "io/line_chunker.h"
#include "io/peeking_source.h"
#include "io/unit_chunker.h"
#include "parsers/registry.h"
#include "parsers/source_util.h"
#include "pipeline/counting.h"
#include "pipeline/unit_hash.h"

namespace stc {

void ItemSink::Begin(Work* work, uint64_t offset, uint64_t line, std::string_view unit,
                     uint64_t unit_hash) {
  line_ = line;
  work_ = work;
  offset_ = offset;
  unit_ = unit;
  unit_hash_ = unit_hash;
  pending_ = false;
  emitted_ = 0;
  ignored_ = false;
  records_in_unit_ = 0;
}

Record* ItemSink::NewRecord() {
  FlushPending();
  record_.Clear();
  pending_ = true;
  return &record_;
}

void ItemSink::Recognised(std::string_view key, size_t value_at, size_t value_size, int32_t year,
                          int32_t version) {
  Item& it = Emit(Item::Kind::kRecord);
  it.recognised = true;
  CountedRecord& c = it.counted;
  c.source = work_->format != nullptr ? work_->format->source() : Source::kPct;
  c.key.assign(key);
  c.year = year;
  c.version = version;
  c.field.clear();
  c.codes.clear();
  c.orgs.clear();
  c.points.clear();
  c.unlocated = 0;
  c.unresolved.clear();
  c.persons = 0;
  c.truncated = false;
  c.unit_hash = unit_hash_;
  it.encoded_at = value_at;
  it.encoded_size = value_size;
  it.fingerprint = 0;  // Computed by the writer when needed (Item).
  it.points_at = work_->points.size();
  it.points_size = 0;
}

void ItemSink::Reject(std::string_view reason, std::string_view detail) {
  Item& it = Emit(Item::Kind::kReject);
  it.reason.assign(reason);
  it.detail.assign(detail);
  it.prefix.assign(unit_.substr(0, 200));
  pending_ = false;
}

void ItemSink::Skip(std::string_view reason) {
  Item& it = Emit(Item::Kind::kSkip);
  it.reason.assign(reason);
  pending_ = false;
}

void ItemSink::Warn(std::string_view what) { ++work_->warnings[std::string(what)]; }

void ItemSink::Delete(std::string_view key) {
  FlushPending();
  Item& it = Emit(Item::Kind::kDelete);
  it.counted.key.assign(key);
}

void ItemSink::Ignore(std::string_view what) {
  ignored_ = true;
  Warn(what);
}

void ItemSink::End() {
  FlushPending();
  if (emitted_ == 0 && !ignored_) Reject("malformed_json", "no record in this unit");
}

Item& ItemSink::Emit(Item::Kind kind) {
  if (work_->n_items == work_->items.size()) work_->items.emplace_back();
  const size_t n = work_->n_items++;
  Item& it = work_->items[n];
  // A Work's items were last touched when the Work held an earlier chunk:
  // fetch the next items ahead of their use, the item after next itself and
  // the next one's key (rewritten).
  if (n + 2 < work_->items.size()) {
    const char* ahead = reinterpret_cast<const char*>(&work_->items[n + 2]);
    for (size_t b = 0; b < sizeof(Item); b += 64) __builtin_prefetch(ahead + b, 1);
  }
  if (n + 1 < work_->items.size()) {
    const Item& next = work_->items[n + 1];
    __builtin_prefetch(next.counted.key.data(), 1);
  }
  it.kind = kind;
  it.recognised = false;
  it.offset = offset_;
  it.line = line_;
  it.reason.clear();
  it.detail.clear();
  it.prefix.clear();
  ++emitted_;
  return it;
}

std::string_view ItemSink::OutOfScope(int32_t year) const {
  if (scope_ == nullptr) return {};
  // The writer's source for the chunk (a Work without a format: PCT).
  const Source source = work_->format != nullptr ? work_->format->source() : Source::kPct;
  if (source != scope_->source) return "outside_replace_source";
  if (year != scope_->year) return "outside_replace_year";
  return {};
}

void ItemSink::FlushPending() {
  if (!pending_) return;
  pending_ = false;
  if (scope_ != nullptr) {
    const std::string_view reason = OutOfScope(record_.year);
    if (!reason.empty()) {
      Item& it = Emit(Item::Kind::kSkip);
      it.reason.assign(reason);
      return;
    }
  }
  if (resolver_ != nullptr) ResolveRecord(resolver_, &record_, &work_->geocoding);
  Item& it = Emit(Item::Kind::kRecord);
  // Counted into this thread's record, whose lists fit the largest record
  // seen so far (the Record and it trade strings and vectors, not copies),
  // then encoded into the Work (EncodeItem).
  CountRecordTaking(&record_, &counted_);
  // Only a unit of one record gives it its hash: a later record of the same
  // unit takes the hash back from the first (a page of Scopus entries).
  counted_.unit_hash = records_in_unit_ == 0 ? unit_hash_ : 0;
  if (records_in_unit_ == 1) {
    Item& first = work_->items[first_record_];
    if (first.counted.unit_hash != 0) {
      first.counted.unit_hash = 0;
      SetUnitHash(0, std::span<char>(work_->encoded).subspan(first.encoded_at, first.encoded_size));
    }
  }
  if (records_in_unit_++ == 0) first_record_ = static_cast<size_t>(&it - work_->items.data());
  EncodeItem(work_, &it, counted_);
}

namespace {

// Looks the peeked keys of ts->units (ts->keys; ts->order lists the units
// with a key, in unit order) up in the store and sets the match of each unit
// whose stored record has its unit hash. Returns how many matched; none when
// the store read fails (the units are then parsed, and the writer's own
// look-up reports the failure).
size_t RecogniseUnits(Work* w, ThreadState* ts, const Recognition& rec) {
  if (ts->order.empty()) return 0;
  const std::string_view keys = ts->keys;
  const ThreadState::Unit* units = ts->units.data();
  auto key_of = [&](uint32_t i) { return keys.substr(units[i].key_at, units[i].key_size); };
  // Sorted by key, as LookUpChunk.
  ts->sort_keys.clear();
  for (uint32_t i : ts->order) ts->sort_keys.push_back(ChunkLookup::SortKey::Of(key_of(i), i));
  ChunkLookup::SortKey::Sort(&ts->sort_keys, key_of);
  for (size_t j = 0; j < ts->order.size(); ++j) ts->order[j] = ts->sort_keys[j].item;
  ts->sorted_keys.clear();
  ts->key_start.clear();
  for (size_t j = 0; j < ts->order.size(); ++j) {
    const std::string_view key = key_of(ts->order[j]);
    if (ts->sorted_keys.empty() || ts->sorted_keys.back() != key) {
      ts->sorted_keys.push_back(key);
      ts->key_start.push_back(static_cast<uint32_t>(j));
    }
  }
  ts->key_start.push_back(static_cast<uint32_t>(ts->order.size()));
  // The epoch first, as Writer::LookUp: a buffer emptied after it makes the
  // writer look the chunk up again.
  w->lookup.recognised_epoch = rec.epoch->load(std::memory_order_acquire);
  size_t recognised = 0;
  const Status st =
      rec.lookup(w->format->source(), ts->sorted_keys, [&](size_t k, std::string_view value) {
        const uint64_t stored_hash = PeekUnitHash(value);
        int32_t year = 0, version = 0;
        if (stored_hash == 0 || !PeekYearVersion(value, &year, &version)) return Status::Ok();
        bool copied = false;
        ThreadState::Match match;
        for (uint32_t j = ts->key_start[k]; j < ts->key_start[k + 1]; ++j) {
          ThreadState::Unit& u = ts->units[ts->order[j]];
          if (u.hash != stored_hash) continue;
          if (!copied) {
            // Into the Work's encodings (empty before the units are parsed),
            // in key order: the item of every unit that matched points there.
            match = {w->encoded.size(), value.size(), year, version};
            w->encoded.append(value);
            copied = true;
          }
          u.matched = true;
          u.match = match;
          ++recognised;
        }
        return Status::Ok();
      });
  if (!st.ok()) {
    for (ThreadState::Unit& u : ts->units) u.matched = false;
    w->encoded.clear();
    return 0;
  }
  return recognised;
}

// The first reservation of a Work's items: one per this many bytes of its
// first chunk (reserved, not touched: only the items used are constructed).
constexpr size_t kBytesPerItemGuess = 256;

// Chunks parsed without trying after one whose units were mostly new.
constexpr uint32_t kRecognitionPause = 15;

}  // namespace

void ParseWork(Work* w, ThreadState* ts, const LocationResolver* resolver,
               const ReaderContext& reader, const ReplaceSpec* scope,
               const Recognition* recognition) {
  w->n_items = 0;
  // A Work's first chunk: room for its items at once (a unit of the
  // normalised formats is ~400 bytes), so that the vector does not move
  // them as it grows (the slots stay for the Work's later chunks).
  if (w->items.empty()) w->items.reserve(w->data_size / kBytesPerItemGuess + 16);
  w->encoded.clear();
  w->points.clear();
  w->lookup.done = false;
  w->lookup.has_recognised = false;
  w->warnings.clear();
  w->geocoding.clear();
  if (resolver != nullptr && !ts->resolver) ts->resolver = resolver->NewThreadResolver();
  ts->sink.set_resolver(ts->resolver.get());
  ts->sink.set_scope(scope);
  const bool lines = w->framing == Framing::Kind::kLines;
  std::string_view all(w->chunk.data.data(), w->data_size);
  // The chunk's '\n' count: counted by the line or unit loop below, except
  // when oversized lines (numbered after the chunk's lines) need it first.
  uint64_t data_newlines = 0;
  bool newlines_known = false;
  if (!w->chunk.oversized.empty()) {
    data_newlines = CountNewlines(all);
    newlines_known = true;
  }
  uint64_t oversized_line = data_newlines;
  for (const OversizedLine& o : w->chunk.oversized) {
    ts->sink.Begin(w, o.offset, oversized_line++, o.prefix);
    if (lines) {
      ts->sink.Reject("line_too_long", "line of " + std::to_string(o.length) + " bytes");
    } else {
      ts->sink.Reject("record_too_long", "record of " + std::to_string(o.length) + " bytes");
    }
  }
  auto finish = [&] {
    if (!newlines_known) data_newlines = CountNewlines(all);
    w->newlines = data_newlines + w->chunk.oversized.size();
  };
  if (w->format == nullptr) return finish();
  std::unique_ptr<RecordParser>& parser = ts->parsers[w->format];
  if (!parser) parser = w->format->NewParser(reader);
  if (w->file) parser->BeginFile(*w->file);
  std::string_view data(w->chunk.data.data(), w->data_size);
  // Units are hashed when the reader allows it and the run's settings have
  // an identity (pipeline/unit_hash.h).
  std::optional<uint64_t> seed;
  if (parser->HashesUnits()) {
    seed = UnitHashSeed(*w->format, reader, resolver);
    if (seed.has_value()) seed = FileUnitSeed(*seed, parser->FileSeed());
  }
  // `hash`: the unit's UnitHash when already computed, else 0.
  auto parse_unit = [&](std::string_view unit, uint64_t offset, uint64_t line, uint64_t hash = 0) {
    if (hash == 0 && seed.has_value()) hash = UnitHash(unit, *seed);
    ts->sink.Begin(w, offset, line, unit, hash);
    parser->Parse(unit, &ts->sink);
    ts->sink.End();
  };
  bool recognise =
      seed.has_value() && recognition != nullptr && recognition->lookup && scope == nullptr;
  if (recognise && ts->recognition_pause > 0) {
    --ts->recognition_pause;
    recognise = false;
  }
  // Calls unit(unit, offset, line number) for every unit that is not blank:
  // the lines, or the chunker's documents (Framing).
  auto for_each_unit = [&](auto&& unit) {
    size_t start = 0;
    uint64_t line_no = 0;
    if (lines) {
      uint64_t newlines = 0;
      while (start < data.size()) {
        size_t nl = data.find('\n', start);
        size_t end = nl == std::string_view::npos ? data.size() : nl;
        newlines += nl != std::string_view::npos;
        std::string_view line = data.substr(start, end - start);
        uint64_t offset = w->chunk.offset + start;
        start = end + 1;
        if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
          unit(line, offset, line_no);
        }
        ++line_no;
      }
      if (!newlines_known) {
        data_newlines = newlines;
        newlines_known = true;
      }
      return;
    }
    for (size_t end : w->chunk.unit_ends) {
      std::string_view text = data.substr(start, end - start);
      uint64_t offset = w->chunk.offset + start;
      start = end;
      if (text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
        unit(text, offset, line_no);
      }
      line_no += CountNewlines(text);
    }
    if (!newlines_known) {  // The units' newlines, and those after the last unit.
      data_newlines = line_no + CountNewlines(data.substr(start));
      newlines_known = true;
    }
  };
  if (!recognise) {
    for_each_unit(parse_unit);
  } else {
    ts->units.clear();
    ts->keys.clear();
    ts->order.clear();
    // Each unit is hashed and its key peeked in one pass, while its bytes
    // are in the cache (a second pass over a 4 MiB chunk found them gone).
    for_each_unit([&](std::string_view text, uint64_t, uint64_t line_no) {
      ThreadState::Unit& u = ts->units.emplace_back();
      u.begin = static_cast<size_t>(text.data() - data.data());
      u.size = text.size();
      u.line = line_no;
      u.hash = UnitHash(text, *seed);
      u.peeked = parser->PeekKey(text, &ts->key);
      if (!u.peeked) return;
      u.key_at = ts->keys.size();
      u.key_size = ts->key.size();
      ts->keys.append(ts->key);
      ts->order.push_back(static_cast<uint32_t>(ts->units.size() - 1));
    });
    const size_t recognised = RecogniseUnits(w, ts, *recognition);
    if (recognised * 2 < ts->units.size()) ts->recognition_pause = kRecognitionPause;
    w->lookup.has_recognised = recognised > 0;
    const std::string_view keys = ts->keys;
    for (const ThreadState::Unit& u : ts->units) {
      const std::string_view unit = data.substr(u.begin, u.size);
      const uint64_t offset = w->chunk.offset + u.begin;
      if (!u.matched) {
        parse_unit(unit, offset, u.line, u.hash);
        continue;
      }
      const ThreadState::Match& m = u.match;
      ts->sink.Begin(w, offset, u.line, unit, u.hash);
      ts->sink.Recognised(keys.substr(u.key_at, u.key_size), m.value_at, m.value_size, m.year,
                          m.version);
    }
  }
  finish();
  if (w->chunk.has_partial_line) {
    ts->sink.Begin(w, w->chunk.partial_line_offset, data_newlines, w->chunk.partial_line_prefix);
    ts->sink.Reject("truncated_record", "the stream ended inside this record");
  }
}

bool Reader::Next(Work* w) {
  w->chunk.oversized.clear();
  w->file_error_reason.clear();
  w->file_error_detail.clear();
  w->file_start = false;
  while (true) {
    if (!chunker_) {
      while (skip_ != nullptr && next_file_ < files_->size() && (*skip_)[next_file_]) ++next_file_;
      if (next_file_ == files_->size()) return false;
      file_ = next_file_++;
      w->file_index = file_;
      auto src = OpenByteSource((*files_)[file_]);
      if (!src.ok()) {
        w->format = nullptr;
        w->file = nullptr;
        w->chunk.error_offset = 0;
        w->file_error_reason =
            src.status().code() == StatusCode::kDataError ? "bad_compression" : "unreadable_file";
        w->file_error_detail = src.status().message();
        w->data_size = 0;
        return true;
      }
      compression_ = CompressionName((*src)->compression());
      w->compression = compression_;
      OpenChunker(std::move(src).value());
    }
    w->file_index = file_;
    w->compression = compression_;
    bool got = chunker_->Next(&w->chunk);
    w->compressed_done = chunker_->compressed_bytes_read();
    if (!got) {
      chunker_.reset();
      continue;
    }
    if (w->chunk.last) chunker_.reset();
    if (first_) w->file_start = true;
    first_ = false;
    // Detect on the first chunk holding anything but whitespace (a file may
    // start with an oversized line, leaving the first chunk empty).
    if (format_ == nullptr) {
      format_ = forced_;
      bool blank = w->chunk.data.view().find_first_not_of(" \t\r\n") == std::string::npos;
      if (format_ == nullptr && !blank) {
        format_ = DetectFormat(std::string_view(w->chunk.data).substr(0, 65536));
        if (format_ == nullptr) {
          w->format = nullptr;
          w->file = nullptr;
          w->file_error_reason = "unknown_format";
          w->file_error_detail = "content matches none of: " + FormatNames() + " (use --format)";
          w->chunk.error_offset = w->chunk.offset;
          w->data_size = 0;
          chunker_.reset();
          return true;
        }
      }
    }
    w->format = format_;
    w->framing = framing_;
    w->file = file_context_;
    w->data_size = w->chunk.data.size();
    w->chunk.data.append(kUnitPadding, ' ');
    return true;
  }
}

}  // namespace stc

namespace stc {

void Reader::OpenChunker(std::unique_ptr<ByteSource> src) {
  auto peeking = std::make_unique<PeekingSource>(std::move(src));
  std::string_view head = peeking->Peek(kHeadBytes);
  const bool blank = head.find_first_not_of(" \t\r\n") == std::string_view::npos;
  auto context = std::make_shared<FileContext>();
  context->path = (*files_)[file_];
  context->first_line = std::string(FirstLine(head));
  file_context_ = std::move(context);
  format_ = file_formats_ != nullptr ? (*file_formats_)[file_] : nullptr;
  if (format_ == nullptr) format_ = forced_;
  if (format_ == nullptr && !blank) format_ = DetectFormat(head);
  // Undetected formats are reported by Next on the first chunk.
  Framing framing = format_ != nullptr ? format_->FramingFor(head) : Framing::Lines();
  framing_ = framing.kind;
  first_ = true;
  if (framing.kind == Framing::Kind::kLines) {
    chunker_ = std::make_unique<LineChunker>(std::move(peeking), options_->chunker);
  } else {
    chunker_ = std::make_unique<UnitChunker>(std::move(peeking), options_->chunker,
                                             UnitRule{framing.line_prefix});
  }
}

}  // namespace stc
