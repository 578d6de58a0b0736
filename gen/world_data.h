// Static tables behind the dump generator: world cities with real coordinates,
// per-country person names and organisations, IPC and ASJC code material.
//
// Internal to gen/. Plain constant data; thread-safe.
#ifndef STCLUSTER_GEN_WORLD_DATA_H_
#define STCLUSTER_GEN_WORLD_DATA_H_

#include <cstdint>

namespace stc::gen_internal {

struct CountryInfo {
  const char* code;  // ISO-2.
  const char* surnames[6];
  const char* given_names[6];
  const char* companies[3];
};

struct CityInfo {
  const char* name;
  int country;     // Index into Countries().
  int32_t lat_e5;  // City centre, 1e-5 degrees.
  int32_t lon_e5;
  int weight;                // Relative share of lead inventors / authors.
  const char* ipc_sections;  // Sections of first IPC codes, repeated for weight ("HHG").
  const char* asjc_areas;    // Two-digit ASJC subject areas, space separated ("17 22").
  const char* street;        // Street or district for the address text.
  const char* institute;     // University or research institute.
};

const CountryInfo* Countries();
int NumCountries();
const CityInfo* Cities();
int NumCities();
// Sum of Cities()[i].weight.
int TotalCityWeight();

// IPC subclasses ("H04W") of section `section` ('A'..'H'); `*n` receives the count.
const char* const* IpcSubclasses(char section, int* n);

// Number of ASJC codes of a two-digit subject area (codes area*100 + 0..n-1).
int AsjcCodesInArea(int area);

}  // namespace stc::gen_internal

#endif  // STCLUSTER_GEN_WORLD_DATA_H_
