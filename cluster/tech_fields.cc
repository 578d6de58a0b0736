#include "cluster/tech_fields.h"

#include <algorithm>
#include <array>
#include <bit>
#include <unordered_map>

#include "cluster/cluster_map.h"
#include "cluster/embedded_data.h"
#include "core/string_map.h"

namespace stc::cluster {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// A prefix of at most 8 bytes as a number (zero bytes past its end): rows
// are 4 or 8 bytes, and 8-byte rows end in digits, so no two rows collide.
uint64_t Pack(std::string_view prefix) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) {
    v = (v << 8) | (i < prefix.size() ? static_cast<unsigned char>(prefix[i]) : 0u);
  }
  return v;
}

// Subclasses "A00A" to "H99Z": section A-H, two digits, a capital.
constexpr size_t kSubclasses = 8 * 100 * 26;
// The index of a valid subclass (the first 4 bytes of `code`) among them.
size_t SubclassIndex(std::string_view code) {
  return static_cast<size_t>(code[0] - 'A') * 2600 +
         static_cast<size_t>((code[1] - '0') * 10 + (code[2] - '0')) * 26 +
         static_cast<size_t>(code[3] - 'A');
}

struct Tables {
  std::vector<TechField> fields;
  StringMap<int> prefixes;
  // The prefixes again, for TechFieldOfIpc: open addressing over Pack(prefix)
  // at most a quarter full (0 = empty slot; no prefix packs to 0).
  std::vector<std::pair<uint64_t, int>> packed;
  int shift = 64;

  size_t Slot(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift);
  }
  void BuildPacked() {
    size_t n = 8;
    while (n < prefixes.size() * 4) n *= 2;
    packed.assign(n, {0, 0});
    shift = 64 - std::countr_zero(n);
    for (const auto& [prefix, field] : prefixes) {
      const uint64_t key = stc::cluster::Pack(prefix);
      size_t i = Slot(key);
      while (packed[i].first != 0) i = (i + 1) & (n - 1);
      packed[i] = {key, field};
    }
  }
  // Per subclass (SubclassIndex): its own row's field (0 = none), and
  // whether any main-group row starts with it (only then does a code need
  // the 8-byte look-up).
  std::vector<int8_t> subclass_field;
  std::vector<uint8_t> subclass_has_groups;
  void BuildSubclasses() {
    subclass_field.assign(kSubclasses, 0);
    subclass_has_groups.assign(kSubclasses, 0);
    for (const auto& [prefix, field] : prefixes) {
      const size_t i = SubclassIndex(prefix);  // Rows are normalised (ParseTables).
      if (prefix.size() == 4) {
        subclass_field[i] = static_cast<int8_t>(field);
      } else {
        subclass_has_groups[i] = 1;
      }
    }
  }
  int Find(std::string_view prefix) const {
    const uint64_t key = stc::cluster::Pack(prefix);
    for (size_t i = Slot(key);; i = (i + 1) & (packed.size() - 1)) {
      if (packed[i].first == key) return packed[i].second;
      if (packed[i].first == 0) return 0;
    }
  }
};

Result<int> ParseInt(const std::string& s) {
  if (s.empty() || s.size() > 6) return Status::DataError("bad number '" + s + "'");
  int v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return Status::DataError("bad number '" + s + "'");
    v = v * 10 + (c - '0');
  }
  return v;
}

// Parses both kinds of rows; the embedded file is checked by the tests, so a
// failure here is a build defect: the tables are then empty.
Result<Tables> ParseTables(std::string_view text) {
  Tables t;
  std::vector<std::string> f;
  size_t pos = 0, line_no = 0;
  bool header = false;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    auto fail = [&](const std::string& why) {
      return Status::DataError("IPC concordance, line " + std::to_string(line_no) + ": " + why);
    };
    if (!SplitCsvLine(line, &f)) return fail("unterminated quote");
    if (!header) {
      if (f.empty() || f[0] != "kind") return fail("expected the header line 'kind,...'");
      header = true;
      continue;
    }
    if (f[0] == "field") {
      if (f.size() != 4) return fail("a field row has 4 columns");
      auto n = ParseInt(f[1]);
      if (!n.ok()) return fail(n.status().message());
      if (*n != static_cast<int>(t.fields.size()) + 1)
        return fail("fields must be numbered 1, 2, ...");
      t.fields.push_back({*n, f[2], f[3]});
    } else if (f[0] == "ipc") {
      if (f.size() != 3) return fail("an ipc row has 3 columns");
      if (NormaliseIpc(f[1]) != f[1] || f[1].find('/') != std::string::npos) {
        return fail("'" + f[1] + "' is not a normalised subclass or main group");
      }
      auto n = ParseInt(f[2]);
      if (!n.ok()) return fail(n.status().message());
      if (*n < 1 || *n > static_cast<int>(t.fields.size())) {
        return fail("unknown field " + f[2]);
      }
      if (!t.prefixes.emplace(f[1], *n).second) return fail("'" + f[1] + "' repeated");
    } else {
      return fail("unknown row kind '" + f[0] + "'");
    }
  }
  if (!header) return Status::DataError("IPC concordance: empty");
  return t;
}

const Tables& Builtin() {
  static const Tables* tables = [] {
    auto t = ParseTables(EmbeddedIpcTechnology());
    auto* tables = new Tables(t.ok() ? std::move(*t) : Tables{});
    tables->BuildPacked();
    tables->BuildSubclasses();
    return tables;
  }();
  return *tables;
}

constexpr std::array<std::string_view, 27> kAsjc = {
    "Multidisciplinary",
    "Agricultural and Biological Sciences",
    "Arts and Humanities",
    "Biochemistry, Genetics and Molecular Biology",
    "Business, Management and Accounting",
    "Chemical Engineering",
    "Chemistry",
    "Computer Science",
    "Decision Sciences",
    "Earth and Planetary Sciences",
    "Economics, Econometrics and Finance",
    "Energy",
    "Engineering",
    "Environmental Science",
    "Immunology and Microbiology",
    "Materials Science",
    "Mathematics",
    "Medicine",
    "Neuroscience",
    "Nursing",
    "Pharmacology, Toxicology and Pharmaceutics",
    "Physics and Astronomy",
    "Psychology",
    "Social Sciences",
    "Veterinary",
    "Dentistry",
    "Health Professions",
};

}  // namespace

const std::vector<TechField>& TechFields() { return Builtin().fields; }

std::string NormaliseIpc(std::string_view code) {
  size_t i = 0;
  while (i < code.size() && code[i] == ' ') ++i;
  code.remove_prefix(i);
  if (code.size() < 4 || !IsUpper(code[0]) || code[0] > 'H' || !IsDigit(code[1]) ||
      !IsDigit(code[2]) || !IsUpper(code[3])) {
    return "";
  }
  std::string out(code.substr(0, 4));
  size_t p = 4;
  while (p < code.size() && code[p] == ' ') ++p;
  std::string group, sub;
  while (p < code.size() && IsDigit(code[p])) group.push_back(code[p++]);
  if (p < code.size() && code[p] == '/') {
    ++p;
    while (p < code.size() && IsDigit(code[p])) sub.push_back(code[p++]);
    if (sub.empty()) return "";
  } else if (group.size() > 4) {
    // EPO/PATSTAT style "H04W0072040000": four group digits, then the subgroup.
    sub = group.substr(4);
    group.resize(4);
  }
  while (p < code.size() && code[p] == ' ') ++p;
  if (p != code.size()) {
    // Trailing text such as an IPC version "(2006.01)" is ignored.
    if (code[p] != '(') return "";
  }
  if (group.empty()) return sub.empty() ? out : "";
  if (group.size() > 4) return "";
  out.append(4 - group.size(), '0');  // Main group padded to 4 digits: "H04W 72" -> "H04W0072".
  out += group;
  if (!sub.empty()) out += "/" + sub;
  return out;
}

int TechFieldOfIpc(std::string_view code) {
  // NormaliseIpc's checks, without building its string: the look-up needs
  // only the first 8 bytes of the normalised code (the subclass, then the
  // main group padded to 4 digits). Profiles call this for every code.
  size_t i = 0;
  while (i < code.size() && code[i] == ' ') ++i;
  code.remove_prefix(i);
  if (code.size() < 4 || !IsUpper(code[0]) || code[0] > 'H' || !IsDigit(code[1]) ||
      !IsDigit(code[2]) || !IsUpper(code[3])) {
    return 0;
  }
  size_t p = 4;
  while (p < code.size() && code[p] == ' ') ++p;
  const size_t group_at = p;
  while (p < code.size() && IsDigit(code[p])) ++p;
  size_t group_len = p - group_at;
  bool sub = false;
  if (p < code.size() && code[p] == '/') {
    const size_t sub_at = ++p;
    while (p < code.size() && IsDigit(code[p])) ++p;
    if (p == sub_at) return 0;
    sub = true;
  } else if (group_len > 4) {
    group_len = 4;  // EPO/PATSTAT style "H04W0072040000".
    sub = true;
  }
  while (p < code.size() && code[p] == ' ') ++p;
  if (p != code.size() && code[p] != '(') return 0;  // Only "(2006.01)"-like text may trail.
  const Tables& tables = Builtin();
  const size_t subclass = SubclassIndex(code);
  if (group_len == 0) {
    if (sub) return 0;
  } else {
    if (group_len > 4) return 0;
    if (tables.subclass_has_groups[subclass]) {
      char key[8];
      std::copy_n(code.data(), 4, key);
      std::fill_n(key + 4, 4 - group_len, '0');
      std::copy_n(code.data() + group_at, group_len, key + 8 - group_len);
      if (const int f = tables.Find(std::string_view(key, 8)); f != 0) return f;
    }
  }
  return tables.subclass_field[subclass];
}
std::string AsjcArea(std::string_view code) {
  if (code.size() < 2 || code.size() > 4) return "";
  for (char c : code)
    if (!IsDigit(c)) return "";
  int area = (code[0] - '0') * 10 + (code[1] - '0');
  if (area < 10 || area > 36) return "";
  return std::string(code.substr(0, 2));
}

std::string_view AsjcAreaName(std::string_view area) {
  if (area.size() != 2 || !IsDigit(area[0]) || !IsDigit(area[1])) return "";
  int a = (area[0] - '0') * 10 + (area[1] - '0');
  if (a < 10 || a > 36) return "";
  return kAsjc[a - 10];
}

Result<std::vector<ConcordanceRow>> ParseConcordance(std::string_view text) {
  STC_ASSIGN_OR_RETURN(Tables t, ParseTables(text));
  std::vector<ConcordanceRow> rows;
  for (const auto& [prefix, field] : t.prefixes) rows.push_back({prefix, field});
  std::sort(rows.begin(), rows.end(),
            [](const ConcordanceRow& a, const ConcordanceRow& b) { return a.prefix < b.prefix; });
  return rows;
}

}  // namespace stc::cluster
