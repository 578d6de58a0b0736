#include "parsers/scopus_abstract.h"

#include <unordered_map>

#include "parsers/country_names.h"
#include "parsers/dom_util.h"
#include "parsers/scopus_common.h"
#include "parsers/source_util.h"

namespace stc {
namespace {

// Appends `part` to a ", "-separated address.
void Join(const std::string& part, std::string* out) {
  if (part.empty()) return;
  if (!out->empty()) *out += ", ";
  *out += part;
}

// The printed address of an author-group affiliation.
Location PrintedLocation(Node aff, std::vector<std::string>* organizations) {
  Location loc;
  ForEach(Member(aff, "organization"), [&](Node o) {
    std::string name = o.is_object() ? Field(o, "$") : std::string(DecodeEntities(Text(o)));
    if (!name.empty()) organizations->push_back(name);
  });
  loc.city = Field(aff, "city");
  if (loc.city.empty()) loc.city = Field(Member(aff, "city-group"), "$");
  if (loc.city.empty()) loc.city = Field(aff, "city-group");
  std::string country_text = Field(aff, "country");
  // "@country" is ISO-3 ("usa"), "country" a name; when neither is in the
  // readers' table, the name (else the code) is kept for the geocoder.
  std::string country_code = Field(aff, "@country");
  loc.country = CountryToIso2(country_code);
  if (loc.country.empty()) loc.country = CountryToIso2(country_text);
  if (loc.country.empty()) {
    loc.country = CountryCodeOrName(country_text.empty() ? country_code : country_text);
  }
  loc.address = Field(aff, "ce:source-text");
  if (loc.address.empty()) {
    for (const std::string& o : *organizations) Join(o, &loc.address);
    Join(Field(aff, "address-part"), &loc.address);
    std::string postal = Field(aff, "postal-code");
    Join(postal.empty() ? loc.city : postal + " " + loc.city, &loc.address);
    Join(country_text, &loc.address);
  }
  return loc;
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
    Record* r = sink->NewRecord();
    r->source = Source::kArticle;
    Node core = Member(ar, "coredata");
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
    r->doc_type = Field(core, "subtype");
    ScopusSubjects(Member(Member(ar, "subject-areas"), "subject-area"), &r->codes);
    if (!ScopusInScope(r->doc_type, r->codes, options_, sink)) return;
    if (sink->SkipIfOutOfScope(r->year)) return;  // ingest --replace: another year.
    r->field = ArticleField(r->codes);

    // Profile affiliations (fallback addresses) by id.
    profile_.clear();
    ForEach(Member(ar, "affiliation"), [&](Node a) {
      ScopusAffiliation aff;
      ReadScopusAffiliation(a, &aff);
      AddOrg(aff.name, r);
      if (!aff.id.empty()) profile_.emplace(aff.id, std::move(aff));
    });
    persons_.clear();
    // 1. Printed addresses: each author-group's affiliation applies to its authors.
    Node head = Member(Member(Member(ar, "item"), "bibrecord"), "head");
    ForEach(Member(head, "author-group"), [&](Node group) {
      std::vector<std::string> organizations;
      Node aff = Member(group, "affiliation");
      bool has_aff = aff.is_object();
      Location loc = has_aff ? PrintedLocation(aff, &organizations) : Location();
      if (r->orgs.empty() && !organizations.empty()) AddOrg(organizations.back(), r);
      ForEach(Member(group, "author"), [&](Node a) {
        Person* p = FindOrAddPerson(a, r);
        if (has_aff) AddLocation(p, loc);
      });
    });
    // 2. Authors missing from every group: their profile affiliations.
    ForEach(Member(Member(ar, "authors"), "author"), [&](Node a) {
      std::string id = AuthorId(a);
      if (!id.empty() && persons_.count(id) > 0) return;
      Person* p = FindOrAddPerson(a, r);
      for (const std::string& afid : ScopusIds(Member(a, "affiliation"))) {
        auto it = profile_.find(afid);
        if (it != profile_.end()) AddLocation(p, it->second.location);
      }
    });
    if (r->persons.empty()) sink->Reject("no_persons", "no authors");
  }

 private:
  static std::string AuthorId(Node a) {
    std::string id = Field(a, "@auid");
    if (id.empty()) id = Field(a, "authid");
    if (id.empty()) {
      std::string seq = Field(a, "@seq");
      if (!seq.empty()) id = "seq:" + seq;
    }
    return id;
  }

  static std::string AuthorName(Node a) {
    std::string name = Field(a, "ce:indexed-name");
    if (name.empty()) name = Field(Member(a, "preferred-name"), "ce:indexed-name");
    if (name.empty()) {
      name = Field(a, "ce:surname");
      std::string given = Field(a, "ce:given-name");
      if (!given.empty()) name += ", " + given;
    }
    return name;
  }

  // One person per author id (@auid, else @seq); authors without either are
  // each a person of their own.
  Person* FindOrAddPerson(Node a, Record* r) {
    std::string id = AuthorId(a);
    if (!id.empty()) {
      auto it = persons_.find(id);
      if (it != persons_.end()) return &r->persons[it->second];
      persons_.emplace(id, r->persons.size());
    }
    Person& p = r->persons.emplace_back();
    p.name = AuthorName(a);
    return &p;
  }

  const ReaderOptions& options_;
  simdjson::dom::parser parser_;
  std::unordered_map<std::string, ScopusAffiliation> profile_;
  std::unordered_map<std::string, size_t> persons_;
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
