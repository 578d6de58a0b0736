// The number of worker threads a command runs with, and the scratch of
// threads that work side by side.
#ifndef STCLUSTER_CORE_THREADS_H_
#define STCLUSTER_CORE_THREADS_H_

#include <algorithm>
#include <cstddef>
#include <vector>

namespace stc {

// `requested` when it is positive; otherwise (0, the options' "all cores",
// or a negative value) the number of cores the system reports, at least 1.
// Thread-safe; never fails.
int ResolveThreads(int requested);

// Capacity given to the small vectors a thread rewrites for every item of a
// parallel scan (ReserveThreadScratch).
inline constexpr size_t kThreadScratchBytes = 512;

// Gives `*v` room for kThreadScratchBytes at least. Small blocks of two
// threads can share a cache line in the allocator's small size classes, and
// then every item's writes take the line from the other core (the 0.1-degree
// 20M profile scan took 2.4 s instead of 1.5 s in about half the runs). In
// tcmalloc's size classes of 512 bytes and more (the executables link it,
// docs/performance.md) a block starts on a cache line, and so it does after
// the vector doubles. Call it before the scan, once per vector; it changes
// no contents.
template <typename T>
void ReserveThreadScratch(std::vector<T>* v) {
  v->reserve(std::max(v->capacity(), (kThreadScratchBytes + sizeof(T) - 1) / sizeof(T)));
}

}  // namespace stc

#endif  // STCLUSTER_CORE_THREADS_H_
