#include "parsers/scopus_search.h"

#include <array>
#include <deque>
#include <string>

#include "parsers/dom_util.h"
#include "parsers/id_index.h"
#include "parsers/scopus_common.h"
#include "parsers/source_util.h"

namespace stc {
namespace {

class ScopusSearchParser : public RecordParser {
 public:
  explicit ScopusSearchParser(const ReaderContext& context) : options_(context.options) {}

  bool HashesUnits() const override { return true; }
  // A line of one entry: the entry's key. A results page: the first entry's;
  // no stored record has a page's unit hash (only units of one record give
  // theirs), so a page is never recognised, and is parsed.
  bool PeekKey(std::string_view unit, std::string* key) override {
    return PeekScopusKey(unit, key);
  }

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
    // The entry's members in one pass (each Member call would scan the
    // entry's members from the start).
    static constexpr std::array<std::string_view, 9> kKeys = {
        "error",        "eid",         "dc:identifier", "prism:coverDate", "subtype",
        "subject-area", "affiliation", "author",        "author-count"};
    enum {
      kError,
      kEid,
      kIdentifier,
      kCoverDate,
      kSubtype,
      kSubjects,
      kAffiliation,
      kAuthor,
      kAuthorCount
    };
    const std::array<Node, 9> m = Members(e, kKeys);
    // The empty page: "entry": [{"@_fa": "true", "error": "Result set was empty"}].
    if (m[kError].valid && !m[kEid].valid && !m[kIdentifier].valid) {
      sink->Ignore("scopus_empty_result");
      return;
    }
    Record* r = sink->NewRecord();
    r->source = Source::kArticle;
    std::string scratch, id_scratch;  // Decoded texts (entities), when any.
    r->key = ScopusKeyOf(FieldViewOf(m[kEid], &scratch), FieldViewOf(m[kIdentifier], &id_scratch));
    if (r->key.empty()) {
      sink->Reject("missing_key", "no eid or dc:identifier");
      return;
    }
    int32_t date = 0;
    if (!ScopusDate(m[kCoverDate], &r->year, &date)) {
      sink->Reject("bad_date", "no readable prism:coverDate");
      return;
    }
    r->version = RankedVersion(VersionRank::kScopusSearch, date);
    r->doc_type.assign(FieldViewOf(m[kSubtype], &scratch));
    ScopusSubjects(m[kSubjects], &r->codes);
    if (!ScopusInScope(r->doc_type, r->codes, options_, sink)) return;
    if (sink->SkipIfOutOfScope(r->year)) return;  // ingest --replace: another year.
    r->field = ArticleField(r->codes);

    // The affiliations by id (the first of a repeated id wins), their
    // storage reused from entry to entry.
    n_affiliations_ = 0;
    affiliation_ids_.Clear();
    ForEach(m[kAffiliation], [&](Node a) {
      if (n_affiliations_ == affiliations_.size()) affiliations_.emplace_back();
      ScopusAffiliation& aff = affiliations_[n_affiliations_];
      ReadScopusAffiliation(a, &aff);
      AddOrg(aff.name, r);
      if (!aff.id.empty()) {
        bool inserted;
        affiliation_ids_.FindOrInsert(aff.id, static_cast<uint32_t>(n_affiliations_), &inserted);
      }
      ++n_affiliations_;
    });
    // Persons as views when the sink takes them: names into the document
    // (or names_), locations into affiliations_, both kept until this
    // parser's next entry.
    const bool views = sink->AcceptsPersonViews();
    n_names_ = 0;
    Node authors = m[kAuthor];
    if (IsPresent(authors)) {
      if (!views || !ReadAuthorViews(authors, &r->person_views)) ReadAuthors(authors, r);
      int64_t total = 0;
      Node count = m[kAuthorCount];
      if (ReadCount(Member(count, "@total"), &total) || ReadCount(count, &total)) {
        if (total > static_cast<int64_t>(r->PersonCount()) && total <= 1000000) {
          r->declared_persons = static_cast<uint32_t>(total);
          sink->Warn("scopus_truncated_author_list");
        }
      }
    } else {
      // STANDARD view: no author list; the article is split over its
      // affiliations (each one a pseudo-person).
      sink->Warn("scopus_standard_view");
      for (size_t i = 0; i < n_affiliations_; ++i) {
        const ScopusAffiliation& a = affiliations_[i];
        if (views) {
          PersonView& p = r->person_views.persons.emplace_back();
          p.name = a.name;
          p.first_location = static_cast<uint32_t>(r->person_views.locations.size());
          p.n_locations =
              AddLocationView(LocationView::Of(a.location), p.first_location, &r->person_views);
          continue;
        }
        Person& p = r->AddPerson();
        p.name.assign(a.name);
        AddLocation(r, &p, a.location);
      }
    }
    if (r->PersonCount() == 0) sink->Reject("no_persons", "no authors and no affiliations");
  }

  // ReadAuthors into *views. False, with *views cleared, when an authid
  // repeats: its affiliations would join an earlier person's, and a person's
  // viewed locations are contiguous; ReadAuthors then reads the list.
  bool ReadAuthorViews(Node authors, PersonViews* views) {
    author_ids_.Clear();
    std::string scratch;
    bool repeated = false;
    ForEach(authors, [&](Node a) {
      if (repeated) return;
      const std::array<Node, 5> m = Members(a, kAuthorKeys);
      scratch.clear();
      std::string_view id = FieldViewOf(m[0], &scratch);
      if (!id.empty()) {
        bool fresh;
        author_ids_.FindOrInsert(id, static_cast<uint32_t>(views->persons.size()), &fresh);
        if (!fresh) {
          repeated = true;
          return;
        }
      }
      PersonView& person = views->persons.emplace_back();
      person.name = AuthorName(m);
      person.first_location = static_cast<uint32_t>(views->locations.size());
      ForEachScopusId(m[4], [&](std::string_view afid) {
        const uint32_t i = affiliation_ids_.Find(afid);
        if (i != IdIndex::kMissing) {
          person.n_locations += AddLocationView(LocationView::Of(affiliations_[i].location),
                                                person.first_location, views);
        }
      });
    });
    if (repeated) views->clear();
    return !repeated;
  }

  // An author's name as ReadAuthors makes it (authname, else "surname,
  // given-name"), as a view into the document or, when decoded or composed,
  // into names_.
  std::string_view AuthorName(const std::array<Node, 5>& m) {
    std::string scratch;
    std::string_view name = FieldViewOf(m[1], &scratch);
    if (name.empty()) {
      name = FieldViewOf(m[2], &scratch);
      std::string given_scratch;
      const std::string_view given = FieldViewOf(m[3], &given_scratch);
      if (given.empty()) return scratch.empty() ? name : Keep(name);
      std::string& composed = NextName();
      composed.assign(name).append(", ").append(given);
      return composed;
    }
    return scratch.empty() ? name : Keep(name);
  }
  std::string& NextName() {
    if (n_names_ == names_.size()) names_.emplace_back();
    return names_[n_names_++];
  }
  std::string_view Keep(std::string_view text) { return NextName().assign(text); }

  // COMPLETE view authors; one person per distinct authid (a repeated
  // authid adds its affiliations to the first listing).
  void ReadAuthors(Node authors, Record* r) {
    author_ids_.Clear();
    std::string scratch;
    ForEach(authors, [&](Node a) {
      const std::array<Node, 5> m = Members(a, kAuthorKeys);
      Person* person = nullptr;
      std::string_view id = FieldViewOf(m[0], &scratch);
      if (!id.empty()) {
        bool fresh;
        const uint32_t index =
            author_ids_.FindOrInsert(id, static_cast<uint32_t>(r->persons.size()), &fresh);
        if (!fresh) person = &r->persons[index];
      }
      if (person == nullptr) {
        person = &r->AddPerson();
        person->name.assign(FieldViewOf(m[1], &scratch));
        if (person->name.empty()) {
          person->name.assign(FieldViewOf(m[2], &scratch));
          std::string_view given = FieldViewOf(m[3], &scratch);
          if (!given.empty()) {
            person->name += ", ";
            person->name += given;
          }
        }
      }
      ForEachScopusId(m[4], [&](std::string_view afid) {
        const uint32_t i = affiliation_ids_.Find(afid);
        if (i != IdIndex::kMissing) AddLocation(r, person, affiliations_[i].location);
      });
    });
  }

  static constexpr std::array<std::string_view, 5> kAuthorKeys = {"authid", "authname", "surname",
                                                                  "given-name", "afid"};

  const ReaderOptions& options_;
  simdjson::dom::parser parser_;
  // Names of this entry's viewed persons that are not in the document
  // (decoded or composed): the first n_names_. A deque, so that adding one
  // moves none.
  std::deque<std::string> names_;
  size_t n_names_ = 0;
  // This entry's affiliations: the first n_affiliations_ (the rest is
  // storage kept for the next entries).
  std::vector<ScopusAffiliation> affiliations_;
  size_t n_affiliations_ = 0;
  IdIndex affiliation_ids_;  // afid -> index in affiliations_.
  IdIndex author_ids_;       // authid -> index in the record's persons.
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
