#include "core/large_alloc.h"

#include <atomic>
#include <cstdint>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define STC_LARGE_ALLOC_MMAP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STC_LARGE_ALLOC_MMAP 0
#endif
#endif
#if !defined(STC_LARGE_ALLOC_MMAP)
#if defined(__linux__)
#define STC_LARGE_ALLOC_MMAP 1
#else
#define STC_LARGE_ALLOC_MMAP 0
#endif
#endif

namespace stc {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

size_t RoundUp(size_t bytes) { return (bytes + kHugePage - 1) & ~(kHugePage - 1); }

std::atomic<bool> huge_pages{false};
std::atomic<HugePagesHook> hook{nullptr};

}  // namespace

void SetLargeBlocksOnHugePages(bool on) {
  huge_pages.store(on, std::memory_order_relaxed);
  if (HugePagesHook h = hook.load(std::memory_order_acquire)) h(on);
}
bool LargeBlocksOnHugePages() { return huge_pages.load(std::memory_order_relaxed); }
void SetHugePagesHook(HugePagesHook h) { hook.store(h, std::memory_order_release); }

bool IsMappedLarge(size_t bytes) { return STC_LARGE_ALLOC_MMAP && bytes >= kLargeAllocBytes; }

void* AllocateLarge(size_t bytes) {
#if STC_LARGE_ALLOC_MMAP
  if (bytes >= kLargeAllocBytes) {
    if (bytes > SIZE_MAX - 2 * kHugePage) throw std::bad_alloc();
    const size_t size = RoundUp(bytes);
    // Map one huge page more than needed and unmap the unaligned ends, so
    // the block starts on a 2 MiB boundary and every page of it can be huge
    // (when advised).
    void* raw = mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
    if (aligned > start) munmap(raw, aligned - start);
    const uintptr_t end = start + size + kHugePage;
    if (end > aligned + size) munmap(reinterpret_cast<void*>(aligned + size), end - aligned - size);
    void* p = reinterpret_cast<void*>(aligned);
    if (LargeBlocksOnHugePages()) {
      madvise(p, size, MADV_HUGEPAGE);  // Advice only: ignored where THP is off.
    }
    return p;
  }
#endif
  return ::operator new(bytes);
}

void FreeLarge(void* p, size_t bytes) noexcept {
  if (p == nullptr) return;
#if STC_LARGE_ALLOC_MMAP
  if (bytes >= kLargeAllocBytes) {
    munmap(p, RoundUp(bytes));
    return;
  }
#endif
  ::operator delete(p);
}

}  // namespace stc
