// SPDX-License-Identifier: GPL-2.0-only
//
// Models lib/rbtree.c and include/linux/rbtree.h: an intrusive red-black
// tree whose nodes embed their colour in the low bit of the parent pointer,
// with the kernel's insertion (rb_link_node + rb_insert_color) and erase
// algorithms, and rb_root_cached that remembers the leftmost node.
// fs/eventpoll.c keeps ep->rbr, the interest set, in such a tree.
//
// Like the kernel, the tree never compares keys: the caller walks down to
// the insertion point, links the node with rb_link_node() and then asks
// rb_insert_color() to rebalance.
//
// The five red-black properties (docs/invariants.md):
//   RB1  every node is red or black
//   RB2  the root is black
//   RB3  every leaf (NULL) is black
//   RB4  a red node has no red child
//   RB5  every path from a node to its descendant leaves has the same number
//        of black nodes
// rb_verify also checks parent links (RB6), the leftmost cache (RB7) and
// in-order ordering under a caller-supplied comparison (RB8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace epsim::kern {

struct rb_node {
	uintptr_t __rb_parent_color; // parent pointer | colour bit (0 red, 1 black)
	rb_node *rb_right;
	rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

struct rb_root_cached {
	struct rb_root rb_root;
	rb_node *rb_leftmost;
};

#define RB_ROOT_INIT {nullptr}
#define RB_ROOT_CACHED_INIT {{nullptr}, nullptr}

inline constexpr uintptr_t RB_RED = 0;
inline constexpr uintptr_t RB_BLACK = 1;

inline rb_node *rb_parent(const rb_node *n)
{
	return reinterpret_cast<rb_node *>(n->__rb_parent_color & ~uintptr_t{3});
}

// A node that is not in any tree points at itself (RB_CLEAR_NODE).
inline void RB_CLEAR_NODE(rb_node *n) { n->__rb_parent_color = reinterpret_cast<uintptr_t>(n); }
inline bool RB_EMPTY_NODE(const rb_node *n)
{
	return n->__rb_parent_color == reinterpret_cast<uintptr_t>(n);
}
inline bool RB_EMPTY_ROOT(const rb_root *r) { return r->rb_node == nullptr; }

// Links node as the child *rb_link of parent (red, no children).
inline void rb_link_node(rb_node *node, rb_node *parent, rb_node **rb_link)
{
	node->__rb_parent_color = reinterpret_cast<uintptr_t>(parent);
	node->rb_left = node->rb_right = nullptr;
	*rb_link = node;
}

void rb_insert_color(rb_node *node, rb_root *root);
void rb_erase(rb_node *node, rb_root *root);
rb_node *rb_first(const rb_root *root);
rb_node *rb_last(const rb_root *root);
rb_node *rb_next(const rb_node *node);
rb_node *rb_prev(const rb_node *node);

inline void rb_insert_color_cached(rb_node *node, rb_root_cached *root, bool leftmost)
{
	if (leftmost)
		root->rb_leftmost = node;
	rb_insert_color(node, &root->rb_root);
}

inline void rb_erase_cached(rb_node *node, rb_root_cached *root)
{
	if (root->rb_leftmost == node)
		root->rb_leftmost = rb_next(node);
	rb_erase(node, &root->rb_root);
}

inline rb_node *rb_first_cached(const rb_root_cached *root) { return root->rb_leftmost; }

// Checks RB1-RB8.  less(a, b) orders two nodes; every in-order neighbour pair
// must satisfy less(prev, next).  Returns the number of nodes; throws
// invariant_violation naming the property on failure.
size_t rb_verify(const rb_root_cached *root,
		 const std::function<bool(const rb_node *, const rb_node *)> &less);

} // namespace epsim::kern
