#include "parsers/registry.h"

#include <string>

#include "parsers/jsonl_formats.h"

namespace stc {

const std::vector<const Format*>& AllFormats() {
  static const std::vector<const Format*> kFormats = {&PctJsonlFormat(), &ArticleJsonlFormat()};
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
