// SPDX-License-Identifier: GPL-2.0-only
//
// Facade tests: the fan-in cases of the kernel selftest
// tools/testing/selftests/filesystems/epoll/epoll_wakeup_test.c (epoll53-58),
// rewritten with the facade's thread API so that they run on SimKernel
// (simulated tasks) and on HostKernel (real threads).  Each test names the
// behaviour it checks and the selftest case it ports.
//
// Topology: e0 watches two epolls e1 and e2 (both items LT, or both ET);
// e1 watches s0 and e2 watches s2, both LT.  Threads t0 and t1 wait on e0
// for one event, with epoll_wait(-1) (ew) or with poll(-1) then
// epoll_wait(0) (p).  The emitter writes one byte to s0 and then one to
// s2.  As in selftest_mt_test.cc, the test thread is the emitter, both
// waiters are spawned, and the threads still blocked at the end are
// interrupted; a poller whose epoll_wait(0) comes back empty (the other
// thread took the item first) polls again where the selftest gives up.
// The selftest expects two successful waits in every case.
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/facade/backends.h"
#include "tests/facade/threads_support.h"

namespace epsim::test {
namespace {

// How a thread waits on e0: (ew) epoll_wait(-1), or (p) poll(-1) on e0
// followed by epoll_wait(0), repeated while that comes back empty.
enum class Via { Wait, Poll };


// Sleeps in 1 ms steps until pred() holds, for at most limit_ms.
template <class K, class Pred> bool eventually(K &k, Pred pred, int limit_ms = 5000)
{
	for (int i = 0; i < limit_ms && !pred(); ++i)
		k.sleep_ms(1);
	return pred();
}

// What a run observed: how many waits succeeded, and the data of the
// event each thread got (-1 for none).
struct Outcome {
	int successes;
	int64_t got[2];
};

template <class K> class SelftestFanin : public ThreadFacade<K> {
protected:
	using ThreadFacade<K>::os_tid;
	using ThreadFacade<K>::blocked;

	// The data of e1's and e2's items in e0.
	static constexpr uint64_t kE1 = 1, kE2 = 2;


	// e0 -top-> {e1, e2}, e1 -lt-> s0, e2 -lt-> s2.
	void build(uint32_t top)
	{
		for (auto &p : sv)
			ASSERT_EQ(this->k.socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
		for (int &ep : e) {
			ep = this->k.epoll_create(1);
			ASSERT_GE(ep, 0);
		}
		ASSERT_EQ(this->add(e[1], sv[0][0], EPOLLIN, 0), 0);
		ASSERT_EQ(this->add(e[2], sv[1][0], EPOLLIN, 0), 0);
		ASSERT_EQ(this->add(e[0], e[1], EPOLLIN | top, kE1), 0);
		ASSERT_EQ(this->add(e[0], e[2], EPOLLIN | top, kE2), 0);
	}

	// One wait on e0 for one event; the event's data, or -1.
	int64_t wait_once(Via via)
	{
		epoll_event ev;

		if (via == Via::Wait)
			return this->k.epoll_wait(e[0], &ev, 1, -1) == 1 ? static_cast<int64_t>(ev.data.u64) : -1;
		// Bound: the test writes two bytes and then stops the thread.
		for (int round = 0; round < 100 && !stop; ++round) {
			pollfd p{e[0], POLLIN, 0};

			if (this->k.poll(&p, 1, -1) <= 0)
				return -1;
			if (this->k.epoll_wait(e[0], &ev, 1, 0) == 1)
				return static_cast<int64_t>(ev.data.u64);
		}
		return -1;
	}

	// Runs t0 and t1 on e0, writes to s0 and s2 once both are blocked,
	// waits until both waits succeeded (or 5 s), gives any further
	// wakeup 50 ms, stops whoever still waits, and returns the outcome.
	Outcome run(uint32_t top, Via t0, Via t1)
	{
		Via via[2] = {t0, t1};
		std::atomic<int> tid[2] = {0, 0}, done[2] = {0, 0};
		std::atomic<int64_t> got[2] = {-1, -1};
		Tid th[2];

		build(top);
		if (::testing::Test::HasFatalFailure())
			return {-1, {-1, -1}};
		// The selftest starts the waiter thread (t1) before t0 waits.
		for (int i : {1, 0}) {
			th[i] = this->k.spawn([&, i] {
				tid[i] = os_tid();
				got[i] = wait_once(via[i]);
				done[i] = 1;
			});
		}
		blocked(tid[1]);
		blocked(tid[0]);
		EXPECT_EQ(this->k.write(sv[0][1], "w", 1), 1);
		EXPECT_EQ(this->k.write(sv[1][1], "w", 1), 1);
		EXPECT_TRUE(eventually(this->k, [&] { return got[0] >= 0 && got[1] >= 0; }))
			<< "fewer than 2 waits succeeded";
		this->k.sleep_ms(50);
		// A poller between two calls would handle the signal in user
		// space and then block again: interrupt until both returned.
		stop = 1;
		for (int n = 0; n < 5000 && !(done[0] && done[1]); ++n) {
			for (int i : {0, 1})
				if (!done[i])
					this->k.interrupt(th[i]);
			this->k.sleep_ms(1);
		}
		this->k.join(th[0]);
		this->k.join(th[1]);
		return {(got[0] >= 0) + (got[1] >= 0), {got[0], got[1]}};
	}

	// With ET items in e0, each write re-arms only its own inner epoll's
	// item, once: the two waits got one each.
	static void expect_one_each(const Outcome &o)
	{
		EXPECT_EQ(o.successes, 2);
		EXPECT_NE(o.got[0], o.got[1]) << "both threads got inner epoll " << o.got[0];
	}

	int e[3] = {-1, -1, -1};
	int sv[2][2] = {{-1, -1}, {-1, -1}};
	std::atomic<int> stop{0};	// run(): pollers give up
};
TYPED_TEST_SUITE(SelftestFanin, Backends, BackendNames);

constexpr uint32_t LT = 0;
constexpr uint32_t ET = EPOLLET;

// epoll53: LT items for e1 and e2 in e0: two waiters each get an event
// (an LT item is re-queued after delivery, so the first write alone could
// satisfy both).
TYPED_TEST(SelftestFanin, LtInnerEpollsWakeBothWaiters)
{
	EXPECT_EQ(this->run(LT, Via::Wait, Via::Wait).successes, 2);
}

// epoll54: ET items for e1 and e2 in e0: each write reports its inner
// epoll once, and the two waiters get one each.
TYPED_TEST(SelftestFanin, EtInnerEpollsGiveOneEventToEachWaiter)
{
	this->expect_one_each(this->run(ET, Via::Wait, Via::Wait));
}

// epoll55: LT items: a waiter and a poller of e0 both get an event.
TYPED_TEST(SelftestFanin, LtInnerEpollsReachWaiterAndPoller)
{
	EXPECT_EQ(this->run(LT, Via::Wait, Via::Poll).successes, 2);
}

// epoll56: ET items: the waiter and the poller get one inner epoll each.
// If the waiter takes e1 between the poller's poll and its epoll_wait(0),
// the poller finds nothing and (here) polls again until s2's write.
TYPED_TEST(SelftestFanin, EtInnerEpollsGiveOneEventEachToWaiterAndPoller)
{
	this->expect_one_each(this->run(ET, Via::Wait, Via::Poll));
}

// epoll57: LT items: two pollers of e0 both get an event.
TYPED_TEST(SelftestFanin, LtInnerEpollsReachBothPollers)
{
	EXPECT_EQ(this->run(LT, Via::Poll, Via::Poll).successes, 2);
}

// epoll58: ET items: two pollers get one inner epoll each.
TYPED_TEST(SelftestFanin, EtInnerEpollsGiveOneEventToEachPoller)
{
	this->expect_one_each(this->run(ET, Via::Poll, Via::Poll));
}

} // namespace
} // namespace epsim::test
