// SPDX-License-Identifier: GPL-2.0-only
//
// Nested epoll: an epoll fd as the target of another epoll (and of poll()),
// the ELOOP cycle/depth check and the reverse-path (wakeup path) limits.
// See kernel-semantics.md §4.9 (ep_eventpoll_poll), §6.1 (readiness),
// §6.2 (ep_loop_check), §6.3 (reverse_path_check), §6.4 (propagation).
#include "tests/facade/backends.h"

#include <algorithm>
#include <vector>

namespace epsim::test {

template <class K> class Nesting : public Facade<K> {
protected:
	// A fresh epoll fd (epoll_create1(0)).
	int new_epoll()
	{
		int ep = this->k.epoll_create1(0);
		EXPECT_GE(ep, 0) << "epoll_create1: errno " << errno;
		return ep;
	}
	// A fresh non-blocking eventfd with count 0.
	int new_eventfd(unsigned initval = 0)
	{
		int fd = this->k.eventfd(initval, EFD_NONBLOCK);
		EXPECT_GE(fd, 0) << "eventfd: errno " << errno;
		return fd;
	}
	// Creates n epoll fds.
	std::vector<int> new_epolls(int n)
	{
		std::vector<int> eps;
		for (int i = 0; i < n; ++i)
			eps.push_back(new_epoll());
		return eps;
	}
};
TYPED_TEST_SUITE(Nesting, Backends, BackendNames);

// ---- §4.9 / §6.1: readiness of an epoll fd -------------------------------

// §6.1, §4.9 step 4: the outer sees the inner as IN|RDNORM only, whatever it asked for.
TYPED_TEST(Nesting, OuterReportsInnerAsExactlyInRdnorm)
{
	int inner = this->new_epoll(), outer = this->new_epoll();
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(inner, efd, EPOLLIN, 1), 0);
	ASSERT_EQ(this->add(outer, inner, EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLPRI, 2), 0);

	EXPECT_TRUE(this->wait_events(outer).empty()) << "inner has nothing ready";

	this->efd_write(efd, 1);
	auto evs = this->wait_events(outer);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].data.u64, 2u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN | EPOLLRDNORM});
}

// §4.9 step 4: poll() on an epoll fd asking IN|OUT|PRI gets POLLIN only.
TYPED_TEST(Nesting, PollOnEpollFdReportsPollinOnly)
{
	int ep = this->new_epoll();
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(ep, efd, EPOLLIN | EPOLLOUT, 1), 0);

	EXPECT_EQ(this->poll_mask(ep, POLLIN | POLLOUT | POLLPRI), POLLIN);
	// Even asking for OUT alone: an epoll fd is never writable.
	EXPECT_EQ(this->poll_mask(ep, POLLOUT | POLLPRI), 0);
}

// §4.9: poll() of an epoll fd with no items reports nothing.
TYPED_TEST(Nesting, PollOnEmptyEpollFdReportsNothing)
{
	int ep = this->new_epoll();
	EXPECT_EQ(this->poll_mask(ep, POLLIN | POLLOUT | POLLPRI), 0);
}

// §4.9 step 5: polling the inner (poll() or the outer's delivery) does not
// consume anything: the inner ET and ONESHOT items still deliver afterwards.
TYPED_TEST(Nesting, PollingInnerDoesNotConsumeInnerEvents)
{
	int inner = this->new_epoll(), outer = this->new_epoll();
	int et = this->new_eventfd(), oneshot = this->new_eventfd();
	ASSERT_EQ(this->add(inner, et, EPOLLIN | EPOLLET, 1), 0);
	ASSERT_EQ(this->add(inner, oneshot, EPOLLIN | EPOLLONESHOT, 2), 0);
	ASSERT_EQ(this->add(outer, inner, EPOLLIN, 3), 0);
	this->efd_write(et, 1);
	this->efd_write(oneshot, 1);

	EXPECT_EQ(this->poll_mask(inner, POLLIN), POLLIN);
	EXPECT_EQ(this->poll_mask(inner, POLLIN), POLLIN);
	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{3});
	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{3}) << "outer LT: still ready";

	EXPECT_EQ(this->wait_data(inner), (std::vector<uint64_t>{1, 2}));
	EXPECT_TRUE(this->wait_data(inner).empty()) << "ET and ONESHOT consumed by the harvest";
}

// ---- §6.1 / §6.4: wakeup propagation to an outer ET item ------------------

// §6.1: outer ET gets one event per wakeup propagated from the inner, and
// every eventfd write propagates even while the (LT) inner item is queued.
TYPED_TEST(Nesting, OuterEtGetsEventPerInnerSourceWrite)
{
	int inner = this->new_epoll(), outer = this->new_epoll();
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(inner, efd, EPOLLIN, 1), 0);
	ASSERT_EQ(this->add(outer, inner, EPOLLIN | EPOLLET, 3), 0);

	this->efd_write(efd, 1);
	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{3});
	EXPECT_TRUE(this->wait_data(outer).empty()) << "ET: no repeat without a wakeup";

	this->efd_write(efd, 1);
	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{3})
		<< "second write to an already queued inner item propagates a new event";
	this->efd_write(efd, 1);
	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{3});
}

// §6.1: the same with an ET inner item, both after harvesting the inner and
// while the inner item is still queued (not harvested).
TYPED_TEST(Nesting, OuterEtGetsEventPerInnerSourceWriteWithInnerEt)
{
	int inner = this->new_epoll(), outer = this->new_epoll();
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(inner, efd, EPOLLIN | EPOLLET, 1), 0);
	ASSERT_EQ(this->add(outer, inner, EPOLLIN | EPOLLET, 3), 0);

	this->efd_write(efd, 1);
	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{3});
	// The inner item is still queued in the inner: a new write still propagates.
	this->efd_write(efd, 1);
	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{3});

	EXPECT_EQ(this->wait_data(inner), std::vector<uint64_t>{1});
	EXPECT_TRUE(this->wait_data(outer).empty()) << "inner harvest is not a wakeup";
	this->efd_write(efd, 1);
	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{3});
}

// §6.1, §12 "after-scan wakeups": harvesting the inner (its LT item is
// re-queued) does not wake the inner's poll_wait in 6.x, so no outer ET event.
TYPED_TEST(Nesting, HarvestingInnerDoesNotProduceOuterEtEvent)
{
	int inner = this->new_epoll(), outer = this->new_epoll();
	int efd = this->new_eventfd(1);
	ASSERT_EQ(this->add(inner, efd, EPOLLIN, 1), 0);
	ASSERT_EQ(this->add(outer, inner, EPOLLIN | EPOLLET, 2), 0);

	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{2}) << "inner ready at ADD";
	EXPECT_TRUE(this->wait_data(outer).empty());
	EXPECT_EQ(this->wait_data(inner), std::vector<uint64_t>{1});
	EXPECT_EQ(this->wait_data(inner), std::vector<uint64_t>{1}) << "inner LT re-queued";
	EXPECT_TRUE(this->wait_data(outer).empty());
}

// §6.1: an outer LT item re-polls the inner at delivery; an inner item that
// is queued but no longer ready makes the outer report nothing.
TYPED_TEST(Nesting, OuterLtReportsNothingWhenInnerItemIsStale)
{
	int inner = this->new_epoll(), outer = this->new_epoll();
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(inner, efd, EPOLLIN, 1), 0);
	ASSERT_EQ(this->add(outer, inner, EPOLLIN, 7), 0);

	this->efd_write(efd, 1);
	EXPECT_EQ(this->efd_read(efd), 1u);
	EXPECT_TRUE(this->wait_data(outer).empty());
	EXPECT_TRUE(this->wait_data(inner).empty());

	// Ready again: the outer LT item reports it again, every time.
	this->efd_write(efd, 1);
	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{7});
	EXPECT_EQ(this->wait_data(outer), std::vector<uint64_t>{7});
}

// §6.1, §4.9 step 4: EPOLLOUT-only interest in an epoll fd never fires.
TYPED_TEST(Nesting, EpolloutOnlyInterestInEpollNeverFires)
{
	int inner = this->new_epoll(), outer = this->new_epoll();
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(inner, efd, EPOLLIN | EPOLLOUT, 1), 0);
	ASSERT_EQ(this->add(outer, inner, EPOLLOUT, 9), 0);

	EXPECT_TRUE(this->wait_data(outer).empty());
	this->efd_write(efd, 1);
	EXPECT_TRUE(this->wait_data(outer).empty());
	EXPECT_EQ(this->wait_data(inner), std::vector<uint64_t>{1}) << "the inner itself is ready";
}

// §4.9 step 2, §6.1: poll() on an inner whose only queued item is stale → 0.
TYPED_TEST(Nesting, PollOnInnerWithOnlyStaleItemIsZero)
{
	int inner = this->new_epoll();
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(inner, efd, EPOLLIN, 5), 0);
	this->efd_write(efd, 1);
	EXPECT_EQ(this->efd_read(efd), 1u);

	pollfd p{inner, POLLIN, 0};
	EXPECT_EQ(this->k.poll(&p, 1, 0), 0);
	EXPECT_EQ(p.revents, 0);
}

// §4.9: after an ET harvest the inner ready list is empty, so poll() says 0
// even though the watched eventfd is still writable.
TYPED_TEST(Nesting, PollAfterInnerEtHarvestIsZero)
{
	int inner = this->new_epoll();
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(inner, efd, EPOLLOUT | EPOLLET, 6), 0);

	EXPECT_EQ(this->poll_mask(inner, POLLIN), POLLIN) << "ET OUT item queued at ADD";
	EXPECT_EQ(this->wait_data(inner), std::vector<uint64_t>{6});
	EXPECT_EQ(this->poll_mask(inner, POLLIN), 0);
	EXPECT_EQ(this->poll_mask(efd, POLLOUT), POLLOUT) << "the eventfd itself is writable";
}

// §6.4: the inner wakes its poll_wait with key EPOLLIN, so an outer item
// whose interest lacks EPOLLIN (RDNORM only) is never woken; only ADD (which
// polls) finds the inner ready.
TYPED_TEST(Nesting, OuterRdnormOnlyInterestMissesInnerWakeups)
{
	int inner = this->new_epoll(), outer = this->new_epoll();
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(inner, efd, EPOLLIN, 1), 0);
	ASSERT_EQ(this->add(outer, inner, EPOLLRDNORM, 2), 0);
	this->efd_write(efd, 1);
	EXPECT_TRUE(this->wait_data(outer).empty()) << "wakeup key IN filtered out";

	int late = this->new_epoll();
	ASSERT_EQ(this->add(late, inner, EPOLLRDNORM, 3), 0);
	auto evs = this->wait_events(late);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLRDNORM});
}

// ---- §6.2: cycles and depth (ELOOP) ---------------------------------------

// §6.2: b inside a; adding a inside b closes a 2-cycle.
TYPED_TEST(Nesting, TwoCycleIsEloop)
{
	int a = this->new_epoll(), b = this->new_epoll();
	ASSERT_EQ(this->add(a, b, EPOLLIN, 0), 0);
	EXPECT_ERRNO(this->add(b, a, EPOLLIN, 0), ELOOP);
}

// §6.2: a ← b ← c; adding a inside c closes a 3-cycle.
TYPED_TEST(Nesting, ThreeCycleIsEloop)
{
	int a = this->new_epoll(), b = this->new_epoll(), c = this->new_epoll();
	ASSERT_EQ(this->add(a, b, EPOLLIN, 0), 0);
	ASSERT_EQ(this->add(b, c, EPOLLIN, 0), 0);
	EXPECT_ERRNO(this->add(c, a, EPOLLIN, 0), ELOOP);
	EXPECT_ERRNO(this->add(c, b, EPOLLIN, 0), ELOOP);
}

// §6.2: two paths to the same inner (a diamond) are not a cycle; a wakeup
// in the shared inner reaches the top through both paths.
TYPED_TEST(Nesting, DiamondIsAllowed)
{
	int a = this->new_epoll(), b = this->new_epoll(), c = this->new_epoll();
	int d = this->new_epoll();
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(c, efd, EPOLLIN, 0), 0);
	ASSERT_EQ(this->add(a, b, EPOLLIN, 1), 0);
	ASSERT_EQ(this->add(b, c, EPOLLIN, 2), 0);
	EXPECT_EQ(this->add(a, c, EPOLLIN, 3), 0);
	EXPECT_EQ(this->add(d, c, EPOLLIN, 4), 0);

	this->efd_write(efd, 1);
	auto got = this->wait_data(a);
	std::sort(got.begin(), got.end());
	EXPECT_EQ(got, (std::vector<uint64_t>{1, 3}));
	EXPECT_EQ(this->wait_data(d), std::vector<uint64_t>{4});
}

// §6.2: a chain built bottom-up (each new epoll takes the previous one)
// accepts exactly 4 epoll→epoll links; the 5th is ELOOP.
TYPED_TEST(Nesting, ChainAcceptsFourLinksBuiltBottomUp)
{
	auto ch = this->new_epolls(6);
	for (size_t i = 1; i <= 4; ++i)
		ASSERT_EQ(this->add(ch[i], ch[i - 1], EPOLLIN, i), 0) << "link " << i;
	EXPECT_ERRNO(this->add(ch[5], ch[4], EPOLLIN, 5), ELOOP);
}

// §6.2: built top-down (each new epoll goes below the previous one) the
// upward depth check gives the same limit of 4 links.
TYPED_TEST(Nesting, ChainAcceptsFourLinksBuiltTopDown)
{
	auto ch = this->new_epolls(6);
	for (size_t i = 1; i <= 4; ++i)
		ASSERT_EQ(this->add(ch[i - 1], ch[i], EPOLLIN, i), 0) << "link " << i;
	EXPECT_ERRNO(this->add(ch[4], ch[5], EPOLLIN, 5), ELOOP);
}

// §6.2: a wakeup at the bottom of a 4-link chain reaches the top.
TYPED_TEST(Nesting, WakeupPropagatesThroughFourLinks)
{
	auto ch = this->new_epolls(5);
	int efd = this->new_eventfd();
	ASSERT_EQ(this->add(ch[0], efd, EPOLLIN, 100), 0);
	for (size_t i = 1; i <= 4; ++i)
		ASSERT_EQ(this->add(ch[i], ch[i - 1], EPOLLIN | EPOLLET, i), 0);
	EXPECT_TRUE(this->wait_data(ch[4]).empty());
	this->efd_write(efd, 1);
	EXPECT_EQ(this->wait_data(ch[4]), std::vector<uint64_t>{4});
}

// §6.2: joining two 2-link chains with one more link makes 5 links (ELOOP);
// joining a 2-link chain and a 1-link chain makes 4 (OK).
TYPED_TEST(Nesting, JoiningChainsCountsLinksAboveAndBelow)
{
	auto p = this->new_epolls(3), q = this->new_epolls(3);
	for (size_t i = 1; i <= 2; ++i) {
		ASSERT_EQ(this->add(p[i], p[i - 1], EPOLLIN, 0), 0);	// p2 ⊃ p1 ⊃ p0
		ASSERT_EQ(this->add(q[i], q[i - 1], EPOLLIN, 0), 0);	// q2 ⊃ q1 ⊃ q0
	}
	// 2 + 1 + 2 links is too deep; 2 + 1 + 1 fits.
	EXPECT_ERRNO(this->add(p[0], q[2], EPOLLIN, 0), ELOOP);
	EXPECT_EQ(this->add(p[0], q[1], EPOLLIN, 0), 0) << "2 + 1 + 1 links";
	// Now p2 ⊃ p1 ⊃ p0 ⊃ q1 ⊃ q0 is 4 links: nothing more fits anywhere.
	int r = this->new_epoll();
	EXPECT_ERRNO(this->add(r, p[2], EPOLLIN, 0), ELOOP);
	EXPECT_ERRNO(this->add(q[0], r, EPOLLIN, 0), ELOOP);
}

// ---- §6.3: reverse path limits (EINVAL) -----------------------------------

// §6.3: one eventfd watched by N epolls, each nested in one top epoll: 500
// depth-1 paths are allowed, the 501st nesting fails with EINVAL and leaves
// no item behind.
TYPED_TEST(Nesting, FiveHundredAndFirstDepthOnePathIsEinval)
{
	int top = this->new_epoll();
	int efd = this->new_eventfd();
	int fail_at = -1, err = 0, last = -1;
	for (int i = 1; i <= 510; ++i) {
		last = this->new_epoll();
		ASSERT_EQ(this->add(last, efd, EPOLLIN, i), 0) << "epoll #" << i;
		if (this->add(top, last, EPOLLIN, i) != 0) {
			fail_at = i;
			err = errno;
			break;
		}
	}
	EXPECT_EQ(fail_at, 501);
	EXPECT_EQ(err, EINVAL);
	// The failed item was removed again: a retry fails the same way, not EEXIST.
	EXPECT_ERRNO(this->add(top, last, EPOLLIN, 0), EINVAL);
	this->efd_write(efd, 1);
	EXPECT_EQ(this->wait_data(top, 1000).size(), 500u);
}

// §6.3: the same limit when the epolls are nested first and the plain file
// is the target of the ADD that creates the 501st path.
TYPED_TEST(Nesting, FiveHundredAndFirstPathIsEinvalWhenFileAddedLast)
{
	int top = this->new_epoll();
	int efd = this->new_eventfd();
	int fail_at = -1, err = 0, last = -1;
	for (int i = 1; i <= 510; ++i) {
		last = this->new_epoll();
		ASSERT_EQ(this->add(top, last, EPOLLIN, i), 0) << "epoll #" << i;
		if (this->add(last, efd, EPOLLIN, i) != 0) {
			fail_at = i;
			err = errno;
			break;
		}
	}
	EXPECT_EQ(fail_at, 501);
	EXPECT_EQ(err, EINVAL);
	// The failed ADD left no item behind.
	EXPECT_ERRNO(this->del(last, efd), ENOENT);
}

// §6.3: paths through un-nested epolls have depth 0, which is not limited.
TYPED_TEST(Nesting, FifteenHundredUnnestedEpollsMayWatchOneFile)
{
	int efd = this->new_eventfd();
	int failed_at = 0, err = 0;
	std::vector<int> eps;
	for (int i = 1; i <= 1500; ++i) {
		eps.push_back(this->new_epoll());
		if (this->add(eps.back(), efd, EPOLLIN | EPOLLET, i) != 0) {
			failed_at = i;
			err = errno;
			break;
		}
	}
	EXPECT_EQ(failed_at, 0) << "errno " << err;
	this->efd_write(efd, 1);
	EXPECT_EQ(this->wait_data(eps.front()), std::vector<uint64_t>{1});
	EXPECT_EQ(this->wait_data(eps.back()), std::vector<uint64_t>{1500});
}

} // namespace epsim::test
