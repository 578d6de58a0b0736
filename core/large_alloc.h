// Memory for large buffers (the ingest's write buffers, sorted runs,
// table-file inputs): blocks of at least kLargeAllocBytes are mapped from the
// kernel on their own, aligned to 2 MiB, and advised for transparent huge
// pages (madvise(MADV_HUGEPAGE)) only while SetLargeBlocksOnHugePages(true)
// holds; otherwise they take the system's default page size (4 KiB where THP
// is in "madvise" mode, Debian's default). Smaller blocks come from operator
// new.
//
// Why a choice: a huge page costs one fault where 4 KiB pages cost 512, and
// fewer TLB misses on every later access; but on the virtual machines we run
// on, free memory is handed back to the host in blocks of 8 MiB, and a fresh
// 2 MiB page then comes from such a block at about 2.4 ms per MiB, while 4 KiB
// pages come from the guest's own fragmented free memory at about 0.4 ms per
// MiB (docs/performance.md, "First touches of memory"). A buffer filled once
// or twice is cheaper on small pages; one refilled many times (a large
// ingest, whose write buffers are reused from flush to flush) on huge pages.
// The ingest picks (pipeline/ingest.h, BuffersOnHugePages), for these blocks
// and, through the hook below, for the executable's heap.
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
// Whether a block of `bytes` is mapped on its own.
bool IsMappedLarge(size_t bytes);
// Whether blocks mapped from now on are advised for huge pages (default: no).
// Process-wide; blocks already mapped keep their advice. Also calls the
// hook, if one is set, with `on`.
void SetLargeBlocksOnHugePages(bool on);
bool LargeBlocksOnHugePages();
// A function that applies the same choice to other memory of the process:
// the stcluster executable's heap registers one (app/huge_page_heap.cc), so
// that the ingest's choice covers it too. Null: none (the default).
using HugePagesHook = void (*)(bool on);
void SetHugePagesHook(HugePagesHook hook);

// SetLargeBlocksOnHugePages(on) for the object's lifetime; the destructor
// restores the setting found at construction. For a run (an ingest, an
// export) that knows how its memory will be used. Not for overlapping
// lifetimes on several threads (the setting is process-wide).
class ScopedHugePages {
 public:
  explicit ScopedHugePages(bool on) : before_(LargeBlocksOnHugePages()) {
    SetLargeBlocksOnHugePages(on);
  }
  ~ScopedHugePages() { SetLargeBlocksOnHugePages(before_); }
  ScopedHugePages(const ScopedHugePages&) = delete;
  ScopedHugePages& operator=(const ScopedHugePages&) = delete;

 private:
  bool before_;
};

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
