#include "cluster/dbscan.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>

#include "cluster/geo_index.h"
#include "cluster/geo_math.h"

namespace stc::cluster {
namespace {

using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;

// Union-find over positions that threads may update at once: a root is
// linked below a smaller one by compare-and-swap (retried when another
// thread linked it first), and finds halve their paths. A parent always has
// a smaller index than its child, so there are no cycles, and a stale read
// is still an ancestor: the sets found are the connected components of the
// unions made, whatever their order.
class DisjointSets {
 public:
  explicit DisjointSets(size_t n) : parent_(new std::atomic<uint32_t>[n]) {
    for (size_t i = 0; i < n; ++i) parent_[i].store(static_cast<uint32_t>(i), kRelaxed);
  }
  uint32_t Find(uint32_t x) {
    for (;;) {
      const uint32_t p = parent_[x].load(kRelaxed);
      if (p == x) return x;
      const uint32_t g = parent_[p].load(kRelaxed);
      if (g != p) parent_[x].store(g, kRelaxed);  // x is no root: only finds write here.
      x = g;
    }
  }
  // Returns the root of the united set (at the time of the union).
  uint32_t Union(uint32_t a, uint32_t b) {
    for (;;) {
      a = Find(a);
      b = Find(b);
      if (a == b) return a;
      if (b < a) std::swap(a, b);
      uint32_t expected = b;
      if (parent_[b].compare_exchange_strong(expected, a, kRelaxed)) return a;
    }
  }
  uint32_t Parent(uint32_t x) const { return parent_[x].load(kRelaxed); }

 private:
  static constexpr std::memory_order kRelaxed = std::memory_order_relaxed;
  std::unique_ptr<std::atomic<uint32_t>[]> parent_;
};

// Points in index order, structure of arrays (the inner loops vectorise).
struct Layout {
  std::vector<double> x, y, z;
  std::vector<Units> w;
  std::vector<uint32_t> input;  // Position -> input index.
};

// The candidate ranges of one bucket cut at bucket boundaries into pieces,
// each a bucket's positions in order of latitude, with two cursors per piece
// that follow the latitude window of a point, [lat - reach, lat + reach]
// (reach: GeoIndex::eps_deg in 1e-5 degrees, rounded up), as the bucket's
// points are visited in order of latitude: a point farther in latitude is
// not within eps, and the cursors only move forward. About a third of the
// candidates of a bucket lie outside a point's window (most of the bands
// above and below).
class LatWindow {
 public:
  LatWindow(const int32_t* lat, int64_t reach) : lat_(lat), reach_(reach) {}

  // The pieces of `ranges` (disjoint, each whole buckets: `starts` holds
  // every bucket's first position and the end); those of the range that
  // holds position `own` first.
  void Reset(const Ranges& ranges, const std::vector<uint32_t>& starts, uint32_t own) {
    pieces_.clear();
    for (const auto& [lo, hi] : ranges) {
      const bool first = lo <= own && own < hi;
      const size_t at = pieces_.size();
      size_t k =
          static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), lo) - starts.begin()) -
          1;
      for (uint32_t start = lo; start < hi; ++k) {
        const uint32_t end = std::min(hi, starts[k + 1]);
        pieces_.push_back({end, start, start});
        start = end;
      }
      if (first) std::rotate(pieces_.begin(), pieces_.begin() + at, pieces_.end());
    }
    out_.resize(pieces_.size());
  }

  // The pieces' positions whose latitude is within reach of `lat`, which
  // does not decrease between calls after Reset.
  const Ranges& At(int32_t lat) {
    const int64_t lo_lat = int64_t{lat} - reach_, hi_lat = int64_t{lat} + reach_;
    for (size_t k = 0; k < pieces_.size(); ++k) {
      Piece& piece = pieces_[k];
      while (piece.lo < piece.end && lat_[piece.lo] < lo_lat) ++piece.lo;
      if (piece.hi < piece.lo) piece.hi = piece.lo;
      while (piece.hi < piece.end && lat_[piece.hi] <= hi_lat) ++piece.hi;
      out_[k] = {piece.lo, piece.hi};
    }
    return out_;
  }

 private:
  struct Piece {
    uint32_t end;     // The end of the bucket's positions in the range.
    uint32_t lo, hi;  // The window's: [lo, hi), moving forward from the start.
  };
  const int32_t* lat_;
  int64_t reach_;
  std::vector<Piece> pieces_;
  Ranges out_;
};

}  // namespace

DbscanResult WeightedDbscan(std::span<const WeightedLocation> points,
                            const DbscanOptions& options) {
  const size_t n = points.size();
  DbscanResult result;
  result.cluster.assign(n, DbscanResult::kNoise);
  result.core.assign(n, 0);
  if (n == 0) return result;

  std::vector<int32_t> lat(n), lon(n);
  for (size_t i = 0; i < n; ++i) {
    lat[i] = points[i].lat_e5;
    lon[i] = points[i].lon_e5;
  }
  const GeoIndex index(lat, lon, options.eps_km);
  Layout p;
  p.x.resize(n);
  p.y.resize(n);
  p.z.resize(n);
  p.w.resize(n);
  p.input = index.order();
  // Within each bucket, the points in order of latitude (then index), for
  // LatWindow; the result does not depend on the order within a bucket.
  tbb::parallel_for(tbb::blocked_range<size_t>(0, index.buckets(), 64),
                    [&](const tbb::blocked_range<size_t>& buckets) {
                      for (size_t b = buckets.begin(); b != buckets.end(); ++b) {
                        auto [first, last] = index.BucketRange(b);
                        std::sort(p.input.begin() + first, p.input.begin() + last,
                                  [&](uint32_t a, uint32_t c) {
                                    return lat[a] != lat[c] ? lat[a] < lat[c] : a < c;
                                  });
                      }
                    });
  std::vector<int32_t> plat(n);  // Latitudes by position.
  std::vector<uint32_t> starts(index.buckets() + 1, static_cast<uint32_t>(n));
  for (size_t b = 0; b < index.buckets(); ++b) starts[b] = index.BucketRange(b).first;
  const auto reach_e5 = static_cast<int64_t>(std::ceil(index.eps_deg() * 1e5));
  for (size_t pos = 0; pos < n; ++pos) {
    plat[pos] = lat[p.input[pos]];
    const WeightedLocation& q = points[p.input[pos]];
    UnitVec v = ToUnitVec(q.lat_e5, q.lon_e5);
    p.x[pos] = v.x;
    p.y[pos] = v.y;
    p.z[pos] = v.z;
    p.w[pos] = q.weight;
  }
  const double limit = Chord2Limit(options.eps_km);
  const double* px = p.x.data();
  const double* py = p.y.data();
  const double* pz = p.z.data();
  auto within = [&](uint32_t i, uint32_t j) {
    double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
    return dx * dx + dy * dy + dz * dz <= limit;
  };

  // 1. Core points, each on its own: the buckets are shared out between the
  // cores (the result does not depend on how). The weight within eps is
  // added up in blocks of candidates and stops once it reaches the
  // threshold: in dense areas a core point needs a part of its neighbours
  // (weights are positive). A bucket whose candidates together weigh less
  // than the threshold holds no core point (each point's neighbours are
  // among them): most buckets of a sparse world are passed over on that
  // sum, from prefix sums of the weights in position order.
  constexpr uint32_t kBlock = 128;
  std::vector<uint8_t> core(n, 0);
  const Units* w = p.w.data();
  std::vector<Units> below(n + 1, 0);  // below[pos]: the weight of positions < pos.
  for (size_t pos = 0; pos < n; ++pos) below[pos + 1] = below[pos] + w[pos];
  tbb::parallel_for(tbb::blocked_range<size_t>(0, index.buckets(), 16),
                    [&](const tbb::blocked_range<size_t>& buckets) {
                      Ranges candidates;
                      LatWindow window(plat.data(), reach_e5);
                      for (size_t b = buckets.begin(); b != buckets.end(); ++b) {
                        index.CandidateRanges(b, &candidates);
                        auto [first, last] = index.BucketRange(b);
                        Units reach = 0;  // The candidates' weight, up to the threshold.
                        for (const auto& [lo, hi] : candidates) {
                          reach += below[hi] - below[lo];
                          if (reach >= options.min_weight) break;
                        }
                        if (reach < options.min_weight) continue;
                        // The range of the bucket's own band first: its points
                        // are the nearest, so the sum reaches the threshold
                        // sooner (the order of terms that are not negative
                        // does not change whether it does).
                        window.Reset(candidates, starts, first);
                        for (uint32_t i = first; i < last; ++i) {
                          Units sum = 0;
                          const double xi = px[i], yi = py[i], zi = pz[i];
                          for (const auto& [lo, hi] : window.At(plat[i])) {
                            for (uint32_t start = lo; start < hi && sum < options.min_weight;
                                 start += kBlock) {
                              const uint32_t end = hi - start > kBlock ? start + kBlock : hi;
                              Units part = 0;
                              for (uint32_t j = start; j < end; ++j) {
                                double dx = xi - px[j], dy = yi - py[j], dz = zi - pz[j];
                                part += (dx * dx + dy * dy + dz * dz <= limit) ? w[j] : 0;
                              }
                              sum += part;
                            }
                            if (sum >= options.min_weight) break;
                          }
                          core[i] = sum >= options.min_weight ? 1 : 0;
                        }
                      }
                    });
  // 2. Clusters: connected components of core points within eps, the
  // buckets shared out between the cores as in step 1 (the components do
  // not depend on the order of the unions). Each unordered pair is examined
  // once (j > i); a neighbour already attached directly to i's root needs no
  // Find.
  DisjointSets sets(n);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, index.buckets(), 16),
                    [&](const tbb::blocked_range<size_t>& buckets) {
                      Ranges ranges;
                      LatWindow window(plat.data(), reach_e5);
                      for (size_t b = buckets.begin(); b != buckets.end(); ++b) {
                        auto [first, last] = index.BucketRange(b);
                        bool any_core = false;
                        for (uint32_t i = first; i < last && !any_core; ++i) {
                          any_core = core[i] != 0;
                        }
                        if (!any_core) continue;
                        index.CandidateRanges(b, &ranges);
                        window.Reset(ranges, starts, first);
                        for (uint32_t i = first; i < last; ++i) {
                          if (!core[i]) continue;
                          uint32_t root = sets.Find(i);
                          for (const auto& [lo, hi] : window.At(plat[i])) {
                            for (uint32_t j = std::max(lo, i + 1); j < hi; ++j) {
                              if (!core[j] || sets.Parent(j) == root || !within(i, j)) continue;
                              root = sets.Union(root, j);
                            }
                          }
                        }
                      }
                    });

  // 3. Number the clusters by the smallest input index of their cores.
  std::vector<uint32_t> position_of(n);
  for (uint32_t pos = 0; pos < n; ++pos) position_of[p.input[pos]] = pos;
  std::vector<int32_t> label_of_root(n, DbscanResult::kNoise);
  std::vector<int32_t> label(n, DbscanResult::kNoise);  // By position.
  for (uint32_t in = 0; in < n; ++in) {
    uint32_t pos = position_of[in];
    if (!core[pos]) continue;
    uint32_t root = sets.Find(pos);
    if (label_of_root[root] == DbscanResult::kNoise) label_of_root[root] = result.num_clusters++;
    label[pos] = label_of_root[root];
  }

  // 4. Border points: the nearest core point's cluster (ties: smallest input
  // index). Each writes its own label and reads only core points' labels:
  // the buckets are shared out between the cores.
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, index.buckets(), 16),
      [&](const tbb::blocked_range<size_t>& buckets) {
        Ranges ranges;
        for (size_t b = buckets.begin(); b != buckets.end(); ++b) {
          auto [first, last] = index.BucketRange(b);
          bool any_border = false;
          for (uint32_t i = first; i < last && !any_border; ++i) any_border = core[i] == 0;
          if (!any_border) continue;
          index.CandidateRanges(b, &ranges);
          for (uint32_t i = first; i < last; ++i) {
            if (core[i]) continue;
            double best = std::numeric_limits<double>::infinity();
            uint32_t best_pos = 0;
            bool found = false;
            for (const auto& [lo, hi] : ranges) {
              for (uint32_t j = lo; j < hi; ++j) {
                if (!core[j]) continue;
                double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
                double d = dx * dx + dy * dy + dz * dz;
                if (d > limit) continue;
                if (!found || d < best || (d == best && p.input[j] < p.input[best_pos])) {
                  best = d;
                  best_pos = j;
                  found = true;
                }
              }
            }
            if (found) label[i] = label[best_pos];
          }
        }
      });

  for (uint32_t pos = 0; pos < n; ++pos) {
    result.cluster[p.input[pos]] = label[pos];
    result.core[p.input[pos]] = core[pos];
  }
  return result;
}

}  // namespace stc::cluster
