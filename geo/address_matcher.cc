#include "geo/address_matcher.h"

#include <algorithm>
#include <array>
#include <bit>

#include "geo/geo_words.h"

namespace stc::geo {
namespace {

bool IsDigits(const Token& t) { return t.flags & kTokenAllDigits; }
bool HasDigit(const Token& t) { return t.flags & kTokenHasDigit; }
bool IsPostcodeLike(const TokenizedText& t, size_t i) {
  return HasDigit(t.tokens[i]) && t.tokens[i].end - t.tokens[i].begin >= 3;
}
bool IsMarker(WordRole r) {
  return r == WordRole::kCityMarker || r == WordRole::kWardMarker ||
         r == WordRole::kProvinceMarker || r == WordRole::kNoise;
}
// Country names hold no digits: spans with a digit need no look-up.
bool AnyDigit(const TokenizedText& t, size_t a, size_t b) {
  for (size_t i = a; i <= b; ++i) {
    if (HasDigit(t.tokens[i])) return true;
  }
  return false;
}
bool InState(const AddressContext& ctx, size_t i) { return i < 64 && (ctx.state_mask >> i) & 1; }
bool same_segment(const TokenizedText& t, size_t a, size_t b) {
  return t.tokens[a].segment == t.tokens[b].segment;
}

bool IsDirection(std::string_view w) {
  return w == "west" || w == "east" || w == "north" || w == "south" || w == "middle" || w == "xi" ||
         w == "dong" || w == "bei" || w == "nan" || w == "zhong" || w == "w" || w == "e" ||
         w == "n" || w == "s" || w == "nw" || w == "ne" || w == "sw" || w == "se";
}

}  // namespace

std::string_view DetectTrailingCountry(const Gazetteer& g, const TokenizedText& t, bool need_code,
                                       AddressContext* ctx) {
  const auto n = static_cast<uint32_t>(t.tokens.size());
  ctx->country_from = n;
  if (n == 0) return {};
  uint32_t last = n - 1;
  while (last > 0 && HasDigit(t.tokens[last])) --last;
  if (HasDigit(t.tokens[last])) return {};
  if (last == 0 && !need_code) return {};  // One word: a place name, whatever it is.
  uint32_t first = last;
  while (first > 0 && t.tokens[first - 1].segment == t.tokens[last].segment) --first;
  std::string_view whole = t.Span(first, last);
  if (whole.size() >= 3 && !AnyDigit(t, first, last)) {
    std::string_view cc = g.CountryCodeOfKey(whole);
    if (!cc.empty()) {
      if (first > 0) ctx->country_from = first;
      return cc;
    }
  }
  // "..., Korea, Republic of": the last two parts together.
  if (first > 0) {
    uint32_t prev = first - 1;
    while (prev > 0 && t.tokens[prev - 1].segment == t.tokens[first - 1].segment) --prev;
    if (last - prev < 6 && !AnyDigit(t, prev, last)) {
      std::string_view cc = g.CountryCodeOfKey(t.Span(prev, last));
      if (!cc.empty()) {
        if (prev > 0) ctx->country_from = prev;
        return cc;
      }
    }
  }
  // "... Shenzhen 518000 China": the last one to three words.
  for (uint32_t k = std::min<uint32_t>(3, last - first); k >= 1; --k) {
    uint32_t b = last + 1 - k;
    std::string_view span = t.Span(b, last);
    if (span.size() < 3 || AnyDigit(t, b, last)) continue;
    std::string_view cc = g.CountryCodeOfKey(span);
    if (!cc.empty()) {
      ctx->country_from = b;
      return cc;
    }
  }
  return {};
}

std::string_view FindRegion(std::string_view cc, const TokenizedText& t, AddressContext* ctx) {
  std::string_view found;
  const size_t n = std::min<size_t>(t.tokens.size(), 64);
  auto edge_before = [&](size_t i) {
    if (i == 0 || t.tokens[i - 1].segment != t.tokens[i].segment || IsDigits(t.tokens[i - 1])) {
      return true;
    }
    std::string_view prev = t.Tok(i - 1);
    return prev == "co" || prev == "county";
  };
  auto edge_after = [&](size_t j) {
    if (j + 1 >= t.tokens.size() || t.tokens[j + 1].segment != t.tokens[j].segment ||
        IsPostcodeLike(t, j + 1)) {
      return true;
    }
    WordRole r = RoleOf(t.Tok(j + 1), t.hashes[j + 1]);
    return r == WordRole::kProvinceMarker;
  };
  auto mark = [&](size_t i, size_t j) {
    for (size_t k = i; k <= j; ++k) ctx->state_mask |= uint64_t{1} << k;
  };
  const bool has_regions = HasRegions(cc);
  for (size_t i = 0; i < n; ++i) {
    // "Co. Kildare": a county, whatever its name.
    std::string_view tok = t.Tok(i);
    if ((tok == "co" || tok == "county") && i + 1 < n && same_segment(t, i, i + 1) &&
        !HasDigit(t.tokens[i + 1]) && (i == 0 || !same_segment(t, i - 1, i))) {
      size_t j = i + 1;
      while (j + 1 < n && same_segment(t, j, j + 1) && !HasDigit(t.tokens[j + 1])) ++j;
      mark(i, j);
      i = j;
      continue;
    }
    if (!has_regions || HasDigit(t.tokens[i]) || !StartsRegionName(tok, t.hashes[i])) continue;
    for (size_t len = 3; len >= 1; --len) {
      size_t j = i + len - 1;
      if (j >= n || !same_segment(t, i, j)) continue;
      Region r = RegionOf(cc, t.Span(i, j));
      if (!r.found) continue;
      bool ok;
      if (r.abbreviation) {
        ok = len == 1 ? ((t.tokens[i].flags & kTokenUpperInSource) ||
                         (j + 1 < t.tokens.size() && IsPostcodeLike(t, j + 1)))
                      : edge_before(i) && edge_after(j);
      } else {
        ok = edge_before(i) && edge_after(j);
      }
      if (!ok) continue;
      mark(i, j);
      found = r.admin1;
      i = j;
      break;
    }
  }
  return found;
}

const Place* AddressMatcher::BestPlace(const format::KeyRecord* k, uint32_t* kind, double* score,
                                       size_t* candidates) const {
  std::span<const format::Posting> ps = g_.Postings(k, cc_);
  size_t limit = cc_.empty() ? 400 : 24;
  if (candidates != nullptr) *candidates = std::min(ps.size(), limit);
  for (size_t i = 0; i < ps.size() && i < 8; ++i) {
    Gazetteer::Prefetch(&g_.place(Gazetteer::PlaceOf(ps[i])));
  }
  const Place* best = nullptr;
  double best_score = 0;
  for (size_t i = 0; i < ps.size() && i < limit; ++i) {
    const Place& p = g_.place(Gazetteer::PlaceOf(ps[i]));
    uint32_t kd = Gazetteer::KindOf(ps[i]);
    double s = 0.09 * std::bit_width(p.population());
    // Postings come by decreasing population: once the bonuses (at most
    // 0.65) cannot close the gap, no later place wins.
    if (best != nullptr && s + 0.65 < best_score) break;
    if (kd == format::kKindAlternate) s -= 0.15;
    switch (p.feature()) {
      case Feature::kCapital:
        s += 0.3;
        break;
      case Feature::kAdmin1Seat:
        s += 0.2;
        break;
      case Feature::kAdmin2Seat:
        s += 0.1;
        break;
      case Feature::kSection:
        s -= 0.2;
        break;
      default:
        break;
    }
    if (!admin1_.empty() && p.admin1() != admin1_) s -= 50;
    if (best == nullptr || s > best_score) {
      best = &p;
      best_score = s;
      *kind = kd;
    }
  }
  *score = best_score;
  return best;
}

bool AddressMatcher::MatchWhole(const TokenizedText& t, const AddressContext& ctx, Match* m) const {
  const uint32_t n = std::min<uint32_t>(ctx.country_from, t.tokens.size());
  if (n == 0 || n > kMaxTokens) return false;
  bool all_region = true;
  for (uint32_t i = 0; i < n; ++i) all_region &= HasDigit(t.tokens[i]) || InState(ctx, i);
  auto skip = [&](uint32_t i) { return HasDigit(t.tokens[i]) || (!all_region && InState(ctx, i)); };
  uint32_t b = 0, e = n - 1;
  while (b < n && skip(b)) ++b;
  while (e > b && skip(e)) --e;
  if (b >= n || skip(b)) return false;
  if (t.tokens[b].segment != t.tokens[e].segment) return false;
  for (uint32_t i = b; i <= e; ++i) {  // Another part with content: not a plain name.
    if (t.tokens[i].segment != t.tokens[b].segment) return false;
  }
  for (uint32_t i = e + 1; i < n; ++i) {
    if (!skip(i) && t.tokens[i].segment != t.tokens[e].segment) return false;
  }
  // Variants: as written; trailing markers removed ("Kawasaki-shi", "Paris
  // Cedex 16"); leading "City of" removed.
  for (int variant = 0; variant < 3; ++variant) {
    uint32_t vb = b, ve = e;
    if (variant >= 1) {
      while (ve > vb && (IsMarker(RoleOf(t.Tok(ve), t.hashes[ve])) || skip(ve))) --ve;
      if (variant == 1 && ve == e) continue;
    }
    if (variant == 2) {
      if (ve < vb + 2 || t.Tok(vb) != "city" || t.Tok(vb + 1) != "of") continue;
      vb += 2;
    }
    const format::KeyRecord* k = g_.FindKey(t.Span(vb, ve));
    if (k == nullptr || k->postings_count == 0) continue;
    uint32_t kind = 0;
    double score = 0;
    size_t candidates = 0;
    const Place* p = BestPlace(k, &kind, &score, &candidates);
    if (p == nullptr) continue;
    m->place = p;
    m->begin = vb;
    m->end = ve;
    m->trimmed = variant > 0;
    m->sole_candidate = candidates == 1;
    m->quality = kind == format::kKindAlternate ? MatchQuality::kAlternate
                 : variant > 0                  ? MatchQuality::kFuzzy
                                                : MatchQuality::kExact;
    return true;
  }
  return false;
}

bool AddressMatcher::MatchText(const TokenizedText& t, const AddressContext& ctx, Match* m) const {
  const uint32_t n = std::min<uint32_t>(ctx.country_from, t.tokens.size());
  if (n == 0) return false;
  const uint32_t s0 = n > kMaxTokens ? n - kMaxTokens : 0;
  std::array<WordRole, kMaxTokens> roles;
  std::array<bool, kMaxTokens> content;
  std::array<uint16_t, kMaxTokens + 1> later_segments;  // Content parts after token i's part.
  for (uint32_t i = s0; i < n; ++i) {
    const Token& tk = t.tokens[i];
    roles[i - s0] = RoleOf(t.Tok(i), t.hashes[i]);
    content[i - s0] =
        !HasDigit(tk) && !IsMarker(roles[i - s0]) && !InState(ctx, i) && tk.end - tk.begin >= 2;
  }
  {
    uint16_t count = 0;  // Parts with content after the current token's part.
    int cur_seg = -1;
    bool cur_any = false;
    for (uint32_t i = n; i-- > s0;) {
      if (t.tokens[i].segment != cur_seg) {
        if (cur_any) ++count;
        cur_any = false;
        cur_seg = t.tokens[i].segment;
      }
      later_segments[i - s0] = count;
      cur_any |= content[i - s0];
    }
  }
  auto role = [&](uint32_t i) { return roles[i - s0]; };
  auto same_seg = [&](uint32_t a, uint32_t b) {
    return t.tokens[a].segment == t.tokens[b].segment;
  };

  // The one-token names first, in one batch (their memory accesses overlap).
  auto can_start = [&](uint32_t i) {
    WordRole r = role(i);
    return !IsMarker(r) && r != WordRole::kNoStart && !HasDigit(t.tokens[i]);
  };
  std::array<Gazetteer::KeySlice, kMaxTokens> words;  // Not zeroed: trivial.
  std::array<uint64_t, kMaxTokens> word_hashes;
  std::array<uint8_t, kMaxTokens> word_of;
  std::array<const format::KeyRecord*, kMaxTokens> single;
  size_t n_words = 0;
  for (uint32_t i = s0; i < n; ++i) {
    if (!can_start(i)) continue;
    word_of[i - s0] = static_cast<uint8_t>(n_words);
    word_hashes[n_words] = t.hashes[i];
    words[n_words++] = {t.tokens[i].begin, t.tokens[i].end - t.tokens[i].begin};
  }
  g_.FindKeys(t.text, {words.data(), n_words}, {word_hashes.data(), n_words}, single.data());

  bool found = false;
  double best = -1e9;
  for (uint32_t i = s0; i < n; ++i) {
    if (!can_start(i)) continue;
    WordRole r = role(i);
    bool multi_only = r == WordRole::kWeakStart || r == WordRole::kStreetAfter ||
                      r == WordRole::kStreetBefore || t.Tok(i).size() < 3;
    if ((t.tokens[i].flags & kTokenNonAscii) && t.Tok(i).size() >= 3) multi_only = false;
    for (uint32_t j = i; j < n && same_seg(i, j); ++j) {
      const format::KeyRecord* k = j == i ? single[word_of[i - s0]] : g_.FindKey(t.Span(i, j));
      if (k == nullptr) break;
      bool usable = k->postings_count > 0 && !(multi_only && j == i);
      if (usable) {
        uint32_t kind = 0;
        double s = 0;
        const Place* p = BestPlace(k, &kind, &s);
        if (p != nullptr) {
          s += 0.4 * (j - i);
          if (kind == format::kKindAlternate) s -= 0.3;
          s -= 1.0 * later_segments[j - s0];
          int before = 0, after = 0;
          for (uint32_t x = i; x-- > s0 && same_seg(x, i);) before += content[x - s0];
          for (uint32_t x = j + 1; x < n && same_seg(x, j); ++x) after += content[x - s0];
          s -= 0.15 * after;
          if (before == 0 && after == 0) s += 1.0;
          bool has_next = j + 1 < n && same_seg(j + 1, j);
          bool has_prev = i > s0 && same_seg(i - 1, i);
          if (has_next) {
            WordRole nr = role(j + 1);
            if (nr == WordRole::kCityMarker) s += 3.0;
            if (nr == WordRole::kWardMarker) s += 1.5;
            if (nr == WordRole::kProvinceMarker) s -= 3.0;
            uint32_t x = j + 1;  // "Xianning West Road", "Sherbrooke Street West".
            while (x + 1 < n && same_seg(x + 1, j) && IsDirection(t.Tok(x))) nr = role(++x);
            if (nr == WordRole::kStreetAfter) s -= 3.0;
            if (IsPostcodeLike(t, j + 1)) s += 0.8;
          }
          if (has_prev) {
            if (IsPostcodeLike(t, i - 1)) s += 0.8;
            uint32_t x = i - 1;
            if (role(x) == WordRole::kWeakStart && x > s0 && same_seg(x - 1, x)) --x;
            if (role(x) == WordRole::kStreetBefore) s -= 3.0;
          }
          uint32_t in_region = 0;
          for (uint32_t x = i; x <= j; ++x) in_region += InState(ctx, x);
          if (in_region > 0) s -= 2.0;
          // A name that is only a region ("Selangor") is a place only when
          // it lies in that region ("New York, NY", "Osaka 530-0001").
          if (in_region == j - i + 1 && (admin1_.empty() || p->admin1() != admin1_)) p = nullptr;
          if (p != nullptr && (!found || s > best)) {
            found = true;
            best = s;
            m->place = p;
            m->begin = i;
            m->end = j;
          }
        }
      }
      if (!Gazetteer::IsPrefix(k)) break;
    }
  }
  if (!found || best < -3.5) return false;
  m->quality = MatchQuality::kAddressToken;
  m->trimmed = false;
  m->sole_candidate = false;
  return true;
}

}  // namespace stc::geo
