// Decimal digits two at a time, for the number formatting of the exports
// (core/units.cc, core/grid.cc): kDigitPairs + 2 * n holds the two digits of
// n, for n in [0, 100).
#ifndef STCLUSTER_CORE_DIGITS_H_
#define STCLUSTER_CORE_DIGITS_H_

namespace stc {

inline constexpr char kDigitPairs[201] =
    "00010203040506070809101112131415161718192021222324"
    "25262728293031323334353637383940414243444546474849"
    "50515253545556575859606162636465666768697071727374"
    "75767778798081828384858687888990919293949596979899";

}  // namespace stc

#endif  // STCLUSTER_CORE_DIGITS_H_
