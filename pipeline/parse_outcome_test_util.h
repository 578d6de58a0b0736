// Shared by the checks that a reader reads a unit alike for either kind of
// sink (persons as views or as Person objects, core/record.h):
// pipeline/person_views_test.cc and the fuzz targets (fuzz/fuzz_util.cc,
// CheckPersonViews). Test-only, header-only: never linked into the
// libraries or the CLI.
#ifndef STCLUSTER_PIPELINE_PARSE_OUTCOME_TEST_UTIL_H_
#define STCLUSTER_PIPELINE_PARSE_OUTCOME_TEST_UTIL_H_

#include <map>
#include <string>
#include <string_view>

#include "core/location_resolver.h"
#include "core/record.h"
#include "core/record_codec.h"
#include "parsers/record_parser.h"
#include "pipeline/counting.h"

namespace stc {

// What a parser made of one unit, as text: every event in order ("reject
// REASON: DETAIL", "skip REASON", "warn", "delete KEY") and for every record
// its encoded counted record (counted while its views are valid) and its
// fields with its persons in the Record's own form (the views
// materialised). Equal texts mean the same rejects, records and stored
// bytes.
struct ParseOutcome {
  std::string text;
  size_t records = 0;
  size_t with_views = 0;  // Records whose persons came as views.
  // False when a record held persons in both forms, or views for a sink
  // that does not take them.
  bool forms_ok = true;
};

// Parses `unit` (followed by at least kUnitPadding readable bytes) with
// `parser` for a sink that takes persons as views when `views`. With a
// `resolver`, each record is resolved first as the ingest's sink does
// (ResolveRecord, core/location_resolver.h), and the outcome ends with the
// resolver's counts.
inline ParseOutcome DescribeParse(RecordParser* parser, std::string_view unit, bool views,
                                  ThreadResolver* resolver = nullptr) {
  class Sink : public ParseSink {
   public:
    Sink(bool views, ThreadResolver* resolver) : views_(views), resolver_(resolver) {}
    bool AcceptsPersonViews() const override { return views_; }
    Record* NewRecord() override {
      Flush();
      record_.Clear();
      pending_ = true;
      return &record_;
    }
    void Reject(std::string_view reason, std::string_view detail) override {
      pending_ = false;
      out.text.append("reject ").append(reason).append(": ").append(detail).append("\n");
    }
    void Skip(std::string_view reason) override {
      pending_ = false;
      out.text.append("skip ").append(reason).append("\n");
    }
    void Warn(std::string_view what) override { out.text.append("warn ").append(what) += '\n'; }
    void Delete(std::string_view key) override { out.text.append("delete ").append(key) += '\n'; }
    void Flush() {
      if (!pending_) return;
      pending_ = false;
      const Record& r = record_;
      ++out.records;
      out.with_views += !r.person_views.empty();
      if (!(r.persons.empty() || r.person_views.empty()) || (!views_ && !r.person_views.empty())) {
        out.forms_ok = false;
      }
      if (resolver_ != nullptr) ResolveRecord(resolver_, &record_, &counts);
      out.text.append("record ");
      if (r.PersonCount() > 0) {
        CountRecord(r, &counted_);
        EncodeCountedRecord(counted_, &out.text);
      }
      record_.MaterialisePersonViews();
      out.text.append("\n key ").append(r.key);
      out.text.append(" year ").append(std::to_string(r.year));
      out.text.append(" version ").append(std::to_string(r.version));
      out.text.append(" doc_type ").append(r.doc_type).append(" field ").append(r.field);
      out.text.append(" declared ").append(std::to_string(r.declared_persons));
      for (const std::string& c : r.codes) out.text.append("\n code ").append(c);
      for (const std::string& o : r.orgs) out.text.append("\n org ").append(o);
      for (const Person& p : r.persons) {
        out.text.append("\n person ").append(p.name);
        for (const Location& l : p.locations) {
          out.text.append("\n  ").append(l.has_coords ? "@" : "-");
          out.text.append(std::to_string(l.lat_e5)).append(",").append(std::to_string(l.lon_e5));
          out.text.append("|").append(l.country).append("|").append(l.city);
          out.text.append("|").append(l.address);
        }
      }
      out.text += '\n';
    }
    ParseOutcome out;
    std::map<std::string, uint64_t> counts;  // The resolver's.

   private:
    bool views_;
    ThreadResolver* resolver_;
    Record record_;
    CountedRecord counted_;
    bool pending_ = false;
  };
  Sink sink(views, resolver);
  parser->Parse(unit, &sink);
  sink.Flush();
  for (const auto& [key, n] : sink.counts) {
    sink.out.text.append("resolved ").append(key).append(" ").append(std::to_string(n)) += '\n';
  }
  return std::move(sink.out);
}

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_PARSE_OUTCOME_TEST_UTIL_H_
