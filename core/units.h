// Exact fixed-point counting units.
//
// A record is worth exactly kUnit (10^9) units. Splitting a quantity among n
// parties is done with SplitEqually, which gives every party floor(q/n) and
// hands the remainder out one unit each to the first parties in their given
// order. Shares therefore sum exactly to the quantity, the result depends only
// on the record itself (never on threads or file order), and sums of units are
// plain int64 additions: associative, commutative, exact.
//
// 10^9 units per record keeps nine exact decimal places and leaves room for
// 9.2 * 10^9 records in one int64 sum.
#ifndef STCLUSTER_CORE_UNITS_H_
#define STCLUSTER_CORE_UNITS_H_

#include <cstdint>
#include <string>

namespace stc {

using Units = int64_t;
inline constexpr Units kUnit = 1'000'000'000;
inline constexpr int kUnitDecimals = 9;

// Share number `index` (0-based) of `total` split equally among `n` parties.
// Precondition: n > 0, 0 <= index < n, total >= 0.
inline Units ShareOf(Units total, uint32_t n, uint32_t index) {
  Units base = total / n;
  Units rem = total % n;
  return base + (static_cast<Units>(index) < rem ? 1 : 0);
}

// Formats `u` as an exact decimal number of records: 1500000000 -> "1.5",
// 333333334 -> "0.333333334", -2 -> "-0.000000002", 0 -> "0".
std::string FormatUnits(Units u);
// The same, appended to *out (no temporary strings).
void AppendUnits(Units u, std::string* out);
// The same text written at `out`, which has room for kMaxUnitsChars; returns
// its end. For loops that format many values into one buffer.
inline constexpr size_t kMaxUnitsChars = 21;  // "-9223372036.854775808"
char* WriteUnits(Units u, char* out);

// Parses the output of FormatUnits (at most nine decimals). Returns false on
// malformed text.
bool ParseUnits(const std::string& text, Units* out);

}  // namespace stc

#endif  // STCLUSTER_CORE_UNITS_H_
