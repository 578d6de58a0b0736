#include "pipeline/export.h"

#include <string>

#include "core/grid.h"
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

// CSV cell: quoted when it holds a separator, quote or newline.
std::string CsvCell(const std::string& v) {
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string JsonString(const std::string& v) {
  std::string out = "\"";
  AppendJsonEscaped(v, &out);
  out.push_back('"');
  return out;
}

}  // namespace

Status ExportAggregates(const Store& store, const ExportOptions& options, std::ostream& out) {
  const Grid& grid = store.grid();
  const bool csv = options.format == ExportOptions::Format::kCsv;
  std::string line;
  if (csv) {
    out << "kind,source,year,lat,lon,country,field,units\n";
  } else {
    out << "{\"grid_deg\":\"" << FormatE5(grid.step_e5()) << "\",\"cells\":[";
  }
  bool first = true;
  STC_RETURN_IF_ERROR(store.ForEachAggregate([&](const AggregateKey& k, Units units) -> Status {
    if (units == 0 || !InRange(options, k.source, k.year)) return Status::Ok();
    std::string lat = FormatE5(grid.CentreLatE5(k.cell));
    std::string lon = FormatE5(grid.CentreLonE5(k.cell));
    if (csv) {
      line = "cell,";
      line += SourceName(k.source);
      line += "," + std::to_string(k.year) + "," + lat + "," + lon + "," + Country(k.country) +
              "," + CsvCell(k.field) + "," + FormatUnits(units) + "\n";
    } else {
      line = first ? "\n" : ",\n";
      line += "{\"source\":\"" + std::string(SourceName(k.source)) +
              "\",\"year\":" + std::to_string(k.year) + ",\"lat\":\"" + lat + "\",\"lon\":\"" +
              lon + "\",\"country\":" + JsonString(Country(k.country)) +
              ",\"field\":" + JsonString(k.field) + ",\"units\":\"" + FormatUnits(units) + "\"}";
    }
    first = false;
    out << line;
    return out ? Status::Ok() : Status::IoError("writing the export failed");
  }));
  STC_ASSIGN_OR_RETURN(std::vector<YearTotals> totals, store.GetTotals());
  if (!csv) out << "],\"totals\":[";
  first = true;
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
  if (!csv) out << "]}\n";
  out.flush();
  if (!out) return Status::IoError("writing the export failed");
  return Status::Ok();
}

}  // namespace stc
