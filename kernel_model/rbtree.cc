// SPDX-License-Identifier: GPL-2.0-only
//
// Models lib/rbtree.c: rb_insert_color (the kernel's __rb_insert),
// rb_erase (__rb_erase_augmented, which unlinks the node, followed by
// ____rb_erase_color, which repairs the black height), and the in-order
// walkers rb_first, rb_last, rb_next and rb_prev.  The augmented-tree
// callbacks are left out: fs/eventpoll.c does not use them.  rb_verify has
// no kernel counterpart; it stands for the checks a debugging build would
// like to make after every operation.
//
// The red-black properties this file maintains (see rbtree.h):
//
//   RB1  every node is red or black
//   RB2  the root is black
//   RB3  every leaf (NULL) is black
//   RB4  a red node has no red child
//   RB5  every path from a node to its descendant leaves has the same
//        number of black nodes
//
// RB4 and RB5 together bound the height: the shortest root-to-leaf path
// holds only black nodes, the longest alternates red and black, so no path
// is more than twice as long as another and the height is at most
// 2*log2(n+1).
//
// The diagrams below use the kernel's convention: a lowercase name is a red
// node, an uppercase name a black one, and a name in parentheses may be
// either.  Each case is written for one side; its mirror image is the same
// code with `dir` flipped, where dir says on which side of its parent the
// node of interest hangs (false: left, true: right).
#include "kernel_model/rbtree.h"

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

// ---- colour and link helpers (include/linux/rbtree_augmented.h) ----

constexpr uintptr_t RB_COLOR_MASK = 1;
constexpr uintptr_t RB_LINK_MASK = 3;

uintptr_t rb_color(const rb_node *n) { return n->__rb_parent_color & RB_COLOR_MASK; }

// NULL leaves count as black (RB3), so these accept NULL.
bool rb_is_red(const rb_node *n) { return n && rb_color(n) == RB_RED; }
bool rb_is_black(const rb_node *n) { return !rb_is_red(n); }

void rb_set_parent_color(rb_node *n, rb_node *parent, uintptr_t color)
{
	n->__rb_parent_color = reinterpret_cast<uintptr_t>(parent) | color;
}

void rb_set_parent(rb_node *n, rb_node *parent) { rb_set_parent_color(n, parent, rb_color(n)); }
void rb_set_color(rb_node *n, uintptr_t color) { rb_set_parent_color(n, rb_parent(n), color); }
void rb_set_red(rb_node *n) { rb_set_color(n, RB_RED); }
void rb_set_black(rb_node *n) { rb_set_color(n, RB_BLACK); }

// The child of n on side dir: the left one for false, the right one for true.
rb_node *&rb_child(rb_node *n, bool dir) { return dir ? n->rb_right : n->rb_left; }

// Makes new_child take old_child's place under parent, or at the root when
// parent is NULL.  Linux: include/linux/rbtree_augmented.h:__rb_change_child
void rb_change_child(rb_node *old_child, rb_node *new_child, rb_node *parent, rb_root *root)
{
	if (!parent)
		root->rb_node = new_child;
	else if (parent->rb_left == old_child)
		parent->rb_left = new_child;
	else
		parent->rb_right = new_child;
}

/*
 * Rotates x down towards side dir: its child on the other side, y, takes
 * x's place, and x becomes y's child on side dir.  y's inner subtree B
 * moves across to x.  Colours are left alone; the callers set them.
 *
 * dir == false (a left rotation):
 *
 *        X                 Y
 *       / \               / \
 *      A   Y     -->     X   C
 *         / \           / \
 *        B   C         A   B
 */
void rb_rotate(rb_node *x, bool dir, rb_root *root)
{
	rb_node *y = rb_child(x, !dir);
	rb_node *b = rb_child(y, dir);
	rb_node *parent = rb_parent(x);

	rb_child(x, !dir) = b;
	if (b)
		rb_set_parent(b, x);
	rb_child(y, dir) = x;
	rb_set_parent(y, parent);
	rb_set_parent(x, y);
	rb_change_child(x, y, parent, root);
}

// ---- insertion (Linux: lib/rbtree.c:__rb_insert) ----

/*
 * Insert case 1, returning the node to go on from, or NULL if the case
 * does not apply.  The new node n and its parent p are both red; if the
 * uncle u is red too, recolour: p and u turn black and g turns red.
 * Every path through g keeps its black count, but g may now be a red
 * child of a red node, so the loop carries on from g.
 *
 *          G              g
 *         / \            / \
 *        p   u   -->    P   U
 *       /              /
 *      n              n
 */
rb_node *rb_insert_case1(rb_node *parent, rb_node *gparent, bool dir)
{
	rb_node *uncle = rb_child(gparent, !dir);

	if (!rb_is_red(uncle))
		return nullptr;
	rb_set_black(uncle);
	rb_set_black(parent);
	rb_set_red(gparent);
	return gparent;
}

/*
 * Insert cases 2 and 3: p is red, the uncle U is black, so one or two
 * rotations finish the job.
 *
 * Insert case 2: n is p's inner child (here the right child of a left
 * p).  Rotate p down and away from n so that the old p becomes the outer
 * child, and go on with case 3, where the roles of n and p are swapped.
 *
 *          G              G
 *         / \            / \
 *        p   U   -->    n   U
 *         \            /
 *          n          p
 *
 * Insert case 3: n is p's outer child.  Rotate g down towards the uncle
 * and swap the colours of p and g.  The subtree's top is black again and every path
 * keeps its black count, so the tree is valid and the loop ends.
 *
 *          G              P
 *         / \            / \
 *        p   U   -->    n   g
 *       /                    \
 *      n                      U
 */
void rb_insert_case23(rb_node *node, rb_node *parent, rb_node *gparent, bool dir,
		      rb_root *root)
{
	if (rb_child(parent, !dir) == node) {
		rb_rotate(parent, dir, root);
		parent = node;
	}
	rb_rotate(gparent, !dir, root);
	rb_set_black(parent);
	rb_set_red(gparent);
}

// ---- erase (Linux: lib/rbtree.c:__rb_erase_augmented) ----

/*
 * Erase case 1: unlink a node with at most one child.  RB5 says that a
 * lone child must be red and the node black, so the child takes the
 * node's place and its colour and nothing more needs fixing.  Removing a
 * black node with no children shortens the paths through its parent; the
 * parent is returned so that rb_erase_color can repair that.
 *
 *      (p)            (p)             (p)           (p)
 *       |              |               |             |
 *       N      -->     C              N     -->     NULL  (rebalance from p)
 *      / \                           / \
 *   NULL  c                       NULL NULL
 */
rb_node *rb_erase_simple(rb_node *node, rb_root *root)
{
	rb_node *child = node->rb_left ? node->rb_left : node->rb_right;
	uintptr_t pc = node->__rb_parent_color;
	rb_node *parent = rb_parent(node);

	rb_change_child(node, child, parent, root);
	if (child) {
		child->__rb_parent_color = pc;
		return nullptr;
	}
	return (pc & RB_COLOR_MASK) == RB_BLACK ? parent : nullptr;
}

/*
 * Unlinks a node with two children by putting its in-order successor S in
 * its place, with its colour.  S has no left child; its right child c, if
 * any, is red (RB5) and takes S's old place, turning black.  If S was black
 * and had no child, the paths through S's old parent lost one black node
 * and that parent is returned for rebalancing.
 *
 * S takes N's colour, shown as (n) becoming (s).  c may be NULL.
 *
 * Erase case 2: S is N's right child.
 *
 *        (n)          (s)
 *        / \          / \
 *      (l) (s)  -->  (l) C
 *            \
 *             c
 *
 * Erase case 3: S is the leftmost node of N's right subtree.
 *
 *        (n)          (s)
 *        / \          / \
 *      (l) (r)  -->  (l) (r)
 *          /             /
 *        (p)           (p)
 *        /             /
 *      (s)            C
 *        \
 *         c
 */
rb_node *rb_erase_two_children(rb_node *node, rb_root *root)
{
	rb_node *successor = node->rb_right;
	rb_node *parent = successor;

	while (successor->rb_left) {	// bounded by the tree height
		parent = successor;
		successor = successor->rb_left;
	}
	rb_node *child = successor->rb_right;
	if (successor != node->rb_right) {	// erase case 3
		parent->rb_left = child;
		successor->rb_right = node->rb_right;
		rb_set_parent(node->rb_right, successor);
	}
	successor->rb_left = node->rb_left;
	rb_set_parent(node->rb_left, successor);
	rb_change_child(node, successor, rb_parent(node), root);

	rb_node *rebalance = nullptr;
	if (child)
		rb_set_parent_color(child, parent, RB_BLACK);
	else if (rb_is_black(successor))
		rebalance = parent;
	successor->__rb_parent_color = node->__rb_parent_color;
	return rebalance;
}

// ---- erase rebalancing (Linux: lib/rbtree.c:____rb_erase_color) ----
//
// Loop invariant: every path through n (black, or NULL on the first pass)
// has one black node fewer than the other paths through p, n is not the
// root, and n's sibling s is therefore a real node.

/*
 * Rebalance case 1: the sibling is red, so p and the nephews are black.
 * Rotate p down towards n and swap the colours of p and s.  n now has a
 * black sibling (the old Sl) and the deficit is unchanged; go on with
 * case 2, 3 or 4.
 *
 *          P               S
 *         / \             / \
 *        N   s    -->    p   Sr
 *           / \         / \
 *          Sl  Sr      N   Sl
 */
rb_node *rb_erase_color_case1(rb_node *parent, bool dir, rb_root *root)
{
	rb_node *sibling = rb_child(parent, !dir);

	if (rb_is_red(sibling)) {
		rb_rotate(parent, dir, root);
		rb_set_black(sibling);
		rb_set_red(parent);
		sibling = rb_child(parent, !dir);
	}
	return sibling;
}

/*
 * Rebalance case 2: s and both nephews are black.  Turning s red takes one
 * black node off the paths through s, which evens them up with n's.  If p
 * was red, making it black restores the count for the whole subtree and we
 * are done; otherwise the deficit has moved up to p and the loop continues
 * there.
 *
 *         (p)             (p)
 *         / \             / \
 *        N   S    -->    N   s
 *           / \             / \
 *          Sl  Sr          Sl  Sr
 *
 * Returns true when the caller must go on from p.
 */
bool rb_erase_color_case2(rb_node *parent, rb_node *sibling)
{
	rb_set_red(sibling);
	if (rb_is_red(parent)) {
		rb_set_black(parent);
		return false;
	}
	return true;
}

/*
 * Rebalance case 3: s is black, the far nephew Sr is black and the near
 * nephew sl is red.  Rotate s away from n and swap the colours of s and
 * sl, so that the new sibling has a red far child: that is rebalance
 * case 4.
 *
 *         (p)            (p)
 *         / \            / \
 *        N   S    -->   N   Sl
 *           / \              \
 *          sl  Sr             s
 *                              \
 *                               Sr
 *
 * Rebalance case 4: s is black and the far nephew sr is red.  Rotate p
 * down towards n; s takes p's place and colour, p and sr turn black.
 * Paths through n gain the black p, the others keep their count, so the
 * tree is valid.
 *
 *         (p)             (s)
 *         / \             / \
 *        N   S     -->   P   Sr
 *           / \         / \
 *         (sl) sr      N  (sl)
 */
void rb_erase_color_case34(rb_node *parent, rb_node *sibling, bool dir, rb_root *root)
{
	rb_node *far = rb_child(sibling, !dir);

	if (rb_is_black(far)) {		// case 3
		rb_node *near = rb_child(sibling, dir);

		rb_rotate(sibling, !dir, root);
		rb_set_black(near);
		rb_set_red(sibling);
		far = sibling;
		sibling = near;
	}
	rb_set_color(sibling, rb_color(parent));	// case 4
	rb_set_black(parent);
	rb_set_black(far);
	rb_rotate(parent, dir, root);
}

// Repairs the black-height deficit below parent left by an erase.  Each
// pass either finishes or moves one level up, so the loop runs at most
// height-of-tree times.
void rb_erase_color(rb_node *parent, rb_root *root)
{
	rb_node *node = nullptr;

	for (;;) {
		// On the first pass node is NULL and sits on the side whose
		// child pointer is NULL: the sibling side cannot be empty,
		// because it must hold the black node the other side lost.
		bool dir = parent->rb_right == node;
		rb_node *sibling = rb_erase_color_case1(parent, dir, root);

		if (rb_is_black(sibling->rb_left) && rb_is_black(sibling->rb_right)) {
			if (!rb_erase_color_case2(parent, sibling))
				return;
			node = parent;
			parent = rb_parent(node);
			if (!parent)
				return;	// the deficit reached the root: all paths lost one
			continue;
		}
		rb_erase_color_case34(parent, sibling, dir, root);
		return;
	}
}

} // namespace

// Rebalances after rb_link_node() hung a new red node at a leaf.  The only
// property that can fail is RB4 (a red child of a red parent) or RB2 (a red
// root); each pass fixes it or moves it two levels up, so the loop runs at
// most height/2 times.
// Linux: lib/rbtree.c:rb_insert_color
void rb_insert_color(rb_node *node, rb_root *root)
{
	for (;;) {
		rb_node *parent = rb_parent(node);

		if (!parent) {
			// The root: colouring it black adds one black node to
			// every path, which keeps RB5 and restores RB2.
			rb_set_parent_color(node, nullptr, RB_BLACK);
			return;
		}
		if (rb_is_black(parent))
			return;

		// parent is red, so it is not the root and gparent exists.
		rb_node *gparent = rb_parent(parent);
		bool dir = gparent->rb_right == parent;
		rb_node *next = rb_insert_case1(parent, gparent, dir);

		if (!next) {
			rb_insert_case23(node, parent, gparent, dir, root);
			return;
		}
		node = next;
	}
}

// Unlinks node (erase case 1, or 2 and 3 through the successor), then
// restores RB5 if a black node left some paths.  node's own links are left
// stale; callers that test membership use RB_CLEAR_NODE afterwards.
// Linux: lib/rbtree.c:rb_erase
void rb_erase(rb_node *node, rb_root *root)
{
	rb_node *rebalance;

	if (!node->rb_left || !node->rb_right)
		rebalance = rb_erase_simple(node, root);
	else
		rebalance = rb_erase_two_children(node, root);
	if (rebalance)
		rb_erase_color(rebalance, root);
}

// Linux: lib/rbtree.c:rb_first
rb_node *rb_first(const rb_root *root)
{
	rb_node *n = root->rb_node;

	if (!n)
		return nullptr;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

// Linux: lib/rbtree.c:rb_last
rb_node *rb_last(const rb_root *root)
{
	rb_node *n = root->rb_node;

	if (!n)
		return nullptr;
	while (n->rb_right)
		n = n->rb_right;
	return n;
}

namespace {

// The in-order neighbour of node on side dir (true: next, false: prev).
// If node has a subtree on that side, the neighbour is that subtree's
// extreme node on the other side; otherwise climb until we arrive from
// the opposite side, and that parent is the neighbour.
rb_node *rb_neighbour(const rb_node *node, bool dir)
{
	if (RB_EMPTY_NODE(node))
		return nullptr;

	rb_node *n = const_cast<rb_node *>(node);
	if (rb_child(n, dir)) {
		n = rb_child(n, dir);
		while (rb_child(n, !dir))
			n = rb_child(n, !dir);
		return n;
	}

	rb_node *parent;
	while ((parent = rb_parent(n)) && n == rb_child(parent, dir))
		n = parent;
	return parent;
}

} // namespace

// Linux: lib/rbtree.c:rb_next
rb_node *rb_next(const rb_node *node) { return rb_neighbour(node, true); }

// Linux: lib/rbtree.c:rb_prev
rb_node *rb_prev(const rb_node *node) { return rb_neighbour(node, false); }

// ---- rb_verify ----

namespace {

// A red-black tree of n nodes is at most 2*log2(n+1) high; no address
// space holds 2^64 nodes, so a deeper path proves RB4 or RB5 broken and
// bounds the recursion below.
constexpr unsigned RB_MAX_DEPTH = 128;

std::string ptr_str(const void *p)
{
	char buf[32];

	std::snprintf(buf, sizeof(buf), "%p", p);
	return buf;
}

struct rb_verify_walk {
	const std::function<bool(const rb_node *, const rb_node *)> &less;
	const rb_node *prev = nullptr;	// the previous node in order
	const rb_node *first = nullptr;	// the first node in order
	size_t count = 0;

	// Returns the black height of the subtree at n (NULL leaves count 1).
	unsigned walk(const rb_node *n, const rb_node *parent, unsigned depth);
	void visit(const rb_node *n);
};

// RB1, RB4 and RB6 for one node, checked on the way down so that a red-red
// pair is reported before the black-height mismatch it may also cause.
void rb_check_node(const rb_node *n, const rb_node *parent, unsigned depth)
{
	check(depth <= RB_MAX_DEPTH, "RB5", [&] {
		return "expected a path of at most " + std::to_string(RB_MAX_DEPTH) +
			" nodes, found a longer one";
	});
	check((n->__rb_parent_color & RB_LINK_MASK & ~RB_COLOR_MASK) == 0, "RB1", [&] {
		return "node " + ptr_str(n) + ": expected colour red (0) or black (1), found "
			"parent_color low bits " +
			std::to_string(n->__rb_parent_color & RB_LINK_MASK);
	});
	check(rb_parent(n) == parent, "RB6", [&] {
		return "node " + ptr_str(n) + ": expected parent " + ptr_str(parent) +
			", found " + ptr_str(rb_parent(n));
	});
	check(!(rb_is_red(n) && rb_is_red(parent)), "RB4", [&] {
		return "red node " + ptr_str(n) + " has a red parent " + ptr_str(parent) +
			"; expected a black parent";
	});
	check(!n->rb_left || n->rb_left != n->rb_right, "RB6", [&] {
		return "node " + ptr_str(n) + ": left and right child are the same node";
	});
}

void rb_verify_walk::visit(const rb_node *n)
{
	if (!prev)
		first = n;
	else
		check(less(prev, n), "RB8", [&] {
			return "expected in-order neighbours " + ptr_str(prev) + " < " +
				ptr_str(n) + ", found them out of order";
		});
	prev = n;
	count++;
}

unsigned rb_verify_walk::walk(const rb_node *n, const rb_node *parent, unsigned depth)
{
	if (!n)
		return 1;	// RB3: a NULL leaf is black by construction
	rb_check_node(n, parent, depth);

	unsigned left = walk(n->rb_left, n, depth + 1);
	visit(n);
	unsigned right = walk(n->rb_right, n, depth + 1);

	check(left == right, "RB5", [&] {
		return "node " + ptr_str(n) + ": expected equal black heights below it, found " +
			std::to_string(left) + " on the left and " + std::to_string(right) +
			" on the right";
	});
	return left + (rb_is_black(n) ? 1 : 0);
}

} // namespace

// Walks the whole tree once, depth first, so it costs O(n) time and
// O(height) stack.
size_t rb_verify(const rb_root_cached *root,
		 const std::function<bool(const rb_node *, const rb_node *)> &less)
{
	const rb_node *top = root->rb_root.rb_node;
	rb_verify_walk w{less};

	if (top) {
		check(rb_is_black(top), "RB2", [&] {
			return "root " + ptr_str(top) + ": expected black, found red";
		});
		w.walk(top, nullptr, 1);
	}
	check(root->rb_leftmost == w.first, "RB7", [&] {
		return "expected rb_leftmost == " + ptr_str(w.first) +
			" (the smallest node), found " + ptr_str(root->rb_leftmost);
	});
	return w.count;
}

} // namespace epsim::kern
