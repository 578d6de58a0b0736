// One CSV line (RFC 4180 quoting: fields in double quotes may hold the
// separator and "" for a quote; no line breaks inside fields, since CSV
// inputs are framed one line per unit). Stateless; thread-safe.
#ifndef STCLUSTER_PARSERS_CSV_UTIL_H_
#define STCLUSTER_PARSERS_CSV_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

namespace stc {

// Splits `line` (without its '\n'; a trailing '\r' is dropped) into *fields
// (cleared first). Unquoted fields are kept as given; quoted ones unquoted.
// Returns false when a quoted field is not closed or garbage follows its
// closing quote.
bool SplitCsvLine(std::string_view line, char separator, std::vector<std::string>* fields);

}  // namespace stc

#endif  // STCLUSTER_PARSERS_CSV_UTIL_H_
