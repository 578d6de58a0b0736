#include "core/threads.h"

#include <algorithm>
#include <thread>

namespace stc {

int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace stc
