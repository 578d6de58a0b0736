#include "parsers/scopus_search.h"

#include <unordered_map>

#include "parsers/dom_util.h"
#include "parsers/scopus_common.h"
#include "parsers/source_util.h"

namespace stc {
namespace {

class ScopusSearchParser : public RecordParser {
 public:
  explicit ScopusSearchParser(const ReaderContext& context) : options_(context.options) {}

  void Parse(std::string_view unit, ParseSink* sink) override {
    element doc;
    std::string detail;
    if (!ParseDom(parser_, unit, &doc, &detail)) {
      sink->Reject("malformed_json", detail);
      return;
    }
    Node root(doc);
    if (!root.is_object()) {
      sink->Reject("malformed_json", "not a JSON object");
      return;
    }
    if (Member(root, "service-error").valid) {
      sink->Reject("service_error", ServiceErrorText(root));
      return;
    }
    Node results = Member(root, "search-results");
    if (!results.valid) {
      ParseEntry(root, sink);
      return;
    }
    size_t entries = 0;
    ForEach(Member(results, "entry"), [&](Node entry) {
      ++entries;
      ParseEntry(entry, sink);
    });
    if (entries == 0) sink->Ignore("scopus_empty_page");
  }

 private:
  void ParseEntry(Node e, ParseSink* sink) {
    if (!e.is_object()) {
      sink->Reject("malformed_json", "a Scopus entry is not an object");
      return;
    }
    // The empty page: "entry": [{"@_fa": "true", "error": "Result set was empty"}].
    if (Member(e, "error").valid && !Member(e, "eid").valid && !Member(e, "dc:identifier").valid) {
      sink->Ignore("scopus_empty_result");
      return;
    }
    Record* r = sink->NewRecord();
    r->source = Source::kArticle;
    r->key = ScopusKey(e);
    if (r->key.empty()) {
      sink->Reject("missing_key", "no eid or dc:identifier");
      return;
    }
    int32_t date = 0;
    if (!ScopusDate(Member(e, "prism:coverDate"), &r->year, &date)) {
      sink->Reject("bad_date", "no readable prism:coverDate");
      return;
    }
    r->version = RankedVersion(VersionRank::kScopusSearch, date);
    r->doc_type = Field(e, "subtype");
    ScopusSubjects(Member(e, "subject-area"), &r->codes);
    if (!ScopusInScope(r->doc_type, r->codes, options_, sink)) return;
    r->field = ArticleField(r->codes);

    affiliations_.clear();
    by_id_.clear();
    ForEach(Member(e, "affiliation"), [&](Node a) {
      affiliations_.push_back(ReadScopusAffiliation(a));
      AddOrg(affiliations_.back().name, &r->orgs);
    });
    for (size_t i = 0; i < affiliations_.size(); ++i) {
      if (!affiliations_[i].id.empty()) by_id_.emplace(affiliations_[i].id, i);
    }
    Node authors = Member(e, "author");
    if (IsPresent(authors)) {
      ReadAuthors(authors, r);
      int64_t total = 0;
      Node count = Member(e, "author-count");
      if (ReadCount(Member(count, "@total"), &total) || ReadCount(count, &total)) {
        if (total > static_cast<int64_t>(r->persons.size()) && total <= 1000000) {
          r->declared_persons = static_cast<uint32_t>(total);
          sink->Warn("scopus_truncated_author_list");
        }
      }
    } else {
      // STANDARD view: no author list; the article is split over its
      // affiliations (each one a pseudo-person).
      sink->Warn("scopus_standard_view");
      for (const ScopusAffiliation& a : affiliations_) {
        Person& p = r->persons.emplace_back();
        p.name = a.name;
        p.locations.push_back(a.location);
      }
    }
    if (r->persons.empty()) sink->Reject("no_persons", "no authors and no affiliations");
  }

  // COMPLETE view authors; one person per distinct authid (a repeated
  // authid adds its affiliations to the first listing).
  void ReadAuthors(Node authors, Record* r) {
    author_index_.clear();
    ForEach(authors, [&](Node a) {
      std::string id = Field(a, "authid");
      Person* person = nullptr;
      if (!id.empty()) {
        auto [it, fresh] = author_index_.emplace(id, r->persons.size());
        if (!fresh) person = &r->persons[it->second];
      }
      if (person == nullptr) {
        person = &r->persons.emplace_back();
        person->name = Field(a, "authname");
        if (person->name.empty()) {
          person->name = Field(a, "surname");
          std::string given = Field(a, "given-name");
          if (!given.empty()) person->name += ", " + given;
        }
      }
      for (const std::string& afid : ScopusIds(Member(a, "afid"))) {
        auto it = by_id_.find(afid);
        if (it != by_id_.end()) AddLocation(person, affiliations_[it->second].location);
      }
    });
  }

  const ReaderOptions& options_;
  simdjson::dom::parser parser_;
  std::vector<ScopusAffiliation> affiliations_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unordered_map<std::string, size_t> author_index_;
};

class ScopusSearch : public Format {
 public:
  std::string_view name() const override { return "scopus"; }
  Source source() const override { return Source::kArticle; }
  Framing FramingFor(std::string_view head) const override { return JsonFramingFor(head); }
  bool Detect(std::string_view head) const override {
    if (HeadHasKey(head, "abstracts-retrieval-response")) return false;
    if (HeadHasKey(head, "search-results") || HeadHasKey(head, "service-error")) return true;
    return HeadHasKey(head, "prism:coverDate") &&
           (HeadHasKey(head, "eid") || HeadHasKey(head, "dc:identifier"));
  }
  std::unique_ptr<RecordParser> NewParser(const ReaderContext& context) const override {
    return std::make_unique<ScopusSearchParser>(context);
  }
};

}  // namespace

const Format& ScopusSearchFormat() {
  static const ScopusSearch kFormat;
  return kFormat;
}

}  // namespace stc
