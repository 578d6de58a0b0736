// `scopus`: Scopus Search API results (docs/formats.md, "scopus"): page files
// {"search-results": {..., "entry": [...]}} and JSON Lines of bare entries
// (as pybliometrics caches them), COMPLETE or STANDARD view; one page or one
// entry per line, or pretty-printed documents. simdjson DOM.
#ifndef STCLUSTER_PARSERS_SCOPUS_SEARCH_H_
#define STCLUSTER_PARSERS_SCOPUS_SEARCH_H_

#include "parsers/record_parser.h"

namespace stc {

// Static instance; thread-safe.
const Format& ScopusSearchFormat();

}  // namespace stc

#endif  // STCLUSTER_PARSERS_SCOPUS_SEARCH_H_
