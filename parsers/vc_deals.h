// `vc`: venture-capital deals (docs/formats.md, "vc"), JSON Lines or CSV with
// a header line; one deal = one unit at the funded company's location.
// JSON through simdjson DOM; CSV through csv_util.h.
#ifndef STCLUSTER_PARSERS_VC_DEALS_H_
#define STCLUSTER_PARSERS_VC_DEALS_H_

#include "parsers/record_parser.h"

namespace stc {

// Static instance; thread-safe.
const Format& VcDealsFormat();

}  // namespace stc

#endif  // STCLUSTER_PARSERS_VC_DEALS_H_
