// CSV cells for every CSV file stcluster writes (exports, rankings, cluster
// maps): RFC 4180 quoting, and neutralised formulas.
//
// A spreadsheet evaluates a cell starting with '=', '+', '-' or '@' as a
// formula ("CSV injection"); names and organisations come from records, so a
// text cell starting with one of these (or with the escape mark itself) is
// written with a leading apostrophe, which spreadsheets show but do not
// evaluate: "=HYPERLINK(...)" -> "'=HYPERLINK(...)". The mapping is
// reversible (CsvUnneutralise) so that files this tool reads back (cluster
// maps, previous rankings) keep the exact names. Numeric cells are written
// as they are (a negative number is not text).
//
// Header-only, pure functions.
#ifndef STCLUSTER_CORE_CSV_H_
#define STCLUSTER_CORE_CSV_H_

#include <string>
#include <string_view>

namespace stc {

// True when `v` would be neutralised.
inline bool CsvNeedsNeutralising(std::string_view v) {
  if (v.empty()) return false;
  char c = v[0];
  return c == '=' || c == '+' || c == '-' || c == '@' || (c == '\'' && v.size() > 1);
}

// Quotes `v` when it holds a comma, quote, CR or LF (RFC 4180).
inline std::string CsvQuote(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// A text cell: neutralised, then quoted.
inline std::string CsvText(std::string_view v);

// CsvText(v) appended to *out (the common plain cell without a copy).
inline void AppendCsvText(std::string_view v, std::string* out) {
  if (!CsvNeedsNeutralising(v) && v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(v);
  } else {
    out->append(CsvText(v));
  }
}

inline std::string CsvText(std::string_view v) {
  if (!CsvNeedsNeutralising(v)) return CsvQuote(v);
  std::string s = "'";
  s.append(v);
  return CsvQuote(s);
}

// The inverse of CsvText's neutralisation on an unquoted field value.
inline std::string CsvUnneutralise(std::string_view v) {
  if (v.size() >= 2 && v[0] == '\'' && CsvNeedsNeutralising(v.substr(1))) {
    return std::string(v.substr(1));
  }
  return std::string(v);
}

}  // namespace stc

#endif  // STCLUSTER_CORE_CSV_H_
