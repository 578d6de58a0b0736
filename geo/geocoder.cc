#include "geo/geocoder.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "core/hash.h"
#include "geo/address_matcher.h"
#include "geo/geo_words.h"

namespace stc::geo {

std::string_view MatchQualityName(MatchQuality q) {
  switch (q) {
    case MatchQuality::kExact:
      return "exact";
    case MatchQuality::kAlternate:
      return "alternate";
    case MatchQuality::kFuzzy:
      return "fuzzy";
    case MatchQuality::kAddressToken:
      return "address_token";
    case MatchQuality::kCountryCentroid:
      return "country_centroid";
    case MatchQuality::kUnresolved:
      return "unresolved";
  }
  return "unresolved";
}

Geocoder::Geocoder(const Gazetteer& gazetteer, GeocoderOptions options)
    : gaz_(gazetteer),
      options_(options),
      cache_(options.cache_entries),
      city_memo_(options.cache_entries) {}

GeoResult Geocoder::Geocode(const GeoQuery& q) {
  if (options_.cache_entries == 0) return Search(q, /*memo=*/false);
  if (bypass_left_ > 0) {
    --bypass_left_;
    ++bypassed_;
    return Search(q, /*memo=*/true);
  }
  cache_key_.clear();
  for (std::string_view part : {q.country, q.city, q.address, q.postcode, q.state}) {
    cache_key_.append(part);
    cache_key_.push_back('\x1f');
  }
  const uint64_t h = Hash64(cache_key_);
  if (const GeoResult* r = cache_.Find(cache_key_, h)) {
    ++hits_;
    ++period_hits_;
    return *r;
  }
  ++misses_;
  GeoResult r = Search(q, /*memo=*/true);
  cache_.Insert(cache_key_, h, r);
  if (++period_misses_ == kJudgeMisses) {
    if (period_hits_ * kMinHitsPer < period_misses_) {
      bypass_left_ = bypass_span_;
      bypass_span_ = std::min(2 * bypass_span_, kMaxBypassSpan);
    } else {
      bypass_span_ = kJudgeMisses;
    }
    period_hits_ = period_misses_ = 0;
  }
  return r;
}

GeoResult Geocoder::Search(const GeoQuery& q, bool memo) {
  GeoResult out;
  std::string_view cc;
  if (!q.country.empty()) {
    cc = gaz_.CountryCode(q.country);
    // An unknown country: a place found elsewhere would be a guess.
    if (cc.empty()) return out;
  }
  // A city matched before whose match could not depend on the rest of the
  // query (the address, its postcode: see where free_key_ is inserted):
  // answered from the city memo without reading the address. Its key
  // starts with a byte no key of the region-dependent entries starts with.
  const bool region_free = memo && !q.city.empty() && q.state.empty() && cc.size() == 2;
  uint64_t free_hash = 0;
  if (region_free) {
    free_key_.assign(1, '\xff').append(cc).append(q.city);
    free_hash = Hash64(free_key_);
    if (const CityMatch* f = city_memo_.Find(free_key_, free_hash)) {
      ++address_skipped_;
      return f->result;
    }
  }
  Tokenize(q.city, &city_);
  city_.HashTokens();
  if (q.postcode.empty()) {
    Tokenize(q.address, &address_);
  } else {
    key_.assign(q.address);
    key_.append(" ").append(q.postcode);
    Tokenize(key_, &address_);
  }
  address_.HashTokens();
  // A trailing country name is context, not a place: remember where it starts.
  AddressContext city_ctx, addr_ctx;
  std::string_view found = DetectTrailingCountry(gaz_, city_, cc.empty(), &city_ctx);
  if (cc.empty()) cc = found;
  found = DetectTrailingCountry(gaz_, address_, cc.empty(), &addr_ctx);
  if (cc.empty()) cc = found;
  if (cc.size() == 2) std::memcpy(out.country, cc.data(), 2);

  std::string admin1;
  if (!q.state.empty()) {
    Region r = RegionOf(cc, NormalizeKey(q.state));
    admin1 = r.found ? r.admin1 : q.state.size() <= 8 ? q.state : std::string_view();
  }
  std::string_view city_region;  // A region named in the city field itself.
  if (cc.size() == 2) {
    city_region = FindRegion(cc, city_, &city_ctx);
    std::string_view b = FindRegion(cc, address_, &addr_ctx);
    if (admin1.empty()) admin1 = !city_region.empty() ? city_region : b;
  }

  AddressMatcher matcher(gaz_, cc, admin1);
  Match m;
  // The city field (steps 1 and 2): what it gives depends on the country
  // (given or found), the preferred region and the city text, nothing else
  // (DetectTrailingCountry's need_code changes only the code it returns).
  const CityMatch* known = nullptr;
  uint64_t city_hash = 0;
  const bool use_memo = memo && !q.city.empty() && admin1.size() < 256;
  if (use_memo) {
    // Length-prefixed parts: no text can pass for another part.
    city_key_.assign(1, static_cast<char>(cc.size())).append(cc);
    city_key_.push_back(static_cast<char>(admin1.size()));
    city_key_.append(admin1).append(q.city);
    city_hash = Hash64(city_key_);
    known = city_memo_.Find(city_key_, city_hash);
  }
  if (known != nullptr) {
    if (known->matched) return known->result;
  } else {
    CityMatch city;
    if (matcher.MatchWhole(city_, city_ctx, &m) || matcher.MatchText(city_, city_ctx, &m)) {
      city.matched = true;
      city.result = out;
      Finish(m.place, m.quality, &city.result);
      if (m.quality == MatchQuality::kExact) {
        // Exact only when the spelling is the place's own up to case and
        // punctuation; ASCII folding makes it fuzzy.
        Tokenize(q.city, &light_, /*fold=*/false);
        std::string_view light = light_.tokens.size() == city_.tokens.size()
                                     ? light_.Span(m.begin, m.end)
                                     : std::string_view(light_.text);
        if (!LightEquals(light, m.place->name()) && !LightEquals(light, m.place->ascii_name())) {
          city.result.quality = MatchQuality::kFuzzy;
        }
      }
    }
    if (use_memo) city_memo_.Insert(city_key_, city_hash, city);
    // The rest of the query reaches the city's match only through the
    // preferred region (the country is given). That region is the one the
    // city field names when it names one; otherwise the address's, which
    // changes nothing when the whole city field had a single candidate.
    if (region_free && city.matched && (!city_region.empty() || m.sole_candidate)) {
      city_memo_.Insert(free_key_, free_hash, city);
    }
    if (city.matched) return city.result;
  }
  if (matcher.MatchText(address_, addr_ctx, &m)) {
    Finish(m.place, m.quality, &out);
    return out;
  }
  // Retry with a trailing country name read as a place (Singapore, Luxembourg).
  if ((city_ctx.country_from < city_.tokens.size() ||
       addr_ctx.country_from < address_.tokens.size())) {
    city_ctx.country_from = static_cast<uint32_t>(city_.tokens.size());
    addr_ctx.country_from = static_cast<uint32_t>(address_.tokens.size());
    if (matcher.MatchText(city_, city_ctx, &m) || matcher.MatchText(address_, addr_ctx, &m)) {
      Finish(m.place, MatchQuality::kAddressToken, &out);
      return out;
    }
  }
  if (cc.size() == 2) {
    CountryInfo info = gaz_.Country(cc);
    if (info.capital != nullptr) {
      Finish(info.capital, MatchQuality::kCountryCentroid, &out);
      return out;
    }
  }
  return out;
}

bool Geocoder::LightEquals(std::string_view light, std::string_view name) {
  Tokenize(name, &name_light_, /*fold=*/false);
  return light == name_light_.text;
}

void Geocoder::Finish(const Place* p, MatchQuality q, GeoResult* out) const {
  out->quality = q;
  out->place = p;
  out->lat_e5 = p->lat_e5();
  out->lon_e5 = p->lon_e5();
  if (out->country[0] == 0) std::memcpy(out->country, p->country().data(), 2);
}

}  // namespace stc::geo
