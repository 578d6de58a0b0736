#include "gen/world_model.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "gen/world_spec.h"
#include "geo/geocoder.h"
#include "parsers/country_names.h"

namespace stc::gen_internal {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kKmPerDegLat = 111.195;
// Nothing of the tail within this distance of a published cluster's site,
// so that no tail activity can chain into a published cluster.
constexpr double kExclusionKm = 60.0;
constexpr int kTailClusters = 150;
constexpr int kScatteredPlaces = 4000;
// Corridor sites (between the places of a cluster) carry about this share of
// the world total each, so that they are DBSCAN cores (threshold 0.01%).
constexpr double kCorridorSiteShare = 0.00006;

// Activity of a country's tail (relative), for choosing tail places.
double CountryFactor(std::string_view cc) {
  static const std::map<std::string_view, double> kFactor = {
      {"US", 10}, {"CN", 10}, {"JP", 6}, {"DE", 6}, {"KR", 4},   {"GB", 5},   {"FR", 5},
      {"IT", 4},  {"CA", 4},  {"ES", 3}, {"AU", 3}, {"IN", 4},   {"NL", 3},   {"CH", 3},
      {"SE", 3},  {"BR", 2},  {"RU", 2}, {"TR", 2}, {"IR", 2},   {"TW", 2},   {"PL", 2},
      {"BE", 2},  {"DK", 2},  {"AT", 2}, {"IL", 2}, {"FI", 1.5}, {"NO", 1.5}, {"SG", 1}};
  auto it = kFactor.find(cc);
  return it == kFactor.end() ? 0.3 : it->second;
}

// Point at `km` from (lat, lon) in direction `angle` (flat approximation).
void Offset(int32_t lat_e5, int32_t lon_e5, double km, double angle, int32_t* out_lat,
            int32_t* out_lon) {
  double lat = lat_e5 / 1e5;
  double dlat = km * std::sin(angle) / kKmPerDegLat;
  double dlon = km * std::cos(angle) / (kKmPerDegLat * std::max(0.05, std::cos(lat * kPi / 180)));
  *out_lat = static_cast<int32_t>(std::lround((lat + dlat) * 1e5));
  double lon = lon_e5 / 1e5 + dlon;
  if (lon >= 180) lon -= 360;
  if (lon < -180) lon += 360;
  *out_lon = static_cast<int32_t>(std::lround(lon * 1e5));
}

double Km(int32_t a_lat, int32_t a_lon, int32_t b_lat, int32_t b_lon) {
  return geo::DistanceKm(a_lat / 1e5, a_lon / 1e5, b_lat / 1e5, b_lon / 1e5);
}

// Buckets of points (1 degree) for "anything within R km" checks.
class PointBuckets {
 public:
  void Add(int32_t lat, int32_t lon) {
    map_[Key(lat / 100000, lon / 100000)].push_back({lat, lon});
  }
  bool AnyWithin(int32_t lat, int32_t lon, double km) const {
    int bl = lat / 100000, bo = lon / 100000;
    int reach = std::abs(lat) > 5500000 ? 3 : 2;
    for (int dl = -1; dl <= 1; ++dl) {
      for (int dw = -reach; dw <= reach; ++dw) {
        int w = bo + dw;
        if (w > 180) w -= 360;
        if (w < -180) w += 360;
        auto it = map_.find(Key(bl + dl, w));
        if (it == map_.end()) continue;
        for (auto [a, b] : it->second) {
          if (Km(lat, lon, a, b) < km) return true;
        }
      }
    }
    return false;
  }

 private:
  static int64_t Key(int a, int b) { return static_cast<int64_t>(a) * 1000 + b; }
  std::unordered_map<int64_t, std::vector<std::pair<int32_t, int32_t>>> map_;
};

std::vector<std::string> Words(const char* s) {
  std::vector<std::string> out;
  std::string cur;
  for (const char* p = s; *p; ++p) {
    if (*p == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += *p;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

// The address text a place's persons get; its round trip through the
// geocoder decides whether the place can be written without coordinates.
std::string PlaceAddress(const WorldPlace& p, int number);

class WorldBuilder {
 public:
  WorldBuilder(const geo::Gazetteer& gaz, const WorldOptions& o)
      : gaz_(gaz), geocoder_(gaz), o_(o), rng_(MixSeed(o.seed, 0x3071D, 0, 0)) {}

  Result<std::unique_ptr<World>> Build() {
    w_.reset(new World());
    w_->world_[kMetricPct] = kGii2023WorldPct * o_.scale;
    w_->world_[kMetricPub] = kGii2023WorldPub * o_.scale;
    double used[2] = {0, 0};
    for (const WorldClusterSpec& c : Gii2023Clusters()) {
      STC_RETURN_IF_ERROR(AddPublished(c));
      used[0] += w_->entities_.back().target[0];
      used[1] += w_->entities_.back().target[1];
    }
    for (const WorldSite& s : w_->sites_) excluded_.Add(s.lat_e5, s.lon_e5);
    AddTail(used);
    for (int m = 0; m < 2; ++m) {
      double sum = 0;
      for (const WorldEntity& e : w_->entities_) w_->entity_cum_[m].push_back(sum += e.target[m]);
    }
    return std::move(w_);
  }

 private:
  // Resolves a place through the geocoder; -1 when it does not resolve.
  int AddPlace(const std::string& name, const std::string& cc, const std::string& state) {
    geo::GeoQuery q;
    q.country = cc;
    q.city = name;
    q.state = state;
    geo::GeoResult r = geocoder_.GeocodeUncached(q);
    if (!r.has_place() || r.quality > geo::MatchQuality::kFuzzy) return -1;
    return AddGazetteerPlace(*r.place, name);
  }

  int AddGazetteerPlace(const geo::Place& gp, const std::string& name) {
    WorldPlace p;
    p.name = name;
    p.country = std::string(gp.country());
    p.country_name = ScopusCountryName(p.country);
    if (p.country == "US") p.state = std::string(gp.admin1());
    p.geoname_id = gp.geoname_id();
    p.lat_e5 = gp.lat_e5();
    p.lon_e5 = gp.lon_e5();
    p.text_ok = RoundTrips(p, gp);
    w_->places_.push_back(p);
    w_->place_site_.push_back(-1);
    return static_cast<int>(w_->places_.size()) - 1;
  }

  // The country name as Scopus writes it, one the readers' table knows
  // (parsers/country_names.h): the gazetteer's English name, a common
  // variant, else the ISO-3 code.
  std::string ScopusCountryName(const std::string& cc) {
    static const std::map<std::string, std::string> kCommon = {
        {"TW", "Taiwan"},        {"KR", "South Korea"},
        {"IR", "Iran"},          {"RU", "Russian Federation"},
        {"US", "United States"}, {"GB", "United Kingdom"},
        {"VN", "Viet Nam"},      {"CZ", "Czech Republic"},
        {"TR", "Turkey"}};
    geo::CountryInfo ci = gaz_.Country(cc);
    std::vector<std::string> candidates = {std::string(ci.name)};
    auto it = kCommon.find(cc);
    if (it != kCommon.end()) candidates.push_back(it->second);
    for (const std::string& c : candidates) {
      if (!c.empty() && CountryToIso2(c) == cc) return c;
    }
    return ci.iso3.empty() ? cc : std::string(ci.iso3);
  }

  // The two text forms the writers use: city + address + ISO-2 (PCT), and
  // city + country name (Scopus).
  bool RoundTrips(const WorldPlace& p, const geo::Place& gp) {
    std::string address = PlaceAddress(p, 17);
    geo::GeoQuery a;
    a.country = p.country;
    a.city = p.name;
    a.address = address;
    geo::GeoQuery b;
    b.country = p.country_name;
    b.city = p.name;
    for (const geo::GeoQuery& q : {a, b}) {
      geo::GeoResult r = geocoder_.GeocodeUncached(q);
      if (!r.has_place() || r.place != &gp) return false;
    }
    return true;
  }

  void AddSites(int entity, int place, double radius_km, int n, double weight_pct,
                double weight_pub) {
    WorldEntity& e = w_->entities_[entity];
    const WorldPlace& p = w_->places_[place];
    for (int i = 0; i < n; ++i) {
      WorldSite s;
      s.place = place;
      s.entity = entity;
      if (i == 0) {
        s.lat_e5 = p.lat_e5;
        s.lon_e5 = p.lon_e5;
      } else {
        double r = radius_km * std::sqrt(rng_.Unit());
        Offset(p.lat_e5, p.lon_e5, r, rng_.Unit() * 2 * kPi, &s.lat_e5, &s.lon_e5);
      }
      if (i == 0) w_->place_site_[place] = static_cast<int>(w_->sites_.size());
      double share = i == 0 ? 0.3 : 0.7 / std::max(1, n - 1);
      PushSite(&e, s, weight_pct * share, weight_pub * share);
    }
  }

  void PushSite(WorldEntity* e, const WorldSite& s, double w_pct, double w_pub) {
    w_->sites_.push_back(s);
    e->sites.push_back(static_cast<int>(w_->sites_.size()) - 1);
    double prev0 = e->site_cum[0].empty() ? 0 : e->site_cum[0].back();
    double prev1 = e->site_cum[1].empty() ? 0 : e->site_cum[1].back();
    e->site_cum[0].push_back(prev0 + w_pct);
    e->site_cum[1].push_back(prev1 + w_pub);
  }

  void AddTextPlace(WorldEntity* e, int place, double weight) {
    if (!w_->places_[place].text_ok) return;
    e->text_places.push_back(place);
    e->text_cum.push_back((e->text_cum.empty() ? 0 : e->text_cum.back()) + weight);
  }

  Status AddPublished(const WorldClusterSpec& c) {
    WorldEntity e;
    e.rank = c.rank;
    e.label = c.name;
    e.economy = c.economy;
    e.target[kMetricPct] = static_cast<double>(c.pct) * o_.scale;
    e.target[kMetricPub] = static_cast<double>(c.pub) * o_.scale;
    e.ipc = Words(c.ipc);
    for (const std::string& a : Words(c.asjc)) e.asjc.push_back(std::stoi(a));
    int idx = static_cast<int>(w_->entities_.size());
    w_->entities_.push_back(e);
    std::vector<int> places;
    std::vector<double> weights;
    double wmax = 0, wsum = 0;
    for (const WorldPlaceSpec& ps : c.places) {
      int p = AddPlace(ps.name, ps.country, ps.state);
      if (p < 0) {
        if (places.empty()) {
          return Status::NotFound(std::string("world: the gazetteer has no place '") + ps.name +
                                  "' (" + ps.country + ") for cluster " + c.name);
        }
        w_->warnings_.push_back(std::string(ps.name) + " (" + ps.country +
                                ") not in the gazetteer");
        continue;
      }
      if (!w_->places_[p].text_ok) {
        w_->warnings_.push_back(std::string(ps.name) + " (" + ps.country +
                                ") does not geocode back from its address text");
      }
      places.push_back(p);
      weights.push_back(ps.weight);
      wmax = std::max(wmax, ps.weight);
      wsum += ps.weight;
    }
    // Corridors: sites every 4 km along the minimum spanning tree of the
    // places where neighbours are more than 8 km apart.
    std::vector<std::pair<int, int>> edges;
    std::vector<bool> in(places.size(), false);
    in[0] = true;
    for (size_t k = 1; k < places.size(); ++k) {
      double best = 1e18;
      int bi = 0, bj = 0;
      for (size_t i = 0; i < places.size(); ++i) {
        if (!in[i]) continue;
        for (size_t j = 0; j < places.size(); ++j) {
          if (in[j]) continue;
          const WorldPlace& a = w_->places_[places[i]];
          const WorldPlace& b = w_->places_[places[j]];
          double d = Km(a.lat_e5, a.lon_e5, b.lat_e5, b.lon_e5);
          if (d < best) best = d, bi = static_cast<int>(i), bj = static_cast<int>(j);
        }
      }
      in[bj] = true;
      edges.push_back({bi, bj});
    }
    std::vector<WorldSite> corridor;
    for (auto [i, j] : edges) {
      const WorldPlace& a = w_->places_[places[i]];
      const WorldPlace& b = w_->places_[places[j]];
      double d = Km(a.lat_e5, a.lon_e5, b.lat_e5, b.lon_e5);
      int steps = static_cast<int>(d / 4.0);
      if (d <= 8.0) continue;
      for (int s = 1; s < steps; ++s) {
        double t = static_cast<double>(s) / steps;
        WorldSite site;
        site.lat_e5 = static_cast<int32_t>(std::lround(a.lat_e5 + t * (b.lat_e5 - a.lat_e5)));
        site.lon_e5 = static_cast<int32_t>(std::lround(a.lon_e5 + t * (b.lon_e5 - a.lon_e5)));
        site.place = t < 0.5 ? places[i] : places[j];
        site.entity = idx;
        corridor.push_back(site);
      }
    }
    double coords_share[2] = {kPctJsonlShare * kPctPregeocoded, kOpenAlexShare};
    double corridor_frac[2];
    for (int m = 0; m < 2; ++m) {
      double need = static_cast<double>(corridor.size()) * kCorridorSiteShare * w_->world_[m];
      double have = w_->entities_[idx].target[m] * coords_share[m];
      corridor_frac[m] = have > 0 ? std::min(0.5, need / have) : 0;
    }
    for (size_t i = 0; i < places.size(); ++i) {
      double share = weights[i] / wsum;
      double radius = 2.0 + 8.0 * std::sqrt(weights[i] / wmax);
      int n = std::clamp(static_cast<int>(std::lround(4 + 60 * share)), 4, 60);
      AddSites(idx, places[i], radius, n, share * (1 - corridor_frac[0]),
               share * (1 - corridor_frac[1]));
      AddTextPlace(&w_->entities_[idx], places[i], weights[i]);
    }
    for (const WorldSite& s : corridor) {
      PushSite(&w_->entities_[idx], s, corridor_frac[0] / corridor.size(),
               corridor_frac[1] / corridor.size());
    }
    if (w_->entities_[idx].text_places.empty()) {
      return Status::NotFound(std::string("world: no place of cluster ") + c.name +
                              " geocodes back from its address text");
    }
    return Status::Ok();
  }

  // Tail clusters (ranks 35..) on the most active remaining cities, then
  // scattered places taking what is left of each world total.
  void AddTail(const double used[2]) {
    struct Cand {
      double score;
      uint32_t index;
    };
    std::vector<Cand> big, small;
    for (uint32_t i = 0; i < gaz_.size(); ++i) {
      const geo::Place& p = gaz_.place(i);
      if (p.feature() == geo::Feature::kSection || p.feature() == geo::Feature::kHistorical)
        continue;
      if (p.population() < 30000) continue;
      if (excluded_.AnyWithin(p.lat_e5(), p.lon_e5(), kExclusionKm)) continue;
      double score = std::sqrt(static_cast<double>(p.population())) * CountryFactor(p.country());
      (p.population() >= 300000 ? big : small).push_back({score, i});
    }
    auto by_score = [](const Cand& a, const Cand& b) {
      return a.score != b.score ? a.score > b.score : a.index < b.index;
    };
    std::sort(big.begin(), big.end(), by_score);
    std::sort(small.begin(), small.end(), by_score);
    PointBuckets chosen;
    double tail_used[2] = {0, 0};
    int rank = 35;
    for (const Cand& c : big) {
      if (rank >= 35 + kTailClusters) break;
      const geo::Place& gp = gaz_.place(c.index);
      if (chosen.AnyWithin(gp.lat_e5(), gp.lon_e5(), 80.0)) continue;
      int place = AddGazetteerPlace(gp, std::string(gp.name()));
      if (!w_->places_[place].text_ok) continue;
      chosen.Add(gp.lat_e5(), gp.lon_e5());
      WorldEntity e;
      e.rank = rank;
      e.label = std::string(gp.name());
      e.economy = std::string(gp.country());
      // Total (sum of the two shares, %) decreasing from 0.8 at rank 35.
      double total = 0.8 * std::pow(35.0 / rank, 0.9);
      double pct_part = 0.2 + 0.35 * rng_.Unit();
      e.target[kMetricPct] = total * pct_part / 100 * w_->world_[kMetricPct];
      e.target[kMetricPub] = total * (1 - pct_part) / 100 * w_->world_[kMetricPub];
      tail_used[0] += e.target[0];
      tail_used[1] += e.target[1];
      e.ipc = {"G06F", "A61K", "H04L", "H01L", "C07D", "B01J"};
      e.asjc = {27, 13, 22, 17, 25, 16};
      int idx = static_cast<int>(w_->entities_.size());
      w_->entities_.push_back(e);
      AddSites(idx, place, 6.0, 12, 1.0, 1.0);
      AddTextPlace(&w_->entities_[idx], place, 1.0);
      ++rank;
    }
    // Scattered places: weights by population and country, capped.
    std::vector<int> scattered;
    std::vector<double> weight;
    for (const Cand& c : small) {
      if (static_cast<int>(scattered.size()) >= kScatteredPlaces) break;
      const geo::Place& gp = gaz_.place(c.index);
      if (chosen.AnyWithin(gp.lat_e5(), gp.lon_e5(), 25.0)) continue;
      int place = AddGazetteerPlace(gp, std::string(gp.name()));
      if (!w_->places_[place].text_ok) continue;
      chosen.Add(gp.lat_e5(), gp.lon_e5());
      WorldEntity e;
      e.label = std::string(gp.name());
      e.economy = std::string(gp.country());
      e.ipc = {"G06F", "A61K", "H04L", "A61B", "C07D", "B65D", "F16H"};
      e.asjc = {27, 13, 22, 17, 25, 16, 11, 19};
      int idx = static_cast<int>(w_->entities_.size());
      w_->entities_.push_back(e);
      AddSites(idx, place, 3.0, 3, 1.0, 1.0);
      AddTextPlace(&w_->entities_[idx], place, 1.0);
      scattered.push_back(idx);
      weight.push_back(c.score * (0.3 + rng_.Unit()));
    }
    double wsum = 0;
    for (double x : weight) wsum += x;
    for (int m = 0; m < 2; ++m) {
      double located = w_->world_[m] - (m == kMetricPub ? o_.unlocated_pub : 0);
      double rest = std::max(0.0, located - used[m] - tail_used[m]);
      for (size_t i = 0; i < scattered.size(); ++i) {
        w_->entities_[scattered[i]].target[m] = rest * weight[i] / wsum;
      }
    }
  }

  const geo::Gazetteer& gaz_;
  geo::Geocoder geocoder_;
  WorldOptions o_;
  Rng rng_;
  std::unique_ptr<World> w_;
  PointBuckets excluded_;
};

Result<std::unique_ptr<World>> World::Build(const geo::Gazetteer& gaz,
                                            const WorldOptions& options) {
  WorldBuilder b(gaz, options);
  return b.Build();
}

namespace {
int DrawCum(const std::vector<double>& cum, Rng& rng) {
  double x = rng.Unit() * cum.back();
  auto it = std::upper_bound(cum.begin(), cum.end(), x);
  return std::min(static_cast<int>(it - cum.begin()), static_cast<int>(cum.size()) - 1);
}
}  // namespace

int World::DrawSite(int e, int metric, Rng& rng) const {
  const WorldEntity& en = entities_[e];
  return en.sites[DrawCum(en.site_cum[metric], rng)];
}

int World::DrawTextPlace(int e, Rng& rng) const {
  const WorldEntity& en = entities_[e];
  return en.text_places[DrawCum(en.text_cum, rng)];
}

int World::DrawEntity(int metric, Rng& rng) const { return DrawCum(entity_cum_[metric], rng); }

QuotaAllocator::QuotaAllocator(const World& world, int metric)
    : QuotaAllocator([&] {
        std::vector<double> t;
        for (const WorldEntity& e : world.entities()) t.push_back(e.target[metric]);
        return t;
      }()) {}

QuotaAllocator::QuotaAllocator(std::vector<double> targets) : target_(std::move(targets)) {
  allocated_.assign(target_.size(), 0.0);
  for (size_t i = 0; i < target_.size(); ++i) {
    if (target_[i] > 0) queue_.insert({0.0, static_cast<int>(i)});
  }
}

void QuotaAllocator::Add(int entity, double share) {
  double t = target_[entity];
  if (t > 0) queue_.erase({allocated_[entity] / t, entity});
  allocated_[entity] += share;
  if (t > 0) queue_.insert({allocated_[entity] / t, entity});
}

namespace {

int CountPublished(const World& w) {
  int n = 0;
  while (n < static_cast<int>(w.entities().size()) && w.entities()[n].rank >= 1 &&
         w.entities()[n].rank <= 34) {
    ++n;
  }
  return n;
}

std::vector<double> Targets(const World& w, int metric, int from, int to, bool rest_as_one) {
  std::vector<double> t;
  double rest = 0;
  for (int i = 0; i < static_cast<int>(w.entities().size()); ++i) {
    double x = w.entities()[i].target[metric];
    if (i >= from && i < to) t.push_back(x);
    if (rest_as_one && i >= to) rest += x;
  }
  if (rest_as_one) t.push_back(rest);
  return t;
}

}  // namespace

WorldAllocator::WorldAllocator(const World& world, int metric)
    : published_(CountPublished(world)),
      top_(Targets(world, metric, 0, published_, true)),
      rest_(Targets(world, metric, published_, static_cast<int>(world.entities().size()), false)) {}

int WorldAllocator::Pick() const {
  int t = top_.Pick();
  return t < published_ ? t : published_ + rest_.Pick();
}

void WorldAllocator::Add(int entity, double share) {
  if (entity < published_) {
    top_.Add(entity, share);
  } else {
    top_.Add(published_, share);
    rest_.Add(entity - published_, share);
  }
}

double WorldAllocator::allocated(int entity) const {
  return entity < published_ ? top_.allocated(entity) : rest_.allocated(entity - published_);
}

}  // namespace stc::gen_internal
