// The `stats` subcommand.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <string_view>
#include <unordered_map>

#include "app/command.h"
#include "core/grid.h"
#include "core/record_codec.h"
#include "core/string_map.h"
#include "core/threads.h"
#include "pipeline/rejects_log.h"

namespace stc {
namespace {

struct StatsArgs {
  std::string db;
  bool json = false;
  int top_unresolved = 10;
};

using LabelSums = StringMap<Units>;

// The labels of unlocated units with the largest weight, over all records:
// the records scanned on every core (integer sums: the split does not change
// them), decoded as views, a label copied once per thread that meets it.
Result<std::vector<std::pair<std::string, Units>>> TopUnresolved(const Store& store, int n) {
  struct Part {
    LabelSums sums;
    CountedRecordView rec;
  };
  std::vector<Part> parts(static_cast<size_t>(ResolveThreads(0)));
  for (Part& part : parts) ReserveThreadScratch(&part.rec);
  STC_RETURN_IF_ERROR(store.ForEachRecordParallel(
      parts.size(), [&](size_t part_index, Source, std::string_view, std::string_view value) {
        Part& part = parts[part_index];
        STC_RETURN_IF_ERROR(DecodeCountedRecordView(value, &part.rec));
        for (const auto& [label, units] : part.rec.unresolved) {
          auto it = part.sums.find(label);
          if (it == part.sums.end()) it = part.sums.emplace(std::string(label), 0).first;
          it->second += units;
        }
        return Status::Ok();
      }));
  LabelSums& sums = parts[0].sums;
  for (size_t i = 1; i < parts.size(); ++i) {
    for (auto& [label, units] : parts[i].sums) sums[label] += units;
  }
  std::vector<std::pair<std::string, Units>> top(sums.begin(), sums.end());
  std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (top.size() > static_cast<size_t>(n)) top.resize(n);
  return top;
}

std::string Percent(Units part, Units whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%",
                whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

int RunStats(const StatsArgs& args) {
  auto store = OpenForReading(args.db);
  if (!store.ok()) return StoreFail(store.status());
  auto totals = (*store)->GetTotals();
  if (!totals.ok()) return Fail(totals.status(), kExitStore);
  // Non-empty cells per source, counted on every core (key ranges of the
  // aggregates), each part in its own counters on its own cache line.
  struct alignas(64) PartCounts {
    int64_t n[256] = {};
  };
  std::vector<PartCounts> counts(static_cast<size_t>(ResolveThreads(0)));
  Status st = (*store)->ForEachAggregateParallel(counts.size(),
                                                 [&](size_t part, const AggregateKey& k, Units) {
                                                   ++counts[part].n[static_cast<uint8_t>(k.source)];
                                                   return Status::Ok();
                                                 });
  if (!st.ok()) return Fail(st, kExitStore);
  std::map<Source, int64_t> cells;
  for (const PartCounts& c : counts) {
    for (int s = 0; s < 256; ++s) {
      if (c.n[s] != 0) cells[static_cast<Source>(s)] += c.n[s];
    }
  }
  std::string grid = FormatE5((*store)->grid().step_e5());
  // Unresolved places are where a record's unlocated units come from, and
  // the totals sum every record's unlocated units: when they are all 0, no
  // record lists a place, and the scan of every record is skipped.
  bool any_unlocated = false;
  for (const YearTotals& t : *totals) any_unlocated |= t.unlocated != 0;
  Result<std::vector<std::pair<std::string, Units>>> top =
      std::vector<std::pair<std::string, Units>>{};
  if (args.top_unresolved > 0 && any_unlocated) top = TopUnresolved(**store, args.top_unresolved);
  if (!top.ok()) return Fail(top.status(), kExitStore);
  if (args.json) {
    std::cout << "{\"grid_deg\":\"" << grid << "\",\"record_compression\":\""
              << ((*store)->compresses_records() ? "lz4" : "none") << "\",\"totals\":[";
    bool first = true;
    for (const auto& t : *totals) {
      std::cout << (first ? "" : ",") << "{\"source\":\"" << SourceName(t.source)
                << "\",\"year\":" << t.year << ",\"records\":" << t.records << ",\"world\":\""
                << FormatUnits(t.world) << "\",\"unlocated\":\"" << FormatUnits(t.unlocated)
                << "\"}";
      first = false;
    }
    std::cout << "],\"cells\":{";
    first = true;
    for (const auto& [s, n] : cells) {
      std::cout << (first ? "" : ",") << "\"" << SourceName(s) << "\":" << n;
      first = false;
    }
    std::cout << "},\"top_unresolved\":[";
    for (size_t i = 0; i < top->size(); ++i) {
      std::string label;
      AppendJsonEscaped((*top)[i].first, &label);
      std::cout << (i ? "," : "") << "{\"place\":\"" << label << "\",\"units\":\""
                << FormatUnits((*top)[i].second) << "\"}";
    }
    std::cout << "]}\n";
    return kExitOk;
  }
  std::cout << "store:  " << (*store)->dir() << "\n";
  std::cout << "grid:   " << grid << " degree\n";
  std::cout << "records stored: " << ((*store)->compresses_records() ? "LZ4-compressed" : "plain")
            << "\n";
  std::cout << "source   year    records        world    unlocated  unlocated%\n";
  std::map<Source, YearTotals> sums;
  for (const auto& t : *totals) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%-8s %4d %10lld %12s %12s %10s\n",
                  std::string(SourceName(t.source)).c_str(), t.year,
                  static_cast<long long>(t.records), FormatUnits(t.world).c_str(),
                  FormatUnits(t.unlocated).c_str(), Percent(t.unlocated, t.world).c_str());
    std::cout << buf;
    YearTotals& s = sums[t.source];
    s.records += t.records;
    s.world += t.world;
    s.unlocated += t.unlocated;
  }
  for (const auto& [s, t] : sums) {
    std::cout << SourceName(s) << ": " << t.records << " records, " << cells[s]
              << " non-empty cells, unlocated " << Percent(t.unlocated, t.world) << "\n";
  }
  if (totals->empty()) std::cout << "(empty)\n";
  if (!top->empty()) {
    std::cout << "top unresolved places (units of records without coordinates):\n";
    for (const auto& [label, units] : *top) {
      std::cout << "  " << FormatUnits(units) << "\t" << label << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

Command AddStatsCommand(CLI::App& app) {
  auto a = std::make_shared<StatsArgs>();
  CLI::App* sub = app.add_subcommand("stats", "Show what the store holds.");
  sub->add_option("--db", a->db, "Store directory")->required();
  sub->add_flag("--json", a->json, "As JSON");
  sub->add_option("--top-unresolved", a->top_unresolved,
                  "Unresolved place strings to list, by weight (0: none). Reads every "
                  "record, unless the totals show no unlocated units")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();

  return {sub, [a] { return RunStats(*a); }};
}

}  // namespace stc
