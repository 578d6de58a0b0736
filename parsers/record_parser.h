// The reader interface: every input format turns its units (a JSON line, an
// XML document...) into internal Records (core/record.h) through a
// RecordParser, so that all formats share one parallel pipeline.
//
// A Format describes a reader (name, how to recognise it, how its stream is
// framed) and makes RecordParsers. A RecordParser is per-thread state (a
// simdjson parser, scratch buffers): the pipeline creates one per worker
// thread and never shares it.
#ifndef STCLUSTER_PARSERS_RECORD_PARSER_H_
#define STCLUSTER_PARSERS_RECORD_PARSER_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/record.h"

namespace stc {

// Receives what a parser found in one unit. One unit may hold zero, one or
// several records (a Scopus page file holds a list of entries).
class ParseSink {
 public:
  virtual ~ParseSink() = default;
  // Returns a cleared Record for the parser to fill; it is taken as one record
  // read and accepted when the parser's Parse call returns, unless the parser
  // calls Reject or Skip for it first (then it counts as rejected/skipped).
  virtual Record* NewRecord() = 0;
  // The record most recently returned by NewRecord (or, if none is pending,
  // one record of the unit) is rejected. `reason` is a stable snake_case code
  // (docs/formats.md), `detail` a short human explanation.
  virtual void Reject(std::string_view reason, std::string_view detail) = 0;
  // The pending record (or one record) is out of scope (non-article type...):
  // counted as skipped by `reason`, not stored, not an error.
  virtual void Skip(std::string_view reason) = 0;
  // The unit says that the record `key` of this format's source no longer
  // exists (OpenAlex merged_ids): it is removed from the store with its
  // contributions. Counted as one record read, "deleted".
  virtual void Delete(std::string_view key) = 0;
  // A non-fatal remark counted in the run summary (e.g. "standard_view").
  virtual void Warn(std::string_view what) = 0;
};

// Readable bytes that must follow every unit handed to RecordParser::Parse
// (>= SIMDJSON_PADDING).
inline constexpr size_t kUnitPadding = 64;

class RecordParser {
 public:
  virtual ~RecordParser() = default;
  // Parses one unit. `unit` stays valid during the call only; everything kept
  // must be copied into the Record. At least kUnitPadding readable bytes
  // follow unit.data() + unit.size() (the pipeline's chunk buffers guarantee
  // it; simdjson needs them). Never throws; bad input goes to sink->Reject.
  virtual void Parse(std::string_view unit, ParseSink* sink) = 0;
};

// How a format's stream is cut into units.
enum class Framing {
  kLines,  // One unit per '\n'-terminated line (JSON Lines).
};

class Format {
 public:
  virtual ~Format() = default;
  virtual std::string_view name() const = 0;
  virtual Source source() const = 0;
  virtual Framing framing() const = 0;
  // True when `head` (the first bytes of a decompressed file, up to 64 KiB)
  // looks like this format. Used by --format auto.
  virtual bool Detect(std::string_view head) const = 0;
  // A fresh parser for one thread.
  virtual std::unique_ptr<RecordParser> NewParser() const = 0;
};

}  // namespace stc

#endif  // STCLUSTER_PARSERS_RECORD_PARSER_H_
