// `scopus-abstract`: Scopus Abstract Retrieval documents
// ({"abstracts-retrieval-response": ...}), one per file (pretty-printed or
// not) or one per line (docs/formats.md, "scopus-abstract"). Persons and
// their printed addresses come from item.bibrecord.head.author-group;
// subject areas from subject-areas. simdjson DOM.
#ifndef STCLUSTER_PARSERS_SCOPUS_ABSTRACT_H_
#define STCLUSTER_PARSERS_SCOPUS_ABSTRACT_H_

#include "parsers/record_parser.h"

namespace stc {

// Static instance; thread-safe.
const Format& ScopusAbstractFormat();

}  // namespace stc

#endif  // STCLUSTER_PARSERS_SCOPUS_ABSTRACT_H_
