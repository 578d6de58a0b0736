// Reading place names out of a tokenized city field or address (internal to
// geo/, used by Geocoder). See docs/geocoding.md, "Free-text addresses".
// Every TokenizedText passed here must have its token hashes
// (TokenizedText::HashTokens).
//
// Only the last kMaxTokens tokens of a text are read (place names sit near
// the end of addresses). Candidates come from hash look-ups of tokens and of
// the n-grams that the index marks as prefixes of longer names: the
// gazetteer is never scanned.
#ifndef STCLUSTER_GEO_ADDRESS_MATCHER_H_
#define STCLUSTER_GEO_ADDRESS_MATCHER_H_

#include <cstdint>
#include <string_view>

#include "geo/gazetteer.h"
#include "geo/geocoder.h"
#include "geo/normalize.h"

namespace stc::geo {

inline constexpr uint32_t kMaxTokens = 64;

// What is known about a tokenized text besides its place names.
struct AddressContext {
  uint32_t country_from = 0;  // Tokens from here on name the country.
  uint64_t state_mask = 0;    // Bit i: token i names a region (state, province).
};

// Looks for a country name ending `t` ("..., Korea, Republic of", "... P.R.
// China"); returns its ISO-2 or "". Sets ctx->country_from (t.tokens.size()
// when there is none, or when the country name is the whole text). With
// `need_code` false, a one-word text is not looked at (it is a place name).
std::string_view DetectTrailingCountry(const Gazetteer& g, const TokenizedText& t, bool need_code,
                                       AddressContext* ctx);

// Looks for first-level regions of country `cc` in `t` (geo_words.h): US
// states (", CA 94043", ", California"), provinces (", Ontario", "QC",
// ", Jiangsu 215006"), prefectures; abbreviations count only in capitals or
// before a postcode, names only as a whole part of the text. Also "Co. X"
// (an Irish or British county). Marks them in ctx->state_mask; returns the
// admin1 code of the last one found ("" when none or not mapped).
std::string_view FindRegion(std::string_view cc, const TokenizedText& t, AddressContext* ctx);

struct Match {
  const Place* place = nullptr;
  MatchQuality quality = MatchQuality::kUnresolved;
  uint32_t begin = 0, end = 0;  // Token span of the matched name.
  bool trimmed = false;         // Markers were removed from the name.
  // Set by MatchWhole: the name had a single candidate place in the
  // country, so the preferred region could not have changed the match.
  bool sole_candidate = false;
};

class AddressMatcher {
 public:
  // `cc`: ISO-2 to restrict to, or "" for all countries. `admin1`: prefer
  // places with this admin1 code ("" = no preference). Both must outlive this.
  AddressMatcher(const Gazetteer& g, std::string_view cc, std::string_view admin1)
      : g_(g), cc_(cc), admin1_(admin1) {}

  // The whole text (one part, with postcodes, state and markers removed) as
  // a place name. Quality kExact (for name/asciiname matches), kAlternate.
  bool MatchWhole(const TokenizedText& t, const AddressContext& ctx, Match* m) const;
  // The best place name inside the text. Quality kAddressToken.
  bool MatchText(const TokenizedText& t, const AddressContext& ctx, Match* m) const;

 private:
  // The best of `k`'s places in the country; `*candidates` (when given)
  // gets how many places it weighed.
  const Place* BestPlace(const format::KeyRecord* k, uint32_t* kind, double* score,
                         size_t* candidates = nullptr) const;

  const Gazetteer& g_;
  std::string_view cc_;
  std::string_view admin1_;
};

}  // namespace stc::geo

#endif  // STCLUSTER_GEO_ADDRESS_MATCHER_H_
