// SPDX-License-Identifier: GPL-2.0-only
//
// Facade tests: the single-threaded cases of the kernel selftest
// tools/testing/selftests/filesystems/epoll/epoll_wakeup_test.c (epoll1-8,
// 17-24 and 49-52), written from the behaviour they check.  The
// multi-threaded cases are in selftest_mt_test.cc.
//
// In the selftest's diagrams a thread t0 looks at epoll e0 either with
// epoll_wait(timeout 0) twice (ew) or with poll(e0, POLLIN, 0) followed by
// epoll_wait(0), twice (p).  e0 watches one or two socket pairs' first ends
// directly, or through inner epolls e1 (and e2); every edge is level- (lt)
// or edge-triggered (et).  One byte is written to each socket pair's other
// end before the first look.  The second look is the point of every case:
// a level-triggered edge reports again, an edge-triggered one does not, and
// polling an epoll fd (which scans it without consuming anything) changes
// neither.
#include "tests/facade/backends.h"

namespace epsim::test {
namespace {

constexpr uint32_t LT = 0;
constexpr uint32_t ET = EPOLLET;

template <class K> class Selftest : public Facade<K> {
protected:
	// A blocking AF_UNIX stream pair, as the selftest creates them; the
	// test watches end 0 and writes to end 1.
	void socket_pair(int sv[2]) { ASSERT_EQ(this->k.socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0); }
	int new_epoll()
	{
		int ep = this->k.epoll_create(1);
		EXPECT_GE(ep, 0) << "epoll_create: errno " << errno;
		return ep;
	}
	void watch(int ep, int fd, uint32_t mode)
	{
		ASSERT_EQ(this->add(ep, fd, EPOLLIN | mode, static_cast<uint64_t>(fd)), 0)
			<< "errno " << errno;
	}
	void send_byte(int fd) { ASSERT_EQ(this->k.write(fd, "w", 1), 1); }

	// e0 watches `pairs` sockets (1 or 2) in `mode`; one byte written to each.
	int flat(int pairs, uint32_t mode)
	{
		int e0 = new_epoll(), sv[2][2];

		for (int i = 0; i < pairs; ++i) {
			socket_pair(sv[i]);
			watch(e0, sv[i][0], mode);
		}
		for (int i = 0; i < pairs; ++i)
			send_byte(sv[i][1]);
		return e0;
	}
	// e0 -(outer)-> e1 -(inner)-> s0; one byte written.
	int nested(uint32_t outer, uint32_t inner)
	{
		int e0 = new_epoll(), e1 = new_epoll(), sv[2];

		socket_pair(sv);
		watch(e1, sv[0], inner);
		watch(e0, e1, outer);
		send_byte(sv[1]);
		return e0;
	}
	// e0 -(outer)-> e1 and e2, e1 -(lt)-> s0, e2 -(lt)-> s2; a byte to each.
	int fan_in(uint32_t outer)
	{
		int e0 = new_epoll(), e1 = new_epoll(), e2 = new_epoll(), sv[2][2];

		socket_pair(sv[0]);
		socket_pair(sv[1]);
		watch(e1, sv[0][0], LT);
		watch(e2, sv[1][0], LT);
		watch(e0, e1, outer);
		watch(e0, e2, outer);
		send_byte(sv[0][1]);
		send_byte(sv[1][1]);
		return e0;
	}

	// (ew): epoll_wait(ep, maxevents, 0).
	int ew(int ep, int maxevents)
	{
		epoll_event evs[2];
		return this->k.epoll_wait(ep, evs, maxevents, 0);
	}
	// (p): poll(ep, POLLIN, 0).
	int p(int ep)
	{
		pollfd pfd{ep, POLLIN, 0};
		return this->k.poll(&pfd, 1, 0);
	}
};
TYPED_TEST_SUITE(Selftest, Backends, BackendNames);

// ---- epoll1-4: e0 watches sockets, t0 uses epoll_wait ----

// epoll1: t0 -(ew)- e0 -(lt)- s0.  An LT item stays ready while data is unread.
TYPED_TEST(Selftest, LtSocketIsReportedByEveryWait)
{
	int e0 = this->flat(1, LT);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
}

// epoll2: t0 -(ew)- e0 -(et)- s0.  An ET item is reported once per wakeup.
TYPED_TEST(Selftest, EtSocketIsReportedOnce)
{
	int e0 = this->flat(1, ET);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->ew(e0, 1), 0);
}

// epoll3: t0 -(ew)- e0 -(lt)- s0, s2.
TYPED_TEST(Selftest, TwoLtSocketsAreBothReportedByEveryWait)
{
	int e0 = this->flat(2, LT);
	EXPECT_EQ(this->ew(e0, 2), 2);
	EXPECT_EQ(this->ew(e0, 2), 2);
}

// epoll4: t0 -(ew)- e0 -(et)- s0, s2.
TYPED_TEST(Selftest, TwoEtSocketsAreBothReportedOnce)
{
	int e0 = this->flat(2, ET);
	EXPECT_EQ(this->ew(e0, 2), 2);
	EXPECT_EQ(this->ew(e0, 2), 0);
}

// ---- epoll5-8: the same, t0 polls e0 before each epoll_wait ----

// epoll5: t0 -(p)- e0 -(lt)- s0.
TYPED_TEST(Selftest, PollingEpollLeavesLtSocketReadyForEveryWait)
{
	int e0 = this->flat(1, LT);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
}

// epoll6: t0 -(p)- e0 -(et)- s0.  Polling e0 does not consume the ET event;
// the wait does, after which e0 is no longer readable.
TYPED_TEST(Selftest, PollingEpollLeavesEtSocketForOneWait)
{
	int e0 = this->flat(1, ET);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->p(e0), 0);
	EXPECT_EQ(this->ew(e0, 1), 0);
}

// epoll7: t0 -(p)- e0 -(lt)- s0, s2.
TYPED_TEST(Selftest, PollingEpollLeavesTwoLtSocketsReadyForEveryWait)
{
	int e0 = this->flat(2, LT);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 2), 2);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 2), 2);
}

// epoll8: t0 -(p)- e0 -(et)- s0, s2.
TYPED_TEST(Selftest, PollingEpollLeavesTwoEtSocketsForOneWait)
{
	int e0 = this->flat(2, ET);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 2), 2);
	EXPECT_EQ(this->p(e0), 0);
	EXPECT_EQ(this->ew(e0, 2), 0);
}

// ---- epoll17-20: e0 watches e1, e1 watches s0, t0 uses epoll_wait ----

// epoll17: t0 -(ew)- e0 -(lt)- e1 -(lt)- s0.
TYPED_TEST(Selftest, NestedLtUnderLtIsReportedByEveryWait)
{
	int e0 = this->nested(LT, LT);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
}

// epoll18: t0 -(ew)- e0 -(lt)- e1 -(et)- s0.  e0 re-polls e1 on each wait,
// and polling e1 leaves its ET item queued, so e1 stays readable.
TYPED_TEST(Selftest, NestedEtUnderLtIsReportedByEveryWait)
{
	int e0 = this->nested(LT, ET);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
}

// epoll19: t0 -(ew)- e0 -(et)- e1 -(lt)- s0.  The outer ET edge fires once.
TYPED_TEST(Selftest, NestedLtUnderEtIsReportedOnce)
{
	int e0 = this->nested(ET, LT);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->ew(e0, 1), 0);
}

// epoll20: t0 -(ew)- e0 -(et)- e1 -(et)- s0.
TYPED_TEST(Selftest, NestedEtUnderEtIsReportedOnce)
{
	int e0 = this->nested(ET, ET);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->ew(e0, 1), 0);
}

// ---- epoll21-24: the same, t0 polls e0 before each epoll_wait ----

// epoll21: t0 -(p)- e0 -(lt)- e1 -(lt)- s0.
TYPED_TEST(Selftest, PollingOuterLeavesNestedLtUnderLtReady)
{
	int e0 = this->nested(LT, LT);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
}

// epoll22: t0 -(p)- e0 -(lt)- e1 -(et)- s0.
TYPED_TEST(Selftest, PollingOuterLeavesNestedEtUnderLtReady)
{
	int e0 = this->nested(LT, ET);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
}

// epoll23: t0 -(p)- e0 -(et)- e1 -(lt)- s0.  After the one delivery of the
// outer ET item, e0 has nothing queued, so it is not readable either.
TYPED_TEST(Selftest, PollingOuterLeavesNestedLtUnderEtForOneWait)
{
	int e0 = this->nested(ET, LT);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->p(e0), 0);
	EXPECT_EQ(this->ew(e0, 1), 0);
}

// epoll24: t0 -(p)- e0 -(et)- e1 -(et)- s0.
TYPED_TEST(Selftest, PollingOuterLeavesNestedEtUnderEtForOneWait)
{
	int e0 = this->nested(ET, ET);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 1), 1);
	EXPECT_EQ(this->p(e0), 0);
	EXPECT_EQ(this->ew(e0, 1), 0);
}

// ---- epoll49-52: e0 watches e1 and e2, each watches one socket (lt) ----

// epoll49: t0 -(ew)- e0 -(lt)- e1, e2 -(lt)- s0, s2.
TYPED_TEST(Selftest, TwoLtInnerEpollsAreBothReportedByEveryWait)
{
	int e0 = this->fan_in(LT);
	EXPECT_EQ(this->ew(e0, 2), 2);
	EXPECT_EQ(this->ew(e0, 2), 2);
}

// epoll50: t0 -(ew)- e0 -(et)- e1, e2 -(lt)- s0, s2.
TYPED_TEST(Selftest, TwoEtInnerEpollsAreBothReportedOnce)
{
	int e0 = this->fan_in(ET);
	EXPECT_EQ(this->ew(e0, 2), 2);
	EXPECT_EQ(this->ew(e0, 2), 0);
}

// epoll51: t0 -(p)- e0 -(lt)- e1, e2 -(lt)- s0, s2.
TYPED_TEST(Selftest, PollingOuterLeavesTwoLtInnerEpollsReady)
{
	int e0 = this->fan_in(LT);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 2), 2);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 2), 2);
}

// epoll52: t0 -(p)- e0 -(et)- e1, e2 -(lt)- s0, s2.
TYPED_TEST(Selftest, PollingOuterLeavesTwoEtInnerEpollsForOneWait)
{
	int e0 = this->fan_in(ET);
	EXPECT_EQ(this->p(e0), 1);
	EXPECT_EQ(this->ew(e0, 2), 2);
	EXPECT_EQ(this->p(e0), 0);
	EXPECT_EQ(this->ew(e0, 2), 0);
}

} // namespace
} // namespace epsim::test
