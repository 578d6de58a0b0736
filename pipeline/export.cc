#include "pipeline/export.h"

#include <tbb/concurrent_queue.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "core/csv.h"
#include "core/grid.h"
#include "core/hash.h"
#include "core/threads.h"
#include "core/units.h"
#include "pipeline/rejects_log.h"

namespace stc {
namespace {

std::string Country(const char c[2]) {
  if (c[0] == 0) return "";
  return std::string(c, 2);
}

bool InRange(const ExportOptions& o, Source s, int32_t year) {
  if (o.source.has_value() && *o.source != s) return false;
  return year >= o.year_from && year <= o.year_to;
}

// CSV text cell: quoted, formulas neutralised (core/csv.h).
std::string CsvCell(const std::string& v) { return CsvText(v); }

std::string JsonString(const std::string& v) {
  std::string out = "\"";
  AppendJsonEscaped(v, &out);
  out.push_back('"');
  return out;
}

void WriteTotals(const std::vector<YearTotals>& totals, const ExportOptions& options, bool csv,
                 std::ostream& out) {
  bool first = true;
  for (const YearTotals& t : totals) {
    if (!InRange(options, t.source, t.year)) continue;
    std::string src(SourceName(t.source));
    if (csv) {
      out << "world," << src << "," << t.year << ",,,,," << FormatUnits(t.world) << "\n";
      out << "unlocated," << src << "," << t.year << ",,,,," << FormatUnits(t.unlocated) << "\n";
    } else {
      out << (first ? "\n" : ",\n") << "{\"source\":\"" << src << "\",\"year\":" << t.year
          << ",\"records\":" << t.records << ",\"world\":\"" << FormatUnits(t.world)
          << "\",\"unlocated\":\"" << FormatUnits(t.unlocated) << "\"}";
    }
    first = false;
  }
}

// The sums of one part of the by-cluster scan, keyed by (source, year,
// country, cluster, field), the field as the part's own index into `fields`.
// The rows of a cell come together in key order (one per country and field,
// about 17 a cell on a 0.01-degree store), so the cell's cluster is looked
// up once per cell, and the fields, a handful of short strings, are
// interned. Both tables are open addressing in one array (std::unordered_map's
// node chains and the fields' string hashes had been a fifth of the CPU of
// `export --by cluster` on that store). Aligned so that two parts' tables
// never share a cache line.
class alignas(64) ClusterSums {
 public:
  ClusterSums() : slots_(kInitialSlots), field_slots_(kInitialSlots, kNoField) {}

  // Adds `units` to the sum of (k's source, year, country and field, the
  // cluster of k's cell by `cluster_of`: 0 = noise).
  void Add(const AggregateKey& k, const std::function<int32_t(const Cell&)>& cluster_of,
           Units units) {
    if (!has_cell_ || k.cell != cell_) {
      const int32_t id = cluster_of(k.cell);
      order_ = id > 0 ? static_cast<uint32_t>(id) : kNoiseOrder;
      cell_ = k.cell;
      has_cell_ = true;
    }
    const uint64_t head = kUsed | uint64_t{static_cast<uint8_t>(k.source)} << 48 |
                          uint64_t{static_cast<uint16_t>(k.year)} << 32 |
                          uint64_t{static_cast<uint8_t>(k.country[0])} << 8 |
                          uint64_t{static_cast<uint8_t>(k.country[1])};
    Find(head, order_, FieldIndex(k.field)).units += units;
  }
  // Visits every sum as (source, year, order, country, field, units); order
  // kNoiseOrder is noise.
  template <typename Fn>
  void ForEach(const Fn& fn) const {
    for (const Slot& s : slots_) {
      if (s.head == 0) continue;
      const char country[2] = {static_cast<char>(s.head >> 8 & 0xff),
                               static_cast<char>(s.head & 0xff)};
      fn(static_cast<uint8_t>(s.head >> 48), static_cast<int32_t>(s.head >> 32 & 0xffff), s.order,
         Country(country), fields_[s.field], s.units);
    }
  }

  static constexpr uint32_t kNoiseOrder = UINT32_MAX;

 private:
  static constexpr size_t kInitialSlots = 1024;         // A power of two.
  static constexpr uint64_t kUsed = uint64_t{1} << 63;  // In a used slot's head.
  static constexpr uint32_t kNoField = UINT32_MAX;

  struct Slot {
    uint64_t head = 0;  // kUsed | source, year, country; 0 = empty.
    uint32_t order = 0;
    uint32_t field = 0;
    Units units = 0;
  };

  static size_t Mix(uint64_t h) {
    h *= 0x9e3779b97f4a7c15ULL;
    return static_cast<size_t>(h ^ (h >> 29));
  }
  Slot& Find(uint64_t head, uint32_t order, uint32_t field) {
    size_t mask = slots_.size() - 1;
    for (size_t i = Mix(head ^ (uint64_t{order} << 20 | field)) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.head == head && s.order == order && s.field == field) return s;
      if (s.head != 0) continue;
      if ((used_ + 1) * 2 > slots_.size()) {  // At most half full.
        Grow();
        return Find(head, order, field);
      }
      ++used_;
      s.head = head;
      s.order = order;
      s.field = field;
      return s;
    }
  }
  void Grow() {
    std::vector<Slot> old(2 * slots_.size());
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.head == 0) continue;
      size_t i = Mix(s.head ^ (uint64_t{s.order} << 20 | s.field)) & mask;
      while (slots_[i].head != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  uint32_t FieldIndex(std::string_view field) {
    if (last_field_ != kNoField && Same(fields_[last_field_], field)) return last_field_;
    const uint64_t h = MemoryHash64(field);
    const size_t mask = field_slots_.size() - 1;
    for (size_t i = static_cast<size_t>(h) & mask;; i = (i + 1) & mask) {
      const uint32_t id = field_slots_[i];
      if (id == kNoField) break;
      if (field_hashes_[id] == h && Same(fields_[id], field)) return last_field_ = id;
    }
    const auto id = static_cast<uint32_t>(fields_.size());
    fields_.emplace_back(field);
    field_hashes_.push_back(h);
    if (fields_.size() * 2 > field_slots_.size()) {  // At most half full: rebuilt twice the size.
      field_slots_.assign(2 * field_slots_.size(), kNoField);
      for (uint32_t f = 0; f < id; ++f) PlaceField(f);
    }
    PlaceField(id);
    return last_field_ = id;
  }

  // a == b, without a call to memcmp for the short fields of most stores.
  static bool Same(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.size() > 16) return a == b;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  void PlaceField(uint32_t f) {
    const size_t mask = field_slots_.size() - 1;
    size_t i = static_cast<size_t>(field_hashes_[f]) & mask;
    while (field_slots_[i] != kNoField) i = (i + 1) & mask;
    field_slots_[i] = f;
  }

  std::vector<Slot> slots_;
  size_t used_ = 0;
  std::vector<std::string> fields_;
  std::vector<uint64_t> field_hashes_;  // MemoryHash64 of fields_[i].
  std::vector<uint32_t> field_slots_;   // Indexes into fields_; kNoField = empty.
  uint32_t last_field_ = kNoField;
  bool has_cell_ = false;
  Cell cell_;
  uint32_t order_ = 0;  // The cluster id of cell_, or kNoiseOrder.
};

// Export by cluster (see export.h): sums per (source, year, cluster, country,
// field), noise (cluster 0) after the clusters. The aggregates are read in
// key ranges on several threads, each summing into its own table; the
// tables are combined, in output order, at the end.
Status ExportByCluster(const Store& store, const ExportOptions& options, std::ostream& out) {
  const bool csv = options.format == ExportOptions::Format::kCsv;
  const size_t threads = static_cast<size_t>(ResolveThreads(static_cast<int>(options.threads)));
  std::vector<ClusterSums> parts(threads);
  STC_RETURN_IF_ERROR(store.ForEachAggregateParallel(
      threads, [&](size_t part, const AggregateKey& k, Units units) -> Status {
        if (!InRange(options, k.source, k.year)) return Status::Ok();
        parts[part].Add(k, options.cluster_of, units);
        return Status::Ok();
      }));
  using Key = std::tuple<uint8_t, int32_t, uint32_t, std::string, std::string>;
  std::map<Key, Units> sums;
  for (const ClusterSums& p : parts) {
    p.ForEach([&](uint8_t source, int32_t year, uint32_t order, std::string country,
                  const std::string& field, Units units) {
      sums[Key(source, year, order, std::move(country), field)] += units;
    });
  }
  out << (csv ? "kind,source,year,cluster,name,country,field,units\n"
              : "{\"by\":\"cluster\",\"clusters\":[");
  bool first = true;
  for (const auto& [key, units] : sums) {
    if (units == 0) continue;
    const auto& [src_byte, year, order, country, field] = key;
    const bool noise = order == ClusterSums::kNoiseOrder;
    std::string id = noise ? "" : std::to_string(order);
    std::string name =
        noise || !options.cluster_name ? "" : options.cluster_name(static_cast<int32_t>(order));
    std::string src(SourceName(static_cast<Source>(src_byte)));
    if (csv) {
      out << (noise ? "noise," : "cluster,") << src << "," << year << "," << id << ","
          << CsvCell(name) << "," << country << "," << CsvCell(field) << "," << FormatUnits(units)
          << "\n";
    } else {
      out << (first ? "\n" : ",\n") << "{\"source\":\"" << src << "\",\"year\":" << year
          << ",\"cluster\":" << (noise ? "null" : id) << ",\"name\":" << JsonString(name)
          << ",\"country\":" << JsonString(country) << ",\"field\":" << JsonString(field)
          << ",\"units\":\"" << FormatUnits(units) << "\"}";
    }
    first = false;
  }
  STC_ASSIGN_OR_RETURN(std::vector<YearTotals> totals, store.GetTotals());
  if (!csv) out << "],\"totals\":[";
  WriteTotals(totals, options, csv, out);
  if (!csv) out << "]}\n";
  out.flush();
  if (!out) return Status::IoError("writing the export failed");
  return Status::Ok();
}

// The text of the cell export's rows, written through a pointer: a row
// makes its room once (Reserve) and its pieces go in with plain copies,
// most of fixed size, instead of one std::string append each (the appends'
// copies were a tenth of the export's CPU on a 0.01-degree store).
class RowBuffer {
 public:
  // Room for `n` more bytes at the returned pointer; Commit says how many
  // were written.
  char* Reserve(size_t n) {
    if (capacity_ - size_ < n) Grow(n);
    return data_.get() + size_;
  }
  void Commit(const char* end) { size_ = static_cast<size_t>(end - data_.get()); }
  void Append(std::string_view v) {
    char* p = Reserve(v.size());
    std::memcpy(p, v.data(), v.size());
    Commit(p + v.size());
  }
  std::string_view view() const { return std::string_view(data_.get(), size_); }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }  // Keeps the memory for the next range.

 private:
  void Grow(size_t n) {
    const size_t capacity = std::max({2 * capacity_, size_ + n, size_t{64} << 10});
    auto data = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
    data_ = std::move(data);
    capacity_ = capacity;
  }
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

// Formats the rows of the cell export, CSV or JSON. The aggregates come in
// key order, one row per (country, field) of a source, year and cell: the
// text up to the country is made once per cell and copied for the rows
// after it (one fixed-size copy), and a row's short plain text goes straight
// into the buffer (formatting had been half the export's CPU time on a
// 0.01-degree store). The text is what the escaping helpers make
// (AppendCsvText, AppendJsonEscaped), which the other rows still go
// through. A JSON row starts with ",\n" (the writer drops the comma of the
// first one).
class CellRows {
 public:
  CellRows(const Grid& grid, bool csv) : grid_(grid), csv_(csv) {}

  // Appends the row of (k, units) to *out.
  void Append(const AggregateKey& k, Units units, RowBuffer* out) {
    if (!has_prefix_ || k.cell != cell_ || k.year != year_ || k.source != source_) SetPrefix(k);
    const std::string_view country(k.country, k.country[0] == 0 ? 0 : 2);
    const std::string_view field(k.field);
    if (!(prefix_.size() <= kPaddedPrefix && Plain(country) && Plain(field) &&
          field.size() <= kFastField)) {
      AppendEscaped(country, field, units, out);
      return;
    }
    char* p = out->Reserve(kPaddedPrefix + kFastField + kMaxUnitsChars + 32);
    std::memcpy(p, padded_prefix_, kPaddedPrefix);  // Fixed size: no call.
    p += prefix_.size();
    std::memcpy(p, k.country, 2);
    p += country.size();
    p = Copy(csv_ ? std::string_view(",") : std::string_view(R"(","field":")"), p);
    p = Copy(field, p);
    p = Copy(csv_ ? std::string_view(",") : std::string_view(R"(","units":")"), p);
    p = WriteUnits(units, p);
    p = Copy(csv_ ? std::string_view("\n") : std::string_view(R"("})"), p);
    out->Commit(p);
  }

 private:
  // Fields of up to this many bytes take the fast path.
  static constexpr size_t kFastField = 32;
  // Prefixes of up to this many bytes (all but a source name far longer
  // than today's) are copied with one fixed-size copy.
  static constexpr size_t kPaddedPrefix = 128;

  // True when `v` is printable ASCII that neither format escapes or quotes,
  // and not a CSV cell to neutralise.
  bool Plain(std::string_view v) const {
    for (char c : v) {
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == ',') return false;
    }
    return !csv_ || !CsvNeedsNeutralising(v);
  }
  static char* Copy(std::string_view v, char* p) {
    std::memcpy(p, v.data(), v.size());
    return p + v.size();
  }
  // The row through the escaping helpers.
  void AppendEscaped(std::string_view country, std::string_view field, Units units,
                     RowBuffer* out) {
    std::string& row = scratch_;
    row.assign(prefix_);
    if (csv_) {
      row.append(country);
      row.push_back(',');
      AppendCsvText(field, &row);
      row.push_back(',');
    } else {
      AppendJsonEscaped(country, &row);
      row.append(R"(","field":")");
      AppendJsonEscaped(field, &row);
      row.append(R"(","units":")");
    }
    AppendUnits(units, &row);
    row.append(csv_ ? std::string_view("\n") : std::string_view(R"("})"));
    out->Append(row);
  }
  void SetPrefix(const AggregateKey& k) {
    has_prefix_ = true;
    source_ = k.source;
    year_ = k.year;
    cell_ = k.cell;
    char year[16];
    const std::string_view year_text(
        year, static_cast<size_t>(std::to_chars(year, year + sizeof(year), k.year).ptr - year));
    char lat[kMaxE5Chars], lon[kMaxE5Chars];
    const std::string_view lat_text(lat, WriteE5(grid_.CentreLatE5(k.cell), lat) - lat);
    const std::string_view lon_text(lon, WriteE5(grid_.CentreLonE5(k.cell), lon) - lon);
    prefix_.clear();
    if (csv_) {
      prefix_.append("cell,").append(SourceName(k.source)).append(",").append(year_text);
      prefix_.append(",").append(lat_text).append(",").append(lon_text).append(",");
    } else {
      prefix_.append(",\n").append(R"({"source":")").append(SourceName(k.source));
      prefix_.append(R"(","year":)").append(year_text);
      prefix_.append(R"(,"lat":")").append(lat_text);
      prefix_.append(R"(","lon":")").append(lon_text);
      prefix_.append(R"(","country":")");
    }
    if (prefix_.size() <= kPaddedPrefix)
      std::memcpy(padded_prefix_, prefix_.data(), prefix_.size());
  }

  const Grid& grid_;
  const bool csv_;
  bool has_prefix_ = false;
  Source source_{};
  int32_t year_ = 0;
  Cell cell_;
  std::string prefix_;  // The text of the current cell's rows up to the country.
  char padded_prefix_[kPaddedPrefix] = {};  // prefix_, then bytes the rows overwrite.
  std::string scratch_;                     // A row through the escaping helpers.
};

// The text of one key range of the cell export, formatted by a pipeline
// thread and written out in range order.
struct RangeText {
  size_t range = 0;
  RowBuffer text;
  Status status;
};

// At most this many key ranges (ExportOptions::range_bytes): the split
// costs a few dozen size estimates per range.
constexpr size_t kExportMaxRanges = 4096;

}  // namespace

Status ExportAggregates(const Store& store, const ExportOptions& options, std::ostream& out) {
  if (options.cluster_of) return ExportByCluster(store, options, out);
  const Grid& grid = store.grid();
  const bool csv = options.format == ExportOptions::Format::kCsv;
  if (csv) {
    out << "kind,source,year,lat,lon,country,field,units\n";
  } else {
    out << "{\"grid_deg\":\"" << FormatE5(grid.step_e5()) << "\",\"cells\":[";
  }
  STC_ASSIGN_OR_RETURN(std::unique_ptr<Store::AggregateRanges> ranges,
                       store.SplitAggregates(options.range_bytes, kExportMaxRanges));
  bool first = true;  // No row written yet (JSON: the first row's comma is dropped).
  bool write_failed = false;
  // Writes `text`, rows of CellRows.
  auto write = [&](std::string_view text) {
    if (text.empty() || write_failed) return;
    if (!csv && first) text.remove_prefix(1);
    first = false;
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) write_failed = true;
  };
  Status status;
  if (ranges->size() == 1) {
    // A small store, or one with pending deltas (ForEachAggregate's merge):
    // formatted and written here, every 1 MiB.
    constexpr size_t kWriteBytes = size_t{1} << 20;
    RowBuffer text;
    CellRows rows(grid, csv);
    status = ranges->Scan(0, [&](const AggregateKey& k, Units units) -> Status {
      if (!InRange(options, k.source, k.year)) return Status::Ok();
      rows.Append(k, units, &text);
      if (text.size() < kWriteBytes) return Status::Ok();
      write(text.view());
      text.clear();
      return write_failed ? Status::IoError("writing the export failed") : Status::Ok();
    });
    if (status.ok()) write(text.view());
  } else {
    // Ranges formatted on every core, written in key order (oneTBB's ordered
    // pipeline); at most two ranges per thread in flight.
    const size_t threads = static_cast<size_t>(ResolveThreads(static_cast<int>(options.threads)));
    std::atomic<bool> stop{false};
    tbb::concurrent_queue<RangeText*> spare;
    // Made by the input stage (serial: one call at a time), recycled through
    // `spare` by the output stage.
    std::vector<std::unique_ptr<RangeText>> owned;
    size_t next = 0;
    tbb::task_arena arena(static_cast<int>(threads));
    arena.execute([&] {
      tbb::parallel_pipeline(
          2 * threads,
          tbb::make_filter<void, RangeText*>(tbb::filter_mode::serial_in_order,
                                             [&](tbb::flow_control& fc) -> RangeText* {
                                               if (next == ranges->size() || stop.load()) {
                                                 fc.stop();
                                                 return nullptr;
                                               }
                                               RangeText* r = nullptr;
                                               if (!spare.try_pop(r)) {
                                                 owned.push_back(std::make_unique<RangeText>());
                                                 r = owned.back().get();
                                               }
                                               r->range = next++;
                                               return r;
                                             }) &
              tbb::make_filter<RangeText*, RangeText*>(
                  tbb::filter_mode::parallel,
                  [&](RangeText* r) {
                    r->text.clear();
                    r->status = Status::Ok();
                    if (stop.load(std::memory_order_relaxed)) return r;
                    CellRows rows(grid, csv);
                    r->status = ranges->Scan(r->range, [&](const AggregateKey& k, Units units) {
                      if (InRange(options, k.source, k.year)) rows.Append(k, units, &r->text);
                      return stop.load(std::memory_order_relaxed)
                                 ? Status::Internal("export stopped after an error")
                                 : Status::Ok();
                    });
                    return r;
                  }) &
              tbb::make_filter<RangeText*, void>(tbb::filter_mode::serial_in_order,
                                                 [&](RangeText* r) {
                                                   if (status.ok() && !r->status.ok()) {
                                                     status = r->status;
                                                   }
                                                   if (status.ok()) write(r->text.view());
                                                   if (!status.ok() || write_failed) stop = true;
                                                   spare.push(r);
                                                 }));
    });
  }
  if (write_failed) return Status::IoError("writing the export failed");
  STC_RETURN_IF_ERROR(status);
  STC_ASSIGN_OR_RETURN(std::vector<YearTotals> totals, store.GetTotals());
  if (!csv) out << "],\"totals\":[";
  WriteTotals(totals, options, csv, out);
  if (!csv) out << "]}\n";
  out.flush();
  if (!out) return Status::IoError("writing the export failed");
  return Status::Ok();
}

}  // namespace stc
