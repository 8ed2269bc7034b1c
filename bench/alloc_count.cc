// SPDX-License-Identifier: GPL-2.0-only
//
// The counting allocator behind BM_Memory_*: every operator new of the
// program, the model's epitems and eppoll_entries included, goes through
// counted_alloc.  Only allocations are counted; a benchmark reads the
// difference around the work it measures.  (A file of its own: inlined
// into code that also frees, GCC would flag the malloc/free pairing.)
#include <cstdlib>
#include <new>

#include "bench/bench.h"

namespace {

uint64_t g_alloc_bytes;
uint64_t g_alloc_calls;

void *counted_alloc(std::size_t size)
{
	g_alloc_bytes += size;
	++g_alloc_calls;
	return std::malloc(size ? size : 1);
}

} // namespace

void *operator new(std::size_t size)
{
	void *p = counted_alloc(size);

	if (!p)
		throw std::bad_alloc();
	return p;
}
void *operator new[](std::size_t size) { return operator new(size); }
void *operator new(std::size_t size, const std::nothrow_t &) noexcept { return counted_alloc(size); }
void *operator new[](std::size_t size, const std::nothrow_t &) noexcept
{
	return counted_alloc(size);
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }

namespace epsim::bench {

uint64_t allocated_bytes() { return g_alloc_bytes; }
uint64_t allocation_calls() { return g_alloc_calls; }

} // namespace epsim::bench
