// Fractional counting: a Record becomes a CountedRecord whose located points
// and unlocated remainder sum to exactly one unit (docs/counting.md).
//
// Pure function of the record: the same record always gives the same result,
// whatever thread or order. Thread-safe (no shared state).
#ifndef STCLUSTER_PIPELINE_COUNTING_H_
#define STCLUSTER_PIPELINE_COUNTING_H_

#include "core/record.h"

namespace stc {

// Fills `*out` from `record` (overwriting it, reusing its capacity).
// Precondition: the record lists persons (record.PersonCount() > 0), in
// either form (core/record.h).
void CountRecord(const Record& record, CountedRecord* out);

// The same for a record not needed afterwards: its key, field, codes and
// organisations are swapped into *out instead of copied, and *record gets
// *out's previous ones (storage for the next record: clear it before reuse).
void CountRecordTaking(Record* record, CountedRecord* out);

}  // namespace stc

#endif  // STCLUSTER_PIPELINE_COUNTING_H_
