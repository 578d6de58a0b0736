// Profiles from tallies (profile.h): the code shared by a scan's profiles
// (profile.cc) and those built from the tallies delineate kept
// (ProfilesFromTallies), so that both give the same bytes.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cluster/profile.h"
#include "cluster/profile_items.h"

namespace stc::cluster {
namespace {

// The `keep` fields with most units (ties: name order, then code).
std::vector<ProfileItem> TopFields(const std::vector<FieldSeries>& fields, Units total, int keep) {
  std::vector<const FieldSeries*> v;
  v.reserve(fields.size());
  for (const FieldSeries& f : fields)
    if (f.units > 0) v.push_back(&f);
  std::sort(v.begin(), v.end(), [](const FieldSeries* a, const FieldSeries* b) {
    if (a->units != b->units) return a->units > b->units;
    if (a->name != b->name) return a->name < b->name;
    return a->code < b->code;
  });
  std::vector<ProfileItem> out;
  for (const FieldSeries* f : v) {
    if (static_cast<int>(out.size()) >= keep) break;
    out.push_back({f->code, f->name, f->units,
                   total > 0 ? static_cast<double>(f->units) / static_cast<double>(total) : 0});
  }
  return out;
}

const ProfileItem* FrontOf(const std::vector<ProfileItem>* v) {
  return v == nullptr || v->empty() ? nullptr : &v->front();
}

}  // namespace

const MetricProfile* ClusterProfile::Metric(Source source) const {
  for (const MetricProfile& m : metrics)
    if (m.source == source) return &m;
  return nullptr;
}

const ProfileItem* ClusterProfile::TopApplicant() const {
  const MetricProfile* m = Metric(Source::kPct);
  return FrontOf(m ? &m->top_orgs : nullptr);
}
const ProfileItem* ClusterProfile::TopTechnologyField() const {
  const MetricProfile* m = Metric(Source::kPct);
  return FrontOf(m ? &m->top_fields : nullptr);
}
const ProfileItem* ClusterProfile::TopScientificOrg() const {
  const MetricProfile* m = Metric(Source::kArticle);
  return FrontOf(m ? &m->top_orgs : nullptr);
}
const ProfileItem* ClusterProfile::TopScientificField() const {
  const MetricProfile* m = Metric(Source::kArticle);
  return FrontOf(m ? &m->top_fields : nullptr);
}

namespace profile_internal {

// The profile of one ranked cluster from its tallies (nullptr: no units).
ClusterProfile BuildProfile(const std::vector<MetricTally>* tallies, const ClusterMap& map,
                            const Ranking& ranking, const RankedCluster& row,
                            const ProfileOptions& options) {
  const Edition& ed = ranking.edition;
  ClusterProfile p;
  p.rank = row.rank;
  p.id = row.id;
  p.name = row.name;
  p.economy = row.economy;
  p.score = row.score;
  if (const ClusterInfo* c = map.Find(row.id)) {
    p.cells = c->cells;
    p.centre_lat_e5 = c->centre_lat_e5;
    p.centre_lon_e5 = c->centre_lon_e5;
    p.radius_km = c->radius_km;
  }
  if (options.population != nullptr) {
    ClusterPopulation pop = options.population->Of(row.id);
    p.population = pop.population;
    p.places = pop.places;
  }
  for (size_t m = 0; m < ed.metrics.size(); ++m) {
    const MetricSpec& spec = ed.metrics[m];
    MetricProfile mp;
    mp.source = spec.source;
    mp.year_from = spec.year_from;
    mp.year_to = spec.year_to;
    if (tallies != nullptr) {
      mp.year_units = (*tallies)[m].year_units;
    } else {
      mp.year_units.assign(static_cast<size_t>(spec.year_to - spec.year_from + 1), 0);
    }
    for (Units u : mp.year_units) mp.units += u;
    mp.share_pct = m < row.share_pct.size() ? row.share_pct[m] : 0;
    if (mp.year_units.size() > 1 && mp.year_units.front() > 0) {
      double ratio =
          static_cast<double>(mp.year_units.back()) / static_cast<double>(mp.year_units.front());
      mp.growth = std::pow(ratio, 1.0 / static_cast<double>(mp.year_units.size() - 1)) - 1.0;
    }
    if (p.population > 0) {
      mp.per_million = static_cast<double>(mp.units) / static_cast<double>(kUnit) /
                       static_cast<double>(p.population) * 1e6;
    }
    if (tallies != nullptr) {
      const MetricTally& t = (*tallies)[m];
      const size_t keep =
          std::min(t.orgs.size(), static_cast<size_t>(std::max(options.top_items, 0)));
      for (size_t i = 0; i < keep; ++i) {
        ProfileItem item = t.orgs[i];
        item.share =
            mp.units > 0 ? static_cast<double>(item.units) / static_cast<double>(mp.units) : 0;
        mp.top_orgs.push_back(std::move(item));
      }
      mp.top_fields = TopFields(t.fields, mp.units, std::max(options.top_items, 0));
      mp.fields = t.fields;
    }
    p.metrics.push_back(std::move(mp));
  }
  return p;
}

}  // namespace profile_internal

Result<std::vector<ClusterProfile>> ProfilesFromTallies(const ProfileTallies& tallies,
                                                        const ClusterMap& map,
                                                        const Ranking& ranking,
                                                        const ProfileOptions& options) {
  if (options.top_items > tallies.kept_orgs) {
    return Status::InvalidArgument("profiles of " + std::to_string(options.top_items) +
                                   " top organisations from tallies that keep " +
                                   std::to_string(tallies.kept_orgs));
  }
  const Edition& ed = ranking.edition;
  for (const auto& [id, v] : tallies.clusters) {
    bool fits = v.size() == ed.metrics.size();
    for (size_t m = 0; fits && m < v.size(); ++m) {
      const MetricSpec& spec = ed.metrics[m];
      fits = v[m].year_units.size() == static_cast<size_t>(spec.year_to - spec.year_from + 1);
      for (const FieldSeries& f : v[m].fields)
        fits &= f.year_units.size() == v[m].year_units.size();
    }
    if (!fits) {
      return Status::InvalidArgument("profile tallies of cluster " + std::to_string(id) +
                                     " do not fit the metrics of edition " + ed.name);
    }
  }
  std::vector<ClusterProfile> out;
  out.reserve(ranking.rows.size());
  for (const RankedCluster& row : ranking.rows) {
    auto it = tallies.clusters.find(row.id);
    out.push_back(profile_internal::BuildProfile(
        it == tallies.clusters.end() ? nullptr : &it->second, map, ranking, row, options));
  }
  return out;
}

}  // namespace stc::cluster
