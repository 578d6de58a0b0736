// The stcluster executable's heap, which can be put on transparent huge
// pages: a definition of sbrk() that tcmalloc-minimal (the process's
// allocator, linked only into this executable: top-level CMakeLists.txt,
// STC_TCMALLOC) grows its heap with.
//
// Why: tcmalloc takes its memory from sbrk(), and the kernel's program break
// is one mapping that cannot be advised as a whole. Huge pages pay for a run
// that reuses its memory many times (fewer page faults and TLB misses: a 2M
// cold ingest went from 39,000 faults to 1,200 when this heap was first on
// huge pages); a run that touches its memory once pays more for fresh huge
// pages on the virtual machines we run on (about 2.4 ms per MiB against 0.4
// ms for 4 KiB pages: docs/performance.md, "First touches of memory"). So
// the heap starts on the system's default pages, and SetHeapOnHugePages
// switches it: registered as core/large_alloc.h's hook, it follows the
// ingest's choice for its write buffers (pipeline/ingest.h,
// BuffersOnHugePages).
//
// How: the first call reserves address space (HugePageHeapReservation: 64 GiB
// unless limits say less; nothing is committed: MAP_NORESERVE), aligned to
// 2 MiB, and every call moves a break inside it, as the kernel's brk() would.
// Shrinking gives the released pages back (MADV_DONTNEED), so that growing
// again sees zeroed memory, as with the kernel's break. Without a reservation
// (limits, or mmap() refused) sbrk() is the C library's (__sbrk: the kernel's
// break, in 4 KiB pages). Once the reservation is used up, sbrk() fails with
// ENOMEM, as the kernel's does when the break cannot grow, and tcmalloc maps
// its memory with mmap() instead, as it then does: either way nothing changes
// but the page size.
//
// The definition takes the place of the C library's for every caller in the
// process (the dynamic linker binds libtcmalloc_minimal's reference to the
// executable's symbol). The C library's own malloc, were it used, grows its
// heap through the internal __brk and is not affected. Thread-safe.
#include "app/huge_page_heap.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "core/large_alloc.h"

// The C library's sbrk() under its internal name (glibc exports it).
extern "C" void* __sbrk(intptr_t increment) noexcept;

namespace stc {

size_t HugePageHeapReservation(uint64_t address_space_limit, int overcommit_mode) {
  constexpr uint64_t kMax = uint64_t{64} << 30;
  constexpr uint64_t kMin = uint64_t{64} << 20;
  // Under strict overcommit (mode 2) MAP_NORESERVE is ignored: the whole
  // reservation would be charged against the machine's commit limit.
  if (overcommit_mode == 2) return 0;
  // Under a limit of address space (ulimit -v), a quarter of it at most: the
  // rest stays for RocksDB's mappings, thread stacks and tcmalloc's mmap().
  const uint64_t bytes = std::min(kMax, address_space_limit / 4) & ~(uint64_t{2 << 20} - 1);
  return bytes < kMin ? 0 : static_cast<size_t>(bytes);
}

}  // namespace stc

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

std::mutex mu;         // Constant-initialised: usable before main().
char* base = nullptr;  // 2 MiB aligned; null until the first call.
size_t reserved = 0;   // Bytes from base on.
size_t used = 0;       // The break is base + used.
bool failed = false;   // No reservation (limits, or refused): the C library's break.
bool huge = false;     // SetHeapOnHugePages's last choice.

// /proc/sys/vm/overcommit_memory (0 when unreadable). No allocation: this
// runs inside the allocator's growth.
int OvercommitMode() {
  const int fd = open("/proc/sys/vm/overcommit_memory", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char c = '0';
  const ssize_t n = read(fd, &c, 1);
  close(fd);
  return n == 1 && c >= '0' && c <= '9' ? c - '0' : 0;
}

void* Fail() {
  errno = ENOMEM;
  return reinterpret_cast<void*>(-1);  // sbrk()'s error value.
}

bool Reserve() {
  rlimit as{};
  const uint64_t limit =
      getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY ? as.rlim_cur : UINT64_MAX;
  const size_t bytes = stc::HugePageHeapReservation(limit, OvercommitMode());
  if (bytes == 0) return false;
  void* p = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return false;
  const auto start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t aligned = (start + kHugePage - 1) & ~uintptr_t{kHugePage - 1};
  // The unaligned head and the tail beyond the reservation go back.
  if (aligned > start) munmap(p, aligned - start);
  const uintptr_t end = start + bytes + kHugePage;
  if (end > aligned + bytes)
    munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
  base = reinterpret_cast<char*>(aligned);
  reserved = bytes;
  if (huge) madvise(base, reserved, MADV_HUGEPAGE);  // Ignored where THP is off.
  return true;
}

}  // namespace

namespace stc {

void SetHeapOnHugePages(bool on) {
  std::lock_guard<std::mutex> lock(mu);
  if (on == huge) return;
  huge = on;
  // The whole reservation: pages faulted in from now on (the advice is kept
  // even where THP is off, and then ignored).
  if (base != nullptr) madvise(base, reserved, on ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
}

bool HeapOnHugePages() {
  std::lock_guard<std::mutex> lock(mu);
  return huge;
}

}  // namespace stc

namespace {

// The ingest's choice of page size covers this heap too.
[[maybe_unused]] const bool kHookSet = (stc::SetHugePagesHook(&stc::SetHeapOnHugePages), true);

}  // namespace

extern "C" void* sbrk(intptr_t increment) noexcept {
  std::lock_guard<std::mutex> lock(mu);
  if (base == nullptr) {
    if (failed || !Reserve()) {
      failed = true;
      return __sbrk(increment);
    }
  }
  char* const old_break = base + used;
  if (increment >= 0) {
    const auto grow = static_cast<size_t>(increment);
    if (grow > reserved - used) return Fail();
    used += grow;
  } else {
    const size_t shrink = size_t{0} - static_cast<size_t>(increment);
    if (shrink > used) return Fail();
    used -= shrink;
    // The whole pages above the new break read as zeros when grown again (the
    // page holding the break keeps its bytes, as with the kernel's break).
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t from = (used + page - 1) / page * page;
    const size_t to = (used + shrink) / page * page;
    if (to > from) madvise(base + from, to - from, MADV_DONTNEED);
  }
  return old_break;
}
