#include "parsers/scopus_abstract.h"

#include <array>
#include <string>
#include <vector>

#include "parsers/country_names.h"
#include "parsers/dom_util.h"
#include "parsers/id_index.h"
#include "parsers/scopus_common.h"
#include "parsers/source_util.h"

namespace stc {
namespace {

// Appends `part` to a ", "-separated address.
void Join(std::string_view part, std::string* out) {
  if (part.empty()) return;
  if (!out->empty()) out->append(", ");
  out->append(part);
}

// The printed address of an author-group affiliation into *loc (its strings'
// storage reused), and the affiliation's organisation names into
// organizations[0, *n) (likewise).
void PrintedLocation(Node aff, std::vector<std::string>* organizations, size_t* n, Location* loc) {
  static constexpr std::array<std::string_view, 8> kKeys = {
      "organization", "city",           "city-group",   "country",
      "@country",     "ce:source-text", "address-part", "postal-code"};
  enum { kOrganization, kCity, kCityGroup, kCountry, kCountryCode, kSourceText, kPart, kPostal };
  const std::array<Node, 8> m = Members(aff, kKeys);
  *n = 0;
  ForEach(m[kOrganization], [&](Node o) {
    std::string name = o.is_object() ? Field(o, "$") : DecodeEntities(Text(o));
    if (name.empty()) return;
    if (*n == organizations->size()) organizations->emplace_back();
    (*organizations)[(*n)++].swap(name);
  });
  loc->has_coords = false;
  loc->lat_e5 = 0;
  loc->lon_e5 = 0;
  std::string scratch;
  loc->city.assign(FieldViewOf(m[kCity], &scratch));
  if (loc->city.empty()) loc->city.assign(FieldView(m[kCityGroup], "$", &scratch));
  if (loc->city.empty()) loc->city.assign(FieldViewOf(m[kCityGroup], &scratch));
  std::string country_scratch, code_scratch;
  const std::string_view country_text = FieldViewOf(m[kCountry], &country_scratch);
  // "@country" is ISO-3 ("usa"), "country" a name; when neither is in the
  // readers' table, the name (else the code) is kept for the geocoder.
  const std::string_view country_code = FieldViewOf(m[kCountryCode], &code_scratch);
  loc->country = CountryToIso2(country_code);
  if (loc->country.empty()) loc->country = CountryToIso2(country_text);
  if (loc->country.empty()) {
    AssignCountryCodeOrName(country_text.empty() ? country_code : country_text, &loc->country);
  }
  loc->address.assign(FieldViewOf(m[kSourceText], &scratch));
  if (loc->address.empty()) {
    for (size_t i = 0; i < *n; ++i) Join((*organizations)[i], &loc->address);
    Join(FieldViewOf(m[kPart], &scratch), &loc->address);
    const std::string_view postal = FieldViewOf(m[kPostal], &scratch);
    if (postal.empty()) {
      Join(loc->city, &loc->address);
    } else {
      std::string postal_city(postal);
      postal_city.append(" ").append(loc->city);
      Join(postal_city, &loc->address);
    }
    Join(country_text, &loc->address);
  }
}

class ScopusAbstractParser : public RecordParser {
 public:
  explicit ScopusAbstractParser(const ReaderContext& context) : options_(context.options) {}

  bool HashesUnits() const override { return true; }
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
    if (Member(root, "service-error").valid) {
      sink->Reject("service_error", ServiceErrorText(root));
      return;
    }
    Node ar = Member(root, "abstracts-retrieval-response");
    if (!ar.is_object()) {
      sink->Reject("malformed_json", "no abstracts-retrieval-response object");
      return;
    }
    // The response's members in one pass.
    static constexpr std::array<std::string_view, 5> kKeys = {"coredata", "subject-areas",
                                                              "affiliation", "item", "authors"};
    enum { kCore, kSubjects, kAffiliation, kItem, kAuthors };
    const std::array<Node, 5> m = Members(ar, kKeys);
    Record* r = sink->NewRecord();
    r->source = Source::kArticle;
    Node core = m[kCore];
    r->key = ScopusKey(core);
    if (r->key.empty()) {
      sink->Reject("missing_key", "no coredata eid or dc:identifier");
      return;
    }
    int32_t date = 0;
    if (!ScopusDate(Member(core, "prism:coverDate"), &r->year, &date)) {
      sink->Reject("bad_date", "no readable coredata prism:coverDate");
      return;
    }
    r->version = RankedVersion(VersionRank::kScopusAbstract, date);
    std::string scratch;
    r->doc_type.assign(FieldView(core, "subtype", &scratch));
    ScopusSubjects(Member(m[kSubjects], "subject-area"), &r->codes);
    if (!ScopusInScope(r->doc_type, r->codes, options_, sink)) return;
    if (sink->SkipIfOutOfScope(r->year)) return;  // ingest --replace: another year.
    r->field = ArticleField(r->codes);

    // Profile affiliations (fallback addresses) by id (the first of a
    // repeated id wins), their storage reused from record to record.
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
    author_ids_.Clear();
    // 1. Printed addresses: each author-group's affiliation applies to its authors.
    Node head = Member(Member(m[kItem], "bibrecord"), "head");
    ForEach(Member(head, "author-group"), [&](Node group) {
      Node aff = Member(group, "affiliation");
      const bool has_aff = aff.is_object();
      size_t n_organizations = 0;
      if (has_aff) PrintedLocation(aff, &organizations_, &n_organizations, &group_location_);
      if (r->orgs.empty() && n_organizations > 0) {
        AddOrg(organizations_[n_organizations - 1], r);
      }
      ForEach(Member(group, "author"), [&](Node a) {
        Person* p = FindOrAddPerson(a, r);
        if (has_aff) AddLocation(r, p, group_location_);
      });
    });
    // 2. Authors missing from every group: their profile affiliations.
    ForEach(Member(m[kAuthors], "author"), [&](Node a) {
      const std::string_view id = AuthorId(a, &scratch);
      if (!id.empty() && author_ids_.Find(id) != IdIndex::kMissing) return;
      Person* p = FindOrAddPerson(a, r);
      ForEachScopusId(Member(a, "affiliation"), [&](std::string_view afid) {
        const uint32_t i = affiliation_ids_.Find(afid);
        if (i != IdIndex::kMissing) AddLocation(r, p, affiliations_[i].location);
      });
    });
    if (r->persons.empty()) sink->Reject("no_persons", "no authors");
  }

 private:
  // An author's id: @auid, else authid, else "seq:" + @seq; "" when none. A
  // view into the document or *scratch.
  static std::string_view AuthorId(Node a, std::string* scratch) {
    std::string_view id = FieldView(a, "@auid", scratch);
    if (id.empty()) id = FieldView(a, "authid", scratch);
    if (id.empty()) {
      std::string seq_scratch;
      const std::string_view seq = FieldView(a, "@seq", &seq_scratch);
      if (!seq.empty()) id = scratch->assign("seq:").append(seq);
    }
    return id;
  }

  // An author's name: ce:indexed-name, else preferred-name's, else
  // "surname, given-name" (or the surname alone).
  static void AssignAuthorName(Node a, std::string* out) {
    std::string scratch;
    std::string_view name = FieldView(a, "ce:indexed-name", &scratch);
    if (name.empty()) name = FieldView(Member(a, "preferred-name"), "ce:indexed-name", &scratch);
    if (!name.empty()) {
      out->assign(name);
      return;
    }
    out->assign(FieldView(a, "ce:surname", &scratch));
    std::string given_scratch;
    const std::string_view given = FieldView(a, "ce:given-name", &given_scratch);
    if (!given.empty()) out->append(", ").append(given);
  }

  // One person per author id (@auid, else @seq); authors without either are
  // each a person of their own.
  Person* FindOrAddPerson(Node a, Record* r) {
    const std::string_view id = AuthorId(a, &id_scratch_);
    if (!id.empty()) {
      bool inserted;
      const uint32_t index =
          author_ids_.FindOrInsert(id, static_cast<uint32_t>(r->persons.size()), &inserted);
      if (!inserted) return &r->persons[index];
    }
    Person& p = r->AddPerson();
    AssignAuthorName(a, &p.name);
    return &p;
  }

  const ReaderOptions& options_;
  simdjson::dom::parser parser_;
  // This record's profile affiliations: the first n_affiliations_ (the rest
  // is storage kept for the next records).
  std::vector<ScopusAffiliation> affiliations_;
  size_t n_affiliations_ = 0;
  IdIndex affiliation_ids_;  // afid -> index in affiliations_.
  IdIndex author_ids_;       // Author id -> index in the record's persons.
  std::string id_scratch_;
  // The current author group's organisations (the first PrintedLocation
  // counts) and printed address; storage reused.
  std::vector<std::string> organizations_;
  Location group_location_;
};

class ScopusAbstract : public Format {
 public:
  std::string_view name() const override { return "scopus-abstract"; }
  Source source() const override { return Source::kArticle; }
  Framing FramingFor(std::string_view head) const override { return JsonFramingFor(head); }
  bool Detect(std::string_view head) const override {
    return HeadHasKey(head, "abstracts-retrieval-response");
  }
  std::unique_ptr<RecordParser> NewParser(const ReaderContext& context) const override {
    return std::make_unique<ScopusAbstractParser>(context);
  }
};

}  // namespace

const Format& ScopusAbstractFormat() {
  static const ScopusAbstract kFormat;
  return kFormat;
}

}  // namespace stc
