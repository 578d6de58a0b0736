#include "parsers/jsonl_formats.h"

#include <simdjson.h>

#include <string>
#include <type_traits>

#include "parsers/json_util.h"
#include "parsers/pct_number.h"
#include "parsers/person_json.h"

namespace stc {
namespace {

// What a line-level reader must say about one field.
struct FieldResult {
  JsonIssue issue = JsonIssue::kNone;
  std::string detail;
};

// Dates and key collected while walking the object: views into the line or
// the parser's string buffer, valid until the next line.
struct Scratch {
  bool have_key = false;
  std::string_view key;
  std::string_view date;
  std::string_view updated;
  bool have_date = false;
  bool have_updated = false;
  // The sink takes persons as views and the line is read from its DOM.
  bool person_views = false;
};

// Walks one JSON object line and hands each field to Derived::OnField.
template <typename Derived>
class JsonLineParser : public RecordParser {
 public:
  // Longer lines are read On-Demand (real records are a few KB; an article
  // with thousands of authors a few hundred).
  static constexpr size_t kMaxDomLineBytes = 1 << 20;

  void Parse(std::string_view line, ParseSink* sink) override {
    // The DOM parse validates the whole line (UTF-8 included) and is the
    // fast path; a line it rejects is read again On-Demand, which stops at
    // the first fault and names it (parsers/json_api.h). A scoped run
    // (ingest --replace) reads On-Demand from the start: most of its lines
    // are of other years, skipped as soon as the date is read, before the
    // rest of the line is parsed. So does a line longer than
    // kMaxDomLineBytes: a DOM parser keeps about 14 bytes per byte of the
    // longest line it parsed (its tape and strings), On-Demand about 5.
    simdjson::dom::element root;
    if (!sink->Scoped() && line.size() <= kMaxDomLineBytes &&
        dom_parser_.parse(line.data(), line.size(), false).get(root) == simdjson::SUCCESS) {
      simdjson::dom::object obj;
      if (root.get_object().get(obj)) {
        sink->Reject("malformed_json", "not a JSON object");
        return;
      }
      Walk<DomJson>(obj, nullptr, sink);
      return;
    }
    simdjson::ondemand::document doc;
    if (parser_.iterate(PaddedView(line, kUnitPadding)).get(doc)) {
      if (!simdjson::validate_utf8(line.data(), line.size())) {
        sink->Reject("malformed_json", "invalid UTF-8");
      } else {
        sink->Reject("malformed_json", "not JSON");
      }
      return;
    }
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj)) {
      sink->Reject("malformed_json", "not a JSON object");
      return;
    }
    Walk<OnDemandJson>(obj, &doc, sink);
  }

 private:
  // Reads the members of `obj` into a new record and finishes it. `doc`
  // (On-Demand only) is checked for trailing content at the end.
  template <typename Api>
  void Walk(typename Api::Object& obj, simdjson::ondemand::document* doc, ParseSink* sink) {
    Record* r = sink->NewRecord();
    Scratch s;
    s.person_views = std::is_same_v<Api, DomJson> && sink->AcceptsPersonViews();
    FieldResult fr;
    const bool scoped = sink->Scoped();
    bool skipped = false;
    const bool readable = Api::ForEachMember(obj, [&](std::string_view key, auto& v) {
      const bool had_date = s.have_date;
      static_cast<Derived*>(this)->template OnField<Api>(key, v, r, &s, &fr);
      if (fr.issue != JsonIssue::kNone) return false;
      // ingest --replace: a record of another year is skipped as soon as
      // its date is read; the rest of it is not (a fault that came before
      // the date was rejected above).
      if (scoped && s.have_date && !had_date) {
        int32_t year = 0, version = 0;
        if (ParseDate(s.date, &year, &version) && sink->SkipIfOutOfScope(year)) {
          skipped = true;
          return false;
        }
      }
      return true;
    });
    if (skipped) return;
    if (!readable) fr.issue = JsonIssue::kMalformed;
    if (fr.issue == JsonIssue::kNone && doc != nullptr && !AtDocumentEnd(*doc)) {
      fr.issue = JsonIssue::kMalformed;
      fr.detail = "trailing content after the object";
    }
    if (fr.issue != JsonIssue::kNone) {
      sink->Reject(JsonIssueReason(fr.issue), fr.detail.empty() ? "malformed JSON" : fr.detail);
      return;
    }
    static_cast<Derived*>(this)->Finish(r, s, sink);
  }

 protected:
  // Shared validation of key, dates and persons. Returns false after rejecting.
  static bool FinishCommon(Record* r, const Scratch& s, ParseSink* sink) {
    if (!s.have_key || TrimAscii(s.key).empty()) {
      sink->Reject("missing_key", "no record key");
      return false;
    }
    int32_t version = 0;
    if (!s.have_date || !ParseDate(s.date, &r->year, &version)) {
      sink->Reject("bad_date", s.have_date ? "unreadable date: " + std::string(s.date.substr(0, 40))
                                           : std::string("no date"));
      return false;
    }
    if (s.have_updated && !s.updated.empty()) {
      int32_t y;
      if (!ParseDate(s.updated, &y, &version)) {
        sink->Reject("bad_date",
                     "unreadable updated date: " + std::string(s.updated.substr(0, 40)));
        return false;
      }
    }
    r->version = version;
    if (r->PersonCount() == 0) {
      sink->Reject("no_persons", "empty or missing person list");
      return false;
    }
    return true;
  }

  // Reads the person list `v` into the record: as views when the sink takes
  // them and the list is plain (ReadPersonViews), else into r->persons (the
  // views of an earlier list of the same line, a repeated member, first).
  template <typename Api>
  static void ReadPersonList(typename Api::Value& v, std::string_view list_key, Record* r,
                             std::vector<std::string>* orgs, const Scratch& s, FieldResult* fr) {
    if constexpr (std::is_same_v<Api, DomJson>) {
      if (s.person_views && r->persons.empty() &&
          ReadPersonViews(v, list_key, &r->person_views, orgs)) {
        return;
      }
    }
    r->MaterialisePersonViews();
    fr->issue = ReadPersons<Api>(v, list_key, r, orgs, &fr->detail);
  }

  template <typename Api>
  static void ReadString(typename Api::Value& v, std::string_view* out, FieldResult* fr,
                         const char* what) {
    if (!Api::ReadStringView(v, out)) {
      fr->issue = JsonIssue::kBadField;
      fr->detail = std::string(what) + " is not a string";
    }
  }
  template <typename Api>
  static void ReadString(typename Api::Value& v, std::string* out, FieldResult* fr,
                         const char* what) {
    std::string_view view;
    ReadString<Api>(v, &view, fr, what);
    if (fr->issue == JsonIssue::kNone) {
      out->assign(view);
    } else {
      out->clear();
    }
  }

 private:
  simdjson::dom::parser dom_parser_{kMaxDomLineBytes};
  simdjson::ondemand::parser parser_;
};

class PctParser : public JsonLineParser<PctParser> {
 public:
  bool HashesUnits() const override { return true; }
  bool PeekKey(std::string_view unit, std::string* key) override {
    std::string_view text;
    if (!PeekJsonString(unit, "\"application_number\"", &text)) return false;
    NormalisePctNumber(text, key);
    return !key->empty();
  }

  template <typename Api>
  void OnField(std::string_view key, typename Api::Value& v, Record* r, Scratch* s,
               FieldResult* fr) {
    if (key == "application_number") {
      s->have_key = true;
      ReadString<Api>(v, &s->key, fr, "application_number");
    } else if (key == "publication_date") {
      s->have_date = true;
      ReadString<Api>(v, &s->date, fr, "publication_date");
    } else if (key == "updated") {
      s->have_updated = true;
      ReadString<Api>(v, &s->updated, fr, "updated");
    } else if (key == "kind") {
      ReadString<Api>(v, &r->doc_type, fr, "kind");
    } else if (key == "ipc") {
      fr->issue = ReadStringArray<Api>(v, &r->codes);
      if (fr->issue != JsonIssue::kNone) fr->detail = "ipc is not a list of strings";
    } else if (key == "applicants") {
      fr->issue = ReadNamedObjects<Api>(v, &r->orgs);
      if (fr->issue != JsonIssue::kNone) fr->detail = "applicants is not a list of objects";
    } else if (key == "inventors") {
      ignored_orgs_.clear();
      ReadPersonList<Api>(v, "addresses", r, &ignored_orgs_, *s, fr);
    }
  }

  void Finish(Record* r, const Scratch& s, ParseSink* sink) {
    r->source = Source::kPct;
    NormalisePctNumber(s.key, &r->key);
    if (!FinishCommon(r, s, sink)) return;
    r->field.clear();
    if (!r->codes.empty()) {
      std::string_view c = TrimAscii(r->codes.front());
      if (!c.empty()) {
        char sec = c[0];
        if (sec >= 'a' && sec <= 'h') sec = static_cast<char>(sec - 'a' + 'A');
        if (sec >= 'A' && sec <= 'H') r->field.assign(1, sec);
      }
    }
  }

 private:
  std::vector<std::string> ignored_orgs_;  // Address "name"s: PCT has applicants instead.
};

class ArticleParser : public JsonLineParser<ArticleParser> {
 public:
  bool HashesUnits() const override { return true; }
  bool PeekKey(std::string_view unit, std::string* key) override {
    std::string_view text;
    if (!PeekJsonString(unit, "\"key\"", &text)) return false;
    key->assign(TrimAscii(text));
    return !key->empty();
  }

  template <typename Api>
  void OnField(std::string_view key, typename Api::Value& v, Record* r, Scratch* s,
               FieldResult* fr) {
    if (key == "key") {
      s->have_key = true;
      ReadString<Api>(v, &s->key, fr, "key");
    } else if (key == "cover_date") {
      s->have_date = true;
      ReadString<Api>(v, &s->date, fr, "cover_date");
    } else if (key == "updated") {
      s->have_updated = true;
      ReadString<Api>(v, &s->updated, fr, "updated");
    } else if (key == "doc_type") {
      ReadString<Api>(v, &r->doc_type, fr, "doc_type");
    } else if (key == "subjects") {
      fr->issue = ReadStringArray<Api>(v, &r->codes);
      if (fr->issue != JsonIssue::kNone) fr->detail = "subjects is not a list of strings";
    } else if (key == "author_count") {
      int64_t n = 0;
      const CountStatus status = Api::ReadCount(v, &n);
      if (status == CountStatus::kMalformed) {
        fr->issue = JsonIssue::kMalformed;
      } else if (status == CountStatus::kAbsent) {
        // Absent.
      } else if (status == CountStatus::kBad || n < 0 || n > 1000000) {
        fr->issue = JsonIssue::kBadField;
        fr->detail = "author_count is not a count";
      } else {
        r->declared_persons = static_cast<uint32_t>(n);
      }
    } else if (key == "authors") {
      ReadPersonList<Api>(v, "affiliations", r, &r->orgs, *s, fr);
    }
  }

  void Finish(Record* r, const Scratch& s, ParseSink* sink) {
    r->source = Source::kArticle;
    r->key.assign(TrimAscii(s.key));
    if (!FinishCommon(r, s, sink)) return;
    r->field.clear();
    if (!r->codes.empty()) {
      std::string_view c = TrimAscii(r->codes.front());
      if (c.size() >= 2 && c[0] >= '0' && c[0] <= '9' && c[1] >= '0' && c[1] <= '9') {
        r->field.assign(c.substr(0, 2));
      } else {
        r->field.assign(c);
      }
    }
  }
};

// Detection: the first non-empty line is an object holding the format's key field.
bool FirstLineHas(std::string_view head, std::string_view needle) {
  size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || head[start] != '{') return false;
  size_t end = head.find('\n', start);
  std::string_view line =
      head.substr(start, end == std::string_view::npos ? head.size() : end - start);
  return line.find(needle) != std::string_view::npos;
}

class PctJsonl : public Format {
 public:
  std::string_view name() const override { return "pct-jsonl"; }
  Source source() const override { return Source::kPct; }
  bool Detect(std::string_view head) const override {
    return FirstLineHas(head, "\"application_number\"");
  }
  std::unique_ptr<RecordParser> NewParser(const ReaderContext&) const override {
    return std::make_unique<PctParser>();
  }
};

class ArticleJsonl : public Format {
 public:
  std::string_view name() const override { return "article-jsonl"; }
  Source source() const override { return Source::kArticle; }
  bool Detect(std::string_view head) const override {
    return FirstLineHas(head, "\"authors\"") && FirstLineHas(head, "\"key\"");
  }
  std::unique_ptr<RecordParser> NewParser(const ReaderContext&) const override {
    return std::make_unique<ArticleParser>();
  }
};

}  // namespace

const Format& PctJsonlFormat() {
  static const PctJsonl kFormat;
  return kFormat;
}

const Format& ArticleJsonlFormat() {
  static const ArticleJsonl kFormat;
  return kFormat;
}

}  // namespace stc
