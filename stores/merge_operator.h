// The store's merge operator and compaction filter (RocksDB plug-ins).
//
// Values of the `aggregates` and `totals` column families are vectors of
// little-endian int64 (8 * k bytes, k >= 1; aggregates k = 1, totals k = 3).
// A Merge operand is such a vector too, and merging adds elementwise:
//   value(key) = existing value (or zeros when absent) + sum of operands.
// Integer addition is associative and commutative, so any grouping of partial
// merges (memtable, flush, compaction) gives the same exact result. Sums wrap
// modulo 2^64 on overflow; with fixed-point units (core/units.h) that needs
// more than 9.2e9 records in one cell and is treated as impossible.
//
// A merge fails (returns false, which RocksDB reports as a Corruption status
// to the reader or the compaction) when an operand or the existing value is
// empty, not a multiple of 8 bytes, or of another width than the others.
//
// The compaction filter drops fully merged values that are all zeros (a
// record added then removed), turning them into deletions, so that nothing
// remains after compaction. It keeps merge operands untouched. Readers must
// still treat a zero value as absent: it lives until a compaction sees it.
//
// Thread-safety: both objects are stateless and may be used by any number of
// threads (RocksDB calls them from flush/compaction and read threads).
#ifndef STCLUSTER_STORES_MERGE_OPERATOR_H_
#define STCLUSTER_STORES_MERGE_OPERATOR_H_

#include <rocksdb/compaction_filter.h>
#include <rocksdb/merge_operator.h>

#include <memory>
#include <string>
#include <string_view>

namespace stc {

inline constexpr char kInt64VectorAddName[] = "stc.Int64VectorAdd";

// Adds the int64 vector `operand` to `*acc` elementwise. `*acc` empty means
// "no value yet" and takes a copy of `operand`. Returns false (leaving `*acc`
// unspecified) when `operand` is empty, not a multiple of 8 bytes, or of
// another width than a non-empty `*acc`.
bool AddInt64Vector(std::string_view operand, std::string* acc);

// A new instance of the "stc.Int64VectorAdd" merge operator (full merge,
// partial merge and multi-operand partial merge).
std::shared_ptr<rocksdb::MergeOperator> NewInt64VectorAddOperator();

// The zero-dropping compaction filter. A process-wide immutable singleton:
// never delete it; it outlives every DB that uses it.
const rocksdb::CompactionFilter* ZeroValueCompactionFilter();

}  // namespace stc

#endif  // STCLUSTER_STORES_MERGE_OPERATOR_H_
