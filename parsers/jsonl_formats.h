// The normalised JSON Lines readers (docs/formats.md): `pct-jsonl` and
// `article-jsonl`, both simdjson On-Demand, one record per line.
#ifndef STCLUSTER_PARSERS_JSONL_FORMATS_H_
#define STCLUSTER_PARSERS_JSONL_FORMATS_H_

#include "parsers/record_parser.h"

namespace stc {

// Static instances; thread-safe.
const Format& PctJsonlFormat();
const Format& ArticleJsonlFormat();

}  // namespace stc

#endif  // STCLUSTER_PARSERS_JSONL_FORMATS_H_
