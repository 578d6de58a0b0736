#include "parsers/patentscope_xml.h"

#include <simdjson.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstring>
#include <deque>
#include <pugixml.hpp>
#include <string>
#include <utility>

#include "parsers/country_names.h"
#include "parsers/id_index.h"
#include "parsers/json_util.h"
#include "parsers/pct_number.h"
#include "parsers/source_util.h"

namespace stc {
namespace {

// Appends the element's text (entities already decoded by pugixml) with its
// white space collapsed and trimmed.
void AppendTextOf(pugi::xml_node n, std::string* out) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  const size_t start = out->size();
  const char* p = n.child_value();
  // Most texts are collapsed already (single spaces between words, none at
  // either end): one pass finds that, and they are appended in one piece.
  size_t len = 0;
  bool collapsed = true;
  for (char prev = ' '; p[len] != '\0'; prev = p[len], ++len) {
    const char c = p[len];
    if (c == '\t' || c == '\r' || c == '\n' || (c == ' ' && prev == ' ')) collapsed = false;
  }
  if (len == 0) return;
  if (collapsed && p[len - 1] != ' ') {
    out->append(p, len);
    return;
  }
  for (;;) {
    while (space(*p)) ++p;
    if (*p == '\0') return;
    const char* word = p;
    while (*p != '\0' && !space(*p)) ++p;
    if (out->size() > start) out->push_back(' ');
    out->append(word, static_cast<size_t>(p - word));
  }
}

std::string TextOf(pugi::xml_node n) {
  std::string out;
  AppendTextOf(n, &out);
  return out;
}

// The English addressbook of a party, else its first one.
pugi::xml_node Addressbook(pugi::xml_node party) {
  pugi::xml_node first;
  for (pugi::xml_node book : party.children("addressbook")) {
    if (!first) first = book;
    if (strcasecmp(book.attribute("lang").value(), "en") == 0) return book;
  }
  return first;
}

// The party's name into *name (its storage reused).
void PartyName(pugi::xml_node book, std::string* name) {
  name->clear();
  AppendTextOf(book.child("name"), name);
  if (name->empty()) AppendTextOf(book.child("orgname"), name);
  if (name->empty()) {
    AppendTextOf(book.child("last-name"), name);
    const size_t last = name->size();
    if (last > 0) name->append(", ");
    const size_t first_at = name->size();
    AppendTextOf(book.child("first-name"), name);
    if (name->size() == first_at) name->resize(last);  // No first name: no separator.
  }
}

std::string PartyName(pugi::xml_node book) {
  std::string name;
  PartyName(book, &name);
  return name;
}

// The party's address into *loc (every field set; its storage reused), or
// false when it has none (missing address).
bool PartyLocation(pugi::xml_node book, Location* loc) {
  loc->has_coords = false;
  loc->lat_e5 = loc->lon_e5 = 0;
  loc->address.clear();
  loc->city.clear();
  loc->country.clear();
  pugi::xml_node address = book.child("address");
  if (!address) return false;
  pugi::xml_node city, country;  // The first of each, picked up on the way.
  for (pugi::xml_node part : address.children()) {
    const char* tag = part.name();
    if (std::strncmp(tag, "address-", 8) == 0 || std::strcmp(tag, "street") == 0) {
      const size_t before = loc->address.size();
      if (before > 0) loc->address += ", ";
      const size_t line_at = loc->address.size();
      AppendTextOf(part, &loc->address);
      if (loc->address.size() == line_at) loc->address.resize(before);  // An empty line.
    } else if (!city && std::strcmp(tag, "city") == 0) {
      city = part;
    } else if (!country && std::strcmp(tag, "country") == 0) {
      country = part;
    }
  }
  AppendTextOf(city, &loc->city);
  AssignCountryCodeOrName(TextOf(country), &loc->country);
  return !loc->address.empty() || !loc->city.empty() || !loc->country.empty();
}

// "H04W 72/04" from a classification-ipcr (its text, or its parts).
std::string IpcCode(pugi::xml_node c) {
  std::string text = TextOf(c.child("text"));
  if (!text.empty()) {
    // "H04W 72/04 2009.01" -> the first two tokens.
    size_t sp = text.find(' ');
    size_t sp2 = sp == std::string::npos ? std::string::npos : text.find(' ', sp + 1);
    return text.substr(0, sp2);
  }
  std::string code =
      TextOf(c.child("section")) + TextOf(c.child("class")) + TextOf(c.child("subclass"));
  std::string group = TextOf(c.child("main-group"));
  if (!group.empty()) code += " " + group + "/" + TextOf(c.child("subgroup"));
  return code;
}

// How many times `needle` (2 bytes or more) occurs in `text`, counting no
// further than 2. The text is scanned 16 bytes at a time for positions where
// the needle's first two bytes both match (in XML, "<w" is rare where '<'
// alone starts every tag), and only those are compared in full; glibc's
// memmem took 2% of a PATENTSCOPE ingest's samples for this scan.
size_t CountOf(std::string_view text, std::string_view needle) {
  size_t n = 0;
  const char* at = text.data();
  const char* const end = text.data() + text.size();
  auto full_match = [&](const char* p) {
    return static_cast<size_t>(end - p) >= needle.size() &&
           std::memcmp(p, needle.data(), needle.size()) == 0;
  };
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(needle[0]);
  const __m128i second = _mm_set1_epi8(needle[1]);
  // Blocks whose second-byte load stays inside the text.
  while (end - at >= 17) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 1));
    unsigned mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, second))));
    while (mask != 0) {
      const char* p = at + __builtin_ctz(mask);
      if (full_match(p) && ++n == 2) return n;
      mask &= mask - 1;
    }
    at += 16;
  }
#endif
  for (; at < end; ++at) {
    if (*at == needle[0] && full_match(at) && ++n == 2) return n;
  }
  return n;
}

// The text after the first `open` at or after *at in `text`, up to the next
// '<', when it holds no entity ('&'); sets *at to its end.
bool PeekElementText(std::string_view text, std::string_view open, size_t* at,
                     std::string_view* out) {
  const size_t start = text.find(open, *at);
  if (start == std::string_view::npos) return false;
  const size_t begin = start + open.size();
  const size_t end = text.find('<', begin);
  if (end == std::string_view::npos) return false;
  *out = text.substr(begin, end - begin);
  *at = end;
  return out->find('&') == std::string_view::npos;
}

class PatentscopeParser : public RecordParser {
 public:
  bool HashesUnits() const override { return true; }
  // The first application-reference's country and doc-number, as
  // ParseBiblio reads them (plain text, no entities or markup inside).
  bool PeekKey(std::string_view unit, std::string* key) override {
    size_t at = unit.find("<application-reference");
    if (at == std::string_view::npos) return false;
    const size_t end = unit.find("</application-reference>", at);
    if (end == std::string_view::npos) return false;
    const std::string_view ref = unit.substr(at, end - at);
    std::string_view country, number;
    size_t c = 0, n = 0;
    if (!PeekElementText(ref, "<country>", &c, &country) ||
        !PeekElementText(ref, "<doc-number>", &n, &number)) {
      return false;
    }
    number = TrimAscii(number);
    if (number.empty()) return false;
    *key = NormalisePctApplication(TrimAscii(country), number);
    return !key->empty();
  }

  void Parse(std::string_view unit, ParseSink* sink) override {
    if (!simdjson::validate_utf8(unit.data(), unit.size())) {
      sink->Reject("malformed_xml", "invalid UTF-8");
      return;
    }
    pugi::xml_parse_result res =
        doc_.load_buffer(unit.data(), unit.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!res) {
      sink->Reject("malformed_xml",
                   std::string(res.description()) + " at byte " + std::to_string(res.offset));
      return;
    }
    // The usual document holds one wo-bibliographic-data, the root or a child
    // of it. Every element of the tree is a start tag in the text, so when the
    // text names the element once and it is found there, it is the only one;
    // anything else takes the XPath over the whole tree (whose node sets cost
    // more than the parse of a small document's fields).
    if (CountOf(unit, "<wo-bibliographic-data") == 1) {
      pugi::xml_node root = doc_.document_element();
      pugi::xml_node b = std::strcmp(root.name(), "wo-bibliographic-data") == 0
                             ? root
                             : root.child("wo-bibliographic-data");
      if (b) {
        ParseBiblio(b, sink);
        return;
      }
    }
    size_t found = 0;
    for (pugi::xpath_node x : doc_.select_nodes(biblio_query_)) {
      ++found;
      ParseBiblio(x.node(), sink);
    }
    if (found == 0) sink->Reject("malformed_xml", "no wo-bibliographic-data element");
  }

 private:
  void ParseBiblio(pugi::xml_node b, ParseSink* sink) {
    Record* r = sink->NewRecord();
    r->source = Source::kPct;
    pugi::xml_node app = b.child("application-reference").child("document-id");
    std::string number = TextOf(app.child("doc-number"));
    if (number.empty()) {
      sink->Reject("missing_key", "no application-reference doc-number");
      return;
    }
    r->key = NormalisePctApplication(TextOf(app.child("country")), number);
    // The earliest publication carried gives the year and the version (an
    // A3 document listing its A1 publication counts as of the A1 year).
    int32_t earliest = 0;
    for (pugi::xml_node pub : b.children("publication-reference")) {
      pugi::xml_node id = pub.child("document-id");
      int32_t y, d;
      if (!ParseDate(TextOf(id.child("date")), &y, &d)) continue;
      if (earliest == 0 || d < earliest) {
        earliest = d;
        r->year = y;
        r->doc_type = TextOf(id.child("kind"));
      }
    }
    if (earliest == 0) {
      sink->Reject("bad_date", "no readable publication-reference date");
      return;
    }
    r->version = RankedVersion(VersionRank::kDated, earliest);
    if (sink->SkipIfOutOfScope(r->year)) return;  // ingest --replace: another year.
    for (pugi::xml_node c : b.child("classifications-ipcr").children("classification-ipcr")) {
      std::string code = IpcCode(c);
      if (!code.empty()) r->codes.push_back(code);
    }
    if (r->codes.empty()) {
      // Pre-2006 documents: classification-ipc/main-classification "7 H04Q 7/38".
      pugi::xml_node ipc = b.child("classification-ipc");
      std::string main = TextOf(ipc.child("main-classification"));
      if (main.size() > 2 && main[0] >= '0' && main[0] <= '9' && main[1] == ' ')
        main = main.substr(2);
      if (!main.empty()) r->codes.push_back(main);
    }
    if (!r->codes.empty() && !r->codes[0].empty()) {
      char sec = r->codes[0][0];
      if (sec >= 'a' && sec <= 'h') sec = static_cast<char>(sec - 'a' + 'A');
      if (sec >= 'A' && sec <= 'H') r->field.assign(1, sec);
    }
    names_.Clear();
    // Persons as views when the sink takes them: the inventors' names and
    // addresses are built into people_, kept until this parser's next
    // document, and listed as views at the end.
    const bool views = sink->AcceptsPersonViews();
    n_people_ = 0;
    pugi::xml_node parties = b.child("parties");
    for (pugi::xml_node inv : parties.child("inventors").children("inventor")) {
      AddInventor(inv, r, views);
    }
    for (pugi::xml_node a : parties.child("applicants").children("applicant")) {
      pugi::xml_node book = Addressbook(a);
      AddOrg(PartyName(book), r);
      if (strcasecmp(a.attribute("app-type").value(), "applicant-inventor") == 0) {
        AddInventor(a, r, views);
      }
    }
    if (views) {
      PersonViews& v = r->person_views;
      for (size_t i = 0; i < n_people_; ++i) {
        const Inventor& in = people_[i];
        PersonView& p = v.persons.emplace_back();
        p.name = in.name;
        p.first_location = static_cast<uint32_t>(v.locations.size());
        p.n_locations = in.has_loc ? 1 : 0;
        if (in.has_loc) v.locations.push_back(LocationView::Of(in.loc));
      }
    }
    if (r->PersonCount() == 0) sink->Reject("no_persons", "no inventors");
  }

  // An inventor of the document being read, for the views (AddInventor).
  struct Inventor {
    std::string name;
    Location loc;
    bool has_loc = false;
  };

  // One person per name (case, spaces, punctuation and word order ignored):
  // an inventor listed both under inventors and as applicant-inventor counts
  // once, with the first listing's address (or the second's when the first
  // has none).
  // With `views`, into people_ (their storage traded with name_ and loc_,
  // not copied) instead of the record's persons.
  void AddInventor(pugi::xml_node party, Record* r, bool views) {
    pugi::xml_node book = Addressbook(party);
    PartyName(book, &name_);
    const bool has_loc = PartyLocation(book, &loc_);
    NameKeyInto(name_, &key_);
    if (views) {
      uint32_t index = static_cast<uint32_t>(n_people_);
      if (!key_.empty()) {
        bool fresh;
        index = names_.FindOrInsert(key_, index, &fresh);
      }
      if (index == n_people_) {
        if (n_people_ == people_.size()) people_.emplace_back();
        Inventor& in = people_[n_people_++];
        std::swap(in.name, name_);
        std::swap(in.loc, loc_);
        in.has_loc = has_loc;
      } else if (!people_[index].has_loc && has_loc) {
        std::swap(people_[index].loc, loc_);
        people_[index].has_loc = true;
      }
      return;
    }
    Person* p = nullptr;
    if (!key_.empty()) {
      bool fresh;
      const uint32_t index =
          names_.FindOrInsert(key_, static_cast<uint32_t>(r->persons.size()), &fresh);
      if (!fresh) {
        p = &r->persons[index];
        if (!p->locations.empty()) return;
      }
    }
    if (p == nullptr) {
      p = &r->AddPerson();
      p->name.assign(name_);
    }
    if (has_loc) r->AddLocation(p) = loc_;  // Copied into reused storage.
  }

  pugi::xml_document doc_;
  pugi::xpath_query biblio_query_{"//wo-bibliographic-data"};
  IdIndex names_;  // NameKey -> index in the record's persons.
  // Scratch reused from inventor to inventor.
  std::string key_, name_;
  Location loc_;
  // The document's inventors for the views: the first n_people_. A deque, so
  // that adding one moves none.
  std::deque<Inventor> people_;
  size_t n_people_ = 0;
};

class Patentscope : public Format {
 public:
  std::string_view name() const override { return "patentscope"; }
  Source source() const override { return Source::kPct; }
  Framing FramingFor(std::string_view) const override { return Framing::Documents("<?xml"); }
  bool Detect(std::string_view head) const override {
    return head.find("<wo-international-application-status") != std::string_view::npos ||
           head.find("<wo-bibliographic-data") != std::string_view::npos;
  }
  std::unique_ptr<RecordParser> NewParser(const ReaderContext&) const override {
    return std::make_unique<PatentscopeParser>();
  }
};

}  // namespace

const Format& PatentscopeFormat() {
  static const Patentscope kFormat;
  return kFormat;
}

}  // namespace stc
