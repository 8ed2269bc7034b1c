// SPDX-License-Identifier: GPL-2.0-only
//
// Models the slab allocator's object caches (mm/slab_common.c
// kmem_cache_create, kmem_cache_alloc, kmem_cache_free) for the objects
// fs/eventpoll.c allocates per watch: epitems (epi_cache) and eppoll_entries
// (pwq_cache).  A cache hands out fixed-size objects carved from slabs of
// KMEM_SLAB_OBJECTS objects and keeps freed ones on a free list, so an epoll_ctl ADD
// or DEL costs no malloc and a watch costs sizeof(epitem) +
// sizeof(eppoll_entry) bytes, as EP_ITEM_COST says in Linux.
//
//     kmem_cache c{"eventpoll_epi"};
//     void *p = kmem_cache_alloc(&c, sizeof(epitem));  // the size is fixed on first use
//     kmem_cache_free(&c, p);
//
// Memory goes back to the system only when the cache is destroyed (with
// its kernel_state); objects still allocated then are the owner's leak.
// Under AddressSanitizer the cache forwards every call to operator new and
// delete, so use-after-free of an epitem is still caught.
//
// Divergence: no per-CPU freelists, no alignment to cache lines
// (SLAB_HWCACHE_ALIGN would round the 120-byte epitem up to 128), no
// shrinking.  Not observable through system calls (docs/divergences.md).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace epsim::kern {

inline constexpr size_t KMEM_SLAB_OBJECTS = 128;

struct kmem_cache {
	explicit kmem_cache(const char *cache_name) : name(cache_name) {}

	const char *name;				// "eventpoll_epi"; immutable
	size_t size = 0;				// object size, fixed by the first alloc
	void *freelist = nullptr;			// free objects, linked through their first word
	char *next_free = nullptr;			// unused tail of the newest slab
	char *slab_end = nullptr;
	long active = 0;				// objects handed out and not freed
	std::vector<std::unique_ptr<char[]>> slabs;	// every slab, freed with the cache
};

// Returns an uninitialised object of `size` bytes (the same size on every
// call for one cache).
void *kmem_cache_alloc(kmem_cache *c, size_t size);
void kmem_cache_free(kmem_cache *c, void *obj);

} // namespace epsim::kern
