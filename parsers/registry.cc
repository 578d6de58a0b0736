#include "parsers/registry.h"

#include <string>

#include "parsers/jsonl_formats.h"
#include "parsers/openalex.h"
#include "parsers/patentscope_xml.h"
#include "parsers/scopus_abstract.h"
#include "parsers/scopus_search.h"
#include "parsers/vc_deals.h"

namespace stc {

const std::vector<const Format*>& AllFormats() {
  // Detection order: the formats with unambiguous markers first, the
  // normalised JSON Lines (looser markers) last.
  static const std::vector<const Format*> kFormats = {
      &ScopusAbstractFormat(), &ScopusSearchFormat(), &OpenAlexFormat(), &OpenAlexMergedFormat(),
      &PatentscopeFormat(),    &VcDealsFormat(),      &PctJsonlFormat(), &ArticleJsonlFormat()};
  return kFormats;
}

const Format* FindFormat(std::string_view name) {
  for (const Format* f : AllFormats()) {
    if (f->name() == name) return f;
  }
  return nullptr;
}

const Format* DetectFormat(std::string_view head) {
  for (const Format* f : AllFormats()) {
    if (f->Detect(head)) return f;
  }
  return nullptr;
}

std::string FormatNames() {
  std::string out;
  for (const Format* f : AllFormats()) {
    if (!out.empty()) out += ", ";
    out += f->name();
  }
  return out;
}

}  // namespace stc
