// `patentscope`: PATENTSCOPE bibliographic XML (docs/formats.md,
// "patentscope"): `wo-international-application-status` documents (or bare
// `wo-bibliographic-data`), one per file or many concatenated (each starting
// with an "<?xml" line), parsed document-at-a-time with pugixml inside the
// parallel pipeline.
#ifndef STCLUSTER_PARSERS_PATENTSCOPE_XML_H_
#define STCLUSTER_PARSERS_PATENTSCOPE_XML_H_

#include "parsers/record_parser.h"

namespace stc {

// Static instance; thread-safe.
const Format& PatentscopeFormat();

}  // namespace stc

#endif  // STCLUSTER_PARSERS_PATENTSCOPE_XML_H_
