#include "parsers/source_util.h"

#include <algorithm>
#include <cstring>

#include "parsers/json_util.h"

namespace stc {
namespace {

struct Entity {
  const char* name;
  uint32_t code;
};

// Sorted by name for binary search.
constexpr Entity kEntities[] = {
    {"AElig", 0xC6},  {"Aacute", 0xC1}, {"Acirc", 0xC2},  {"Agrave", 0xC0},  {"Aring", 0xC5},
    {"Atilde", 0xC3}, {"Auml", 0xC4},   {"Ccedil", 0xC7}, {"Eacute", 0xC9},  {"Ecirc", 0xCA},
    {"Egrave", 0xC8}, {"Euml", 0xCB},   {"Iacute", 0xCD}, {"Icirc", 0xCE},   {"Iuml", 0xCF},
    {"Ntilde", 0xD1}, {"Oacute", 0xD3}, {"Ocirc", 0xD4},  {"Ograve", 0xD2},  {"Oslash", 0xD8},
    {"Otilde", 0xD5}, {"Ouml", 0xD6},   {"Uacute", 0xDA}, {"Ucirc", 0xDB},   {"Ugrave", 0xD9},
    {"Uuml", 0xDC},   {"Yacute", 0xDD}, {"aacute", 0xE1}, {"acirc", 0xE2},   {"aelig", 0xE6},
    {"agrave", 0xE0}, {"amp", '&'},     {"apos", '\''},   {"aring", 0xE5},   {"atilde", 0xE3},
    {"auml", 0xE4},   {"ccedil", 0xE7}, {"eacute", 0xE9}, {"ecirc", 0xEA},   {"egrave", 0xE8},
    {"euml", 0xEB},   {"gt", '>'},      {"iacute", 0xED}, {"icirc", 0xEE},   {"igrave", 0xEC},
    {"iuml", 0xEF},   {"lt", '<'},      {"nbsp", ' '},    {"ndash", 0x2013}, {"ntilde", 0xF1},
    {"oacute", 0xF3}, {"ocirc", 0xF4},  {"ograve", 0xF2}, {"oslash", 0xF8},  {"otilde", 0xF5},
    {"ouml", 0xF6},   {"quot", '"'},    {"szlig", 0xDF},  {"uacute", 0xFA},  {"ucirc", 0xFB},
    {"ugrave", 0xF9}, {"uuml", 0xFC},   {"yacute", 0xFD}, {"yuml", 0xFF},
};

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the reference body (between '&' and ';'); false if unknown.
bool DecodeOne(std::string_view body, uint32_t* cp) {
  if (body.size() >= 2 && body[0] == '#') {
    uint32_t v = 0;
    bool hex = body[1] == 'x' || body[1] == 'X';
    std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 7) return false;
    for (char c : digits) {
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return false;
      }
      v = v * (hex ? 16 : 10) + static_cast<uint32_t>(d);
    }
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
    *cp = v;
    return true;
  }
  auto it = std::lower_bound(std::begin(kEntities), std::end(kEntities), body,
                             [](const Entity& e, std::string_view k) { return e.name < k; });
  if (it == std::end(kEntities) || it->name != body) return false;
  *cp = it->code;
  return true;
}

}  // namespace

std::string DecodeEntities(std::string_view text) {
  size_t amp = text.find('&');
  if (amp == std::string_view::npos) return std::string(text);
  std::string out(text.substr(0, amp));
  size_t i = amp;
  while (i < text.size()) {
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    size_t semi = text.find(';', i + 1);
    uint32_t cp;
    if (semi != std::string_view::npos && semi - i <= 10 &&
        DecodeOne(text.substr(i + 1, semi - i - 1), &cp)) {
      AppendUtf8(cp, &out);
      i = semi + 1;
    } else {
      out.push_back('&');
      ++i;
    }
  }
  return out;
}

std::string ArticleField(const std::vector<std::string>& codes) {
  if (codes.empty()) return "";
  std::string_view c = TrimAscii(codes.front());
  if (c.size() >= 2 && c[0] >= '0' && c[0] <= '9' && c[1] >= '0' && c[1] <= '9') {
    return std::string(c.substr(0, 2));
  }
  return std::string(c);
}

bool AllSubjectsExcluded(const std::vector<std::string>& codes, const ReaderOptions& options) {
  if (codes.empty() || options.excluded_subject_areas.empty()) return false;
  for (const std::string& code : codes) {
    std::string_view c = TrimAscii(code);
    std::string_view area = c.substr(0, 2);
    bool excluded = false;
    for (const std::string& x : options.excluded_subject_areas) {
      if (area == x) excluded = true;
    }
    if (!excluded) return false;
  }
  return true;
}

bool OneOf(std::string_view value, const std::vector<std::string>& allowed) {
  value = TrimAscii(value);
  for (const std::string& a : allowed) {
    if (a.size() != value.size()) continue;
    bool same = true;
    for (size_t i = 0; i < a.size() && same; ++i) {
      char x = a[i], y = value[i];
      if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
      if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
      same = x == y;
    }
    if (same) return true;
  }
  return false;
}

void AddOrg(std::string_view name, Record* record) {
  name = TrimAscii(name);
  if (name.empty()) return;
  std::vector<std::string>& orgs = record->orgs;
  if (std::find(orgs.begin(), orgs.end(), name) == orgs.end()) record->AddString(&orgs, name);
}

void AddLocation(Person* person, Location loc) {
  if (std::find(person->locations.begin(), person->locations.end(), loc) ==
      person->locations.end()) {
    person->locations.push_back(std::move(loc));
  }
}

void AddLocation(Record* record, Person* person, const Location& loc) {
  if (std::find(person->locations.begin(), person->locations.end(), loc) !=
      person->locations.end()) {
    return;
  }
  record->AddLocation(person) = loc;  // Assignment reuses the spare's strings.
}

bool AddLocationView(const LocationView& loc, size_t first, PersonViews* views) {
  for (size_t i = first; i < views->locations.size(); ++i) {
    const LocationView& v = views->locations[i];
    if (v.has_coords == loc.has_coords && v.lat_e5 == loc.lat_e5 && v.lon_e5 == loc.lon_e5 &&
        v.country == loc.country && v.city == loc.city && v.address == loc.address) {
      return false;
    }
  }
  views->locations.push_back(loc);
  return true;
}

void NameKeyInto(std::string_view name, std::string* out) {
  // The lower-cased words, back to back in `lowered`; their spans sorted.
  thread_local std::string lowered;
  thread_local std::vector<std::pair<uint32_t, uint32_t>> words;  // (offset, length).
  lowered.clear();
  words.clear();
  size_t start = 0;
  auto end_word = [&] {
    if (lowered.size() > start) {
      words.emplace_back(static_cast<uint32_t>(start),
                         static_cast<uint32_t>(lowered.size() - start));
    }
    start = lowered.size();
  };
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
      lowered.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      lowered.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      end_word();
    }
  }
  end_word();
  auto word = [&](const std::pair<uint32_t, uint32_t>& w) {
    return std::string_view(lowered).substr(w.first, w.second);
  };
  // Word order differs between "Last, First" and "First Last": sort words.
  std::sort(words.begin(), words.end(),
            [&](const auto& x, const auto& y) { return word(x) < word(y); });
  out->clear();
  for (const auto& w : words) {
    if (!out->empty()) out->push_back(' ');
    out->append(word(w));
  }
}

std::string NameKey(std::string_view name) {
  std::string key;
  NameKeyInto(name, &key);
  return key;
}

std::string_view FirstLine(std::string_view head) {
  size_t start = 0;
  while (start < head.size()) {
    size_t end = head.find('\n', start);
    std::string_view line =
        head.substr(start, end == std::string_view::npos ? head.size() - start : end - start);
    if (!TrimAscii(line).empty()) return line;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return {};
}

bool HeadHasKey(std::string_view head, std::string_view key, size_t within) {
  head = head.substr(0, within);
  std::string quoted = "\"" + std::string(key) + "\"";
  size_t pos = 0;
  while ((pos = head.find(quoted, pos)) != std::string_view::npos) {
    pos += quoted.size();
    size_t next = head.find_first_not_of(" \t\r\n", pos);
    if (next != std::string_view::npos && head[next] == ':') return true;
  }
  return false;
}

namespace {

// True when `line` holds one complete JSON object or array (brackets
// balanced outside strings).
bool CompleteJsonLine(std::string_view line) {
  int depth = 0;
  bool in_string = false, escaped = false, opened = false;
  for (char c : line) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
      opened = true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return opened && depth <= 0;
}

}  // namespace

Framing JsonFramingFor(std::string_view head) {
  std::string_view line = FirstLine(head);
  const bool cut = line.data() + line.size() == head.data() + head.size() &&
                   (head.empty() || head.back() != '\n');
  if (line.empty() || cut || CompleteJsonLine(line)) return Framing::Lines();
  // Pretty-printed documents (json.dump with indent, jq): only a document's
  // first line starts with '{'; nested lines are indented.
  if (TrimAscii(line) == "{") return Framing::Documents("{");
  return Framing::Documents("");  // One multi-line document per file.
}

}  // namespace stc
