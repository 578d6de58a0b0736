// IngestStats rendering: the run summary as text and JSON.
#include <cstdio>
#include <string>

#include "pipeline/ingest.h"
#include "pipeline/rejects_log.h"

namespace stc {
namespace {

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void JsonMap(const std::map<std::string, uint64_t>& m, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out->push_back(',');
    first = false;
    out->push_back('"');
    AppendJsonEscaped(k, out);
    out->append("\":");
    out->append(std::to_string(v));
  }
  out->push_back('}');
}

}  // namespace

std::string IngestStats::ToText() const {
  std::string s;
  double mb = static_cast<double>(bytes) / 1e6;
  double secs = seconds > 0 ? seconds : 1e-9;
  s += "files:     " + std::to_string(files.size()) + " (" + std::to_string(files_failed) +
       " failed, " + std::to_string(files_skipped) +
       " skipped: unchanged since their last ingest)\n";
  for (const FileSummary& f : files) {
    s += "  " + f.path + ": " + (f.format.empty() ? "-" : f.format) + ", " +
         (f.compression.empty() ? "-" : f.compression) + ", " + std::to_string(f.records) +
         " records";
    if (!f.error.empty()) s += ", FAILED: " + f.error;
    if (f.skipped) s += ", skipped (unchanged)";
    s += "\n";
  }
  s += "bytes:     " + Fixed(static_cast<double>(compressed_bytes) / 1e6, 1) + " MB read, " +
       Fixed(mb, 1) + " MB decompressed\n";
  s += "records:   " + std::to_string(records_read) + " read = " + std::to_string(records_new) +
       " new + " + std::to_string(records_updated) + " updated + " +
       std::to_string(records_unchanged) + " unchanged (" + std::to_string(records_older_ignored) +
       " older versions ignored) + " + std::to_string(records_skipped) + " skipped + " +
       std::to_string(records_rejected) + " rejected + " + std::to_string(records_deleted) +
       " deleted\n";
  if (records_recognised > 0) {
    s += "recognised: " + std::to_string(records_recognised) +
         " records by their unchanged bytes (taken from the store, not parsed again)\n";
  }
  if (unit_hashes_added > 0) {
    s += "unit hashes: added to " + std::to_string(unit_hashes_added) +
         " unchanged stored records (recognised by their bytes from the next run on)\n";
  }
  if (unit_hashes_replaced > 0) {
    s += "unit hashes: replaced in " + std::to_string(unit_hashes_replaced) +
         " unchanged stored records read from other bytes or with other settings (recognised "
         "from the next run on)\n";
  }
  if (records_rebuilt > 0) {
    s += "rebuilt:   the aggregates of " + std::to_string(records_rebuilt) +
         " stored records, which a load that stopped before its end had not written\n";
  }
  if (records_removed_by_replace > 0) {
    s += "replace:   " + std::to_string(records_removed_by_replace) +
         " stored records of the replaced year were not in the files: removed\n";
  }
  for (const auto& [reason, n] : rejected_by_reason) {
    s += "  rejected " + reason + ": " + std::to_string(n) + "\n";
  }
  for (const auto& [reason, n] : skipped_by_reason) {
    s += "  skipped " + reason + ": " + std::to_string(n) + "\n";
  }
  for (const auto& [what, n] : warnings) {
    s += "  warning " + what + ": " + std::to_string(n) + "\n";
  }
  uint64_t located_total = 0;
  for (const auto& [q, n] : geocoding) {
    if (q.rfind("corrected_", 0) != 0) located_total += n;
  }
  for (const auto& [q, n] : geocoding) {
    char buf[32];
    std::snprintf(
        buf, sizeof buf, "%.2f%%",
        located_total ? 100.0 * static_cast<double>(n) / static_cast<double>(located_total) : 0.0);
    s += "  geocoding " + q + ": " + std::to_string(n) +
         (q.rfind("corrected_", 0) == 0 ? "" : std::string(" (") + buf + ")") + "\n";
  }
  double unloc = units_written != 0 ? 100.0 * static_cast<double>(units_unlocated) /
                                          static_cast<double>(units_written)
                                    : 0.0;
  s += "unlocated: " + Fixed(unloc, 2) + "% of the units written in this run\n";
  s += "speed:     " + Fixed(seconds, 2) + " s, " +
       Fixed(static_cast<double>(records_read) / secs, 0) + " records/s, " + Fixed(mb / secs, 1) +
       " MB/s (decompressed)\n";
  return s;
}

std::string IngestStats::ToJson() const {
  std::string s = "{\"files\":[";
  for (size_t i = 0; i < files.size(); ++i) {
    const FileSummary& f = files[i];
    if (i) s += ",";
    s += "{\"path\":\"";
    AppendJsonEscaped(f.path, &s);
    s += "\",\"format\":\"";
    AppendJsonEscaped(f.format, &s);
    s += "\",\"compression\":\"" + f.compression +
         "\",\"compressed_bytes\":" + std::to_string(f.compressed_bytes) +
         ",\"bytes\":" + std::to_string(f.bytes) + ",\"records\":" + std::to_string(f.records) +
         ",\"skipped\":" + (f.skipped ? "true" : "false") + ",\"error\":\"";
    AppendJsonEscaped(f.error, &s);
    s += "\"}";
  }
  s += "],\"files_failed\":" + std::to_string(files_failed);
  s += ",\"files_skipped\":" + std::to_string(files_skipped);
  s += ",\"compressed_bytes\":" + std::to_string(compressed_bytes);
  s += ",\"bytes\":" + std::to_string(bytes);
  s += ",\"records_read\":" + std::to_string(records_read);
  s += ",\"records_new\":" + std::to_string(records_new);
  s += ",\"records_updated\":" + std::to_string(records_updated);
  s += ",\"records_unchanged\":" + std::to_string(records_unchanged);
  s += ",\"records_older_ignored\":" + std::to_string(records_older_ignored);
  s += ",\"records_recognised\":" + std::to_string(records_recognised);
  s += ",\"unit_hashes_added\":" + std::to_string(unit_hashes_added);
  s += ",\"unit_hashes_replaced\":" + std::to_string(unit_hashes_replaced);
  s += ",\"records_skipped\":" + std::to_string(records_skipped);
  s += ",\"records_rejected\":" + std::to_string(records_rejected);
  s += ",\"records_deleted\":" + std::to_string(records_deleted);
  s += ",\"records_removed_by_replace\":" + std::to_string(records_removed_by_replace);
  s += ",\"records_rebuilt\":" + std::to_string(records_rebuilt);
  s += ",\"rejected_by_reason\":";
  JsonMap(rejected_by_reason, &s);
  s += ",\"skipped_by_reason\":";
  JsonMap(skipped_by_reason, &s);
  s += ",\"warnings\":";
  JsonMap(warnings, &s);
  s += ",\"geocoding\":";
  JsonMap(geocoding, &s);
  s += ",\"units_written\":\"" + FormatUnits(units_written) + "\"";
  s += ",\"units_unlocated\":\"" + FormatUnits(units_unlocated) + "\"";
  s += ",\"seconds\":" + Fixed(seconds, 3);
  double secs = seconds > 0 ? seconds : 1e-9;
  s += ",\"records_per_second\":" + Fixed(static_cast<double>(records_read) / secs, 0);
  s += ",\"mb_per_second\":" + Fixed(static_cast<double>(bytes) / 1e6 / secs, 1);
  s += "}";
  return s;
}

}  // namespace stc
