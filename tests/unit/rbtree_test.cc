// SPDX-License-Identifier: GPL-2.0-only
//
// Tests for kernel_model/rbtree.h and rbtree.cc: a rapidcheck property that
// runs random inserts and erases against std::set<int> and checks every
// red-black property after every step, deterministic balance tests with
// sorted input, and tests that rb_verify names the property a corrupted
// tree breaks.
#include "kernel_model/invariant.h"
#include "kernel_model/rbtree.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace epsim::kern;

// A keyed node embedding its rb_node hook, as an epitem embeds rbn.
struct knode {
	int key;
	rb_node rb;
};

knode *kn(rb_node *n)
{
	return reinterpret_cast<knode *>(reinterpret_cast<char *>(n) - offsetof(knode, rb));
}

const knode *kn(const rb_node *n) { return kn(const_cast<rb_node *>(n)); }

bool key_less(const rb_node *a, const rb_node *b) { return kn(a)->key < kn(b)->key; }

bool is_red(const rb_node *n) { return (n->__rb_parent_color & 1) == RB_RED; }

void set_color(rb_node *n, uintptr_t color)
{
	n->__rb_parent_color = (n->__rb_parent_color & ~uintptr_t{1}) | color;
}

unsigned height(const rb_node *n)
{
	return n ? 1 + std::max(height(n->rb_left), height(n->rb_right)) : 0;
}

// The tree under test.  The test owns the nodes; the tree only links them.
class Tree {
public:
	rb_root_cached root = RB_ROOT_CACHED_INIT;

	Tree() = default;
	Tree(const Tree &) = delete;
	Tree &operator=(const Tree &) = delete;

	// Walks down to the insertion point as ep_insert does (via
	// ep_rbtree_insert), keeping track of whether the new node is the
	// leftmost.  Returns false if the key is already there.
	bool insert(int key)
	{
		rb_node **link = &root.rb_root.rb_node;
		rb_node *parent = nullptr;
		bool leftmost = true;

		while (*link) {
			parent = *link;
			if (key < kn(parent)->key) {
				link = &parent->rb_left;
			} else if (key > kn(parent)->key) {
				link = &parent->rb_right;
				leftmost = false;
			} else {
				return false;
			}
		}
		auto n = std::make_unique<knode>();
		n->key = key;
		rb_link_node(&n->rb, parent, link);
		rb_insert_color_cached(&n->rb, &root, leftmost);
		nodes_[key] = std::move(n);
		return true;
	}

	// Erases n and clears its hook.  Returns whether the cleared node
	// reads as unlinked and has no in-order neighbours, as it must.
	[[nodiscard]] bool erase(rb_node *n)
	{
		int key = kn(n)->key;

		rb_erase_cached(n, &root);
		RB_CLEAR_NODE(n);
		bool ok = RB_EMPTY_NODE(n) && !rb_next(n) && !rb_prev(n);
		nodes_.erase(key);
		return ok;
	}

	rb_node *find(int key)
	{
		auto it = nodes_.find(key);
		return it == nodes_.end() ? nullptr : &it->second->rb;
	}

	rb_node *top() const { return root.rb_root.rb_node; }
	size_t verify() const { return rb_verify(&root, key_less); }
	unsigned height() const { return ::height(top()); }

	std::vector<int> forward() const
	{
		std::vector<int> out;

		for (const rb_node *n = rb_first(&root.rb_root); n; n = rb_next(n))
			out.push_back(kn(n)->key);
		return out;
	}

	std::vector<int> backward() const
	{
		std::vector<int> out;

		for (const rb_node *n = rb_last(&root.rb_root); n; n = rb_prev(n))
			out.push_back(kn(n)->key);
		return out;
	}

	// The first node in pre-order for which pred holds, or NULL.
	rb_node *find_if(const std::function<bool(const rb_node *)> &pred) const
	{
		return find_if(top(), pred);
	}

private:
	std::map<int, std::unique_ptr<knode>> nodes_;

	static rb_node *find_if(rb_node *n, const std::function<bool(const rb_node *)> &pred)
	{
		if (!n || pred(n))
			return n;
		rb_node *l = find_if(n->rb_left, pred);
		return l ? l : find_if(n->rb_right, pred);
	}
};

// The height bound RB4 and RB5 guarantee: 2 * log2(n + 1).
double height_bound(size_t n) { return 2.0 * std::log2(double(n) + 1.0); }

template <class Fn> std::string violated(Fn fn)
{
	try {
		fn();
	} catch (const invariant_violation &e) {
		return e.id();
	}
	return "";
}

// ---- basics ----

TEST(Rbtree, EmptyTreeHasNoFirstOrLastAndVerifies)
{
	Tree t;

	EXPECT_TRUE(RB_EMPTY_ROOT(&t.root.rb_root));
	EXPECT_EQ(rb_first(&t.root.rb_root), nullptr);
	EXPECT_EQ(rb_last(&t.root.rb_root), nullptr);
	EXPECT_EQ(rb_first_cached(&t.root), nullptr);
	EXPECT_EQ(t.verify(), 0u);
}

TEST(Rbtree, SingleNodeIsABlackRootAndItsOwnFirstAndLast)
{
	Tree t;

	ASSERT_TRUE(t.insert(7));
	rb_node *n = t.find(7);
	EXPECT_EQ(t.top(), n);
	EXPECT_FALSE(is_red(n));
	EXPECT_EQ(rb_parent(n), nullptr);
	EXPECT_EQ(rb_first(&t.root.rb_root), n);
	EXPECT_EQ(rb_last(&t.root.rb_root), n);
	EXPECT_EQ(rb_next(n), nullptr);
	EXPECT_EQ(rb_prev(n), nullptr);
	EXPECT_EQ(t.verify(), 1u);
	EXPECT_TRUE(t.erase(n));
	EXPECT_TRUE(RB_EMPTY_ROOT(&t.root.rb_root));
	EXPECT_EQ(rb_first_cached(&t.root), nullptr);
}

TEST(Rbtree, ThreeAscendingKeysRotateIntoABalancedTree)
{
	Tree t;

	for (int k : {1, 2, 3})
		t.insert(k);
	// Insert case 3 (outer child, black uncle) after the second insert.
	EXPECT_EQ(kn(t.top())->key, 2);
	EXPECT_FALSE(is_red(t.top()));
	EXPECT_TRUE(is_red(t.find(1)));
	EXPECT_TRUE(is_red(t.find(3)));
	EXPECT_EQ(t.verify(), 3u);
}

TEST(Rbtree, InnerChildInsertRotatesTwice)
{
	Tree t;

	for (int k : {3, 1, 2})	// 2 is the inner child: insert case 2 then 3
		t.insert(k);
	EXPECT_EQ(kn(t.top())->key, 2);
	EXPECT_EQ(t.forward(), (std::vector<int>{1, 2, 3}));
	EXPECT_EQ(t.verify(), 3u);
}

TEST(Rbtree, DuplicateKeyIsNotInserted)
{
	Tree t;

	EXPECT_TRUE(t.insert(5));
	EXPECT_FALSE(t.insert(5));
	EXPECT_EQ(t.verify(), 1u);
}

// ---- balance with sorted input ----

void insert_sorted_and_check(bool ascending)
{
	constexpr int N = 10000;
	Tree t;
	std::vector<int> want;

	for (int i = 0; i < N; i++) {
		int key = ascending ? i : N - 1 - i;
		ASSERT_TRUE(t.insert(key));
		ASSERT_EQ(t.verify(), size_t(i) + 1);
		ASSERT_LE(t.height(), height_bound(size_t(i) + 1)) << "after " << i + 1;
	}
	for (int i = 0; i < N; i++)
		want.push_back(i);
	EXPECT_EQ(t.forward(), want);
	EXPECT_EQ(kn(rb_first_cached(&t.root))->key, 0);

	// Take them out again, smallest first: every erase is of the leftmost.
	for (int i = 0; i < N; i++) {
		ASSERT_TRUE(t.erase(rb_first_cached(&t.root)));
		size_t left = size_t(N - 1 - i);
		ASSERT_EQ(t.verify(), left);
		ASSERT_LE(t.height(), height_bound(left)) << "with " << left << " left";
	}
	EXPECT_TRUE(RB_EMPTY_ROOT(&t.root.rb_root));
}

TEST(RbtreeBalance, AscendingInsertOfTenThousandKeysStaysBalanced)
{
	insert_sorted_and_check(true);
}

TEST(RbtreeBalance, DescendingInsertOfTenThousandKeysStaysBalanced)
{
	insert_sorted_and_check(false);
}

TEST(RbtreeBalance, ErasingTheRootRepeatedlyStaysBalanced)
{
	constexpr int N = 2000;
	Tree t;

	for (int i = 0; i < N; i++)
		t.insert(i);
	for (int left = N - 1; left >= 0; left--) {
		ASSERT_TRUE(t.erase(t.top()));
		ASSERT_EQ(t.verify(), size_t(left));
		ASSERT_LE(t.height(), height_bound(size_t(left)));
	}
}

// ---- rb_verify catches corruption ----

// A tree of keys 0..19 inserted ascending: it has red and black nodes at
// several depths.
void build(Tree &t)
{
	for (int i = 0; i < 20; i++)
		t.insert(i);
	ASSERT_EQ(t.verify(), 20u);
}

TEST(RbVerify, DetectsARedRoot)
{
	Tree t;

	build(t);
	set_color(t.top(), RB_RED);
	EXPECT_EQ(violated([&] { t.verify(); }), "RB2");
}

TEST(RbVerify, DetectsARedNodeWithARedChild)
{
	Tree t;

	build(t);
	// A black non-root node with a red child, turned red.
	rb_node *n = t.find_if([&](const rb_node *x) {
		return x != t.top() && !is_red(x) &&
		       ((x->rb_left && is_red(x->rb_left)) || (x->rb_right && is_red(x->rb_right)));
	});
	ASSERT_NE(n, nullptr);
	set_color(n, RB_RED);
	EXPECT_EQ(violated([&] { t.verify(); }), "RB4");
}

TEST(RbVerify, DetectsUnequalBlackHeights)
{
	Tree t;

	build(t);
	// A red node turned black: no red-red pair, one path one black longer.
	rb_node *n = t.find_if([](const rb_node *x) { return is_red(x); });
	ASSERT_NE(n, nullptr);
	set_color(n, RB_BLACK);
	EXPECT_EQ(violated([&] { t.verify(); }), "RB5");
}

TEST(RbVerify, DetectsAStaleLeftmostCache)
{
	Tree t;

	build(t);
	t.root.rb_leftmost = t.find(1);
	EXPECT_EQ(violated([&] { t.verify(); }), "RB7");
	t.root.rb_leftmost = nullptr;
	EXPECT_EQ(violated([&] { t.verify(); }), "RB7");
}

TEST(RbVerify, DetectsAWrongParentLink)
{
	Tree t;

	build(t);
	rb_node *n = t.find_if([&](const rb_node *x) { return rb_parent(x) && rb_parent(rb_parent(x)); });
	ASSERT_NE(n, nullptr);
	n->__rb_parent_color = reinterpret_cast<uintptr_t>(rb_parent(rb_parent(n))) |
			       (n->__rb_parent_color & 1);
	EXPECT_EQ(violated([&] { t.verify(); }), "RB6");
}

TEST(RbVerify, DetectsOutOfOrderKeys)
{
	Tree t;

	build(t);
	std::swap(kn(t.find(4))->key, kn(t.find(9))->key);
	EXPECT_EQ(violated([&] { t.verify(); }), "RB8");
}

TEST(RbVerify, DetectsAColourThatIsNeitherRedNorBlack)
{
	Tree t;

	build(t);
	t.find(5)->__rb_parent_color |= 2;
	EXPECT_EQ(violated([&] { t.verify(); }), "RB1");
}

TEST(RbVerify, MessageNamesThePropertyAndExpectedVersusFound)
{
	Tree t;

	build(t);
	set_color(t.top(), RB_RED);
	try {
		t.verify();
		FAIL() << "rb_verify accepted a red root";
	} catch (const invariant_violation &e) {
		std::string what = e.what();
		EXPECT_NE(what.find("RB2 violated"), std::string::npos) << what;
		EXPECT_NE(what.find("expected black, found red"), std::string::npos) << what;
	}
}

// ---- property: random inserts and erases against std::set<int> ----

enum class OpKind { Insert, EraseNth, EraseLeftmost, EraseRoot, EraseInterior };

// One step.  arg is the key for Insert and an index for EraseNth and
// EraseInterior.
struct Op {
	OpKind kind;
	int arg;
};

std::ostream &operator<<(std::ostream &os, const Op &op)
{
	switch (op.kind) {
	case OpKind::Insert:
		return os << "insert(" << op.arg << ")";
	case OpKind::EraseNth:
		return os << "erase_nth(" << op.arg << ")";
	case OpKind::EraseLeftmost:
		return os << "erase_leftmost()";
	case OpKind::EraseRoot:
		return os << "erase_root()";
	case OpKind::EraseInterior:
		return os << "erase_interior(" << op.arg << ")";
	}
	return os;
}

rc::Gen<Op> op_with_arg(OpKind kind, int max)
{
	return rc::gen::map(rc::gen::inRange(0, max), [kind](int arg) { return Op{kind, arg}; });
}

rc::Gen<Op> gen_op()
{
	return rc::gen::weightedOneOf<Op>({
		{12, op_with_arg(OpKind::Insert, 500)},
		{2, op_with_arg(OpKind::EraseNth, 1000)},
		{1, rc::gen::just(Op{OpKind::EraseLeftmost, 0})},
		{1, rc::gen::just(Op{OpKind::EraseRoot, 0})},
		{2, op_with_arg(OpKind::EraseInterior, 1000)},
	});
}

// The node to erase for op, or NULL when there is none (an empty tree, or
// no node with two children).
rb_node *erase_target(const Tree &t, const std::set<int> &model, const Op &op)
{
	if (model.empty())
		return nullptr;
	switch (op.kind) {
	case OpKind::EraseNth:
		return const_cast<Tree &>(t).find(
			*std::next(model.begin(), long(size_t(op.arg) % model.size())));
	case OpKind::EraseLeftmost:
		return rb_first_cached(&t.root);
	case OpKind::EraseRoot:
		return t.top();
	case OpKind::EraseInterior: {
		// The (arg mod count)-th node, in order, that has two children.
		std::vector<rb_node *> interior;
		for (rb_node *n = rb_first(&t.root.rb_root); n; n = rb_next(n))
			if (n->rb_left && n->rb_right)
				interior.push_back(n);
		return interior.empty() ? nullptr : interior[size_t(op.arg) % interior.size()];
	}
	case OpKind::Insert:
		break;
	}
	return nullptr;
}

// Every step: rb_verify passes and counts the model's size; rb_next from
// rb_first visits exactly the model's keys in order; rb_prev from rb_last
// visits them in reverse; the leftmost cache and rb_first are the smallest.
void check_against(const Tree &t, const std::set<int> &model)
{
	std::vector<int> want(model.begin(), model.end());

	RC_ASSERT(t.verify() == model.size());
	RC_ASSERT(t.forward() == want);
	std::reverse(want.begin(), want.end());
	RC_ASSERT(t.backward() == want);
	RC_ASSERT(rb_first_cached(&t.root) == rb_first(&t.root.rb_root));
	if (model.empty())
		RC_ASSERT(rb_first_cached(&t.root) == nullptr);
	else
		RC_ASSERT(kn(rb_first_cached(&t.root))->key == *model.begin());
	RC_ASSERT(t.height() <= height_bound(model.size()));
}

RC_GTEST_PROP(RbtreeProperty, RandomInsertEraseMatchesStdSetAndKeepsEveryProperty, ())
{
	const auto ops = *rc::gen::scale(5.0, rc::gen::container<std::vector<Op>>(gen_op()));
	Tree t;
	std::set<int> model;

	for (const Op &op : ops) {
		if (op.kind == OpKind::Insert) {
			bool fresh = model.insert(op.arg).second;
			RC_ASSERT(t.insert(op.arg) == fresh);
		} else if (rb_node *n = erase_target(t, model, op)) {
			model.erase(kn(n)->key);
			RC_ASSERT(t.erase(n));
		}
		check_against(t, model);
	}
	RC_TAG(model.size() > 50 ? "ended with more than 50 nodes" : "ended with 50 or fewer");
}

} // namespace
