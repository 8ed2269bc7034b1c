// SPDX-License-Identifier: GPL-2.0-only
//
// Models include/linux/list.h: the intrusive circular doubly linked list
// (list_head) and the singly headed hlist (hlist_head / hlist_node) that
// fs/eventpoll.c uses for rdllist, txlist, wait queues and file->f_ep.
//
// A node is "unlinked" exactly when it is self-linked (INIT_LIST_HEAD or
// list_del_init), which is how the kernel asks "is this epitem on the ready
// list?" (list_empty(&epi->rdllink)).  Containers never own their nodes.
//
// Invariants checked by list_verify (docs/invariants.md, L1-L4):
//   L1  for every node n reachable from the head: n->next->prev == n
//   L2  for every node n reachable from the head: n->prev->next == n
//   L3  walking next from the head returns to the head within the bound
//   L4  no node on the list is the poison value left by list_del
#pragma once

#include <cstddef>
#include <cstdint>

namespace epsim::kern {

struct list_head {
	list_head *next;
	list_head *prev;
};

// Poison left in a node by list_del(): using it again is a bug.
inline list_head *const LIST_POISON1 = reinterpret_cast<list_head *>(uintptr_t{0x100});
inline list_head *const LIST_POISON2 = reinterpret_cast<list_head *>(uintptr_t{0x122});

// container_of for the standard-layout structures of the model.
#define list_entry(ptr, type, member) \
	(reinterpret_cast<type *>(reinterpret_cast<char *>(ptr) - offsetof(type, member)))
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)

inline void INIT_LIST_HEAD(list_head *list)
{
	list->next = list;
	list->prev = list;
}

inline bool list_empty(const list_head *head) { return head->next == head; }

inline bool list_is_singular(const list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

inline void __list_add(list_head *n, list_head *prev, list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

// Insert n right after head (stack order).
inline void list_add(list_head *n, list_head *head) { __list_add(n, head, head->next); }

// Insert n right before head, i.e. at the tail (queue order).
inline void list_add_tail(list_head *n, list_head *head) { __list_add(n, head->prev, head); }

inline void __list_del(list_head *prev, list_head *next)
{
	next->prev = prev;
	prev->next = next;
}

inline void list_del(list_head *entry)
{
	__list_del(entry->prev, entry->next);
	entry->next = LIST_POISON1;
	entry->prev = LIST_POISON2;
}

inline void list_del_init(list_head *entry)
{
	__list_del(entry->prev, entry->next);
	INIT_LIST_HEAD(entry);
}

inline void list_move_tail(list_head *entry, list_head *head)
{
	__list_del(entry->prev, entry->next);
	list_add_tail(entry, head);
}

inline void __list_splice(const list_head *list, list_head *prev, list_head *next)
{
	list_head *first = list->next;
	list_head *last = list->prev;

	first->prev = prev;
	prev->next = first;
	last->next = next;
	next->prev = last;
}

// Join list in front of head's first element; list itself is left stale.
inline void list_splice(const list_head *list, list_head *head)
{
	if (!list_empty(list))
		__list_splice(list, head, head->next);
}

// As list_splice, then reinitialise list.
inline void list_splice_init(list_head *list, list_head *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head, head->next);
		INIT_LIST_HEAD(list);
	}
}

// Join list after head's last element and reinitialise list.
inline void list_splice_tail_init(list_head *list, list_head *head)
{
	if (!list_empty(list)) {
		__list_splice(list, head->prev, head);
		INIT_LIST_HEAD(list);
	}
}

// Checks L1-L4 for the list headed by head, walking at most bound nodes.
// Returns the number of entries; throws invariant_violation on failure.
size_t list_verify(const list_head *head, size_t bound = SIZE_MAX);

// ---- hlist: a list with a single-pointer head (include/linux/list.h) ----

struct hlist_node {
	hlist_node *next;
	hlist_node **pprev;
};

struct hlist_head {
	hlist_node *first;
};

inline void INIT_HLIST_NODE(hlist_node *h)
{
	h->next = nullptr;
	h->pprev = nullptr;
}

inline bool hlist_unhashed(const hlist_node *h) { return h->pprev == nullptr; }
inline bool hlist_empty(const hlist_head *h) { return h->first == nullptr; }

inline void hlist_add_head(hlist_node *n, hlist_head *h)
{
	hlist_node *first = h->first;

	n->next = first;
	if (first)
		first->pprev = &n->next;
	h->first = n;
	n->pprev = &h->first;
}

inline void hlist_del_init(hlist_node *n)
{
	if (hlist_unhashed(n))
		return;
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	INIT_HLIST_NODE(n);
}

// Checks that every node's pprev points at the pointer that links it.
size_t hlist_verify(const hlist_head *head, size_t bound = SIZE_MAX);

#define hlist_entry(ptr, type, member) list_entry(ptr, type, member)

} // namespace epsim::kern
