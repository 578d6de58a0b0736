#include "cluster/saved_profiles.h"

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "cluster/saved_ranking.h"
#include "core/record_codec.h"

namespace stc::cluster {
namespace {

constexpr std::string_view kHeader = "stcluster-profile-tallies,1\n";
// Years in a metric's window, at most (a sanity bound for the decoder).
constexpr uint64_t kMaxYears = 1000;

void PutString(std::string* out, std::string_view s) {
  PutVarint64(out, s.size());
  out->append(s);
}

// Reads what EncodeSavedProfiles wrote, tracking the first failure.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  uint64_t Number(const char* what) {
    uint64_t v = 0;
    if (ok() && !GetVarint64(&in_, &v)) Fail(what);
    return v;
  }
  // A count of items each taking at least one byte: no more than are left.
  size_t Count(const char* what) {
    const uint64_t n = Number(what);
    if (ok() && n > in_.size()) Fail(what);
    return ok() ? static_cast<size_t>(n) : 0;
  }
  Units UnitsValue(const char* what) {
    const uint64_t v = Number(what);
    if (ok() && v > static_cast<uint64_t>(std::numeric_limits<Units>::max())) Fail(what);
    return ok() ? static_cast<Units>(v) : 0;
  }
  std::string String(const char* what) {
    const size_t n = Count(what);
    if (!ok()) return {};
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  void Fail(const char* what) {
    if (ok()) error_ = what;
  }
  bool ok() const { return error_ == nullptr; }
  bool done() const { return in_.empty(); }
  const char* error() const { return error_; }

 private:
  std::string_view in_;
  const char* error_ = nullptr;
};

}  // namespace

std::string EncodeSavedProfiles(uint64_t map_version, const std::string& metrics_key,
                                uint64_t sequence, const ProfileTallies& tallies) {
  std::string out(kHeader);
  PutVarint64(&out, map_version);
  PutString(&out, metrics_key);
  PutVarint64(&out, sequence);
  PutVarint64(&out, static_cast<uint64_t>(tallies.kept_orgs));
  const size_t metrics = tallies.clusters.empty() ? 0 : tallies.clusters.begin()->second.size();
  PutVarint64(&out, metrics);
  PutVarint64(&out, tallies.clusters.size());
  for (const auto& [id, per_metric] : tallies.clusters) {
    PutVarint64(&out, static_cast<uint64_t>(id));
    for (const MetricTally& t : per_metric) {
      PutVarint64(&out, t.year_units.size());
      for (Units u : t.year_units) PutVarint64(&out, static_cast<uint64_t>(u));
      PutVarint64(&out, t.orgs.size());
      for (const ProfileItem& o : t.orgs) {
        PutString(&out, o.name);
        PutVarint64(&out, static_cast<uint64_t>(o.units));
      }
      PutVarint64(&out, t.fields.size());
      for (const FieldSeries& f : t.fields) {
        PutString(&out, f.code);
        PutString(&out, f.name);
        for (Units u : f.year_units) PutVarint64(&out, static_cast<uint64_t>(u));
      }
    }
  }
  return out;
}

Status DecodeSavedProfiles(std::string_view bytes, uint64_t* map_version, std::string* metrics_key,
                           uint64_t* sequence, ProfileTallies* tallies) {
  *tallies = ProfileTallies{};
  if (!bytes.starts_with(kHeader)) {
    return Status::Corruption("saved profile tallies: not a 'stcluster-profile-tallies,1' header");
  }
  Reader r(bytes.substr(kHeader.size()));
  *map_version = r.Number("map version");
  *metrics_key = r.String("metrics key");
  *sequence = r.Number("sequence number");
  const uint64_t kept = r.Number("organisations kept");
  if (kept > static_cast<uint64_t>(std::numeric_limits<int>::max())) r.Fail("organisations kept");
  tallies->kept_orgs = static_cast<int>(kept);
  const size_t metrics = r.Count("metrics");
  const size_t clusters = r.Count("clusters");
  int32_t last_id = 0;
  for (size_t c = 0; c < clusters && r.ok(); ++c) {
    const uint64_t id = r.Number("cluster id");
    if (r.ok() && (id <= static_cast<uint64_t>(last_id) ||
                   id > static_cast<uint64_t>(std::numeric_limits<int32_t>::max()))) {
      r.Fail("cluster ids not ascending");
    }
    if (!r.ok()) break;
    last_id = static_cast<int32_t>(id);
    std::vector<MetricTally>& per_metric = tallies->clusters[last_id];
    per_metric.resize(metrics);
    for (MetricTally& t : per_metric) {
      const size_t years = r.Count("years");
      if (years > kMaxYears) r.Fail("years");
      t.year_units.resize(r.ok() ? years : 0);
      for (Units& u : t.year_units) u = r.UnitsValue("year units");
      t.orgs.resize(r.Count("organisations"));
      for (ProfileItem& o : t.orgs) {
        o.name = r.String("organisation name");
        o.units = r.UnitsValue("organisation units");
      }
      t.fields.resize(r.Count("fields"));
      for (FieldSeries& f : t.fields) {
        f.code = r.String("field code");
        f.name = r.String("field name");
        f.year_units.resize(t.year_units.size());
        for (Units& u : f.year_units) {
          u = r.UnitsValue("field units");
          if (u > std::numeric_limits<Units>::max() - f.units) r.Fail("field units");
          if (r.ok()) f.units += u;
        }
      }
      if (!r.ok()) break;
    }
  }
  if (r.ok() && !r.done()) r.Fail("bytes after the last cluster");
  if (!r.ok()) {
    *tallies = ProfileTallies{};
    return Status::Corruption(std::string("saved profile tallies: bad ") + r.error());
  }
  return Status::Ok();
}

Result<std::optional<ProfileTallies>> LoadProfileTallies(const Store& store, const ClusterMap& map,
                                                         const Edition& edition) {
  // The sequence number first: a write after it cannot make old tallies look current.
  const uint64_t now = store.LastSequence();
  STC_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store.GetMeta(kSavedProfilesMeta));
  if (!bytes.has_value() || bytes->empty() || map.version == 0) {
    return std::optional<ProfileTallies>();
  }
  uint64_t map_version = 0, sequence = 0;
  std::string metrics_key;
  ProfileTallies tallies;
  STC_RETURN_IF_ERROR(DecodeSavedProfiles(*bytes, &map_version, &metrics_key, &sequence, &tallies));
  if (map_version != map.version || sequence != now || metrics_key != RankingMetricsKey(edition)) {
    return std::optional<ProfileTallies>();
  }
  return std::optional<ProfileTallies>(std::move(tallies));
}

}  // namespace stc::cluster
