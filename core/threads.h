// The number of worker threads a command runs with.
#ifndef STCLUSTER_CORE_THREADS_H_
#define STCLUSTER_CORE_THREADS_H_

namespace stc {

// `requested` when it is positive; otherwise (0, the options' "all cores",
// or a negative value) the number of cores the system reports, at least 1.
// Thread-safe; never fails.
int ResolveThreads(int requested);

}  // namespace stc

#endif  // STCLUSTER_CORE_THREADS_H_
