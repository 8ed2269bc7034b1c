// SPDX-License-Identifier: GPL-2.0-only
//
// Facade tests: the order in which epoll_wait returns items (the ready-list
// model of kernel-semantics.md §5), level/edge-triggered and ONESHOT
// delivery (§4.4, §4.7), and epoll_wait timeouts (§4.8).  Every expectation
// was checked on Linux 6.18.44 (HostKernel runs).
#include <array>
#include <chrono>

#include "tests/facade/backends.h"

namespace epsim::test {

using Seq = std::vector<uint64_t>;

template <class K> class Ordering : public Facade<K> {
protected:
	static constexpr int kN = 5;

	// kN non-blocking eventfds with the given initial count; f[i] is added
	// with data i, in the order given.
	void make_efds(unsigned initval)
	{
		for (auto &fd : f) {
			fd = this->k.eventfd(initval, EFD_NONBLOCK);
			ASSERT_GE(fd, 0);
		}
	}
	void add_in_order(int ep, std::initializer_list<int> order, uint32_t events)
	{
		for (int i : order)
			ASSERT_EQ(this->add(ep, f[i], events, static_cast<uint64_t>(i)), 0);
	}
	// The data fields of n successive epoll_wait(maxevents) calls, flattened.
	Seq waits(int ep, int maxevents, int n)
	{
		Seq all;
		for (int i = 0; i < n; ++i) {
			Seq got = this->wait_data(ep, maxevents);
			EXPECT_EQ(got.size(), static_cast<size_t>(maxevents)) << "call " << i;
			all.insert(all.end(), got.begin(), got.end());
		}
		return all;
	}

	std::array<int, kN> f{};
};
TYPED_TEST_SUITE(Ordering, Backends, BackendNames);

// ---- level-triggered ready list (§5 rules 1, 3, 4) ----

// §5 rule 1: FIFO by the time an item first became queued, not fd order.
TYPED_TEST(Ordering, ItemsReadyAtAddAreReturnedInAddOrder)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(1);
	this->add_in_order(ep, {3, 0, 4, 1, 2}, EPOLLIN);
	EXPECT_EQ(this->wait_data(ep), (Seq{3, 0, 4, 1, 2}));
}

// §5 rule 4: an LT item is re-queued at the tail after each delivery.
TYPED_TEST(Ordering, LevelTriggeredItemsRotateWithMaxeventsOne)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(1);
	this->add_in_order(ep, {3, 0, 4, 1, 2}, EPOLLIN);
	EXPECT_EQ(this->waits(ep, 1, 10), (Seq{3, 0, 4, 1, 2, 3, 0, 4, 1, 2}));
}

TYPED_TEST(Ordering, LevelTriggeredItemsRotateWithMaxeventsTwo)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(1);
	this->add_in_order(ep, {3, 0, 4, 1, 2}, EPOLLIN);
	// (3,0) (4,1) (2,3) (0,4) (1,2)
	EXPECT_EQ(this->waits(ep, 2, 5), (Seq{3, 0, 4, 1, 2, 3, 0, 4, 1, 2}));
}

// §5 rule 3 and §4.7 step 3.3: a queued item that re-polls as not ready is
// dequeued silently and does not use up a maxevents slot.
TYPED_TEST(Ordering, DrainedLevelTriggeredItemIsDroppedWithoutCountingTowardMaxevents)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(1);
	this->add_in_order(ep, {3, 0, 4, 1, 2}, EPOLLIN);
	ASSERT_EQ(this->efd_read(this->f[4]), 1u);
	// Ready list [3,0,4,1,2]: 4 is skipped, 1 fills the third slot.
	EXPECT_EQ(this->wait_data(ep, 3), (Seq{3, 0, 1}));
	// Leftover 2 first, then the LT re-queues; 4 is gone for good.
	EXPECT_EQ(this->wait_data(ep), (Seq{2, 3, 0, 1}));
	EXPECT_EQ(this->wait_data(ep), (Seq{2, 3, 0, 1}));
}

// §5 rule 1(c): a wakeup appends a non-queued item at the tail.
TYPED_TEST(Ordering, ReReadiedItemIsAppendedAtTheTail)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(1);
	this->add_in_order(ep, {3, 0, 4, 1, 2}, EPOLLIN);
	ASSERT_EQ(this->wait_data(ep), (Seq{3, 0, 4, 1, 2}));
	ASSERT_EQ(this->efd_read(this->f[4]), 1u);
	ASSERT_EQ(this->wait_data(ep), (Seq{3, 0, 1, 2}));
	this->efd_write(this->f[4], 1);
	EXPECT_EQ(this->wait_data(ep), (Seq{3, 0, 1, 2, 4}));
}

// ---- edge-triggered ready list (§5 rules 2, 5; §8.2) ----

// §5 rule 2: a queued item never moves.
TYPED_TEST(Ordering, EdgeTriggeredOrderIsFirstWakeupAndRepeatedWakeupDoesNotMove)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(0);
	this->add_in_order(ep, {0, 1, 2, 3, 4}, EPOLLIN | EPOLLET);
	for (int i : {2, 0, 4, 2})
		this->efd_write(this->f[i], 1);
	EXPECT_EQ(this->wait_data(ep), (Seq{2, 0, 4}));
}

TYPED_TEST(Ordering, EdgeTriggeredItemIsNotReportedAgainWithoutANewWakeup)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(0);
	this->add_in_order(ep, {0, 1, 2, 3, 4}, EPOLLIN | EPOLLET);
	this->efd_write(this->f[1], 1);
	this->efd_write(this->f[3], 1);
	ASSERT_EQ(this->wait_data(ep), (Seq{1, 3}));
	// Both are still readable, but nothing woke them.
	EXPECT_EQ(this->wait_data(ep), Seq{});
	EXPECT_EQ(this->wait_data(ep), Seq{});
}

// §8.2: every eventfd write wakes with key IN, readable or not.
TYPED_TEST(Ordering, EdgeTriggeredEventfdIsRequeuedByEveryWriteEvenWhenReadable)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(0);
	this->add_in_order(ep, {0, 1, 2, 3, 4}, EPOLLIN | EPOLLET);
	this->efd_write(this->f[0], 1);
	ASSERT_EQ(this->wait_data(ep), Seq{0});
	ASSERT_EQ(this->wait_data(ep), Seq{});
	this->efd_write(this->f[0], 1);	// count 1 -> 2: already readable
	EXPECT_EQ(this->wait_data(ep), Seq{0});
	// Writing zero still wakes.
	this->efd_write(this->f[0], 0);
	EXPECT_EQ(this->wait_data(ep), Seq{0});
	EXPECT_EQ(this->efd_read(this->f[0]), 2u);
}

// §5 rule 5: leftovers go back to the head, in order, and are not lost.
TYPED_TEST(Ordering, EdgeTriggeredLeftoversBeyondMaxeventsStayQueuedInOrder)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(0);
	this->add_in_order(ep, {0, 1, 2, 3, 4}, EPOLLIN | EPOLLET);
	for (int i : {1, 3, 0})
		this->efd_write(this->f[i], 1);
	EXPECT_EQ(this->wait_data(ep, 1), Seq{1});
	// A later wakeup lands behind the leftovers.
	this->efd_write(this->f[4], 1);
	EXPECT_EQ(this->wait_data(ep), (Seq{3, 0, 4}));
	EXPECT_EQ(this->wait_data(ep), Seq{});
}

// ---- one file under several fds (§5 rule 7, §7) ----

// Non-exclusive hooks are added at the head of the file's wait queue, so
// one wakeup queues the newest registration first.
TYPED_TEST(Ordering, OneWakeupOfADupedFileQueuesNewestRegistrationFirst)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int a = k.eventfd(0, EFD_NONBLOCK);
	int b = k.dup(a);
	int c = k.dup(a);
	ASSERT_GE(c, 0);
	ASSERT_EQ(this->add(ep, a, EPOLLIN, 100), 0);
	ASSERT_EQ(this->add(ep, b, EPOLLIN, 101), 0);
	ASSERT_EQ(this->add(ep, c, EPOLLIN, 102), 0);
	this->efd_write(a, 1);
	EXPECT_EQ(this->wait_data(ep), (Seq{102, 101, 100}));
	// After that they are LT items in delivery order.
	EXPECT_EQ(this->wait_data(ep), (Seq{102, 101, 100}));
}

// ---- MOD and DEL of queued items (§4.4, §4.5, §5 rules 2, 8) ----

TYPED_TEST(Ordering, ModOfAQueuedItemKeepsItsPositionAndReportsTheNewData)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(1);
	this->add_in_order(ep, {0, 1, 2}, EPOLLIN);
	ASSERT_EQ(this->mod(ep, this->f[0], EPOLLIN, 50), 0);
	EXPECT_EQ(this->wait_data(ep), (Seq{50, 1, 2}));
}

TYPED_TEST(Ordering, DelRemovesAQueuedItem)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(1);
	this->add_in_order(ep, {0, 1, 2}, EPOLLIN);
	ASSERT_EQ(this->del(ep, this->f[1]), 0);
	EXPECT_EQ(this->wait_data(ep), (Seq{0, 2}));
	// Re-ADD appends at the tail.
	ASSERT_EQ(this->add(ep, this->f[1], EPOLLIN, 1), 0);
	EXPECT_EQ(this->wait_data(ep), (Seq{0, 2, 1}));
}

TYPED_TEST(Ordering, ModToNoEventsHidesAnItemAndModBackAppendsItAtTheTail)
{
	int ep = this->k.epoll_create1(0);
	this->make_efds(1);
	this->add_in_order(ep, {0, 1, 2}, EPOLLIN);
	ASSERT_EQ(this->wait_data(ep), (Seq{0, 1, 2}));
	// Still queued, but it re-polls to nothing under the new mask.
	ASSERT_EQ(this->mod(ep, this->f[0], 0, 50), 0);
	EXPECT_EQ(this->wait_data(ep), (Seq{1, 2}));
	ASSERT_EQ(this->mod(ep, this->f[0], EPOLLIN, 60), 0);
	EXPECT_EQ(this->wait_data(ep), (Seq{1, 2, 60}));
}

// ---- ONESHOT (§4.7 step 3.6, §4.4 step 5) ----

TYPED_TEST(Ordering, OneshotDeliversOnceThenIsDisabledUntilMod)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int o = k.eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(this->add(ep, o, EPOLLIN | EPOLLONESHOT, 9), 0);
	this->efd_write(o, 1);
	EXPECT_EQ(this->wait_data(ep), Seq{9});
	// Still readable, but not re-queued as LT would be.
	EXPECT_EQ(this->wait_data(ep), Seq{});
	// Wakeups are ignored while disabled.
	this->efd_write(o, 1);
	EXPECT_EQ(this->wait_data(ep), Seq{});
	// MOD re-arms, and the item is ready straight away.
	ASSERT_EQ(this->mod(ep, o, EPOLLIN | EPOLLONESHOT, 10), 0);
	EXPECT_EQ(this->wait_data(ep), Seq{10});
	EXPECT_EQ(this->wait_data(ep), Seq{});
}

// §4.7 step 3.3: a stale ONESHOT entry is dropped without disarming it.
TYPED_TEST(Ordering, OneshotItemDrainedBeforeTheWaitStaysArmed)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int o = k.eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(this->add(ep, o, EPOLLIN | EPOLLONESHOT, 9), 0);
	this->efd_write(o, 1);
	ASSERT_EQ(this->efd_read(o), 1u);
	EXPECT_EQ(this->wait_data(ep), Seq{});
	this->efd_write(o, 1);
	EXPECT_EQ(this->wait_data(ep), Seq{9});
	EXPECT_EQ(this->wait_data(ep), Seq{});
}

// ---- revents (§5 rule 9, §8.2) ----

TYPED_TEST(Ordering, ReventsAreComputedAtDeliveryTime)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int r = k.eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(this->add(ep, r, EPOLLIN | EPOLLOUT | EPOLLET, 1), 0);
	auto one_event = [&]() -> uint32_t {
		auto evs = this->wait_events(ep);
		EXPECT_EQ(evs.size(), 1u);
		return evs.empty() ? 0u : evs[0].events;
	};
	EXPECT_EQ(one_event(), uint32_t{EPOLLOUT});	// writable at ADD
	this->efd_write(r, 1);
	EXPECT_EQ(one_event(), uint32_t{EPOLLIN | EPOLLOUT});
	// Queued by the write, but no longer readable when harvested.
	this->efd_write(r, 1);
	ASSERT_EQ(this->efd_read(r), 2u);
	EXPECT_EQ(one_event(), uint32_t{EPOLLOUT});
	EXPECT_TRUE(this->wait_events(ep).empty());
}

// §4.4 step 5: MOD re-polls, so it acts as an ET re-arm.
TYPED_TEST(Ordering, ModRequeuesAStillReadableEdgeTriggeredItem)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int e = k.eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(this->add(ep, e, EPOLLIN | EPOLLET, 1), 0);
	this->efd_write(e, 1);
	ASSERT_EQ(this->wait_data(ep), Seq{1});
	ASSERT_EQ(this->wait_data(ep), Seq{});
	ASSERT_EQ(this->mod(ep, e, EPOLLIN | EPOLLET, 2), 0);
	EXPECT_EQ(this->wait_data(ep), Seq{2});
	EXPECT_EQ(this->wait_data(ep), Seq{});
}

// ---- timeouts (§4.8) ----

TYPED_TEST(Ordering, WaitWithTimeoutAndNothingReadyReturnsZeroAfterTheTimeout)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int e = k.eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(this->add(ep, e, EPOLLIN, 1), 0);
	epoll_event out[4];
	uint64_t t0 = this->clock_ns();
	EXPECT_EQ(k.epoll_wait(ep, out, 4, 50), 0);
	EXPECT_GE(this->clock_ns() - t0, 50'000'000u);
}

// §4.8 ep_poll step 4: a scan that delivers nothing does not end the call.
TYPED_TEST(Ordering, StaleQueuedItemDoesNotEndAWaitBeforeTheTimeout)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	int e = k.eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(this->add(ep, e, EPOLLIN, 1), 0);
	this->efd_write(e, 1);	// queued by the IN wakeup
	ASSERT_EQ(this->efd_read(e), 1u);	// OUT wakeup: filtered, entry stays queued
	epoll_event out[4];
	uint64_t t0 = this->clock_ns();
	EXPECT_EQ(k.epoll_wait(ep, out, 4, 50), 0);
	EXPECT_GE(this->clock_ns() - t0, 50'000'000u);
}

TYPED_TEST(Ordering, WaitWithZeroTimeoutReturnsImmediately)
{
	auto &k = this->k;
	int ep = k.epoll_create1(0);
	epoll_event out[4];
	uint64_t t0 = this->clock_ns();
	EXPECT_EQ(k.epoll_wait(ep, out, 4, 0), 0);
	// The model does not sleep (real time cannot be asserted on a shared host).
	if constexpr (TypeParam::is_model) {
		EXPECT_LT(this->clock_ns() - t0, 1'000'000u);
	}
}

} // namespace epsim::test
