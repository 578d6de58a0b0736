#include "cluster/profile.h"

#include <algorithm>
#include <array>
#include <bit>
#include <climits>
#include <cmath>
#include <map>
#include <unordered_map>

#include "cluster/profile_items.h"
#include "cluster/tech_fields.h"
#include "core/record_codec.h"
#include "core/threads.h"

namespace stc::cluster {
namespace {

using profile_internal::FieldNames;
using profile_internal::kNoItem;
using profile_internal::OrgNames;
using profile_internal::TallyMap;

// Accumulated weight of one organisation or field in one (cluster, metric).
struct Tally {
  std::string code, name;
  Units units = 0;
  std::vector<Units> years;  // Fields only: per window year.
};

struct MetricAccumulator {
  std::vector<Units> year_units;
  // Key: global index of the lower-cased name; tag: index of the spelling
  // seen first in the scan's list of names (its OrgNames own the strings).
  TallyMap orgs;
  std::map<std::string, Tally> fields;  // Key: FieldNames::Field::key (sorts fields by code).
};

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

// The `keep` organisations with most units (ties: name order).
// `names`: the spellings the tags of `tallies` index.
std::vector<ProfileItem> TopOrgs(const TallyMap& tallies,
                                 const std::vector<const std::string*>& names, Units total,
                                 int keep) {
  std::vector<const TallyMap::Entry*> v;
  v.reserve(tallies.size());
  tallies.ForEach([&v](const TallyMap::Entry& t) {
    if (t.units > 0) v.push_back(&t);
  });
  // Names are distinct: distinct keys are distinct lower-cased names.
  auto before = [&names](const TallyMap::Entry* a, const TallyMap::Entry* b) {
    if (a->units != b->units) return a->units > b->units;
    return *names[a->tag] < *names[b->tag];
  };
  const size_t n = std::min(v.size(), static_cast<size_t>(std::max(keep, 0)));
  std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), v.end(), before);
  std::vector<ProfileItem> out;
  for (size_t i = 0; i < n; ++i) {
    ProfileItem item;
    item.name = *names[v[i]->tag];
    item.units = v[i]->units;
    item.share = total > 0 ? static_cast<double>(v[i]->units) / static_cast<double>(total) : 0;
    out.push_back(std::move(item));
  }
  return out;
}

// What one thread of the scan adds up for one (cluster, metric), by the
// indexes of its OrgNames and FieldNames.
struct PartAccumulator {
  struct Field {
    Units units = 0;
    std::vector<Units> years;  // Empty until the field has units here.
  };
  std::vector<Units> year_units;
  // Key: organisation key index; tag: the spelling of the first record that
  // attributed to it.
  TallyMap orgs;
  std::vector<Field> fields;  // By field index.
};

// Splits `w` over `items` (distinct, in key order): item i gets ShareOf(w, n, i).
void AttributeOrgs(Units w, const std::vector<std::pair<uint32_t, uint32_t>>& items,
                   PartAccumulator* a) {
  const auto n = static_cast<uint32_t>(items.size());
  for (uint32_t i = 0; i < n; ++i) {
    bool inserted;
    TallyMap::Entry& org = a->orgs.Get(items[i].first, &inserted);
    if (inserted) org.tag = items[i].second;
    org.units += ShareOf(w, n, i);
  }
}

void AttributeFields(Units w, const std::vector<uint32_t>& items, size_t year, size_t years,
                     PartAccumulator* a) {
  const auto n = static_cast<uint32_t>(items.size());
  for (uint32_t i = 0; i < n; ++i) {
    if (a->fields.size() <= items[i]) a->fields.resize(items[i] + 1);
    PartAccumulator::Field& f = a->fields[items[i]];
    const Units share = ShareOf(w, n, i);
    f.units += share;
    if (f.years.empty()) f.years.assign(years, 0);
    f.years[year] += share;
  }
}

// Adds one part's tallies to the combined ones; `global_key` maps the part's
// organisation key indexes to global ones; `names` collects the spellings
// the combined tags index, and `global_spelling` (kNoItem until then) where
// each of the part's spellings went. Parts are added in key order, so an
// organisation keeps the spelling seen first.
void AddPart(PartAccumulator&& a, const OrgNames& orgs, const std::vector<uint32_t>& global_key,
             const FieldNames& fields, std::vector<uint32_t>* global_spelling,
             std::vector<const std::string*>* names, MetricAccumulator* into) {
  for (size_t y = 0; y < a.year_units.size(); ++y) into->year_units[y] += a.year_units[y];
  a.orgs.ForEach([&](const TallyMap::Entry& org) {
    bool inserted;
    TallyMap::Entry& t = into->orgs.Get(global_key[org.key], &inserted);
    if (inserted) {
      uint32_t& g = (*global_spelling)[org.tag];
      if (g == kNoItem) {
        g = static_cast<uint32_t>(names->size());
        names->push_back(&orgs.spelling(org.tag).name);
      }
      t.tag = g;
    }
    t.units += org.units;
  });
  for (size_t id = 0; id < a.fields.size(); ++id) {
    PartAccumulator::Field& f = a.fields[id];
    if (f.years.empty()) continue;
    const FieldNames::Field& field = fields.field(id);
    auto [it, inserted] = into->fields.try_emplace(field.key);
    Tally& t = it->second;
    if (inserted) {
      t = Tally{field.code, field.name, f.units, std::move(f.years)};
      continue;
    }
    t.units += f.units;
    for (size_t y = 0; y < f.years.size(); ++y) t.years[y] += f.years[y];
  }
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
  // The combined tallies, [row][metric].
  std::vector<std::vector<MetricAccumulator>> acc(ranking.rows.size());
  for (auto& per_cluster : acc) {
    per_cluster.resize(metrics);
    for (size_t m = 0; m < metrics; ++m) {
      per_cluster[m].year_units.assign(ed.metrics[m].year_to - ed.metrics[m].year_from + 1, 0);
    }
  }
  const Grid store_grid = store.grid();
  const bool same_grid = store_grid.step_e5() == map.grid_step_e5;
  // The map with each ranked cluster's id replaced by its row + 1 (other
  // clusters' cells dropped): a point's cell look-up gives its row.
  ClusterMap rows_map;
  rows_map.grid_step_e5 = map.grid_step_e5;
  rows_map.cells.reserve(map.cells.size());
  for (const auto& [cell, id] : map.cells) {
    auto it = index.find(id);
    if (it != index.end()) rows_map.cells.emplace_back(cell, static_cast<int32_t>(it->second + 1));
  }
  const CellIndex cells(rows_map);
  // One tally per part of the scan, combined in part (= key) order below.
  struct Part {
    std::vector<std::vector<PartAccumulator>> acc;  // [row][metric]
    OrgNames org_names;
    FieldNames field_names;
    CountedRecordView rec;
    std::vector<std::pair<size_t, Units>> weights;    // (row, units) of the current record.
    std::vector<std::pair<uint32_t, uint32_t>> orgs;  // (key, spelling) of the current record.
    std::vector<uint32_t> fields;                     // Of the current record.
  };
  unsigned threads = static_cast<unsigned>(ResolveThreads(options.threads));
  std::vector<Part> parts(threads);
  for (Part& part : parts) {
    part.acc.resize(ranking.rows.size());
    for (size_t row = 0; row < ranking.rows.size(); ++row) {
      part.acc[row].resize(metrics);
      for (size_t m = 0; m < metrics; ++m) part.acc[row][m].year_units = acc[row][m].year_units;
    }
  }
  STC_RETURN_IF_ERROR(store.ForEachRecordParallel(
      parts.size(),
      [&](size_t part_index, Source source, std::string_view key, std::string_view value) {
        Part& part = parts[part_index];
        CountedRecordView& rec = part.rec;
        int32_t year = 0, version = 0;
        bool wanted = false;
        if (PeekYearVersion(value, &year, &version)) {
          for (const MetricSpec& spec : ed.metrics) {
            wanted |= spec.source == source && year >= spec.year_from && year <= spec.year_to;
          }
          if (!wanted) return Status::Ok();
        }
        if (Status st = DecodeCountedRecordView(value, &rec); !st.ok()) {
          return Status::Corruption("record " + std::string(SourceName(source)) + " " +
                                    std::string(key) + ": " + st.message());
        }
        std::vector<std::pair<size_t, Units>>& weights = part.weights;
        weights.clear();
        for (const WeightedPoint& p : rec.points) {
          Cell cell = store_grid.CellOf(p.lat_e5, p.lon_e5);
          const int32_t row1 = same_grid ? cells.ClusterOfCell(cell)
                                         : cells.ClusterAt(store_grid.CentreLatE5(cell),
                                                           store_grid.CentreLonE5(cell));
          if (row1 == 0) continue;  // In no ranked cluster.
          const size_t row = static_cast<size_t>(row1 - 1);
          auto w = std::find_if(weights.begin(), weights.end(),
                                [&](const auto& x) { return x.first == row; });
          if (w == weights.end()) {
            weights.emplace_back(row, p.units);
          } else {
            w->second += p.units;
          }
        }
        if (weights.empty()) return Status::Ok();
        // The record's distinct organisations in key order, each with the
        // first of its spellings in the record.
        auto& orgs = part.orgs;
        orgs.clear();
        for (std::string_view o : rec.orgs) {
          const uint32_t spelling = part.org_names.Intern(o);
          const uint32_t k = part.org_names.spelling(spelling).key;
          if (k == kNoItem) continue;
          if (std::none_of(orgs.begin(), orgs.end(), [k](const auto& x) { return x.first == k; })) {
            orgs.emplace_back(k, spelling);
          }
        }
        std::sort(orgs.begin(), orgs.end(), [&](const auto& a, const auto& b) {
          return part.org_names.key(a.first) < part.org_names.key(b.first);
        });
        part.field_names.Of(source, rec, &part.fields);
        std::sort(part.fields.begin(), part.fields.end(), [&](uint32_t a, uint32_t b) {
          return part.field_names.field(a).key < part.field_names.field(b).key;
        });
        for (size_t m = 0; m < metrics; ++m) {
          const MetricSpec& spec = ed.metrics[m];
          if (spec.source != source || rec.year < spec.year_from || rec.year > spec.year_to ||
              !spec.Counts(rec.field)) {
            continue;
          }
          for (const auto& [row, w] : weights) {
            PartAccumulator& a = part.acc[row][m];
            const size_t y = static_cast<size_t>(rec.year - spec.year_from);
            a.year_units[y] += w;
            AttributeOrgs(w, orgs, &a);
            AttributeFields(w, part.fields, y, a.year_units.size(), &a);
          }
        }
        return Status::Ok();
      }));
  // Combined in key order: an organisation keeps the spelling seen first.
  StringMap<uint32_t> global_keys;
  std::vector<const std::string*> names;  // Spellings the combined tallies' tags index.
  for (Part& part : parts) {
    std::vector<uint32_t> global_spelling(part.org_names.spellings(), kNoItem);
    std::vector<uint32_t> global_key(part.org_names.keys());
    for (uint32_t k = 0; k < global_key.size(); ++k) {
      global_key[k] =
          global_keys.try_emplace(part.org_names.key(k), static_cast<uint32_t>(global_keys.size()))
              .first->second;
    }
    for (size_t row = 0; row < acc.size(); ++row) {
      for (size_t m = 0; m < metrics; ++m) {
        AddPart(std::move(part.acc[row][m]), part.org_names, global_key, part.field_names,
                &global_spelling, &names, &acc[row][m]);
      }
      std::vector<PartAccumulator>().swap(part.acc[row]);  // Freed as it goes.
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
      mp.top_orgs = TopOrgs(a.orgs, names, mp.units, options.top_items);
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
