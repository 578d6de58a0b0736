// Export of the aggregates for the ranking step and for users.
//
// CSV (header included), one row per aggregate cell, then one row per
// (source, year) for the world total and one for the unlocated units:
//
//   kind,source,year,lat,lon,country,field,units
//   cell,pct,2021,35.68,139.77,JP,H,12.5
//   world,pct,2021,,,,,1234
//   unlocated,pct,2021,,,,,12.25
//
// `lat`/`lon` are the cell centre (FormatE5), `units` exact decimals
// (FormatUnits), cell rows in store key order (source, year, lat index, lon
// index, country, field), zero cells omitted; world/unlocated rows in
// (source, year) order, each world row followed by its unlocated row.
// JSON holds the same rows: {"grid_deg": "0.01", "cells": [{"source":...,
// "year":..., "lat":"35.68", "lon":"139.77", "country":"JP", "field":"H",
// "units":"12.5"}...], "totals": [{"source":..., "year":..., "records": N,
// "world":"1234", "unlocated":"12.25"}...]}. Units are strings so that no
// JSON reader rounds them.
//
// By cluster (ExportOptions::cluster_of set): cells are resolved to clusters
// and summed per (source, year, cluster, country, field); cells in no
// cluster are summed as kind "noise" (cluster and name empty), after the
// clusters of their (source, year):
//
//   kind,source,year,cluster,name,country,field,units
//   cluster,pct,2021,1,Tokyo–Yokohama,JP,H,1234.5
//   noise,pct,2021,,,FR,H,3
//   world,pct,2021,,,,,1234
//   unlocated,pct,2021,,,,,12.25
//
// JSON: {"by":"cluster", "clusters": [{"source":..., "year":..., "cluster":
// 1 or null, "name":..., "country":..., "field":..., "units":"..."}...],
// "totals": [...as above]}.
#ifndef STCLUSTER_PIPELINE_EXPORT_H_
#define STCLUSTER_PIPELINE_EXPORT_H_

#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "core/grid.h"
#include "core/record.h"
#include "core/status.h"
#include "stores/store.h"

namespace stc {

struct ExportOptions {
  enum class Format { kCsv, kJson };
  Format format = Format::kCsv;
  std::optional<Source> source;  // Only this source; all when empty.
  int32_t year_from = 0;         // Inclusive year range.
  int32_t year_to = 9999;
  // Export by cluster when set: the cluster id of a store cell, 0 when the
  // cell is in no cluster; called concurrently from the scan's threads, so
  // it must be safe to call so. `cluster_name` gives a cluster's display
  // name (called on the calling thread only).
  std::function<int32_t(const Cell&)> cluster_of;
  std::function<std::string(int32_t)> cluster_name;
  // Threads reading the aggregates; 0 = one per core. By cluster: key ranges
  // of the store (Store::ForEachAggregateParallel), one per thread. Cells:
  // key ranges of about `range_bytes` on disk (Store::SplitAggregates),
  // formatted on the threads and written in key order, at most two ranges'
  // text per thread held at a time.
  size_t threads = 0;
  uint64_t range_bytes = uint64_t{1} << 20;
};

// Writes the aggregates of `store` to `out`. IoError when `out` fails.
Status ExportAggregates(const Store& store, const ExportOptions& options, std::ostream& out);

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_EXPORT_H_
