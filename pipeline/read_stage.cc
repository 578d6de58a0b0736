#include "pipeline/read_stage.h"

#include <cstring>

#include "core/record_codec.h"
#include "io/byte_source.h"
#include "io/line_chunker.h"
#include "io/peeking_source.h"
#include "io/unit_chunker.h"
#include "parsers/registry.h"
#include "parsers/source_util.h"
#include "pipeline/counting.h"

namespace stc {

void ItemSink::Begin(Work* work, uint64_t offset, uint64_t line, std::string_view unit) {
  line_ = line;
  work_ = work;
  offset_ = offset;
  unit_ = unit;
  pending_ = false;
  emitted_ = 0;
  ignored_ = false;
}

Record* ItemSink::NewRecord() {
  FlushPending();
  record_.Clear();
  pending_ = true;
  return &record_;
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
  if (resolver_ != nullptr) resolver_->Resolve(&record_, &work_->geocoding);
  Item& it = Emit(Item::Kind::kRecord);
  // Counted into this thread's record, whose lists fit the largest record
  // seen so far (the Record and it trade strings and vectors, not copies),
  // then encoded into the Work (EncodeItem).
  CountRecordTaking(&record_, &counted_);
  EncodeItem(work_, &it, counted_);
}

void ParseWork(Work* w, ThreadState* ts, const LocationResolver* resolver,
               const ReaderContext& reader, const ReplaceSpec* scope) {
  w->n_items = 0;
  w->encoded.clear();
  w->points.clear();
  w->lookup.done = false;
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
  auto parse_unit = [&](std::string_view unit, uint64_t offset, uint64_t line) {
    ts->sink.Begin(w, offset, line, unit);
    parser->Parse(unit, &ts->sink);
    ts->sink.End();
  };
  if (lines) {
    size_t pos = 0;
    uint64_t line_no = 0;
    uint64_t newlines = 0;
    while (pos < data.size()) {
      size_t nl = data.find('\n', pos);
      size_t end = nl == std::string_view::npos ? data.size() : nl;
      newlines += nl != std::string_view::npos;
      std::string_view line = data.substr(pos, end - pos);
      uint64_t offset = w->chunk.offset + pos;
      pos = end + 1;
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
        parse_unit(line, offset, line_no);
      }
      ++line_no;
    }
    if (!newlines_known) {
      data_newlines = newlines;
      newlines_known = true;
    }
  } else {
    size_t start = 0;
    uint64_t line_no = 0;
    for (size_t end : w->chunk.unit_ends) {
      std::string_view unit = data.substr(start, end - start);
      uint64_t offset = w->chunk.offset + start;
      start = end;
      if (unit.find_first_not_of(" \t\r\n") != std::string_view::npos) {
        parse_unit(unit, offset, line_no);
      }
      line_no += CountNewlines(unit);
    }
    if (!newlines_known) {  // The units' newlines, and those after the last unit.
      data_newlines = line_no + CountNewlines(data.substr(start));
      newlines_known = true;
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
      bool blank = w->chunk.data.find_first_not_of(" \t\r\n") == std::string::npos;
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
