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
    : gaz_(gazetteer), options_(options) {}

GeoResult Geocoder::Geocode(const GeoQuery& q) {
  if (options_.cache_entries == 0) return GeocodeUncached(q);
  cache_key_.clear();
  for (std::string_view part : {q.country, q.city, q.address, q.postcode, q.state}) {
    cache_key_.append(part);
    cache_key_.push_back('\x1f');
  }
  if (cache_.empty()) cache_.assign(kFirstCacheSlots, 0);
  size_t mask = cache_.size() - 1;
  const uint64_t h = Hash64(cache_key_);
  const uint64_t tag = h & 0xFFFFFFFF00000000ull;
  size_t b = h & mask;
  for (;; b = (b + 1) & mask) {
    const uint64_t v = cache_[b];
    if (v == 0) break;
    if ((v & 0xFFFFFFFF00000000ull) != tag) continue;
    const CacheEntry& e = cache_entries_[(v & 0xFFFFFFFFu) - 1];
    if (e.key_length == cache_key_.size() &&
        std::memcmp(cache_arena_.data() + e.key_offset, cache_key_.data(), e.key_length) == 0) {
      ++hits_;
      return e.result;
    }
  }
  ++misses_;
  GeoResult r = GeocodeUncached(q);
  if (cache_entries_.size() >= std::min<size_t>(options_.cache_entries, 0xFFFFFFFFu) ||
      cache_arena_.size() + cache_key_.size() > ~0u) {
    // Full: emptied, back to the first size (the next queries may be few).
    cache_.assign(kFirstCacheSlots, 0);
    cache_entries_.clear();
    cache_arena_.clear();
  } else if (2 * (cache_entries_.size() + 1) > cache_.size()) {
    // At most half full: twice as many slots, the entries placed again
    // (their keys hashed again: rare, and the entries stay small).
    cache_.assign(2 * cache_.size(), 0);
    const size_t m = cache_.size() - 1;
    for (size_t i = 0; i < cache_entries_.size(); ++i) {
      const CacheEntry& e = cache_entries_[i];
      const uint64_t eh = Hash64(std::string_view(cache_arena_).substr(e.key_offset, e.key_length));
      size_t s = eh & m;
      while (cache_[s] != 0) s = (s + 1) & m;
      cache_[s] = (eh & 0xFFFFFFFF00000000ull) | (i + 1);
    }
  }
  mask = cache_.size() - 1;
  b = h & mask;
  while (cache_[b] != 0) b = (b + 1) & mask;
  CacheEntry& e = cache_entries_.emplace_back();
  e.key_offset = static_cast<uint32_t>(cache_arena_.size());
  e.key_length = static_cast<uint32_t>(cache_key_.size());
  e.result = r;
  cache_arena_.append(cache_key_);
  cache_[b] = tag | cache_entries_.size();
  return r;
}

GeoResult Geocoder::GeocodeUncached(const GeoQuery& q) {
  GeoResult out;
  std::string_view cc;
  if (!q.country.empty()) {
    cc = gaz_.CountryCode(q.country);
    // An unknown country: a place found elsewhere would be a guess.
    if (cc.empty()) return out;
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
  if (cc.size() == 2) {
    std::string_view a = FindRegion(cc, city_, &city_ctx);
    std::string_view b = FindRegion(cc, address_, &addr_ctx);
    if (admin1.empty()) admin1 = !a.empty() ? a : b;
  }

  AddressMatcher matcher(gaz_, cc, admin1);
  Match m;
  if (matcher.MatchWhole(city_, city_ctx, &m) || matcher.MatchText(city_, city_ctx, &m) ||
      matcher.MatchText(address_, addr_ctx, &m)) {
    Finish(m.place, m.quality, &out);
    if (m.quality == MatchQuality::kExact) {
      // Exact only when the spelling is the place's own up to case and
      // punctuation; ASCII folding makes it fuzzy.
      Tokenize(q.city, &light_, /*fold=*/false);
      std::string_view light = light_.tokens.size() == city_.tokens.size()
                                   ? light_.Span(m.begin, m.end)
                                   : std::string_view(light_.text);
      if (!LightEquals(light, m.place->name()) && !LightEquals(light, m.place->ascii_name())) {
        out.quality = MatchQuality::kFuzzy;
      }
    }
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
