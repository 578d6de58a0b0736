// The executable's heap, on transparent huge pages when asked (huge_page_heap.cc,
// which defines sbrk() for tcmalloc-minimal): the size of its reservation and
// the choice of page size.
#ifndef STCLUSTER_APP_HUGE_PAGE_HEAP_H_
#define STCLUSTER_APP_HUGE_PAGE_HEAP_H_

#include <cstddef>
#include <cstdint>

namespace stc {

// Bytes of address space the heap reserves, a multiple of 2 MiB: 64 GiB, or
// a quarter of `address_space_limit` (RLIMIT_AS; UINT64_MAX when unlimited)
// when that is less; 0 (no reservation: sbrk() is then the C library's) under
// strict overcommit (`overcommit_mode` 2, where MAP_NORESERVE is not honoured)
// or when that quarter is under 64 MiB.
size_t HugePageHeapReservation(uint64_t address_space_limit, int overcommit_mode);

// Advises the heap's reservation for huge pages (on) or against them (off),
// for the pages faulted in from then on; the heap starts with neither (the
// system's default). Registered at start-up as core/large_alloc.h's
// SetHugePagesHook, so that SetLargeBlocksOnHugePages covers the heap. Without
// a reservation (the C library's break) only the choice is kept. Thread-safe.
void SetHeapOnHugePages(bool on);
bool HeapOnHugePages();

}  // namespace stc

#endif  // STCLUSTER_APP_HUGE_PAGE_HEAP_H_
