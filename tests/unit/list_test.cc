// SPDX-License-Identifier: GPL-2.0-only
//
// Tests for kernel_model/list.h and list.cc: each list verb on its own,
// a rapidcheck state-machine test that drives several lists against a
// std::deque model and runs list_verify after every step, and tests that
// list_verify and hlist_verify catch corruption (L1-L4).
#include "kernel_model/invariant.h"
#include "kernel_model/list.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <array>
#include <deque>
#include <ostream>
#include <string>
#include <vector>

namespace {

using namespace epsim::kern;

struct item {
	int id;
	list_head link;
};

struct hitem {
	int id;
	hlist_node node;
};

std::vector<int> ids(const list_head *head)
{
	std::vector<int> out;

	for (list_head *p = head->next; p != head; p = p->next)
		out.push_back(list_entry(p, item, link)->id);
	return out;
}

std::vector<int> ids_backwards(const list_head *head)
{
	std::vector<int> out;

	for (list_head *p = head->prev; p != head; p = p->prev)
		out.push_back(list_entry(p, item, link)->id);
	return out;
}

std::vector<int> hids(const hlist_head *head)
{
	std::vector<int> out;

	for (hlist_node *p = head->first; p; p = p->next)
		out.push_back(hlist_entry(p, hitem, node)->id);
	return out;
}

// Runs fn and returns the id of the invariant_violation it throws, or ""
// if it throws nothing.
template <class Fn> std::string violated(Fn fn)
{
	try {
		fn();
	} catch (const invariant_violation &e) {
		return e.id();
	}
	return "";
}

// A list head plus n items, linked in order 0..n-1 with list_add_tail.
struct Fixture {
	list_head head;
	std::vector<item> items;

	explicit Fixture(int n) : items(n)
	{
		INIT_LIST_HEAD(&head);
		for (int i = 0; i < n; i++) {
			items[i].id = i;
			list_add_tail(&items[i].link, &head);
		}
	}
	Fixture(const Fixture &) = delete;
	Fixture &operator=(const Fixture &) = delete;
};

// ---- the verbs ----

TEST(List, InitListHeadMakesAnEmptySelfLinkedList)
{
	list_head head;

	INIT_LIST_HEAD(&head);
	EXPECT_TRUE(list_empty(&head));
	EXPECT_FALSE(list_is_singular(&head));
	EXPECT_EQ(head.next, &head);
	EXPECT_EQ(head.prev, &head);
	EXPECT_EQ(list_verify(&head), 0u);
}

TEST(List, ListAddInsertsAtTheFrontInStackOrder)
{
	list_head head;
	item a{1, {}}, b{2, {}}, c{3, {}};

	INIT_LIST_HEAD(&head);
	list_add(&a.link, &head);
	list_add(&b.link, &head);
	list_add(&c.link, &head);
	EXPECT_EQ(ids(&head), (std::vector<int>{3, 2, 1}));
	EXPECT_EQ(ids_backwards(&head), (std::vector<int>{1, 2, 3}));
	EXPECT_EQ(list_verify(&head), 3u);
}

TEST(List, ListAddTailInsertsAtTheBackInQueueOrder)
{
	Fixture f(3);

	EXPECT_EQ(ids(&f.head), (std::vector<int>{0, 1, 2}));
	EXPECT_EQ(ids_backwards(&f.head), (std::vector<int>{2, 1, 0}));
	EXPECT_EQ(list_verify(&f.head), 3u);
}

TEST(List, ListEntryAndListFirstEntryRecoverTheContainer)
{
	Fixture f(2);

	EXPECT_EQ(list_entry(&f.items[1].link, item, link), &f.items[1]);
	EXPECT_EQ(list_first_entry(&f.head, item, link), &f.items[0]);
}

TEST(List, ListIsSingularOnlyForExactlyOneEntry)
{
	Fixture one(1), two(2);

	EXPECT_TRUE(list_is_singular(&one.head));
	EXPECT_FALSE(list_is_singular(&two.head));
}

TEST(List, ListDelUnlinksAndPoisonsTheEntry)
{
	Fixture f(3);

	list_del(&f.items[1].link);
	EXPECT_EQ(ids(&f.head), (std::vector<int>{0, 2}));
	EXPECT_EQ(f.items[1].link.next, LIST_POISON1);
	EXPECT_EQ(f.items[1].link.prev, LIST_POISON2);
	EXPECT_EQ(list_verify(&f.head), 2u);
}

TEST(List, ListDelInitLeavesTheEntrySelfLinked)
{
	Fixture f(3);

	list_del_init(&f.items[0].link);
	EXPECT_EQ(ids(&f.head), (std::vector<int>{1, 2}));
	EXPECT_TRUE(list_empty(&f.items[0].link));
	EXPECT_EQ(list_verify(&f.items[0].link), 0u);
	// Deleting an unlinked (self-linked) entry again is harmless.
	list_del_init(&f.items[0].link);
	EXPECT_TRUE(list_empty(&f.items[0].link));
	EXPECT_EQ(list_verify(&f.head), 2u);
}

TEST(List, ListMoveTailMovesWithinAndAcrossLists)
{
	Fixture f(3);
	list_head other;

	INIT_LIST_HEAD(&other);
	list_move_tail(&f.items[0].link, &f.head);
	EXPECT_EQ(ids(&f.head), (std::vector<int>{1, 2, 0}));
	list_move_tail(&f.items[2].link, &other);
	EXPECT_EQ(ids(&f.head), (std::vector<int>{1, 0}));
	EXPECT_EQ(ids(&other), (std::vector<int>{2}));
	EXPECT_EQ(list_verify(&f.head), 2u);
	EXPECT_EQ(list_verify(&other), 1u);
}

TEST(List, ListSpliceJoinsAtTheFrontAndLeavesTheSourceStale)
{
	Fixture a(2), b(2);

	b.items[0].id = 10;
	b.items[1].id = 11;
	list_splice(&b.head, &a.head);
	EXPECT_EQ(ids(&a.head), (std::vector<int>{10, 11, 0, 1}));
	EXPECT_EQ(list_verify(&a.head), 4u);
	// b.head still points into a's list: it must be reinitialised before use.
	EXPECT_EQ(b.head.next, &b.items[0].link);
	INIT_LIST_HEAD(&b.head);
}

TEST(List, ListSpliceOfAnEmptyListChangesNothing)
{
	Fixture a(2);
	list_head empty;

	INIT_LIST_HEAD(&empty);
	list_splice(&empty, &a.head);
	list_splice_init(&empty, &a.head);
	list_splice_tail_init(&empty, &a.head);
	EXPECT_EQ(ids(&a.head), (std::vector<int>{0, 1}));
	EXPECT_TRUE(list_empty(&empty));
}

TEST(List, ListSpliceInitJoinsAtTheFrontAndEmptiesTheSource)
{
	Fixture a(2), b(2);

	b.items[0].id = 10;
	b.items[1].id = 11;
	list_splice_init(&b.head, &a.head);
	EXPECT_EQ(ids(&a.head), (std::vector<int>{10, 11, 0, 1}));
	EXPECT_TRUE(list_empty(&b.head));
	EXPECT_EQ(list_verify(&a.head), 4u);
	EXPECT_EQ(list_verify(&b.head), 0u);
}

TEST(List, ListSpliceTailInitJoinsAtTheBackAndEmptiesTheSource)
{
	Fixture a(2), b(2);

	b.items[0].id = 10;
	b.items[1].id = 11;
	list_splice_tail_init(&b.head, &a.head);
	EXPECT_EQ(ids(&a.head), (std::vector<int>{0, 1, 10, 11}));
	EXPECT_EQ(ids_backwards(&a.head), (std::vector<int>{11, 10, 1, 0}));
	EXPECT_TRUE(list_empty(&b.head));
	EXPECT_EQ(list_verify(&a.head), 4u);
}

// ---- list_verify catches corruption ----

TEST(ListVerify, DetectsANextLinkWhosePrevDoesNotPointBack)
{
	Fixture f(3);

	f.items[2].link.prev = &f.items[0].link;	// 1->next->prev != 1
	EXPECT_EQ(violated([&] { list_verify(&f.head); }), "L1");
}

TEST(ListVerify, DetectsAPrevLinkWhoseNextDoesNotPointBack)
{
	Fixture f(3);

	// Every next link is consistent; only the head's prev is wrong.
	f.head.prev = &f.items[1].link;
	EXPECT_EQ(violated([&] { list_verify(&f.head); }), "L2");
}

TEST(ListVerify, DetectsACycleThatSkipsTheHead)
{
	Fixture f(3);

	f.items[2].link.next = &f.items[1].link;
	EXPECT_NE(violated([&] { list_verify(&f.head); }), "");
}

TEST(ListVerify, DetectsAListLongerThanTheBound)
{
	Fixture f(5);

	EXPECT_EQ(list_verify(&f.head, 5), 5u);
	EXPECT_EQ(violated([&] { list_verify(&f.head, 4); }), "L3");
	EXPECT_EQ(violated([&] { list_verify(&f.head, 0); }), "L3");
}

TEST(ListVerify, DetectsAPoisonedEntryStillOnTheList)
{
	Fixture f(3);

	f.items[1].link.next = LIST_POISON1;
	EXPECT_EQ(violated([&] { list_verify(&f.head); }), "L4");
}

TEST(ListVerify, MessageNamesTheInvariantAndExpectedVersusFound)
{
	Fixture f(3);

	f.items[2].link.prev = &f.items[0].link;
	try {
		list_verify(&f.head);
		FAIL() << "list_verify accepted a corrupted list";
	} catch (const invariant_violation &e) {
		std::string what = e.what();
		EXPECT_NE(what.find("L1 violated"), std::string::npos) << what;
		EXPECT_NE(what.find("expected"), std::string::npos) << what;
		EXPECT_NE(what.find("found"), std::string::npos) << what;
	}
}

// ---- property: random verbs against a std::deque model ----

constexpr int NR_LISTS = 3;
constexpr int NR_NODES = 8;

// Model: the contents of each list, and which list each node is on (-1:
// unlinked).
struct ListModel {
	std::array<std::deque<int>, NR_LISTS> lists;
	std::array<int, NR_NODES> where;

	ListModel() { where.fill(-1); }

	void remove(int node)
	{
		auto &l = lists[where[node]];
		l.erase(std::find(l.begin(), l.end(), node));
		where[node] = -1;
	}
	std::vector<int> unlinked() const
	{
		std::vector<int> out;

		for (int n = 0; n < NR_NODES; n++)
			if (where[n] < 0)
				out.push_back(n);
		return out;
	}
	std::vector<int> linked() const
	{
		std::vector<int> out;

		for (int n = 0; n < NR_NODES; n++)
			if (where[n] >= 0)
				out.push_back(n);
		return out;
	}
};

// System under test: real heads and nodes.  Never copied: the nodes point
// at each other.
struct ListSut {
	std::array<list_head, NR_LISTS> heads;
	std::array<item, NR_NODES> items;

	ListSut()
	{
		for (auto &h : heads)
			INIT_LIST_HEAD(&h);
		for (int i = 0; i < NR_NODES; i++) {
			items[i].id = i;
			INIT_LIST_HEAD(&items[i].link);
		}
	}
	ListSut(const ListSut &) = delete;
	ListSut &operator=(const ListSut &) = delete;
};

// After every command: every list passes list_verify, holds exactly the
// model's contents in both directions, and every unlinked node is
// self-linked.
void check_against(const ListModel &m, ListSut &s)
{
	for (int l = 0; l < NR_LISTS; l++) {
		std::vector<int> want(m.lists[l].begin(), m.lists[l].end());

		RC_ASSERT(list_verify(&s.heads[l], NR_NODES) == want.size());
		RC_ASSERT(ids(&s.heads[l]) == want);
		std::reverse(want.begin(), want.end());
		RC_ASSERT(ids_backwards(&s.heads[l]) == want);
	}
	for (int n = 0; n < NR_NODES; n++)
		if (m.where[n] < 0)
			RC_ASSERT(list_empty(&s.items[n].link));
}

using ListCommand = rc::state::Command<ListModel, ListSut>;

// Picks one of nodes, or discards the command being generated if there is
// none (rapidcheck then tries another command).
int pick(const std::vector<int> &nodes)
{
	RC_PRE(!nodes.empty());
	return *rc::gen::elementOf(nodes);
}

// A command that changes the model in apply() and the lists in act();
// run() does both and compares.
struct ListStep : ListCommand {
	virtual void act(ListSut &s) const = 0;

	void run(const ListModel &m, ListSut &s) const override
	{
		act(s);
		check_against(nextState(m), s);
	}
};

struct ListAdd : ListStep {
	int node, list;
	explicit ListAdd(const ListModel &m)
		: node(pick(m.unlinked())),
		  list(*rc::gen::inRange(0, NR_LISTS)) {}
	void checkPreconditions(const ListModel &m) const override { RC_PRE(m.where[node] < 0); }
	void apply(ListModel &m) const override
	{
		m.lists[list].push_front(node);
		m.where[node] = list;
	}
	void act(ListSut &s) const override { list_add(&s.items[node].link, &s.heads[list]); }
	void show(std::ostream &os) const override
	{
		os << "list_add(node" << node << ", list" << list << ")";
	}
};

struct ListAddTail : ListStep {
	int node, list;
	explicit ListAddTail(const ListModel &m)
		: node(pick(m.unlinked())),
		  list(*rc::gen::inRange(0, NR_LISTS)) {}
	void checkPreconditions(const ListModel &m) const override { RC_PRE(m.where[node] < 0); }
	void apply(ListModel &m) const override
	{
		m.lists[list].push_back(node);
		m.where[node] = list;
	}
	void act(ListSut &s) const override { list_add_tail(&s.items[node].link, &s.heads[list]); }
	void show(std::ostream &os) const override
	{
		os << "list_add_tail(node" << node << ", list" << list << ")";
	}
};

struct ListDelInit : ListStep {
	int node;
	explicit ListDelInit(const ListModel &m) : node(pick(m.linked())) {}
	void checkPreconditions(const ListModel &m) const override { RC_PRE(m.where[node] >= 0); }
	void apply(ListModel &m) const override { m.remove(node); }
	void act(ListSut &s) const override { list_del_init(&s.items[node].link); }
	void show(std::ostream &os) const override { os << "list_del_init(node" << node << ")"; }
};

struct ListMoveTail : ListStep {
	int node, list;
	explicit ListMoveTail(const ListModel &m)
		: node(pick(m.linked())),
		  list(*rc::gen::inRange(0, NR_LISTS)) {}
	void checkPreconditions(const ListModel &m) const override { RC_PRE(m.where[node] >= 0); }
	void apply(ListModel &m) const override
	{
		m.remove(node);
		m.lists[list].push_back(node);
		m.where[node] = list;
	}
	void act(ListSut &s) const override { list_move_tail(&s.items[node].link, &s.heads[list]); }
	void show(std::ostream &os) const override
	{
		os << "list_move_tail(node" << node << ", list" << list << ")";
	}
};

// Splicing a list into itself is meaningless, so src != dst.
struct ListSpliceBase : ListStep {
	int src, dst;
	ListSpliceBase()
		: src(*rc::gen::inRange(0, NR_LISTS)),
		  dst(*rc::gen::distinctFrom(rc::gen::inRange(0, NR_LISTS), src)) {}
	void checkPreconditions(const ListModel &) const override { RC_PRE(src != dst); }
	void move_all(ListModel &m, bool at_tail) const
	{
		auto &from = m.lists[src];
		auto &to = m.lists[dst];

		for (int n : from)
			m.where[n] = dst;
		if (at_tail)
			to.insert(to.end(), from.begin(), from.end());
		else
			to.insert(to.begin(), from.begin(), from.end());
		from.clear();
	}
};

struct ListSpliceInit : ListSpliceBase {
	void apply(ListModel &m) const override { move_all(m, false); }
	void act(ListSut &s) const override { list_splice_init(&s.heads[src], &s.heads[dst]); }
	void show(std::ostream &os) const override
	{
		os << "list_splice_init(list" << src << ", list" << dst << ")";
	}
};

struct ListSpliceTailInit : ListSpliceBase {
	void apply(ListModel &m) const override { move_all(m, true); }
	void act(ListSut &s) const override
	{
		list_splice_tail_init(&s.heads[src], &s.heads[dst]);
	}
	void show(std::ostream &os) const override
	{
		os << "list_splice_tail_init(list" << src << ", list" << dst << ")";
	}
};

RC_GTEST_PROP(ListProperty, RandomVerbsMatchADequeModelAndVerifyAfterEveryStep, ())
{
	ListModel model;
	ListSut sut;

	rc::state::check(model, sut,
			 rc::state::gen::execOneOfWithArgs<ListAdd, ListAddTail, ListDelInit,
							   ListMoveTail, ListSpliceInit,
							   ListSpliceTailInit>());
}

// ---- hlist ----

TEST(Hlist, AddHeadInsertsAtTheFrontAndSetsPprev)
{
	hlist_head head{nullptr};
	hitem a{1, {}}, b{2, {}};

	INIT_HLIST_NODE(&a.node);
	INIT_HLIST_NODE(&b.node);
	EXPECT_TRUE(hlist_empty(&head));
	EXPECT_TRUE(hlist_unhashed(&a.node));
	hlist_add_head(&a.node, &head);
	hlist_add_head(&b.node, &head);
	EXPECT_EQ(hids(&head), (std::vector<int>{2, 1}));
	EXPECT_EQ(b.node.pprev, &head.first);
	EXPECT_EQ(a.node.pprev, &b.node.next);
	EXPECT_FALSE(hlist_unhashed(&a.node));
	EXPECT_EQ(hlist_verify(&head), 2u);
}

TEST(Hlist, DelInitUnhashesAndRelinksTheNeighbours)
{
	hlist_head head{nullptr};
	std::array<hitem, 3> it{};

	for (int i = 0; i < 3; i++) {
		it[i].id = i;
		INIT_HLIST_NODE(&it[i].node);
		hlist_add_head(&it[i].node, &head);
	}
	EXPECT_EQ(hids(&head), (std::vector<int>{2, 1, 0}));
	hlist_del_init(&it[1].node);	// middle
	EXPECT_TRUE(hlist_unhashed(&it[1].node));
	EXPECT_EQ(hids(&head), (std::vector<int>{2, 0}));
	EXPECT_EQ(hlist_verify(&head), 2u);
	hlist_del_init(&it[2].node);	// first
	EXPECT_EQ(hids(&head), (std::vector<int>{0}));
	EXPECT_EQ(it[0].node.pprev, &head.first);
	hlist_del_init(&it[1].node);	// already unhashed: no effect
	hlist_del_init(&it[0].node);	// last
	EXPECT_TRUE(hlist_empty(&head));
	EXPECT_EQ(hlist_verify(&head), 0u);
}

TEST(HlistVerify, DetectsAWrongPprev)
{
	hlist_head head{nullptr};
	hitem a{1, {}}, b{2, {}};

	hlist_add_head(&a.node, &head);
	hlist_add_head(&b.node, &head);
	a.node.pprev = &head.first;
	EXPECT_EQ(violated([&] { hlist_verify(&head); }), "L2");
}

TEST(HlistVerify, DetectsACycle)
{
	hlist_head head{nullptr};
	hitem a{1, {}}, b{2, {}};

	hlist_add_head(&a.node, &head);
	hlist_add_head(&b.node, &head);
	a.node.next = &b.node;
	EXPECT_EQ(violated([&] { hlist_verify(&head); }), "L2");
}

TEST(HlistVerify, DetectsAListLongerThanTheBound)
{
	hlist_head head{nullptr};
	std::array<hitem, 4> it{};

	for (auto &h : it)
		hlist_add_head(&h.node, &head);
	EXPECT_EQ(hlist_verify(&head, 4), 4u);
	EXPECT_EQ(violated([&] { hlist_verify(&head, 3); }), "L3");
}

TEST(HlistVerify, DetectsPoison)
{
	hlist_head head{nullptr};
	hitem a{1, {}};

	hlist_add_head(&a.node, &head);
	a.node.next = reinterpret_cast<hlist_node *>(LIST_POISON1);
	EXPECT_EQ(violated([&] { hlist_verify(&head); }), "L4");
}

// Random hlist_add_head / hlist_del_init on two heads against deques,
// with hlist_verify after every step.  Each step is (node, head): an
// unhashed node is added to that head, a hashed one is deleted.
RC_GTEST_PROP(HlistProperty, RandomAddAndDelMatchADequeModel,
	      (const std::vector<std::pair<unsigned, bool>> &steps))
{
	constexpr unsigned N = 6;
	std::array<hlist_head, 2> heads{};
	std::array<hitem, N> it{};
	std::array<std::deque<int>, 2> model;
	std::array<int, N> where;

	where.fill(-1);
	for (unsigned i = 0; i < N; i++) {
		it[i].id = int(i);
		INIT_HLIST_NODE(&it[i].node);
	}
	for (auto [raw, which] : steps) {
		unsigned n = raw % N;
		int h = which ? 1 : 0;

		if (where[n] < 0) {
			RC_LOG() << "hlist_add_head(node" << n << ", head" << h << ")\n";
			hlist_add_head(&it[n].node, &heads[h]);
			model[h].push_front(int(n));
			where[n] = h;
		} else {
			RC_LOG() << "hlist_del_init(node" << n << ")\n";
			hlist_del_init(&it[n].node);
			auto &l = model[where[n]];
			l.erase(std::find(l.begin(), l.end(), int(n)));
			where[n] = -1;
			RC_ASSERT(hlist_unhashed(&it[n].node));
		}
		for (int k = 0; k < 2; k++) {
			RC_ASSERT(hlist_verify(&heads[k], N) == model[k].size());
			RC_ASSERT(hids(&heads[k]) ==
				  std::vector<int>(model[k].begin(), model[k].end()));
		}
	}
}

} // namespace
