// The store's writer lock: one writing process per store, and a clear message
// naming the holder when a second one tries.
//
// An exclusive flock(2) on DIR/WRITER.lock, whose content names the holder
// ("pid 1234, started 2026-11-30T14:02:11Z, host h"). The kernel releases
// the lock when the holder exits or is killed, so a crashed job never leaves
// a stale lock behind. Readers (read-only opens) do not take it.
#ifndef STCLUSTER_STORES_WRITER_LOCK_H_
#define STCLUSTER_STORES_WRITER_LOCK_H_

#include <memory>
#include <string>

#include "core/status.h"

namespace stc {

class WriterLock {
 public:
  // Takes the lock of store directory `dir` (which must exist). Busy with the
  // holder's description when another process holds it; IoError otherwise.
  static Result<std::unique_ptr<WriterLock>> Acquire(const std::string& dir);
  ~WriterLock();  // Releases the lock.
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace stc

#endif  // STCLUSTER_STORES_WRITER_LOCK_H_
