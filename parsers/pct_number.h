// Normalisation of PCT international application numbers, the dedup key of
// PCT records: "pct/us99/12345" -> "PCT/US1999/012345",
// " PCT/CN2021/123456 " -> "PCT/CN2021/123456". Two-digit years 78..99 are
// 19xx, 00..77 are 20xx; serials are zero-padded to six digits. Text that does
// not have the PCT/CC<year>/<serial> shape is returned trimmed, upper-cased
// and without spaces.
#ifndef STCLUSTER_PARSERS_PCT_NUMBER_H_
#define STCLUSTER_PARSERS_PCT_NUMBER_H_

#include <string>
#include <string_view>

namespace stc {

std::string NormalisePctNumber(std::string_view text);
// Same, into *out (reusing its capacity; no other allocation).
void NormalisePctNumber(std::string_view text, std::string* out);

// The international application number of a PATENTSCOPE
// application-reference, whose doc-number comes in several spellings:
// "PCT/US99/12345", "PCTUS9912345", "US1999012345", "US2021/123456", or
// "2021/123456" with the receiving office in `country`. All give the
// NormalisePctNumber form ("PCT/US1999/012345"); anything else is returned
// as NormalisePctNumber would.
std::string NormalisePctApplication(std::string_view country, std::string_view doc_number);

}  // namespace stc

#endif  // STCLUSTER_PARSERS_PCT_NUMBER_H_
