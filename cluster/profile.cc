#include "cluster/profile.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <climits>
#include <cmath>
#include <map>
#include <memory>
#include <system_error>
#include <thread>
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

// The `keep` organisations with most units (ties: name order), shares
// unset. `names`: the spellings the tags of `tallies` index.
std::vector<ProfileItem> TopOrgs(const TallyMap& tallies,
                                 const std::vector<const std::string*>& names, int keep) {
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
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    ProfileItem item;
    item.name = *names[v[i]->tag];
    item.units = v[i]->units;
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

// One tally per part of the scan, combined in part (= key) order.
struct Part {
  std::vector<std::vector<PartAccumulator>> acc;  // [slot][metric]
  OrgNames org_names;
  FieldNames field_names;
  CountedRecordView rec;
  std::vector<std::pair<size_t, Units>> weights;    // (slot, units) of the current record.
  std::vector<std::pair<uint32_t, uint32_t>> orgs;  // (key, spelling) of the current record.
  std::vector<uint32_t> fields;                     // Of the current record.
  std::vector<Units> world;  // Per metric with a subject filter: its records kept.
};

// The vectors a part rewrites for every record, each in a block of its own
// (ReserveThreadScratch: two threads' small blocks could share cache lines).
void ReserveWholeLines(Part* part) {
  ReserveThreadScratch(&part->rec);
  ReserveThreadScratch(&part->weights);
  ReserveThreadScratch(&part->orgs);
  ReserveThreadScratch(&part->fields);
}

// What a scan adds up: a set of clusters ("slots"), each cluster's points
// found through `cells` (a map whose ids are slot + 1).
struct Tallies {
  std::vector<std::vector<MetricAccumulator>> acc;  // Combined, [slot][metric].
  std::vector<Units> world;               // Combined, per metric: Part::world (0 without a filter).
  std::vector<const std::string*> names;  // The spellings acc's tags index (in parts).
  std::vector<Part> parts;                // Own the names.
};

// Counts `store`'s records into `t` (t->parts sized to the scan's threads,
// t->acc to the slots: ScanAndCombine). Stops early, with an error
// nobody should read, once `*cancel` is set.
Status ScanRecords(const Store& store, const Edition& ed, const CellIndex& cells, bool same_grid,
                   const std::atomic<bool>* cancel, Tallies* t) {
  const size_t metrics = ed.metrics.size();
  const Grid store_grid = store.grid();
  std::vector<Part>& parts = t->parts;
  // Metrics with a subject filter: their world totals are counted here, as
  // WorldTotals counts them (the per-year totals are not kept per field).
  bool any_filtered = false;
  for (const MetricSpec& spec : ed.metrics) any_filtered |= !spec.exclude_fields.empty();
  for (Part& part : parts) {
    ReserveWholeLines(&part);
    part.world.assign(metrics, 0);
    part.acc.resize(t->acc.size());
    for (size_t slot = 0; slot < t->acc.size(); ++slot) {
      part.acc[slot].resize(metrics);
      for (size_t m = 0; m < metrics; ++m)
        part.acc[slot][m].year_units = t->acc[slot][m].year_units;
    }
  }
  return store.ForEachRecordParallel(
      parts.size(),
      [&](size_t part_index, Source source, std::string_view key, std::string_view value) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
          return Status::Internal("profile scan stopped");  // Nobody reads this result.
        }
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
        if (any_filtered) {
          for (size_t m = 0; m < metrics; ++m) {
            const MetricSpec& spec = ed.metrics[m];
            if (!spec.exclude_fields.empty() && spec.source == source &&
                rec.year >= spec.year_from && rec.year <= spec.year_to && spec.Counts(rec.field)) {
              part.world[m] += kUnit;
            }
          }
        }
        std::vector<std::pair<size_t, Units>>& weights = part.weights;
        weights.clear();
        for (const WeightedPoint& p : rec.points) {
          Cell cell = store_grid.CellOf(p.lat_e5, p.lon_e5);
          const int32_t slot1 = same_grid ? cells.ClusterOfCell(cell)
                                          : cells.ClusterAt(store_grid.CentreLatE5(cell),
                                                            store_grid.CentreLonE5(cell));
          if (slot1 == 0) continue;  // In none of the scan's clusters.
          const size_t slot = static_cast<size_t>(slot1 - 1);
          auto w = std::find_if(weights.begin(), weights.end(),
                                [&](const auto& x) { return x.first == slot; });
          if (w == weights.end()) {
            weights.emplace_back(slot, p.units);
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
          for (const auto& [slot, w] : weights) {
            PartAccumulator& a = part.acc[slot][m];
            const size_t y = static_cast<size_t>(rec.year - spec.year_from);
            a.year_units[y] += w;
            AttributeOrgs(w, orgs, &a);
            AttributeFields(w, part.fields, y, a.year_units.size(), &a);
          }
        }
        return Status::Ok();
      });
}

// Combines the parts' tallies into t->acc, in key order: an organisation
// keeps the spelling seen first.
void CombineParts(size_t metrics, Tallies* t) {
  auto& acc = t->acc;
  auto& names = t->names;
  StringMap<uint32_t> global_keys;
  t->world.assign(metrics, 0);
  for (Part& part : t->parts) {
    for (size_t m = 0; m < metrics; ++m) t->world[m] += part.world[m];
    std::vector<uint32_t> global_spelling(part.org_names.spellings(), kNoItem);
    std::vector<uint32_t> global_key(part.org_names.keys());
    for (uint32_t k = 0; k < global_key.size(); ++k) {
      global_key[k] =
          global_keys.try_emplace(part.org_names.key(k), static_cast<uint32_t>(global_keys.size()))
              .first->second;
    }
    for (size_t slot = 0; slot < acc.size(); ++slot) {
      for (size_t m = 0; m < metrics; ++m) {
        AddPart(std::move(part.acc[slot][m]), part.org_names, global_key, part.field_names,
                &global_spelling, &names, &acc[slot][m]);
      }
      std::vector<PartAccumulator>().swap(part.acc[slot]);  // Freed as it goes.
    }
  }
}

// An empty tally per slot and metric (year vectors sized to the windows).
std::vector<std::vector<MetricAccumulator>> EmptyTallies(const Edition& ed, size_t slots) {
  std::vector<std::vector<MetricAccumulator>> acc(slots);
  for (auto& per_cluster : acc) {
    per_cluster.resize(ed.metrics.size());
    for (size_t m = 0; m < ed.metrics.size(); ++m) {
      per_cluster[m].year_units.assign(ed.metrics[m].year_to - ed.metrics[m].year_from + 1, 0);
    }
  }
  return acc;
}

// The whole scan of `slots` clusters (ScanRecords) on `threads` threads
// (ResolveThreads), `t` set up first and its parts combined after.
Status ScanAndCombine(const Store& store, const Edition& ed, const CellIndex& cells, bool same_grid,
                      size_t slots, int threads, const std::atomic<bool>* cancel, Tallies* t) {
  t->acc = EmptyTallies(ed, slots);
  t->parts.resize(static_cast<size_t>(ResolveThreads(threads)));
  STC_RETURN_IF_ERROR(ScanRecords(store, ed, cells, same_grid, cancel, t));
  CombineParts(ed.metrics.size(), t);
  return Status::Ok();
}

// The map's cells with each cluster id of `slot_ids` replaced by its index +
// 1 (other clusters' cells dropped): a point's cell look-up gives its slot.
ClusterMap SlotsMap(const ClusterMap& map, const std::vector<int32_t>& slot_ids) {
  std::unordered_map<int32_t, size_t> index;  // Cluster id -> slot.
  for (size_t i = 0; i < slot_ids.size(); ++i) index.emplace(slot_ids[i], i);
  ClusterMap slots_map;
  slots_map.grid_step_e5 = map.grid_step_e5;
  slots_map.cells.reserve(map.cells.size());
  for (const auto& [cell, id] : map.cells) {
    auto it = index.find(id);
    if (it != index.end()) slots_map.cells.emplace_back(cell, static_cast<int32_t>(it->second + 1));
  }
  return slots_map;
}

// The tally of one (cluster, metric) as a MetricTally, `keep` organisations
// at most (the accumulator's field years moved out).
MetricTally TallyOf(MetricAccumulator* a, const std::vector<const std::string*>& names, int keep) {
  MetricTally t;
  t.year_units = a->year_units;
  t.orgs = TopOrgs(a->orgs, names, keep);
  for (auto& [key, f] : a->fields) {
    if (f.units == 0) continue;
    t.fields.push_back({f.code, f.name, f.units, std::move(f.years)});
  }
  return t;
}

// The profiles of ranking's rows, row i from the tallies of slot_of_row[i].
std::vector<ClusterProfile> BuildProfiles(Tallies* t, const std::vector<size_t>& slot_of_row,
                                          const ClusterMap& map, const Ranking& ranking,
                                          const ProfileOptions& options) {
  std::vector<ClusterProfile> out;
  out.reserve(ranking.rows.size());
  for (size_t i = 0; i < ranking.rows.size(); ++i) {
    std::vector<MetricTally> tallies;
    for (MetricAccumulator& a : t->acc[slot_of_row[i]]) {
      tallies.push_back(TallyOf(&a, t->names, std::max(options.top_items, 0)));
    }
    out.push_back(profile_internal::BuildProfile(&tallies, map, ranking, ranking.rows[i], options));
  }
  return out;
}

}  // namespace

Result<std::vector<ClusterProfile>> ComputeProfiles(const Store& store, const ClusterMap& map,
                                                    const Ranking& ranking,
                                                    const ProfileOptions& options) {
  // The ranked clusters only, in rank order: slot i is row i.
  std::vector<int32_t> ids;
  std::vector<size_t> slot_of_row;
  for (size_t i = 0; i < ranking.rows.size(); ++i) {
    ids.push_back(ranking.rows[i].id);
    slot_of_row.push_back(i);
  }
  Tallies t;
  const CellIndex cells(SlotsMap(map, ids));
  STC_RETURN_IF_ERROR(ScanAndCombine(store, ranking.edition, cells,
                                     store.grid().step_e5() == map.grid_step_e5, ids.size(),
                                     options.threads, nullptr, &t));
  return BuildProfiles(&t, slot_of_row, map, ranking, options);
}

struct ProfileScan::Impl {
  const Store* store = nullptr;
  Edition edition;
  std::vector<int32_t> ids;  // The map's cluster ids, ascending: slot i is ids[i].
  Tallies tallies;
  Status status;
  std::atomic<bool> cancel{false};
  std::thread thread;     // Not joinable when the scan ran in Start.
  bool finished = false;  // Finish was called.
};

std::unique_ptr<ProfileScan> ProfileScan::Start(const Store& store, const ClusterMap& map,
                                                const Edition& edition, int threads) {
  auto impl = std::make_unique<Impl>();
  impl->store = &store;
  impl->edition = edition;
  for (const auto& [cell, id] : map.cells) {
    if (id != 0) impl->ids.push_back(id);
  }
  std::sort(impl->ids.begin(), impl->ids.end());
  impl->ids.erase(std::unique(impl->ids.begin(), impl->ids.end()), impl->ids.end());
  // What the scan reads of the map, copied now: the caller may change the
  // map (e.g. name its clusters) while it runs.
  auto cells = std::make_shared<const CellIndex>(SlotsMap(map, impl->ids));
  const bool same_grid = store.grid().step_e5() == map.grid_step_e5;
  Impl* raw = impl.get();
  auto scan = [raw, &store, cells, same_grid, threads] {
    raw->status = ScanAndCombine(store, raw->edition, *cells, same_grid, raw->ids.size(), threads,
                                 &raw->cancel, &raw->tallies);
  };
  try {
    raw->thread = std::thread(scan);
  } catch (const std::system_error&) {
    scan();  // No thread to be had: scanned here, before the ranking.
  }
  return std::unique_ptr<ProfileScan>(new ProfileScan(std::move(impl)));
}

ProfileScan::ProfileScan(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ProfileScan::~ProfileScan() {
  if (impl_ != nullptr && impl_->thread.joinable()) {
    impl_->cancel = true;
    impl_->thread.join();
  }
}

Status ProfileScan::Join() {
  if (impl_->thread.joinable()) impl_->thread.join();
  return impl_->status;
}

Status ProfileScan::Wait() {
  if (impl_->finished) return Status::Internal("ProfileScan finished twice");
  impl_->finished = true;
  return Join();
}

Result<RankingSums> ProfileScan::Sums() {
  if (impl_->finished) return Status::Internal("ProfileScan::Sums after its Finish");
  STC_RETURN_IF_ERROR(Join());
  const Edition& ed = impl_->edition;
  const size_t metrics = ed.metrics.size();
  RankingSums sums;
  STC_ASSIGN_OR_RETURN(sums.world, UnfilteredWorldTotals(*impl_->store, ed));
  for (size_t m = 0; m < metrics; ++m) {
    if (!ed.metrics[m].exclude_fields.empty()) sums.world[m] = impl_->tallies.world[m];
  }
  sums.clustered.assign(metrics, 0);
  for (size_t slot = 0; slot < impl_->ids.size(); ++slot) {
    std::vector<Units> units(metrics, 0);
    bool any = false;
    for (size_t m = 0; m < metrics; ++m) {
      for (Units u : impl_->tallies.acc[slot][m].year_units) units[m] += u;
      sums.clustered[m] += units[m];
      any |= units[m] != 0;
    }
    if (any) sums.clusters.emplace(impl_->ids[slot], std::move(units));
  }
  return sums;
}

Result<ProfileTallies> ProfileScan::FinishTallies(int kept_orgs) {
  STC_RETURN_IF_ERROR(Wait());
  ProfileTallies out;
  out.kept_orgs = std::max(kept_orgs, 0);
  Tallies& t = impl_->tallies;
  for (size_t slot = 0; slot < impl_->ids.size(); ++slot) {
    bool any = false;
    for (const MetricAccumulator& a : t.acc[slot]) {
      for (Units u : a.year_units) any |= u != 0;
    }
    if (!any) continue;  // No units: no organisations or fields either.
    std::vector<MetricTally>& v = out.clusters[impl_->ids[slot]];
    for (MetricAccumulator& a : t.acc[slot]) v.push_back(TallyOf(&a, t.names, out.kept_orgs));
  }
  return out;
}

Result<std::vector<ClusterProfile>> ProfileScan::Finish(const ClusterMap& map,
                                                        const Ranking& ranking,
                                                        const ProfileOptions& options) {
  STC_RETURN_IF_ERROR(Wait());
  const Edition& ed = ranking.edition;
  bool same_metrics = ed.metrics.size() == impl_->edition.metrics.size();
  for (size_t m = 0; same_metrics && m < ed.metrics.size(); ++m) {
    const MetricSpec &a = ed.metrics[m], &b = impl_->edition.metrics[m];
    same_metrics = a.source == b.source && a.year_from == b.year_from && a.year_to == b.year_to;
  }
  if (!same_metrics) {
    return Status::InvalidArgument("profile scan: the ranking's edition " + ed.name +
                                   " has other metrics than the scan's " + impl_->edition.name);
  }
  std::vector<size_t> slot_of_row;
  slot_of_row.reserve(ranking.rows.size());
  for (const RankedCluster& row : ranking.rows) {
    auto it = std::lower_bound(impl_->ids.begin(), impl_->ids.end(), row.id);
    if (it == impl_->ids.end() || *it != row.id) {
      return Status::InvalidArgument("profile scan: ranked cluster " + std::to_string(row.id) +
                                     " is not on the scanned map");
    }
    slot_of_row.push_back(static_cast<size_t>(it - impl_->ids.begin()));
  }
  return BuildProfiles(&impl_->tallies, slot_of_row, map, ranking, options);
}

}  // namespace stc::cluster
