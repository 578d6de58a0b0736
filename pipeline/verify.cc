#include "pipeline/verify.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "core/record_codec.h"
#include "core/threads.h"
#include "pipeline/contributions.h"
#include "pipeline/verify_internal.h"
#include "stores/keys.h"

namespace stc {
namespace {

namespace sk = store_keys;
using verify_internal::Problems;

// Record keys are normalised text; anything unprintable is shown as \xNN.
std::string Printable(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string RecordName(Source source, std::string_view key) {
  return "record " + std::string(SourceName(source)) + " " + Printable(key);
}

// The invariants of one decoded record (core/record.h); "" when it holds them.
std::string CheckRecord(const CountedRecord& r) {
  if (r.year < 0 || r.year > sk::kMaxYear)
    return "year " + std::to_string(r.year) + " out of range";
  if (r.field.size() > sk::kMaxFieldBytes) return "field longer than 255 bytes";
  if (r.unlocated < 0) return "negative unlocated units " + FormatUnits(r.unlocated);
  // Unsigned sum: hostile values wrap instead of overflowing.
  uint64_t sum = static_cast<uint64_t>(r.unlocated);
  for (const WeightedPoint& p : r.points) {
    if (p.units <= 0) return "a point with units " + FormatUnits(p.units);
    if (p.lat_e5 < -90 * kE5PerDegree || p.lat_e5 > 90 * kE5PerDegree ||
        p.lon_e5 < -180 * kE5PerDegree || p.lon_e5 > 180 * kE5PerDegree) {
      return "a point outside the globe (" + FormatE5(p.lat_e5) + "," + FormatE5(p.lon_e5) + ")";
    }
    sum += static_cast<uint64_t>(p.units);
  }
  if (sum != static_cast<uint64_t>(kUnit)) {
    return "units sum to " + FormatUnits(static_cast<Units>(sum)) +
           " (points + unlocated), not exactly 1";
  }
  return "";
}

void AddDifference(VerifyReport* report, size_t max, VerifyDifference d) {
  ++report->difference_count;
  if (report->differences.size() < max) report->differences.push_back(std::move(d));
}

// The recomputed aggregates in key order: a merge of the parts' combined
// deltas (each in key order), the entries of one key summed; a key whose
// sum is 0 has no aggregate, as in the store.
class MergedAggregates {
 public:
  explicit MergedAggregates(const std::vector<SortedAggregates>& parts) {
    for (const SortedAggregates& p : parts) {
      Cursor c;
      c.part = &p;
      if (Advance(&c)) cursors_.push_back(c);
    }
  }
  // The next aggregate; false after the last. Corruption for a key that
  // does not decode (the writer's own encoding: not expected).
  Result<bool> Next(AggregateKey* key, Units* units) {
    while (!cursors_.empty()) {
      std::string_view least = cursors_[0].key;
      for (const Cursor& c : cursors_) least = std::min(least, c.key);
      key_.assign(least);  // The cursors' views move on below.
      Units sum = 0;
      for (size_t i = 0; i < cursors_.size();) {
        Cursor& c = cursors_[i];
        if (c.key != key_) {
          ++i;
          continue;
        }
        sum += c.delta;
        if (Advance(&c)) {
          ++i;
        } else {
          cursors_.erase(cursors_.begin() + static_cast<std::ptrdiff_t>(i));
        }
      }
      if (sum == 0) continue;
      if (!sk::DecodeAggregateKey(key_, key)) {
        return Status::Corruption("verify: a recomputed aggregate key does not decode");
      }
      *units = sum;
      return true;
    }
    return false;
  }

 private:
  struct Cursor {
    const SortedAggregates* part = nullptr;
    size_t pos = 0;
    std::string_view key;
    Units delta = 0;
  };
  static bool Advance(Cursor* c) { return c->part->Next(&c->pos, &c->key, &c->delta); }

  std::vector<Cursor> cursors_;
  std::string key_;
};

// Compares the stored aggregates of the (source, year) pairs in [from, to)
// (streamed in key order) with the recomputed ones, those of the same pairs;
// collects the recomputed aggregates' cells into `cells` (in key order, the
// rows of one cell once, a cell of several years or sources repeated) when
// not null.
Status CompareAggregates(const Store& store, const std::vector<SortedAggregates>& parts,
                         Store::SourceYear from, std::optional<Store::SourceYear> to, size_t max,
                         std::vector<Cell>* cells, VerifyReport* report) {
  MergedAggregates merged(parts);
  AggregateKey again_key;
  Units again_units = 0;
  bool have = false;
  auto next = [&]() -> Status {
    STC_ASSIGN_OR_RETURN(have, merged.Next(&again_key, &again_units));
    if (have) {
      ++report->aggregates_recomputed;
      // A cell's rows (countries, fields) come one after the other: once.
      if (cells != nullptr && (cells->empty() || cells->back() != again_key.cell)) {
        cells->push_back(again_key.cell);
      }
    }
    return Status::Ok();
  };
  auto differ = [&](const AggregateKey& k, Units stored, Units again) {
    VerifyDifference d;
    d.key = k;
    d.column = "units";
    d.stored = stored;
    d.recomputed = again;
    AddDifference(report, max, std::move(d));
  };
  STC_RETURN_IF_ERROR(next());
  STC_RETURN_IF_ERROR(
      store.ForEachAggregateOfYears(from, to, [&](const AggregateKey& k, Units units) -> Status {
        ++report->aggregates_stored;
        while (have && sk::AggregateKeyLess(again_key, k)) {
          differ(again_key, 0, again_units);
          STC_RETURN_IF_ERROR(next());
        }
        if (have && again_key == k) {
          if (again_units != units) differ(k, units, again_units);
          STC_RETURN_IF_ERROR(next());
        } else {
          differ(k, units, 0);
        }
        return Status::Ok();
      }));
  while (have) {
    differ(again_key, 0, again_units);
    STC_RETURN_IF_ERROR(next());
  }
  return Status::Ok();
}

struct TotalsRow {
  Units world = 0, unlocated = 0;
  int64_t records = 0;
};

Status CompareTotals(const Store& store,
                     const std::vector<std::pair<std::pair<Source, int32_t>, TotalsRow>>& again,
                     size_t max, VerifyReport* report) {
  STC_ASSIGN_OR_RETURN(std::vector<YearTotals> stored, store.GetTotals());
  report->totals_stored = static_cast<int64_t>(stored.size());
  // Both lists are in (source, year) order.
  size_t a = 0, b = 0;
  while (a < stored.size() || b < again.size()) {
    std::pair<Source, int32_t> key;
    TotalsRow s, r;
    if (b == again.size() ||
        (a < stored.size() && std::make_pair(stored[a].source, stored[a].year) < again[b].first)) {
      key = {stored[a].source, stored[a].year};
      s = {stored[a].world, stored[a].unlocated, stored[a].records};
      ++a;
    } else if (a == stored.size() ||
               again[b].first < std::make_pair(stored[a].source, stored[a].year)) {
      key = again[b].first;
      r = again[b].second;
      ++b;
    } else {
      key = again[b].first;
      s = {stored[a].world, stored[a].unlocated, stored[a].records};
      r = again[b].second;
      ++a;
      ++b;
    }
    auto column = [&](const char* name, int64_t sv, int64_t rv) {
      if (sv == rv) return;
      VerifyDifference d;
      d.is_totals = true;
      d.key.source = key.first;
      d.key.year = key.second;
      d.column = name;
      d.stored = sv;
      d.recomputed = rv;
      AddDifference(report, max, std::move(d));
    };
    column("world", s.world, r.world);
    column("unlocated", s.unlocated, r.unlocated);
    column("records", s.records, r.records);
  }
  return Status::Ok();
}

}  // namespace

std::string DescribeDifferenceKey(const VerifyDifference& d, const Grid& grid) {
  std::string out = std::string(SourceName(d.key.source)) + " " + std::to_string(d.key.year);
  if (d.is_totals) return out + " totals";
  out += " " + verify_internal::CellText(grid, d.key.cell) + " ";
  out += d.key.country[0] == 0 && d.key.country[1] == 0 ? std::string("--")
                                                        : Printable({d.key.country, 2});
  out += " " + (d.key.field.empty() ? std::string("-") : Printable(d.key.field));
  return out;
}

namespace {

// The first (source, year) pair of each group after the first: the pairs
// with records, in key order, cut after about `group_bytes` of their stored
// aggregates. None for one group. Pairs without totals (an inconsistent
// store) fall in the group around them: the groups cover every pair.
Result<std::vector<Store::SourceYear>> GroupStarts(const Store& store, uint64_t group_bytes) {
  std::vector<Store::SourceYear> starts;
  if (group_bytes == 0) return starts;
  STC_ASSIGN_OR_RETURN(std::vector<YearTotals> totals, store.GetTotals());
  std::vector<Store::SourceYear> pairs;
  for (const YearTotals& t : totals) pairs.emplace_back(t.source, t.year);
  STC_ASSIGN_OR_RETURN(std::vector<uint64_t> bytes, store.ApproximateAggregateBytes(pairs));
  uint64_t held = 0;
  for (size_t i = 0; i + 1 < pairs.size(); ++i) {
    held += bytes[i];
    if (held < group_bytes) continue;
    starts.push_back(pairs[i + 1]);
    held = 0;
  }
  return starts;
}

}  // namespace

Result<VerifyReport> VerifyStore(const Store& store, const VerifyOptions& options) {
  VerifyReport report;
  Problems problems(&report, options.max_differences);
  const Grid& grid = store.grid();
  const size_t n = static_cast<size_t>(ResolveThreads(options.threads));
  STC_ASSIGN_OR_RETURN(const std::vector<Store::SourceYear> starts,
                       GroupStarts(store, options.group_bytes));
  std::vector<std::pair<std::pair<Source, int32_t>, TotalsRow>> totals;
  std::vector<Cell> cells;  // Of the recomputed aggregates; per group sorted, unique.
  const bool want_cells = options.check_cluster_maps;

  report.passes = static_cast<int64_t>(starts.size() + 1);
  for (size_t group = 0; group <= starts.size(); ++group) {
    const Store::SourceYear from =
        group == 0 ? Store::SourceYear(static_cast<Source>(0), INT32_MIN) : starts[group - 1];
    const std::optional<Store::SourceYear> to =
        group < starts.size() ? std::optional<Store::SourceYear>(starts[group]) : std::nullopt;
    auto in_group = [&](Source source, int32_t year) {
      const Store::SourceYear p(source, year);
      return !(p < from) && (!to.has_value() || p < *to);
    };
    const bool first_pass = group == 0;

    // 1. Stream the records into the writer's delta map, one per part of a
    // scan on every core; only the group's records are added. Integer sums:
    // the split does not change them. The first pass checks every record,
    // and the parts' problems are combined in part (= key) order.
    struct Part {
      std::unique_ptr<DeltaMap> deltas;
      CountedRecord r;
      int64_t records = 0;
      VerifyReport problems;  // Only problem_count and problems.
    };
    std::vector<Part> parts(n);
    // A map's unmerged runs are most of its memory: runs of 1/(2n) of the
    // default size keep n maps below one default map (the 20M bench store:
    // 571 MiB with 2 threads, 776 MiB for the serial scan before).
    for (Part& part : parts) {
      part.deltas = std::make_unique<DeltaMap>(std::max<size_t>((size_t{1} << 20) / (2 * n), 4096));
    }
    STC_RETURN_IF_ERROR(store.ForEachRecordParallel(
        n, [&](size_t part_index, Source source, std::string_view key, std::string_view value) {
          Part& part = parts[part_index];
          if (!first_pass) {
            // Checked in the first pass; here only the group's records.
            int32_t year = 0, version = 0;
            if (!PeekYearVersion(value, &year, &version) || !in_group(source, year)) {
              return Status::Ok();
            }
          }
          Problems part_problems(&part.problems, options.max_differences);
          CountedRecord& r = part.r;
          if (first_pass) ++part.records;
          Status st = DecodeCountedRecord(value, &r);
          if (!st.ok()) {
            if (first_pass) {
              part_problems.Add(RecordName(source, key) + " does not decode: " + st.message());
            }
            return Status::Ok();
          }
          r.source = source;
          std::string why = CheckRecord(r);
          if (!why.empty()) {
            if (first_pass) part_problems.Add(RecordName(source, key) + ": " + why);
            // A year the store cannot key has no aggregates to compare.
            if (r.year < 0 || r.year > sk::kMaxYear || r.field.size() > sk::kMaxFieldBytes) {
              return Status::Ok();
            }
          }
          if (in_group(source, r.year)) part.deltas->Add(r, +1, grid);
          return Status::Ok();
        }));

    // 2. Each part's combined deltas, taken out of its map (freed at once):
    // the aggregates encoded in key order, the totals summed over the parts.
    std::vector<SortedAggregates> sorted(parts.size());
    for (size_t i = 0; i < parts.size(); ++i) {
      Part& part = parts[i];
      report.records += part.records;
      report.problem_count += part.problems.problem_count;
      for (std::string& text : part.problems.problems) {
        if (report.problems.size() < options.max_differences) {
          report.problems.push_back(std::move(text));
        }
      }
      StoreBatch part_totals;
      // Keys out of the store's ranges were skipped above: none to refuse.
      STC_RETURN_IF_ERROR(part.deltas->FlushSorted(&sorted[i], &part_totals));
      part.deltas.reset();
      part_totals.ForEachTotalsDelta([&](Source s, int32_t y, Units w, Units u, int64_t c) {
        totals.push_back({{s, y}, {w, u, c}});
      });
    }

    // 3. Compare (the recomputed aggregates merged from the parts as the
    // stored ones of the group stream by), keeping their cells for the
    // maps' notes.
    std::vector<Cell> group_cells;
    STC_RETURN_IF_ERROR(CompareAggregates(store, sorted, from, to, options.max_differences,
                                          want_cells ? &group_cells : nullptr, &report));
    std::sort(group_cells.begin(), group_cells.end());
    group_cells.erase(std::unique(group_cells.begin(), group_cells.end()), group_cells.end());
    cells.insert(cells.end(), group_cells.begin(), group_cells.end());
  }

  std::sort(totals.begin(), totals.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  size_t kept = 0;
  for (size_t i = 0; i < totals.size(); ++i) {
    if (kept > 0 && totals[kept - 1].first == totals[i].first) {
      TotalsRow& into = totals[kept - 1].second;
      into.world += totals[i].second.world;
      into.unlocated += totals[i].second.unlocated;
      into.records += totals[i].second.records;
    } else {
      totals[kept++] = totals[i];
    }
  }
  totals.resize(kept);
  STC_RETURN_IF_ERROR(CompareTotals(store, totals, options.max_differences, &report));

  // 4. Cluster maps.
  if (options.check_cluster_maps) {
    std::sort(cells.begin(), cells.end());
    cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
    STC_RETURN_IF_ERROR(verify_internal::CheckClusterMaps(store, cells, &problems, &report));
  }
  return report;
}

}  // namespace stc
