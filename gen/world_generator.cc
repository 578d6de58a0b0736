#include "gen/world_generator.h"

#include <cmath>
#include <filesystem>
#include <memory>

#include "gen/world_model.h"
#include "gen/world_spec.h"
#include "gen/world_writer.h"
#include "geo/gazetteer.h"

namespace stc {
namespace gen_internal {

Status Writer::RunPct() {
  const double world = w_.world(kMetricPct);
  auto total = static_cast<uint64_t>(std::llround(world));
  std::vector<uint64_t> per_year = SplitYears(total, {0.19, 0.195, 0.2, 0.205, 0.21});
  per_year.push_back(static_cast<uint64_t>(std::llround(kOutOfWindowYear * total / 5.0)));
  WorldAllocator alloc(w_, kMetricPct);
  uint64_t index = 0;
  WRecord rec;
  rec.metric = kMetricPct;
  for (size_t y = 0; y < per_year.size(); ++y) {
    const int year = kPctFirst + static_cast<int>(y);
    const bool window = year <= kPctLast;
    OutFile jsonl[kPctFiles];
    OutFile xml;
    for (int k = 0; k < kPctFiles; ++k) {
      STC_RETURN_IF_ERROR(Open(
          &jsonl[k],
          data_ / "pct" / ("pct-" + std::to_string(year) + "-" + std::to_string(k) + ".jsonl.zst"),
          Compression::kZstd));
    }
    STC_RETURN_IF_ERROR(Open(&xml,
                             data_ / "patentscope" / ("wo-" + std::to_string(year) + ".xml.zst"),
                             Compression::kZstd));
    // Fault: the last file of the first year loses its last records.
    const bool truncate = o_.faults > 0 && y == 0;
    bool tail_started = false;
    for (uint64_t i = 0; i < per_year[y]; ++i, ++index) {
      Shape shape = ShapeOf(o_.seed, kMetricPct, index);
      Rng r(MixSeed(o_.seed, 1, index, 0xC0FFEE));
      rec.index = index;
      RandomDate(r, year, &rec);
      rec.updated_days = 0;
      MakePersons(kMetricPct, r, shape.persons, shape.persons, !shape.alt_format,
                  window ? &alloc : nullptr, &rec);
      PctCodes(r, &rec);
      rec.key = "PCT/" + rec.applicant_country + std::to_string(year) + "/" + Pad6(i);
      ++s_->pct_records;
      if (shape.alt_format) {
        Fault f = DrawFault(r, false, false);
        if (f == Fault::kUnknownPlace) rec.persons[0].locs[0].unknown_place = true;
        STC_RETURN_IF_ERROR(Emit(&xml, [&](std::string* b) { AppendPatentscopeXml(w_, rec, b); }));
        if (f == Fault::kUnknownPlace) NoteFault("unknown_place", xml, xml.lines(), rec.key);
        ++s_->expected_pct;
        continue;
      }
      int k = static_cast<int>(i % kPctFiles);
      bool in_tail =
          truncate && k == kPctFiles - 1 && i + kTruncatedTail * kPctFiles >= per_year[y];
      if (in_tail) {
        if (!tail_started) STC_RETURN_IF_ERROR(jsonl[k].EndFrame());
        tail_started = true;
        STC_RETURN_IF_ERROR(Emit(&jsonl[k], [&](std::string* b) { AppendPctJsonl(w_, rec, b); }));
        NoteFault("truncated_file", jsonl[k], jsonl[k].lines(), rec.key);
        continue;
      }
      bool has_coords = rec.persons[0].locs[0].coords;
      Fault f = DrawFault(r, true, has_coords);
      if (f == Fault::kBadCoords) rec.persons[0].locs[0].bad_coords = true;
      if (f == Fault::kUnknownPlace) rec.persons[0].locs[0].unknown_place = true;
      if (f == Fault::kMalformed) {
        STC_RETURN_IF_ERROR(Emit(&jsonl[k], [&](std::string* b) {
          std::string line;
          AppendPctJsonl(w_, rec, &line);
          b->append(line.substr(0, line.size() / 2));
          b->append("\n");
        }));
        NoteFault("malformed_line", jsonl[k], jsonl[k].lines(), rec.key);
        continue;
      }
      bool correction = f == Fault::kNone && r.Chance(kCorrectionRate);
      bool duplicate = f == Fault::kNone && !correction && r.Chance(kDuplicateRate);
      if (correction) {  // An older version with one inventor elsewhere, first.
        WRecord old = rec;
        old.updated_days = 3;
        old.persons[0].locs[0].site = w_.PlaceSite(w_.DrawTextPlace(w_.DrawEntity(0, r), r));
        old.persons[0].locs[0].coords = false;
        STC_RETURN_IF_ERROR(Emit(&jsonl[k], [&](std::string* b) { AppendPctJsonl(w_, old, b); }));
        rec.updated_days = 40;
        k = (k + 1) % kPctFiles;
      }
      STC_RETURN_IF_ERROR(Emit(&jsonl[k], [&](std::string* b) { AppendPctJsonl(w_, rec, b); }));
      if (f == Fault::kBadCoords) {
        NoteFault("bad_coordinates", jsonl[k], jsonl[k].lines(), rec.key);
        continue;
      }
      if (f == Fault::kUnknownPlace)
        NoteFault("unknown_place", jsonl[k], jsonl[k].lines(), rec.key);
      if (duplicate) {
        OutFile& other = jsonl[(k + 1) % kPctFiles];
        STC_RETURN_IF_ERROR(Emit(&other, [&](std::string* b) { AppendPctJsonl(w_, rec, b); }));
      }
      ++s_->expected_pct;
    }
    for (int k = 0; k < kPctFiles; ++k) {
      STC_RETURN_IF_ERROR(jsonl[k].Close(truncate && tail_started && k == kPctFiles - 1));
    }
    STC_RETURN_IF_ERROR(xml.Close());
  }
  for (const WorldEntity& e : w_.entities()) {
    if (e.rank >= 1 && e.rank <= 34) {
      double err = std::abs(alloc.allocated(&e - w_.entities().data()) - e.target[kMetricPct]);
      s_->max_quota_error = std::max(s_->max_quota_error, err);
    }
  }
  s_->world_pct = world;
  return Status::Ok();
}

}  // namespace gen_internal

namespace {

using gen_internal::kMetricPub;
using gen_internal::Shape;
using gen_internal::ShapeOf;
using gen_internal::World;
using gen_internal::WorldOptions;
using gen_internal::Writer;
namespace fs = std::filesystem;

Status Validate(const WorldGeneratorOptions& o) {
  if (o.world != "gii2023") {
    return Status::InvalidArgument("unknown world '" + o.world + "' (known: gii2023)");
  }
  if (!(o.scale > 0 && o.scale <= 4)) return Status::InvalidArgument("scale must be in (0, 4]");
  if (!(o.faults >= 0 && o.faults <= 0.5))
    return Status::InvalidArgument("faults must be in [0, 0.5]");
  if (o.out_dir.empty()) return Status::InvalidArgument("out_dir is empty");
  if (o.gazetteer.empty()) return Status::InvalidArgument("a gazetteer index is required");
  return Status::Ok();
}

}  // namespace

Result<WorldSummary> GenerateWorld(const WorldGeneratorOptions& options) {
  STC_RETURN_IF_ERROR(Validate(options));
  STC_ASSIGN_OR_RETURN(std::unique_ptr<geo::Gazetteer> gaz,
                       geo::Gazetteer::Open(options.gazetteer));
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return Status::IoError("cannot create " + options.out_dir + ": " + ec.message());
  // Pre-pass: the article shares left unlocated by truncated Scopus lists.
  WorldOptions wo;
  wo.scale = options.scale;
  wo.seed = options.seed;
  auto n = static_cast<uint64_t>(std::llround(gen_internal::kGii2023WorldPub * options.scale));
  for (uint64_t i = 0; i < n; ++i) {
    Shape s = ShapeOf(options.seed, kMetricPub, i);
    if (!s.alt_format && s.persons > 100) wo.unlocated_pub += (s.persons - 100.0) / s.persons;
  }
  STC_ASSIGN_OR_RETURN(std::unique_ptr<World> world, World::Build(*gaz, wo));
  WorldSummary summary;
  summary.warnings = world->warnings();
  Writer writer(options, *world, &summary);
  STC_RETURN_IF_ERROR(writer.Run());
  return summary;
}

}  // namespace stc