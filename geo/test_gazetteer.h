// Test helper: the hand-made gazetteer of geo/testdata built in memory.
#ifndef STCLUSTER_GEO_TEST_GAZETTEER_H_
#define STCLUSTER_GEO_TEST_GAZETTEER_H_

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "geo/gazetteer.h"
#include "geo/gazetteer_builder.h"

namespace stc::geo::testing {

inline std::string ReadTestData(const std::string& name) {
  std::ifstream in(std::string(STC_GEO_TESTDATA) + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string MiniIndexBytes(GazetteerBuildStats* stats = nullptr) {
  static const std::string cities = ReadTestData("mini_cities500.txt");
  static const std::string en = ReadTestData("mini_en.json");
  static const std::string codes = ReadTestData("mini_codes.json");
  auto bytes = BuildGazetteerIndex({cities, en, codes}, stats);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? std::move(bytes).value() : std::string();
}

// One shared instance (immutable, thread-safe).
inline const Gazetteer& MiniGazetteer() {
  static const Gazetteer* g = [] {
    auto r = Gazetteer::FromBytes(MiniIndexBytes());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value().release() : nullptr;
  }();
  return *g;
}

}  // namespace stc::geo::testing

#endif  // STCLUSTER_GEO_TEST_GAZETTEER_H_
