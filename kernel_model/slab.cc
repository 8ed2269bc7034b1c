// SPDX-License-Identifier: GPL-2.0-only
//
// Models kmem_cache_alloc and kmem_cache_free of mm/slub.c for one
// fixed-size object cache (see slab.h).
#include "kernel_model/slab.h"

#include <new>
#include <stdexcept>
#include <string>

namespace epsim::kern {

#if defined(__SANITIZE_ADDRESS__)

void *kmem_cache_alloc(kmem_cache *c, size_t size)
{
	++c->active;
	return ::operator new(size);
}

void kmem_cache_free(kmem_cache *c, void *obj)
{
	--c->active;
	::operator delete(obj);
}

#else

// Objects sit 8-byte aligned (the alignment of every model structure).
static size_t kmem_stride(const kmem_cache *c) { return (c->size + 7) & ~size_t{7}; }

// Carves a new slab; objects come from its front, one at a time.
static void kmem_cache_grow(kmem_cache *c)
{
	size_t bytes = KMEM_SLAB_OBJECTS * kmem_stride(c);

	c->slabs.emplace_back(new char[bytes]);
	c->next_free = c->slabs.back().get();
	c->slab_end = c->next_free + bytes;
}

// Linux: mm/slub.c kmem_cache_alloc.  Reuses the most recently freed
// object first (it is the one most likely in cache), then the slab's tail.
void *kmem_cache_alloc(kmem_cache *c, size_t size)
{
	void *obj = c->freelist;

	if (c->size != size) {
		if (c->size)
			throw std::logic_error(std::string("kmem_cache_alloc: ") + c->name +
					       " holds objects of another size");
		c->size = size;
	}
	++c->active;
	if (obj) {
		c->freelist = *static_cast<void **>(obj);
		return obj;
	}
	if (c->next_free == c->slab_end)
		kmem_cache_grow(c);
	obj = c->next_free;
	c->next_free += kmem_stride(c);
	return obj;
}

// Linux: mm/slub.c kmem_cache_free
void kmem_cache_free(kmem_cache *c, void *obj)
{
	*static_cast<void **>(obj) = c->freelist;
	c->freelist = obj;
	--c->active;
}

#endif

} // namespace epsim::kern
