#include "parsers/jsonl_formats.h"

#include <simdjson.h>

#include <string>

#include "parsers/json_util.h"
#include "parsers/pct_number.h"
#include "parsers/person_json.h"

namespace stc {
namespace {

using simdjson::ondemand::value;

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
};

// Walks one JSON object line and hands each field to Derived::OnField.
template <typename Derived>
class JsonLineParser : public RecordParser {
 public:
  void Parse(std::string_view line, ParseSink* sink) override {
    // Stage 1 (iterate) validates the UTF-8 of the whole line: the separate
    // check only names the reason of a failure.
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
    Record* r = sink->NewRecord();
    Scratch s;
    FieldResult fr;
    const bool scoped = sink->Scoped();
    for (auto field : obj) {
      std::string_view key;
      value v;
      if (FieldKey(field, &key) || field.value().get(v)) {
        fr.issue = JsonIssue::kMalformed;
        break;
      }
      const bool had_date = s.have_date;
      static_cast<Derived*>(this)->OnField(key, v, r, &s, &fr);
      if (fr.issue != JsonIssue::kNone) break;
      // ingest --replace: a record of another year is skipped as soon as
      // its date is read; the rest of it is not (a fault that came before
      // the date was rejected above).
      if (scoped && s.have_date && !had_date) {
        int32_t year = 0, version = 0;
        if (ParseDate(s.date, &year, &version) && sink->SkipIfOutOfScope(year)) return;
      }
    }
    if (fr.issue == JsonIssue::kNone && !AtDocumentEnd(doc)) {
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
    if (r->persons.empty()) {
      sink->Reject("no_persons", "empty or missing person list");
      return false;
    }
    return true;
  }

  static void ReadString(value v, std::string* out, FieldResult* fr, const char* what) {
    if (!ReadStringOrNull(v, out)) {
      fr->issue = JsonIssue::kBadField;
      fr->detail = std::string(what) + " is not a string";
    }
  }
  static void ReadString(value v, std::string_view* out, FieldResult* fr, const char* what) {
    if (!ReadStringViewOrNull(v, out)) {
      fr->issue = JsonIssue::kBadField;
      fr->detail = std::string(what) + " is not a string";
    }
  }

 private:
  simdjson::ondemand::parser parser_;
};

class PctParser : public JsonLineParser<PctParser> {
 public:
  void OnField(std::string_view key, value v, Record* r, Scratch* s, FieldResult* fr) {
    if (key == "application_number") {
      s->have_key = true;
      ReadString(v, &s->key, fr, "application_number");
    } else if (key == "publication_date") {
      s->have_date = true;
      ReadString(v, &s->date, fr, "publication_date");
    } else if (key == "updated") {
      s->have_updated = true;
      ReadString(v, &s->updated, fr, "updated");
    } else if (key == "kind") {
      ReadString(v, &r->doc_type, fr, "kind");
    } else if (key == "ipc") {
      fr->issue = ReadStringArray(v, &r->codes);
      if (fr->issue != JsonIssue::kNone) fr->detail = "ipc is not a list of strings";
    } else if (key == "applicants") {
      fr->issue = ReadNamedObjects(v, &r->orgs);
      if (fr->issue != JsonIssue::kNone) fr->detail = "applicants is not a list of objects";
    } else if (key == "inventors") {
      ignored_orgs_.clear();
      fr->issue = ReadPersons(v, "addresses", r, &ignored_orgs_, &fr->detail);
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
  void OnField(std::string_view key, value v, Record* r, Scratch* s, FieldResult* fr) {
    if (key == "key") {
      s->have_key = true;
      ReadString(v, &s->key, fr, "key");
    } else if (key == "cover_date") {
      s->have_date = true;
      ReadString(v, &s->date, fr, "cover_date");
    } else if (key == "updated") {
      s->have_updated = true;
      ReadString(v, &s->updated, fr, "updated");
    } else if (key == "doc_type") {
      ReadString(v, &r->doc_type, fr, "doc_type");
    } else if (key == "subjects") {
      fr->issue = ReadStringArray(v, &r->codes);
      if (fr->issue != JsonIssue::kNone) fr->detail = "subjects is not a list of strings";
    } else if (key == "author_count") {
      int64_t n = 0;
      simdjson::ondemand::json_type t;
      if (v.type().get(t)) {
        fr->issue = JsonIssue::kMalformed;
      } else if (t == simdjson::ondemand::json_type::null) {
        // Absent.
      } else if (v.get_int64().get(n) || n < 0 || n > 1000000) {
        fr->issue = JsonIssue::kBadField;
        fr->detail = "author_count is not a count";
      } else {
        r->declared_persons = static_cast<uint32_t>(n);
      }
    } else if (key == "authors") {
      fr->issue = ReadPersons(v, "affiliations", r, &r->orgs, &fr->detail);
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
