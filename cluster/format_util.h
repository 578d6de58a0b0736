// Text helpers shared by the cluster module's output formats (rankings,
// profiles, exports). Internal to cluster/; pure functions.
#ifndef STCLUSTER_CLUSTER_FORMAT_UTIL_H_
#define STCLUSTER_CLUSTER_FORMAT_UTIL_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/units.h"

namespace stc::cluster {

// Whole records, rounded half up, with thousands separators: "127,418".
inline std::string RoundedCount(Units u) {
  Units whole = (u + kUnit / 2) / kUnit;
  std::string digits = std::to_string(whole), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// "%.*f".
inline std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Code points of UTF-8 text (for column alignment).
inline size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Markdown table rows: rows[0] is the header, followed by the separator row
// (columns 1 and 2 left-aligned, the others right-aligned); '|' in cells is
// escaped. Each row ends with a newline.
inline std::string MarkdownRows(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (size_t k = 0; k < rows.size(); ++k) {
    std::string line = "|";
    for (const std::string& cell : rows[k]) {
      std::string esc;
      for (char c : cell) {
        if (c == '|') esc.push_back('\\');
        esc.push_back(c);
      }
      line += " " + esc + " |";
    }
    out += line + "\n";
    if (k == 0) {
      line = "|";
      for (size_t i = 0; i < rows[0].size(); ++i) line += (i == 1 || i == 2) ? "---|" : "---:|";
      out += line + "\n";
    }
  }
  return out;
}

// A JSON string literal (quotes, backslashes and control characters escaped).
inline std::string JsonString(std::string_view v) {
  std::string out = "\"";
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

// "%016llx" of a fingerprint.
inline std::string Hex16(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Left/right-aligned text columns separated by two spaces; `left[i]` says
// whether column i is left-aligned. Trailing spaces trimmed.
std::string AlignColumns(const std::vector<std::vector<std::string>>& rows,
                         const std::vector<bool>& left);

}  // namespace stc::cluster

#endif  // STCLUSTER_CLUSTER_FORMAT_UTIL_H_
