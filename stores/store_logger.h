// The store's RocksDB info log ("LOG" in the store directory): RocksDB's own
// file logger aborts the process (a failed assertion in the Debian build) when
// it is asked to write again after a write failed, which happens when the disk
// fills up: the error handler logs the very error that filled the disk. This
// logger writes the same lines with stdio and stops logging after the first
// failure instead; the store then reports the disk-full error as a Status.
// Internal to stores/.
#ifndef STCLUSTER_STORES_STORE_LOGGER_H_
#define STCLUSTER_STORES_STORE_LOGGER_H_

#include <rocksdb/env.h>

#include <memory>
#include <string>

namespace stc::store_internal {

// Renames an existing `dir`/LOG to LOG.old.<microseconds> (keeping the
// newest `keep_old` of those), opens a fresh LOG and returns a logger writing
// to it; null when the file cannot be opened (RocksDB then logs nowhere).
// Thread-safe (RocksDB logs from several threads).
std::shared_ptr<rocksdb::Logger> NewStoreLogger(const std::string& dir, size_t keep_old);

}  // namespace stc::store_internal

#endif  // STCLUSTER_STORES_STORE_LOGGER_H_
