#include "cluster/profile.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>
#include <unordered_map>

#include "cluster/tech_fields.h"
#include "core/record_codec.h"

namespace stc::cluster {
namespace {

// Accumulated weight of one organisation or field in one (cluster, metric).
struct Tally {
  std::string code, name;
  Units units = 0;
  std::vector<Units> years;  // Fields only: per window year.
};

struct MetricAccumulator {
  std::vector<Units> year_units;
  std::map<std::string, Tally> orgs;    // Key: lower-cased trimmed name.
  std::map<std::string, Tally> fields;  // Key: field code (sortable, see FieldKey).
};

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  // Inner runs of white space collapse to one space.
  std::string out;
  out.reserve(e - b);
  bool space = false;
  for (size_t i = b; i < e; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c <= ' ') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Technology fields sort numerically: key "07" before "13".
std::string TechKey(int field) {
  return std::string(1, static_cast<char>('0' + field / 10)) + static_cast<char>('0' + field % 10);
}

// Splits `w` over the keys of `items` (already distinct and sorted) and adds
// to `into`.
// `year`: index into the window, or -1 to keep no per-year series.
void Attribute(Units w, const std::vector<std::pair<std::string, Tally>>& items, int year,
               size_t years, std::map<std::string, Tally>* into) {
  const auto n = static_cast<uint32_t>(items.size());
  for (uint32_t i = 0; i < n; ++i) {
    auto [it, inserted] = into->try_emplace(items[i].first, items[i].second);
    Units share = ShareOf(w, n, i);
    it->second.units += share;
    if (year >= 0) {
      if (it->second.years.empty()) it->second.years.assign(years, 0);
      it->second.years[year] += share;
    }
  }
}

// Adds a later part's tallies to `into` (which keeps its names: seen first).
void CombineTallies(std::map<std::string, Tally>&& from, std::map<std::string, Tally>* into) {
  for (auto& [key, t] : from) {
    auto [it, inserted] = into->try_emplace(key, std::move(t));
    if (inserted) continue;
    it->second.units += t.units;
    if (it->second.years.empty()) it->second.years.assign(t.years.size(), 0);
    for (size_t y = 0; y < t.years.size(); ++y) it->second.years[y] += t.years[y];
  }
}

void Combine(MetricAccumulator&& from, MetricAccumulator* into) {
  for (size_t y = 0; y < from.year_units.size(); ++y) into->year_units[y] += from.year_units[y];
  CombineTallies(std::move(from.orgs), &into->orgs);
  CombineTallies(std::move(from.fields), &into->fields);
}

std::vector<ProfileItem> Top(const std::map<std::string, Tally>& tallies, Units total, int keep) {
  std::vector<const Tally*> v;
  v.reserve(tallies.size());
  for (const auto& [key, t] : tallies)
    if (t.units > 0) v.push_back(&t);
  // Ties: name order, then code.
  std::sort(v.begin(), v.end(), [](const Tally* a, const Tally* b) {
    if (a->units != b->units) return a->units > b->units;
    if (a->name != b->name) return a->name < b->name;
    return a->code < b->code;
  });
  std::vector<ProfileItem> out;
  for (const Tally* t : v) {
    if (static_cast<int>(out.size()) >= keep) break;
    ProfileItem item;
    item.code = t->code;
    item.name = t->name;
    item.units = t->units;
    item.share = total > 0 ? static_cast<double>(t->units) / static_cast<double>(total) : 0;
    out.push_back(std::move(item));
  }
  return out;
}

// The record's distinct organisations, sorted by key.
std::vector<std::pair<std::string, Tally>> Orgs(const CountedRecord& r) {
  std::map<std::string, Tally> m;
  for (const std::string& o : r.orgs) {
    std::string name = Trim(o);
    if (name.empty()) continue;
    std::string key = Lower(name);
    m.try_emplace(key, Tally{"", name, 0, {}});
  }
  return {m.begin(), m.end()};
}

// The record's distinct fields for its source, sorted by key.
std::vector<std::pair<std::string, Tally>> Fields(const CountedRecord& r) {
  std::map<std::string, Tally> m;
  if (r.source == Source::kPct) {
    for (const std::string& c : r.codes) {
      const int f = TechFieldOfIpc(c);
      if (f == 0) continue;
      m.try_emplace(TechKey(f), Tally{std::to_string(f), TechFields()[f - 1].name, 0, {}});
    }
  } else if (r.source == Source::kArticle) {
    for (const std::string& c : r.codes) {
      std::string area = AsjcArea(c);
      if (area.empty()) continue;
      m.try_emplace(area, Tally{area, std::string(AsjcAreaName(area)), 0, {}});
    }
    if (m.empty() && !r.field.empty()) {
      std::string area = AsjcArea(r.field);
      std::string code = area.empty() ? r.field : area;
      std::string name = area.empty() ? r.field : std::string(AsjcAreaName(area));
      m.try_emplace(code, Tally{code, name, 0, {}});
    }
  }
  return {m.begin(), m.end()};
}

}  // namespace

const MetricProfile* ClusterProfile::Metric(Source source) const {
  for (const MetricProfile& m : metrics)
    if (m.source == source) return &m;
  return nullptr;
}

namespace {
const ProfileItem* FrontOf(const std::vector<ProfileItem>* v) {
  return v == nullptr || v->empty() ? nullptr : &v->front();
}
}  // namespace

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

Result<std::vector<ClusterProfile>> ComputeProfiles(const Store& store, const ClusterMap& map,
                                                    const Ranking& ranking,
                                                    const ProfileOptions& options) {
  const Edition& ed = ranking.edition;
  const size_t metrics = ed.metrics.size();
  std::unordered_map<int32_t, size_t> index;  // Cluster id -> row.
  for (size_t i = 0; i < ranking.rows.size(); ++i) index.emplace(ranking.rows[i].id, i);
  std::vector<std::vector<MetricAccumulator>> empty(ranking.rows.size());
  for (auto& per_cluster : empty) {
    per_cluster.resize(metrics);
    for (size_t m = 0; m < metrics; ++m) {
      per_cluster[m].year_units.assign(ed.metrics[m].year_to - ed.metrics[m].year_from + 1, 0);
    }
  }
  const Grid store_grid = store.grid();
  const bool same_grid = store_grid.step_e5() == map.grid_step_e5;
  const CellIndex cells(map);
  // One tally per part of the scan, combined in part (= key) order below.
  struct Part {
    std::vector<std::vector<MetricAccumulator>> acc;
    CountedRecord rec;
    std::vector<std::pair<size_t, Units>> weights;  // (row, units) of the current record.
  };
  unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                         : std::max(1u, std::thread::hardware_concurrency());
  std::vector<Part> parts(threads);
  for (Part& part : parts) part.acc = empty;
  STC_RETURN_IF_ERROR(store.ForEachRecordParallel(
      parts.size(),
      [&](size_t part_index, Source source, std::string_view key, std::string_view value) {
        Part& part = parts[part_index];
        CountedRecord& rec = part.rec;
        int32_t year = 0, version = 0;
        bool wanted = false;
        if (PeekYearVersion(value, &year, &version)) {
          for (const MetricSpec& spec : ed.metrics) {
            wanted |= spec.source == source && year >= spec.year_from && year <= spec.year_to;
          }
          if (!wanted) return Status::Ok();
        }
        rec.source = source;
        rec.key.assign(key);
        if (Status st = DecodeCountedRecord(value, &rec); !st.ok()) {
          return Status::Corruption("record " + std::string(SourceName(source)) + " " +
                                    std::string(key) + ": " + st.message());
        }
        std::vector<std::pair<size_t, Units>>& weights = part.weights;
        weights.clear();
        for (const WeightedPoint& p : rec.points) {
          Cell cell = store_grid.CellOf(p.lat_e5, p.lon_e5);
          int32_t id = same_grid ? cells.ClusterOfCell(cell)
                                 : cells.ClusterAt(store_grid.CentreLatE5(cell),
                                                   store_grid.CentreLonE5(cell));
          if (id == 0) continue;
          auto it = index.find(id);
          if (it == index.end()) continue;
          auto w = std::find_if(weights.begin(), weights.end(),
                                [&](const auto& x) { return x.first == it->second; });
          if (w == weights.end()) {
            weights.emplace_back(it->second, p.units);
          } else {
            w->second += p.units;
          }
        }
        if (weights.empty()) return Status::Ok();
        const auto orgs = Orgs(rec);
        const auto fields = Fields(rec);
        for (size_t m = 0; m < metrics; ++m) {
          const MetricSpec& spec = ed.metrics[m];
          if (spec.source != rec.source || rec.year < spec.year_from || rec.year > spec.year_to ||
              !spec.Counts(rec.field)) {
            continue;
          }
          for (const auto& [row, w] : weights) {
            MetricAccumulator& a = part.acc[row][m];
            const int y = rec.year - spec.year_from;
            a.year_units[y] += w;
            Attribute(w, orgs, -1, 0, &a.orgs);
            Attribute(w, fields, y, a.year_units.size(), &a.fields);
          }
        }
        return Status::Ok();
      }));
  // Combined in key order: an organisation keeps the spelling seen first.
  std::vector<std::vector<MetricAccumulator>>& acc = parts[0].acc;
  for (size_t i = 1; i < parts.size(); ++i) {
    for (size_t row = 0; row < acc.size(); ++row) {
      for (size_t m = 0; m < metrics; ++m) Combine(std::move(parts[i].acc[row][m]), &acc[row][m]);
    }
  }

  std::vector<ClusterProfile> out;
  out.reserve(ranking.rows.size());
  for (size_t i = 0; i < ranking.rows.size(); ++i) {
    const RankedCluster& row = ranking.rows[i];
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
    for (size_t m = 0; m < metrics; ++m) {
      const MetricSpec& spec = ed.metrics[m];
      MetricAccumulator& a = acc[i][m];
      MetricProfile mp;
      mp.source = spec.source;
      mp.year_from = spec.year_from;
      mp.year_to = spec.year_to;
      mp.year_units = a.year_units;
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
      mp.top_orgs = Top(a.orgs, mp.units, options.top_items);
      mp.top_fields = Top(a.fields, mp.units, options.top_items);
      for (auto& [key, t] : a.fields) {
        if (t.units == 0) continue;
        mp.fields.push_back({t.code, t.name, t.units, std::move(t.years)});
      }
      p.metrics.push_back(std::move(mp));
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace stc::cluster
