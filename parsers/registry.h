// The list of known readers, looked up by name or detected from content.
#ifndef STCLUSTER_PARSERS_REGISTRY_H_
#define STCLUSTER_PARSERS_REGISTRY_H_

#include <string_view>
#include <vector>

#include "parsers/record_parser.h"

namespace stc {

// Every built-in format, in detection priority order. The pointers are to
// static objects: valid for the program's lifetime, thread-safe (const).
const std::vector<const Format*>& AllFormats();

// The format called `name`, or nullptr.
const Format* FindFormat(std::string_view name);

// The first format whose Detect accepts `head`, or nullptr.
const Format* DetectFormat(std::string_view head);

// "scopus-abstract, scopus, ..." (for --help and error messages).
std::string FormatNames();

}  // namespace stc

#endif  // STCLUSTER_PARSERS_REGISTRY_H_
