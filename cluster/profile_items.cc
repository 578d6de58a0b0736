#include "cluster/profile_items.h"

#include <algorithm>

namespace stc::cluster::profile_internal {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  // Inner runs of white space collapse to one space.
  std::string out;
  out.reserve(e - b);
  bool space = false;
  for (size_t i = b; i < e; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c <= ' ') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Technology fields sort numerically: key "07" before "13".
std::string TechKey(int field) {
  return std::string(1, static_cast<char>('0' + field / 10)) + static_cast<char>('0' + field % 10);
}

uint32_t OrgNames::Intern(std::string_view raw) {
  if (auto it = spelling_ids_.find(raw); it != spelling_ids_.end()) return it->second;
  Spelling sp;
  sp.name = Trim(raw);
  if (!sp.name.empty()) {
    auto [k, added] = key_ids_.try_emplace(Lower(sp.name), static_cast<uint32_t>(keys_.size()));
    if (added) keys_.push_back(&k->first);
    sp.key = k->second;
  }
  const auto id = static_cast<uint32_t>(spellings_.size());
  spellings_.push_back(std::move(sp));
  spelling_ids_.emplace(std::string(raw), id);
  return id;
}

void FieldNames::Of(Source source, const CountedRecordView& r, std::vector<uint32_t>* out) {
  out->clear();
  auto add = [out](uint32_t id) {
    if (std::find(out->begin(), out->end(), id) == out->end()) out->push_back(id);
  };
  if (source == Source::kPct) {
    for (std::string_view c : r.codes) {
      if (const int f = TechFieldOfIpc(c); f != 0) add(Tech(f));
    }
  } else if (source == Source::kArticle) {
    for (std::string_view c : r.codes) {
      if (const int a = Area(c); a != 0) add(AreaId(a));
    }
    if (out->empty() && !r.field.empty()) {
      if (const int a = Area(r.field); a != 0) {
        add(AreaId(a));
      } else {
        auto it = other_ids_.find(r.field);
        if (it == other_ids_.end()) {
          it = other_ids_
                   .emplace(std::string(r.field),
                            New(std::string(r.field), std::string(r.field), std::string(r.field)))
                   .first;
        }
        add(it->second);
      }
    }
  }
}

}  // namespace stc::cluster::profile_internal
