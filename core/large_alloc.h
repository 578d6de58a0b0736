// Memory for large, short-lived buffers (the ingest's write buffers, sorted
// runs, table-file inputs): blocks of at least kLargeAllocBytes are mapped
// from the kernel on their own, aligned to 2 MiB and advised for transparent
// huge pages (madvise(MADV_HUGEPAGE): on Linux with THP in "madvise" or
// "always" mode); smaller blocks come from operator new.
//
// Why: such a buffer is written once front to back, freed, and mapped again
// at the next flush. With 4 KiB pages every first touch is a page fault
// (about a quarter of a 2M-record ingest's system time went to them, on a
// virtual machine); a 2 MiB page takes one fault per 512 of those. Where
// huge pages are unavailable the advice is ignored and nothing else changes.
//
// Built with AddressSanitizer, every block comes from operator new (so that
// out-of-bounds accesses are still caught). Thread-safe. Failure throws
// std::bad_alloc, like operator new.
#ifndef STCLUSTER_CORE_LARGE_ALLOC_H_
#define STCLUSTER_CORE_LARGE_ALLOC_H_

#include <cstddef>
#include <string>
#include <vector>

namespace stc {

inline constexpr size_t kLargeAllocBytes = size_t{2} << 20;

// `bytes` of uninitialised memory, aligned for any type. Free with
// FreeLarge(p, bytes), the same `bytes`.
void* AllocateLarge(size_t bytes);
void FreeLarge(void* p, size_t bytes) noexcept;
// Whether a block of `bytes` is mapped on its own (advised for huge pages).
bool IsMappedLarge(size_t bytes);

// A standard allocator over AllocateLarge (stateless: all instances equal).
template <typename T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <typename U>
  LargeAllocator(const LargeAllocator<U>&) noexcept {}  // NOLINT: allocator rebind.
  T* allocate(size_t n) { return static_cast<T*>(AllocateLarge(n * sizeof(T))); }
  void deallocate(T* p, size_t n) noexcept { FreeLarge(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const LargeAllocator<U>&) const noexcept {
    return true;
  }
};

template <typename T>
using LargeVector = std::vector<T, LargeAllocator<T>>;
using LargeString = std::basic_string<char, std::char_traits<char>, LargeAllocator<char>>;

}  // namespace stc

#endif  // STCLUSTER_CORE_LARGE_ALLOC_H_
