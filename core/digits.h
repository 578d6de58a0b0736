// Decimal digits two at a time, for the number formatting of the exports
// (core/units.cc, core/grid.cc): kDigitPairs + 2 * n holds the two digits of
// n, for n in [0, 100).
#ifndef STCLUSTER_CORE_DIGITS_H_
#define STCLUSTER_CORE_DIGITS_H_

#include <cstdint>

namespace stc {

inline constexpr char kDigitPairs[201] =
    "00010203040506070809101112131415161718192021222324"
    "25262728293031323334353637383940414243444546474849"
    "50515253545556575859606162636465666768697071727374"
    "75767778798081828384858687888990919293949596979899";

// The eight decimal digits of `v` (< 10^8, zero-padded on the left) as the
// bytes of a little-endian uint64, most significant digit first in memory,
// each byte the digit's value (0-9; | 0x3030303030303030 makes it text).
// Four lanes of two digits, then eight of one, all in one register: the
// divisions by 100 and 10 are multiply-shifts exact in their ranges
// (x * 10486 >> 20 == x / 100 for x < 10^4; x * 103 >> 10 == x / 10 for
// x < 100), each lane's product staying inside its lane.
inline uint64_t EightDigits(uint32_t v) {
  const uint64_t halves = (v / 10000) | (uint64_t{v % 10000} << 32);
  const uint64_t hundreds = ((halves * 10486) >> 20) & 0x0000007F0000007FULL;
  const uint64_t pairs = hundreds | ((halves - hundreds * 100) << 16);
  const uint64_t tens = ((pairs * 103) >> 10) & 0x000F000F000F000FULL;
  return tens | ((pairs - tens * 10) << 8);
}

}  // namespace stc

#endif  // STCLUSTER_CORE_DIGITS_H_
