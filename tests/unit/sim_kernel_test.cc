// SPDX-License-Identifier: GPL-2.0-only
//
// Tests of what only the model has: virtual time, the deadlock report of a
// wait that nothing can end, the initial stdio descriptors, verify() and
// leak accounting, RLIMIT_NOFILE from SimConfig, and the coverage counters.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "kernel_model/eventpoll.h"
#include "kernel_model/fdtable.h"
#include "kernel_model/kernel_state.h"
#include "sim/kernel.h"

namespace epsim {
namespace {

TEST(SimKernel, StartsWithStdioOpenOnDevNull)
{
	SimKernel k;
	pollfd p{0, POLLIN | POLLOUT, 0};

	EXPECT_EQ(k.poll(&p, 1, 0), 1);
	EXPECT_EQ(p.revents, POLLIN | POLLOUT);
	EXPECT_EQ(k.epoll_create1(0), 3);
}

TEST(SimKernel, TimedWaitAdvancesVirtualTimeExactly)
{
	SimKernel k;
	int ep = k.epoll_create1(0);
	epoll_event ev[1];

	EXPECT_EQ(k.epoll_wait(ep, ev, 1, 250), 0);
	EXPECT_EQ(k.now_ns(), 250'000'000u);
	pollfd p{ep, POLLIN, 0};
	EXPECT_EQ(k.poll(&p, 1, 40), 0);
	EXPECT_EQ(k.now_ns(), 290'000'000u);
	timeval tv{1, 500000};
	fd_set r;
	FD_ZERO(&r);
	FD_SET(ep, &r);
	EXPECT_EQ(k.select(ep + 1, &r, nullptr, nullptr, &tv), 0);
	EXPECT_EQ(k.now_ns(), 1'790'000'000u);
	EXPECT_EQ(tv.tv_sec, 0);
	EXPECT_EQ(tv.tv_usec, 0);
}

TEST(SimKernel, WaitThatNothingCanEndReportsADeadlock)
{
	SimKernel k;
	int ep = k.epoll_create1(0);
	epoll_event ev[1];

	try {
		k.epoll_wait(ep, ev, 1, -1);
		FAIL() << "an infinite wait with one task returned";
	} catch (const kern::deadlock_error &e) {
		EXPECT_NE(std::string(e.what()).find("ep_poll"), std::string::npos) << e.what();
	}
	// The failed wait left nothing behind.
	k.verify();
	EXPECT_EQ(k.describe(ep).find("task"), std::string::npos);
}

TEST(SimKernel, BlockingReadOnAnEmptyPipeReportsADeadlock)
{
	SimKernel k;
	int p[2];
	char c;

	ASSERT_EQ(k.pipe2(p, 0), 0);
	EXPECT_THROW(k.read(p[0], &c, 1), kern::deadlock_error);
	k.verify();
	ASSERT_EQ(k.write(p[1], "x", 1), 1);
	EXPECT_EQ(k.read(p[0], &c, 1), 1);
}

TEST(SimKernel, RlimitNofileComesFromTheConfig)
{
	SimKernel k(SimConfig{.seed = 0, .rlimit_nofile = 5, .max_user_watches = 10});
	int p[2];

	EXPECT_EQ(k.eventfd(0, 0), 3);
	EXPECT_EQ(k.pipe2(p, 0), -1);
	EXPECT_EQ(errno, EMFILE);
	EXPECT_EQ(k.eventfd(0, 0), 4);
	k.verify();
}

TEST(SimKernel, NothingLeaksOnceEveryFdIsClosed)
{
	SimKernel k;
	int p[2], sv[2];
	int ep = k.epoll_create1(0), inner = k.epoll_create1(0);

	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	ASSERT_EQ(k.socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	int efd = k.eventfd(1, 0);
	epoll_event ev{EPOLLIN, {.u64 = 1}};
	for (int fd : {p[0], sv[0], sv[1], efd, inner})
		ASSERT_EQ(k.epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	ASSERT_EQ(k.epoll_ctl(inner, EPOLL_CTL_ADD, p[1], &ev), 0);
	k.verify();
	for (int fd : {p[0], p[1], sv[0], sv[1], efd, inner, ep})
		ASSERT_EQ(k.close(fd), 0);
	const kern::kernel_state &ks = k.kernel();
	EXPECT_EQ(ks.nr_files, 3);	// stdio
	EXPECT_EQ(ks.nr_eventpolls, 0);
	EXPECT_EQ(ks.nr_epitems, 0);
	EXPECT_EQ(ks.nr_pwqs, 0);
	EXPECT_EQ(ks.user.epoll_watches, 0);
}

TEST(SimKernel, CoverageCountersRecordModelPaths)
{
	SimKernel k;
	int ep = k.epoll_create1(0);
	int efd = k.eventfd(1, EFD_NONBLOCK);
	epoll_event ev{EPOLLIN | EPOLLONESHOT, {.u64 = 1}}, out[2];

	ASSERT_EQ(k.epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), 0);
	EXPECT_EQ(k.epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), -1);
	ASSERT_EQ(k.epoll_wait(ep, out, 2, 0), 1);
	const auto &cov = k.kernel().cov;
	EXPECT_EQ(cov[kern::COV_EEXIST], 1u);
	EXPECT_EQ(cov[kern::COV_ONESHOT_DISARM], 1u);
	EXPECT_STREQ(kern::coverage_name(kern::COV_ONESHOT_DISARM), "oneshot_disarm");
}

TEST(SimKernel, DescribeNamesTheEpollStructures)
{
	SimKernel k;
	int ep = k.epoll_create1(0);
	int efd = k.eventfd(0, 0);
	epoll_event ev{EPOLLIN, {.u64 = 9}};

	ASSERT_EQ(k.epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), 0);
	std::string d = k.describe(ep);
	EXPECT_NE(d.find("rbr (interest set"), std::string::npos) << d;
	EXPECT_NE(d.find("fd 4 (eventfd)"), std::string::npos) << d;
	EXPECT_NE(d.find("rdllist"), std::string::npos) << d;
	EXPECT_EQ(k.describe(efd), "fd 4 is not an epoll\n");
}

} // namespace
} // namespace epsim
