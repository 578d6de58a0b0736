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
#include <vector>

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
  // In a run that reads one source's year only (ingest --replace): true, and
  // OutOfScope says why a record of `year` is outside it
  // ("outside_replace_source" or "outside_replace_year"; empty when it is
  // inside). A parser that reads a record's date before the rest may then
  // Skip the record with that reason at once, without reading further (the
  // pipeline skips it after parsing otherwise). Default: every record is in
  // scope.
  virtual bool Scoped() const { return false; }
  virtual std::string_view OutOfScope(int32_t year) const { return {}; }
  // Skips the pending record, by OutOfScope's reason, when `year` is outside
  // the run's scope; returns whether it did. Readers call it once the
  // record's year is known and their own scope filters (doc_type...) have
  // passed, before reading persons.
  bool SkipIfOutOfScope(int32_t year) {
    if (!Scoped()) return false;
    const std::string_view reason = OutOfScope(year);
    if (reason.empty()) return false;
    Skip(reason);
    return true;
  }
  // True when the sink takes a record's persons as views
  // (Record::person_views): a reader may then list them there instead of in
  // Record::persons, for the sink to use before its next NewRecord call or
  // the parser's next Parse call, whichever comes first (a reader may reuse
  // the viewed text for its next record). Default: false (readers fill
  // Record::persons).
  virtual bool AcceptsPersonViews() const { return false; }
  // The unit holds no record by design (a CSV header line, an empty Scopus
  // result page): not a record read, not a reject; counted in the summary's
  // warnings under `what`. Default: Warn(what).
  virtual void Ignore(std::string_view what) { Warn(what); }
};

// Which records are in scope for the metrics: documented settings
// (docs/formats.md, "Scope"), shared by every reader. Out-of-scope records
// are counted as skipped (by reason), never stored, never rejected. A new
// field must also go into the unit hashes' seed (pipeline/unit_hash.cc).
struct ReaderOptions {
  // Scopus `subtype` codes kept (others skipped as "doc_type"): articles.
  std::vector<std::string> scopus_subtypes = {"ar"};
  // OpenAlex `type` values kept (others skipped as "doc_type").
  std::vector<std::string> openalex_types = {"article"};
  // ASJC subject areas (first two digits of a subject code) counted as
  // social sciences and humanities: 12 Arts and Humanities, 14 Business,
  // Management and Accounting, 20 Economics, Econometrics and Finance,
  // 32 Psychology, 33 Social Sciences. A record is skipped as "ssh_subject"
  // when it has subject codes and ALL of them are in these areas (a
  // multidisciplinary record with one science code stays). Empty = no filter.
  std::vector<std::string> excluded_subject_areas = {"12", "14", "20", "32", "33"};
};

class OrgIndex;  // parsers/org_index.h

// What every parser of one run shares, read-only (thread-safe to read).
struct ReaderContext {
  ReaderOptions options;
  // Organisation id -> place (OpenAlex institutions), loaded before the run
  // by PlanInputs (parsers/input_plan.h); null when there is none. Must
  // outlive the parsers.
  const OrgIndex* orgs = nullptr;
};

// Per-file facts handed to a parser before the units of each chunk of a file.
struct FileContext {
  std::string path;        // As given to ingest.
  std::string first_line;  // The file's first line (up to 64 KiB), e.g. a CSV header.
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
  // Called before the units of every chunk, with the chunk's file. `file`
  // stays valid until the next BeginFile call. Default: nothing.
  virtual void BeginFile(const FileContext& file) {}

  // Recognising unchanged units (pipeline/README.md, "Recognised units").
  // True promises that what Parse makes of a unit depends on nothing but its
  // bytes, the ReaderContext (including the content of its organisation
  // index) and FileSeed: then the pipeline stores a hash of the bytes of each
  // unit of one record with that record, and a later run that meets the same
  // bytes again takes the stored record instead of parsing them. Default:
  // false.
  virtual bool HashesUnits() const { return false; }
  // Only when HashesUnits: what of the file begun last (BeginFile: its path,
  // its first line) decides what its units become, as a number mixed into
  // their hashes' seed; two files whose units may become different records
  // from the same bytes must give different numbers. Default: 0 (nothing).
  virtual uint64_t FileSeed() const { return 0; }
  // Only when HashesUnits: the record key of `unit` found cheaply, without
  // parsing it, into `*key`; false when it is not found that way (the unit is
  // then parsed). The key only chooses the stored record whose unit hash is
  // compared, so an odd unit (a duplicated field, a key that needs
  // unescaping, a unit of several records, which no stored hash stands for)
  // may give a wrong key or none without harm. Default: false.
  virtual bool PeekKey(std::string_view unit, std::string* key) { return false; }
};

// How a format's stream is cut into units.
struct Framing {
  enum class Kind {
    kLines,      // One unit per '\n'-terminated line (JSON Lines).
    kDocuments,  // Multi-line units: one starts at the file start and at every
                 // line starting with `line_prefix` (e.g. "<?xml"); an empty
                 // prefix makes the whole file one unit.
  };
  Kind kind = Kind::kLines;
  std::string line_prefix;

  static Framing Lines() { return {}; }
  static Framing Documents(std::string prefix) { return {Kind::kDocuments, std::move(prefix)}; }
};

class Format {
 public:
  virtual ~Format() = default;
  virtual std::string_view name() const = 0;
  virtual Source source() const = 0;
  // How a file is framed, given its first bytes (up to 64 KiB): a reader may
  // accept both JSON Lines and pretty-printed documents. Default: lines.
  virtual Framing FramingFor(std::string_view head) const { return Framing::Lines(); }
  // True when `head` (the first bytes of a decompressed file, up to 64 KiB)
  // looks like this format. Used by --format auto.
  virtual bool Detect(std::string_view head) const = 0;
  // A fresh parser for one thread; `context` must outlive it.
  virtual std::unique_ptr<RecordParser> NewParser(const ReaderContext& context) const = 0;
  // The same with the default context (default scope, no organisation index).
  std::unique_ptr<RecordParser> NewParser() const { return NewParser(DefaultReaderContext()); }

  static const ReaderContext& DefaultReaderContext() {
    static const ReaderContext kDefault;
    return kDefault;
  }
};

}  // namespace stc

#endif  // STCLUSTER_PARSERS_RECORD_PARSER_H_
