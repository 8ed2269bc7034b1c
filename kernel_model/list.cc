// SPDX-License-Identifier: GPL-2.0-only
//
// The checkers for include/linux/list.h's two list shapes.  The list verbs
// themselves are inline in list.h; what lives here stands for the kernel's
// CONFIG_DEBUG_LIST checks (lib/list_debug.c: __list_add_valid_or_report,
// __list_del_entry_valid_or_report), which look at one node's neighbours at
// each operation.  list_verify and hlist_verify instead walk the whole list,
// so a property test can check every link after every step.
#include "kernel_model/list.h"

#include "kernel_model/invariant.h"

#include <cstdio>
#include <string>

namespace epsim::kern {

namespace {

// Throws invariant_violation(id, what()) unless cond holds.  The message is
// built only on failure: verify runs after every step of the property tests
// and inside every mutating operation with -Dverify_always=true.
template <class What> void check(bool cond, const char *id, What what)
{
	if (!cond)
		throw invariant_violation(id, what());
}

std::string ptr_str(const void *p)
{
	char buf[32];

	std::snprintf(buf, sizeof(buf), "%p", p);
	return buf;
}

std::string node_str(const char *kind, size_t index, const void *n)
{
	return std::string(kind) + " node #" + std::to_string(index) + " (" + ptr_str(n) + ")";
}

// L4: neither link of n is the poison list_del() leaves behind; and neither
// is NULL (which would fail L1/L2).  Checked before n's neighbours are
// dereferenced.
void list_check_poison(const list_head *n, size_t index)
{
	check(n->next != LIST_POISON1 && n->prev != LIST_POISON2, "L4", [&] {
		return node_str("list", index, n) + ": expected live links, found list_del poison"
			" next=" + ptr_str(n->next) + " prev=" + ptr_str(n->prev);
	});
	check(n->next != nullptr, "L1", [&] {
		return node_str("list", index, n) + ": expected a next link, found NULL";
	});
	check(n->prev != nullptr, "L2", [&] {
		return node_str("list", index, n) + ": expected a prev link, found NULL";
	});
}

// L1 and L2 for one node: both neighbours point back at it.
void list_check_links(const list_head *n, size_t index)
{
	check(n->next->prev == n, "L1", [&] {
		return node_str("list", index, n) + ": expected next->prev == " + ptr_str(n) +
			", found " + ptr_str(n->next->prev);
	});
	check(n->prev->next == n, "L2", [&] {
		return node_str("list", index, n) + ": expected prev->next == " + ptr_str(n) +
			", found " + ptr_str(n->prev->next);
	});
}

} // namespace

// Node #0 is the head itself; entries are numbered from 1.  The walk is
// bounded by `bound` entries (L3).  A corrupted list cannot make it loop
// forever below the bound without tripping L1/L2 first: a cycle that does
// not pass through the head has a node with two predecessors, and one of
// them fails its next->prev check.
size_t list_verify(const list_head *head, size_t bound)
{
	const list_head *n = head;
	size_t count = 0;

	for (;;) {
		list_check_poison(n, count);
		list_check_links(n, count);
		n = n->next;
		if (n == head)
			return count;
		check(count < bound, "L3", [&] {
			return "expected to return to the head within " + std::to_string(bound) +
				" entries, found more";
		});
		count++;
	}
}

// The hlist counterpart: the head holds a single pointer, and each node's
// pprev must point at the pointer that links it (the head's `first` or the
// previous node's `next`).  L2 names that back-link check, L3 the bound and
// L4 the poison the kernel's hlist_del leaves.  The walk ends at NULL; a
// cycle fails L2 where it closes, because the node it returns to already
// has its pprev pointing elsewhere.
size_t hlist_verify(const hlist_head *head, size_t bound)
{
	hlist_node *const *link = &head->first;
	size_t count = 0;

	for (const hlist_node *n = head->first; n; n = n->next) {
		check(count < bound, "L3", [&] {
			return "hlist: expected at most " + std::to_string(bound) +
				" entries, found more";
		});
		count++;
		bool poisoned = static_cast<const void *>(n->next) == LIST_POISON1 ||
				static_cast<const void *>(n->pprev) == LIST_POISON2;
		check(!poisoned, "L4", [&] {
			return node_str("hlist", count, n) +
				": expected live links, found list_del poison";
		});
		check(n->pprev == link, "L2", [&] {
			return node_str("hlist", count, n) + ": expected pprev == " +
				ptr_str(link) + ", found " + ptr_str(n->pprev);
		});
		link = &n->next;
	}
	return count;
}

} // namespace epsim::kern
