#include "geo/resolver.h"

#include <array>
#include <deque>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/hash.h"

namespace stc::geo {
namespace {

// The outcome keys one location counts (static strings; ResolveOne counts
// at most two).
class Keys {
 public:
  void clear() { n_ = 0; }
  void push_back(std::string_view key) {
    if (n_ < 4) keys_[n_++] = key;
  }
  const std::string_view* begin() const { return keys_; }
  const std::string_view* end() const { return keys_ + n_; }

 private:
  std::string_view keys_[4];
  size_t n_ = 0;
};

class GeoThreadResolver : public ThreadResolver {
 public:
  GeoThreadResolver(const Gazetteer& g, const ResolverOptions& o)
      : gaz_(g), options_(o), geocoder_(g, o.geocoder) {}

  void Resolve(Record* record, std::map<std::string, uint64_t>* counts) override {
    n_memo_ = 0;
    n_tallies_ = 0;
    for (Person& person : record->persons) {
      for (Location& loc : person.locations) {
        // Most located records give coordinates inside a country they name
        // by its code: accepted as given, with no memo (copying locations in
        // and out of it cost more than the check).
        if (AcceptGiven(&loc)) {
          Tally("given");
          continue;
        }
        const Memo* m = FindMemo(loc);
        if (m != nullptr) {
          loc = m->out;  // Assignments reuse the strings' storage.
        } else {
          m = ResolveNew(&loc);
        }
        TallyOutcome(m);
      }
    }
    AddTallies(counts);
  }

  bool ResolveViews(PersonViews* views, std::map<std::string, uint64_t>* counts) override {
    // The common case of normalised input first: every location given as is.
    bool all_given = true;
    for (const LocationView& loc : views->locations) {
      if (!GivenAsIs(loc)) {
        all_given = false;
        break;
      }
    }
    if (all_given) {
      if (!views->locations.empty()) (*counts)["given"] += views->locations.size();
      return true;
    }
    // Otherwise as Resolve does, location by location; a changed text is
    // pointed at storage that outlives the views' use (SetText).
    n_memo_ = 0;
    n_tallies_ = 0;
    n_texts_ = 0;
    for (LocationView& view : views->locations) {
      if (GivenAsIs(view)) {
        Tally("given");
        continue;
      }
      const Memo* m = FindViewMemo(view);
      if (m != nullptr) {
        view = m->out_view;
      } else if (AcceptGiven(&view)) {  // Only the code's case changes.
        Tally("given");
        continue;
      } else {
        Memo* fresh = NewMemo();
        if (fresh != nullptr) fresh->in_view = view;
        keys_.clear();
        ResolveOne(&view);
        if (fresh != nullptr) {
          fresh->out_view = view;
          fresh->keys = keys_;
        }
        m = fresh;
      }
      TallyOutcome(m);
    }
    AddTallies(counts);
    return true;
  }

 private:
  // A resolved location of the record being resolved: its input and result,
  // and the outcome keys it counted.
  // (Resolve fills in and out, ResolveViews in_view and out_view.)
  struct Memo {
    Location in, out;
    LocationView in_view, out_view;
    Keys keys;
  };
  static constexpr size_t kMaxMemo = 16;

  // Adds one to the record's tally of `key` (a static string: few distinct
  // keys; Resolve adds the tallies to the map once per record).
  void Tally(std::string_view key) {
    for (size_t i = 0; i < n_tallies_; ++i) {
      if (tallies_[i].first == key) {
        ++tallies_[i].second;
        return;
      }
    }
    if (n_tallies_ == tallies_.size()) tallies_.emplace_back();
    tallies_[n_tallies_++] = {key, 1};
  }
  void AddTallies(std::map<std::string, uint64_t>* counts) const {
    for (size_t i = 0; i < n_tallies_; ++i) {
      (*counts)[std::string(tallies_[i].first)] += tallies_[i].second;
    }
  }
  // Tallies the outcome keys of the location just resolved: the memo's, or
  // keys_ when it had no memo (ResolveNew).
  void TallyOutcome(const Memo* m) {
    for (std::string_view key : m != nullptr ? m->keys : keys_) Tally(key);
  }

  // Readers repeat a location within a record (a Scopus affiliation's
  // address once per author): the same input gets the same result, resolved
  // once. The memo of this record's input equal to `loc`, or nullptr.
  const Memo* FindMemo(const Location& loc) const {
    for (size_t i = 0; i < n_memo_; ++i) {
      if (memo_[i].in == loc) return &memo_[i];
    }
    return nullptr;
  }
  // The memo of this record's viewed input equal to `view`, or nullptr. A
  // reader's repeated location is usually the same text (the same
  // affiliation): compared by address first.
  const Memo* FindViewMemo(const LocationView& view) const {
    for (size_t i = 0; i < n_memo_; ++i) {
      const LocationView& in = memo_[i].in_view;
      if (in.has_coords == view.has_coords && in.lat_e5 == view.lat_e5 &&
          in.lon_e5 == view.lon_e5 && SameText(in.city, view.city) &&
          SameText(in.country, view.country) && SameText(in.address, view.address)) {
        return &memo_[i];
      }
    }
    return nullptr;
  }
  static bool SameText(std::string_view a, std::string_view b) {
    return a.size() == b.size() && (a.data() == b.data() || a == b);
  }
  // A memo for the location about to be resolved, or nullptr when this
  // record's are all taken.
  Memo* NewMemo() {
    if (n_memo_ == kMaxMemo) return nullptr;
    if (n_memo_ == memo_.size()) memo_.emplace_back();
    return &memo_[n_memo_++];
  }
  // Resolves *loc (not accepted as given, not in the memo) and keeps it in
  // the memo when there is room. Returns the memo, or nullptr (the outcome
  // keys are then in keys_).
  const Memo* ResolveNew(Location* loc) {
    Memo* m = NewMemo();
    if (m != nullptr) m->in = *loc;
    keys_.clear();
    ResolveOne(loc);
    if (m != nullptr) {
      m->out = *loc;
      m->keys = keys_;
    }
    return m;
  }

  // *text = value, for a Location's text or a view's: a view is pointed at
  // `value` itself when `stable` (the gazetteer's text), else at storage of
  // this resolver's (Keep).
  static void SetText(std::string* text, std::string_view value, bool stable = false) {
    text->assign(value);
  }
  void SetText(std::string_view* text, std::string_view value, bool stable = false) {
    *text = stable ? value : Keep(value);
  }
  // `text` in storage of this resolver's, valid until its next call: a
  // country code (what a resolution sets) in a static table of every code,
  // anything else in texts_.
  std::string_view Keep(std::string_view text) {
    if (text.size() == 2 && text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'A' && text[1] <= 'Z') {
      static constexpr auto kCodes = [] {
        std::array<char, 26 * 26 * 2> codes{};
        for (int i = 0; i < 26 * 26; ++i) {
          codes[2 * i] = static_cast<char>('A' + i / 26);
          codes[2 * i + 1] = static_cast<char>('A' + i % 26);
        }
        return codes;
      }();
      return {kCodes.data() + 2 * ((text[0] - 'A') * 26 + (text[1] - 'A')), 2};
    }
    if (n_texts_ == texts_.size()) texts_.emplace_back();
    std::string& kept = texts_[n_texts_++];
    kept.assign(text);
    return kept;
  }

  // True, with the country code normalised, when *loc has coordinates inside
  // the footprint of the country it names by a known ISO-2 code: the outcome
  // ResolveOne gives it ("given", nothing changed but the code's case).
  template <typename Loc>
  bool AcceptGiven(Loc* loc) {
    if (!loc->has_coords || loc->country.size() != 2 || !options_.validate_coordinates) {
      return false;
    }
    std::string_view cc = gaz_.CountryCode(loc->country);
    if (cc.empty() || IsNullIsland(loc->lat_e5, loc->lon_e5) ||
        !gaz_.InCountryFootprint(cc, loc->lat_e5, loc->lon_e5)) {
      return false;
    }
    if (loc->country != cc) SetText(&loc->country, cc, /*stable=*/true);
    return true;
  }

  // True when AcceptGiven accepts `loc` without changing it (its code is
  // the gazetteer's own).
  bool GivenAsIs(const LocationView& loc) const {
    if (!loc.has_coords || loc.country.size() != 2 || !options_.validate_coordinates) {
      return false;
    }
    std::string_view cc = gaz_.CountryCode(loc.country);
    return cc == loc.country && !IsNullIsland(loc.lat_e5, loc.lon_e5) &&
           gaz_.InCountryFootprint(cc, loc.lat_e5, loc.lon_e5);
  }

  // An outcome of the location ResolveOne resolves, to count.
  void Count(std::string_view key) { keys_.push_back(key); }

  // Resolves *loc, recording its outcome keys in keys_.
  template <typename Loc>
  void ResolveOne(Loc* loc) {
    // The country as given (a code or a name) drives the query; the record
    // keeps its ISO-2 code. (A view's text stays; a Location's is copied.)
    std::string_view raw_country = loc->country;
    if constexpr (std::is_same_v<Loc, Location>) raw_country = raw_country_ = loc->country;
    bool unknown_country = false;
    if (!loc->country.empty()) {
      std::string_view cc = gaz_.CountryCode(loc->country);
      if (!cc.empty()) {
        SetText(&loc->country, cc, /*stable=*/true);
      } else {
        unknown_country = true;  // Kept as written: it labels the unresolved place.
      }
    }
    if (unknown_country) {
      // No country to search in or to check against: a place found elsewhere
      // would be a guess. Given coordinates stay unless they are a placeholder.
      if (loc->has_coords && options_.validate_coordinates &&
          IsNullIsland(loc->lat_e5, loc->lon_e5)) {
        loc->has_coords = false;
        Count("corrected_null_island");
      }
      Count(loc->has_coords ? "given" : MatchQualityName(MatchQuality::kUnresolved));
      return;
    }
    GeoQuery q;
    q.country = raw_country;
    q.city = loc->city;
    q.address = loc->address;

    if (loc->has_coords) {
      if (!options_.validate_coordinates) {
        Count("given");
        return;
      }
      bool null_island = IsNullIsland(loc->lat_e5, loc->lon_e5);
      bool outside = !null_island && loc->country.size() == 2 &&
                     !gaz_.InCountryFootprint(loc->country, loc->lat_e5, loc->lon_e5);
      if (!null_island && !outside) {
        Count("given");
        return;
      }
      GeoResult r = geocoder_.Geocode(q);
      if (r.has_place() && r.quality < MatchQuality::kCountryCentroid) {
        Apply(r, loc);
        Count(MatchQualityName(r.quality));
        Count(null_island ? "corrected_null_island" : "corrected_out_of_country");
      } else if (null_island) {
        loc->has_coords = false;
        Fill(r, loc);
        Count(MatchQualityName(r.quality));
        Count("corrected_null_island");
      } else {
        Count("given");
        Count("corrected_out_of_country_kept");
      }
      return;
    }
    GeoResult r = geocoder_.Geocode(q);
    Count(MatchQualityName(r.quality));
    if (!r.has_place()) return;
    if (r.quality == MatchQuality::kCountryCentroid && !options_.locate_country_centroids) {
      Fill(r, loc);
      return;
    }
    Apply(r, loc);
  }

  template <typename Loc>
  void Fill(const GeoResult& r, Loc* loc) {
    if (loc->country.empty() && r.country[0] != 0) {
      SetText(&loc->country, std::string_view(r.country, 2));
    }
  }
  template <typename Loc>
  void Apply(const GeoResult& r, Loc* loc) {
    loc->has_coords = true;
    loc->lat_e5 = r.lat_e5;
    loc->lon_e5 = r.lon_e5;
    Fill(r, loc);
  }

  const Gazetteer& gaz_;
  ResolverOptions options_;
  Geocoder geocoder_;
  std::string raw_country_;
  Keys keys_;               // Of the location ResolveOne resolves.
  std::vector<Memo> memo_;  // The first n_memo_ are this record's.
  size_t n_memo_ = 0;
  std::vector<std::pair<std::string_view, uint64_t>> tallies_;  // The first n_tallies_.
  size_t n_tallies_ = 0;
  // Texts of resolved views (Keep): the first n_texts_ are this call's; a
  // deque, so that adding one moves none.
  std::deque<std::string> texts_;
  size_t n_texts_ = 0;
};

}  // namespace

std::optional<uint64_t> GeoResolver::Identity() const {
  std::string id = "geo-resolver/" + std::to_string(kResolverRulesVersion) + "/" +
                   std::to_string(gaz_.Identity()) + "/" +
                   (options_.validate_coordinates ? "v" : "-") +
                   (options_.locate_country_centroids ? "c" : "-");
  return Hash64(id);
}

std::unique_ptr<ThreadResolver> GeoResolver::NewThreadResolver() const {
  return std::make_unique<GeoThreadResolver>(gaz_, options_);
}

}  // namespace stc::geo
