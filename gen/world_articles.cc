// The article (Scopus, OpenAlex) and VC passes of the world writer, and the
// truth files.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "gen/world_spec.h"
#include "gen/world_writer.h"

namespace stc::gen_internal {

Status Writer::RunArticles() {
  const double world = w_.world(kMetricPub);
  auto total = static_cast<uint64_t>(std::llround(world));
  std::vector<uint64_t> per_year = SplitYears(total, {0.19, 0.195, 0.2, 0.205, 0.21});
  per_year.push_back(static_cast<uint64_t>(std::llround(kOutOfWindowYear * total / 5.0)));
  WorldAllocator alloc(w_, kMetricPub);
  std::vector<bool> institution(w_.sites().size(), false);
  uint64_t index = 0;
  uint64_t extra_index = 0;  // Out-of-scope records (own key range).
  WRecord rec;
  rec.metric = kMetricPub;
  fs::path oa = data_ / "openalex" / "data";
  std::string manifest = "{\"entries\": [";
  for (size_t y = 0; y < per_year.size(); ++y) {
    const int year = kPubFirst + static_cast<int>(y);
    const bool window = year <= kPubLast;
    OutFile search[kSearchFiles];
    OutFile abstract;
    OutFile works;
    for (int k = 0; k < kSearchFiles; ++k) {
      STC_RETURN_IF_ERROR(
          Open(&search[k],
               data_ / "scopus" /
                   ("search-" + std::to_string(year) + "-" + std::to_string(k) + ".jsonl.zst"),
               Compression::kZstd));
    }
    STC_RETURN_IF_ERROR(Open(&abstract,
                             data_ / "scopus" / ("abstract-" + std::to_string(year) + ".jsonl.zst"),
                             Compression::kZstd));
    std::string partition = "updated_date=" + std::to_string(year + 1) + "-03-01";
    STC_RETURN_IF_ERROR(Open(&works, oa / "works" / partition / "part_000.gz", Compression::kGzip));
    const bool truncate = o_.faults > 0 && y == 0;
    bool tail_started = false;
    for (uint64_t i = 0; i < per_year[y]; ++i, ++index) {
      Shape shape = ShapeOf(o_.seed, kMetricPub, index);
      Rng r(MixSeed(o_.seed, 2, index, 0xC0FFEE));
      rec.index = index;
      RandomDate(r, year, &rec);
      int listed = shape.alt_format ? shape.persons : std::min(shape.persons, 100);
      MakePersons(kMetricPub, r, listed, shape.persons, shape.alt_format, window ? &alloc : nullptr,
                  &rec);
      rec.author_total = shape.persons;
      PubCodes(r, &rec, false);
      ++s_->article_records;
      if (shape.alt_format) {
        rec.key = "W" + std::to_string(4000000000ULL + index);
        rec.doc_type = "article";
        for (const WPerson& p : rec.persons) {
          for (const WLoc& l : p.locs) institution[l.site] = true;
        }
        STC_RETURN_IF_ERROR(Emit(&works, [&](std::string* b) { AppendOpenAlexWork(w_, rec, b); }));
        ++s_->expected_articles;
      } else {
        rec.key = "2-s2.0-85" + std::to_string(100000000ULL + index);
        rec.doc_type = "ar";
        int k = static_cast<int>(i % kSearchFiles);
        bool in_tail =
            truncate && k == kSearchFiles - 1 && i + kTruncatedTail * kSearchFiles >= per_year[y];
        if (in_tail) {
          if (!tail_started) STC_RETURN_IF_ERROR(search[k].EndFrame());
          tail_started = true;
          STC_RETURN_IF_ERROR(
              Emit(&search[k], [&](std::string* b) { AppendScopusEntry(w_, rec, b); }));
          NoteFault("truncated_file", search[k], search[k].lines(), rec.key);
          continue;
        }
        Fault f = DrawFault(r, true, false);
        if (f == Fault::kMalformed) {
          STC_RETURN_IF_ERROR(Emit(&search[k], [&](std::string* b) {
            std::string line;
            AppendScopusEntry(w_, rec, &line);
            b->append(line.substr(0, line.size() / 2));
            b->append("\n");
          }));
          NoteFault("malformed_line", search[k], search[k].lines(), rec.key);
          continue;
        }
        if (f == Fault::kUnknownPlace) rec.persons[0].locs[0].unknown_place = true;
        STC_RETURN_IF_ERROR(
            Emit(&search[k], [&](std::string* b) { AppendScopusEntry(w_, rec, b); }));
        if (f == Fault::kUnknownPlace)
          NoteFault("unknown_place", search[k], search[k].lines(), rec.key);
        ++s_->expected_articles;
        if (f != Fault::kNone) continue;
        if (r.Chance(kDuplicateRate)) {
          OutFile& other = search[(k + 1) % kSearchFiles];
          STC_RETURN_IF_ERROR(Emit(&other, [&](std::string* b) { AppendScopusEntry(w_, rec, b); }));
        }
        if (shape.persons <= 100 && r.Chance(kAbstractRate)) {
          STC_RETURN_IF_ERROR(
              Emit(&abstract, [&](std::string* b) { AppendScopusAbstract(w_, rec, b); }));
        }
      }
      // Out of scope: a review / editorial, or a social-science-only paper.
      if (r.Chance(kOutOfScopeRate)) {
        WRecord x = rec;
        x.index = extra_index++;
        bool ssh = r.Chance(0.3);
        PubCodes(r, &x, ssh);
        ++s_->out_of_scope;
        if (shape.alt_format) {
          x.key = "W" + std::to_string(4900000000ULL + x.index);
          x.doc_type = ssh ? "article" : (r.Chance(0.5) ? "review" : "editorial");
          for (const WPerson& p : x.persons) {
            for (const WLoc& l : p.locs) institution[l.site] = true;
          }
          STC_RETURN_IF_ERROR(Emit(&works, [&](std::string* b) { AppendOpenAlexWork(w_, x, b); }));
        } else {
          x.key = "2-s2.0-86" + std::to_string(100000000ULL + x.index);
          x.doc_type = r.Chance(0.5) ? "re" : (r.Chance(0.5) ? "cp" : "ed");
          if (ssh) {  // Subject areas come with the Abstract Retrieval copy.
            x.doc_type = "ar";
            STC_RETURN_IF_ERROR(
                Emit(&abstract, [&](std::string* b) { AppendScopusAbstract(w_, x, b); }));
          } else {
            STC_RETURN_IF_ERROR(Emit(&search[i % kSearchFiles],
                                     [&](std::string* b) { AppendScopusEntry(w_, x, b); }));
          }
        }
      }
    }
    for (int k = 0; k < kSearchFiles; ++k) {
      STC_RETURN_IF_ERROR(search[k].Close(truncate && tail_started && k == kSearchFiles - 1));
    }
    STC_RETURN_IF_ERROR(abstract.Close());
    STC_RETURN_IF_ERROR(works.Close());
    manifest +=
        std::string(y ? "," : "") + "\n{\"url\": \"s3://openalex/data/works/" + partition +
        "/part_000.gz\", \"meta\": {\"content_length\": " + std::to_string(works.file_bytes()) +
        ", \"record_count\": " + std::to_string(works.lines()) + "}}";
  }
  manifest += "\n], \"meta\": {}}\n";
  // Institutions (one per site used) and the manifests.
  OutFile inst;
  std::string ipart = "updated_date=2023-01-01";
  STC_RETURN_IF_ERROR(Open(&inst, oa / "institutions" / ipart / "part_000.gz", Compression::kGzip));
  for (size_t site = 0; site < institution.size(); ++site) {
    if (!institution[site]) continue;
    AppendOpenAlexInstitution(w_, static_cast<int>(site), inst.buffer());
    inst.CountLine();
    STC_RETURN_IF_ERROR(inst.MaybeFlush());
  }
  STC_RETURN_IF_ERROR(inst.Close());
  std::string imanifest =
      "{\"entries\": [\n{\"url\": \"s3://openalex/data/institutions/" + ipart +
      "/part_000.gz\", \"meta\": {\"content_length\": " + std::to_string(inst.file_bytes()) +
      ", \"record_count\": " + std::to_string(inst.lines()) + "}}\n], \"meta\": {}}\n";
  for (auto [entity, text] : {std::pair{"works", manifest}, std::pair{"institutions", imanifest}}) {
    OutFile m;
    STC_RETURN_IF_ERROR(Open(&m, oa / entity / "manifest", Compression::kNone));
    m.buffer()->append(text);
    STC_RETURN_IF_ERROR(m.Close());
  }
  for (const WorldEntity& e : w_.entities()) {
    if (e.rank >= 1 && e.rank <= 34) {
      double err = std::abs(alloc.allocated(&e - w_.entities().data()) - e.target[kMetricPub]);
      s_->max_quota_error = std::max(s_->max_quota_error, err);
    }
  }
  s_->world_articles = world;
  return Status::Ok();
}

Status Writer::RunVc() {
  for (int year = 2018; year <= 2022; ++year) {
    OutFile f;
    STC_RETURN_IF_ERROR(Open(&f, data_ / "vc" / ("deals-" + std::to_string(year) + ".jsonl.zst"),
                             Compression::kZstd));
    auto n = static_cast<uint64_t>(std::llround(40000 * o_.scale));
    for (uint64_t i = 0; i < n; ++i) {
      Rng r(MixSeed(o_.seed, 3, static_cast<uint64_t>(year), i));
      int site = w_.DrawSite(w_.DrawEntity(kMetricPub, r), kMetricPub, r);
      uint64_t id = static_cast<uint64_t>(year) * 10000000 + i;
      STC_RETURN_IF_ERROR(Emit(&f, [&](std::string* b) {
        AppendVcDeal(w_, id, year, 1 + static_cast<int>(r.Below(12)),
                     1 + static_cast<int>(r.Below(28)), site, b);
      }));
      ++s_->expected_vc;
    }
    STC_RETURN_IF_ERROR(f.Close());
  }
  return Status::Ok();
}

// world/truth.csv: every entity with a rank (published 1-34, tail 35+) and
// its targets; world/sites.csv: the sites of the published clusters.
Status Writer::WriteTruth() {
  fs::path dir = fs::path(o_.out_dir) / "world";
  OutFile truth, sites;
  STC_RETURN_IF_ERROR(truth.Open((dir / "truth.csv").string(), Compression::kNone));
  STC_RETURN_IF_ERROR(sites.Open((dir / "sites.csv").string(), Compression::kNone));
  std::string* t = truth.buffer();
  char buf[512];
  std::snprintf(buf, sizeof buf, "# world gii2023 scale=%g seed=%llu faults=%g\n", o_.scale,
                static_cast<unsigned long long>(o_.seed), o_.faults);
  t->append(buf);
  std::snprintf(buf, sizeof buf, "world,%.3f,%.3f\n", w_.world(kMetricPct), w_.world(kMetricPub));
  t->append(buf);
  std::snprintf(buf, sizeof buf, "expected,%llu,%llu,%llu\n",
                static_cast<unsigned long long>(s_->expected_pct),
                static_cast<unsigned long long>(s_->expected_articles),
                static_cast<unsigned long long>(s_->expected_vc));
  t->append(buf);
  t->append(
      "rank,cluster,economy,lat,lon,pct_target,pub_target,pct_share_pct,pub_share_pct,total\n");
  const auto& spec = Gii2023Clusters();
  for (const WorldEntity& e : w_.entities()) {
    if (e.rank == 0) continue;
    const WorldSite& s0 = w_.sites()[e.sites[0]];
    double ps = 0, qs = 0, tot = 0;
    if (e.rank <= 34) {
      ps = spec[e.rank - 1].pct_share_pct;
      qs = spec[e.rank - 1].pub_share_pct;
      tot = spec[e.rank - 1].total;
    } else {
      ps = 100 * e.target[0] / w_.world(kMetricPct);
      qs = 100 * e.target[1] / w_.world(kMetricPub);
      tot = ps + qs;
    }
    std::string name = e.label;
    if (name.find(',') != std::string::npos) name = "\"" + name + "\"";
    std::snprintf(buf, sizeof buf, "%d,%s,%s,%.5f,%.5f,%.3f,%.3f,%.3f,%.3f,%.3f\n", e.rank,
                  name.c_str(), e.economy.c_str(), s0.lat_e5 / 1e5, s0.lon_e5 / 1e5, e.target[0],
                  e.target[1], ps, qs, tot);
    t->append(buf);
    if (e.rank <= 34) {
      for (int site : e.sites) {
        const WorldSite& s = w_.sites()[site];
        std::snprintf(buf, sizeof buf, "%d,%.5f,%.5f\n", e.rank, s.lat_e5 / 1e5, s.lon_e5 / 1e5);
        sites.buffer()->append(buf);
      }
    }
  }
  STC_RETURN_IF_ERROR(truth.Close());
  return sites.Close();
}

}  // namespace stc::gen_internal
