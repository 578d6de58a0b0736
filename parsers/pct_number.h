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

}  // namespace stc

#endif  // STCLUSTER_PARSERS_PCT_NUMBER_H_
