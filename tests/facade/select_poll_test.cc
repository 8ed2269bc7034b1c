// SPDX-License-Identifier: GPL-2.0-only
//
// select(2) and poll(2) (fs/select.c): argument checks, how results are
// counted, timeouts, and agreement of the three readiness interfaces on the
// same device states.  Signals (EINTR) are not covered here.  See
// kernel-semantics.md §10, and §8.6 for files without ->poll (/dev/null).
#include "tests/facade/backends.h"

#include <vector>

namespace epsim::test {
namespace {

// readfds / writefds / exceptfds correspond to these poll bits (§10 "Keys").
constexpr short kPollinSet = POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR;
constexpr short kPolloutSet = POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR;
constexpr short kPollexSet = POLLPRI;
// Everything a device can report on request.
constexpr short kEveryBit = POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND | POLLWRNORM |
			    POLLWRBAND | POLLRDHUP;

} // namespace

template <class K> class SelectPoll : public Facade<K> {
protected:
	// An fd number that is not open (a dup, closed again).  The next fd
	// created gets this number back, so call it after creating the others.
	int closed_fd()
	{
		int efd = this->k.eventfd(0, EFD_NONBLOCK);
		int fd = this->k.dup(efd);
		EXPECT_GE(fd, 0);
		EXPECT_EQ(this->k.close(fd), 0);
		return fd;
	}
	void new_pipe(int p[2]) { ASSERT_EQ(this->k.pipe2(p, O_NONBLOCK), 0) << "errno " << errno; }

	// select() of one fd in the given sets with a zero timeout.
	struct SelectResult {
		int rc;
		bool readable, writable, exceptional;
	};
	SelectResult select_one(int fd, bool in_read, bool in_write, bool in_except)
	{
		fd_set r, w, e;
		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_ZERO(&e);
		if (in_read)
			FD_SET(fd, &r);
		if (in_write)
			FD_SET(fd, &w);
		if (in_except)
			FD_SET(fd, &e);
		timeval tv{0, 0};
		int rc = this->k.select(fd + 1, &r, &w, &e, &tv);
		return {rc, FD_ISSET(fd, &r) != 0, FD_ISSET(fd, &w) != 0, FD_ISSET(fd, &e) != 0};
	}

	// The mask an LT epoll item with interest `events` reports now (0: none).
	uint32_t epoll_mask(int fd, uint32_t events)
	{
		int ep = this->k.epoll_create1(0);
		EXPECT_EQ(this->add(ep, fd, events, 1), 0) << "errno " << errno;
		auto evs = this->wait_events(ep);
		EXPECT_EQ(this->k.close(ep), 0);
		return evs.empty() ? 0 : evs[0].events;
	}

	// poll(), epoll and select() all agree on fd, and poll says `expected`.
	void expect_agreement(int fd, short expected, const char *what)
	{
		SCOPED_TRACE(what);
		short revents = this->poll_mask(fd, kEveryBit);
		EXPECT_EQ(revents, expected);
		EXPECT_EQ(epoll_mask(fd, static_cast<uint16_t>(kEveryBit)), static_cast<uint16_t>(revents));
		SelectResult s = select_one(fd, true, true, true);
		EXPECT_EQ(s.readable, (revents & kPollinSet) != 0);
		EXPECT_EQ(s.writable, (revents & kPolloutSet) != 0);
		EXPECT_EQ(s.exceptional, (revents & kPollexSet) != 0);
		EXPECT_EQ(s.rc, int{s.readable} + int{s.writable} + int{s.exceptional});
	}
};
TYPED_TEST_SUITE(SelectPoll, Backends, BackendNames);

// ===== select ==============================================================

// §10 max_select_fd: a bit set for an fd that is not open, in any of the
// three sets, is EBADF.
TYPED_TEST(SelectPoll, SelectWithClosedFdInAnySetIsEbadf)
{
	int closed = this->closed_fd();
	for (int which = 0; which < 3; ++which) {
		SCOPED_TRACE(which);
		fd_set sets[3];
		for (auto &s : sets)
			FD_ZERO(&s);
		FD_SET(closed, &sets[which]);
		timeval tv{0, 0};
		EXPECT_ERRNO(this->k.select(closed + 1, &sets[0], &sets[1], &sets[2], &tv), EBADF);
	}
}

// §10: bits at or beyond nfds are ignored, even for fds that are not open.
TYPED_TEST(SelectPoll, SelectIgnoresClosedFdAtOrBeyondNfds)
{
	int closed = this->closed_fd();
	fd_set r;
	FD_ZERO(&r);
	FD_SET(closed, &r);
	timeval tv{0, 0};
	EXPECT_EQ(this->k.select(closed, &r, nullptr, nullptr, &tv), 0);
	FD_ZERO(&r);
	FD_SET(closed + 5, &r);
	EXPECT_EQ(this->k.select(closed + 1, &r, nullptr, nullptr, &tv), 0);
}

// §10: nfds < 0 is EINVAL.
TYPED_TEST(SelectPoll, SelectNegativeNfdsIsEinval)
{
	timeval tv{0, 0};
	EXPECT_ERRNO(this->k.select(-1, nullptr, nullptr, nullptr, &tv), EINVAL);
}

// §10: nfds beyond the fd table size is silently clamped, not an error.
TYPED_TEST(SelectPoll, SelectHugeNfdsIsClamped)
{
	constexpr int kHuge = 1 << 20;
	// Bitmaps of kHuge bits, so the kernel may read up to nfds bits.
	std::vector<unsigned long> rbits(kHuge / (8 * sizeof(unsigned long)), 0);
	std::vector<unsigned long> wbits(rbits.size(), 0);
	auto *r = reinterpret_cast<fd_set *>(rbits.data());
	auto *w = reinterpret_cast<fd_set *>(wbits.data());
	timeval tv{0, 0};
	EXPECT_EQ(this->k.select(kHuge, r, w, nullptr, &tv), 0);

	int p[2];
	this->new_pipe(p);
	FD_SET(p[1], w);
	EXPECT_EQ(this->k.select(kHuge, r, w, nullptr, &tv), 1);
	EXPECT_TRUE(FD_ISSET(p[1], w));
}

// §10 timeout: a negative time is EINVAL.
TYPED_TEST(SelectPoll, SelectNegativeTimeoutIsEinval)
{
	timeval neg_sec{-1, 0};
	EXPECT_ERRNO(this->k.select(0, nullptr, nullptr, nullptr, &neg_sec), EINVAL);
	timeval neg_usec{0, -1};
	EXPECT_ERRNO(this->k.select(0, nullptr, nullptr, nullptr, &neg_usec), EINVAL);
}

// §10 timeout: tv_usec = 200000 is a valid 0.2 s timeout; nothing ready → 0.
TYPED_TEST(SelectPoll, SelectTvUsecBelowOneSecondIsValid)
{
	timeval tv{0, 200000};
	EXPECT_EQ(this->k.select(0, nullptr, nullptr, nullptr, &tv), 0);
	EXPECT_EQ(tv.tv_sec, 0);
	EXPECT_EQ(tv.tv_usec, 0);
}

// §10: the remaining time is written back; a timeout that expired leaves {0,0}.
TYPED_TEST(SelectPoll, SelectWritesBackRemainingTimeout)
{
	int efd = this->k.eventfd(0, EFD_NONBLOCK);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(efd, &r);
	timeval tv{0, 50000};
	EXPECT_EQ(this->k.select(efd + 1, &r, nullptr, nullptr, &tv), 0);
	EXPECT_EQ(tv.tv_sec, 0);
	EXPECT_EQ(tv.tv_usec, 0);
	EXPECT_FALSE(FD_ISSET(efd, &r)) << "not-ready bits are cleared";

	// Ready at once: almost all of the time is left.
	this->efd_write(efd, 1);
	FD_SET(efd, &r);
	tv = {5, 0};
	EXPECT_EQ(this->k.select(efd + 1, &r, nullptr, nullptr, &tv), 1);
	long left_us = tv.tv_sec * 1000000L + tv.tv_usec;
	EXPECT_LE(left_us, 5000000L);
	EXPECT_GT(left_us, 4000000L);
}

// §8.6, §10: /dev/null has no ->poll (DEFAULT_POLLMASK): readable and
// writable, and the result counts bits, so one fd counts 2.
TYPED_TEST(SelectPoll, SelectDevNullReadableAndWritableCountsTwo)
{
	int fd = this->k.open("/dev/null", O_RDWR);
	ASSERT_GE(fd, 0);
	auto s = this->select_one(fd, true, true, true);
	EXPECT_EQ(s.rc, 2);
	EXPECT_TRUE(s.readable);
	EXPECT_TRUE(s.writable);
	EXPECT_FALSE(s.exceptional);
}

// §10: a pipe's write end is only writable.
TYPED_TEST(SelectPoll, SelectPipeWriteEndOnlyWritable)
{
	int p[2];
	this->new_pipe(p);
	auto s = this->select_one(p[1], true, true, false);
	EXPECT_EQ(s.rc, 1);
	EXPECT_FALSE(s.readable);
	EXPECT_TRUE(s.writable);
	s = this->select_one(p[0], true, true, false);
	EXPECT_EQ(s.rc, 0) << "empty pipe: read end not ready";
}

// §10: with the reader closed the write end reports ERR, which is in both
// the IN and OUT sets → readable and writable, counted 2.
TYPED_TEST(SelectPoll, SelectPipeWriteEndWithReaderClosedCountsTwo)
{
	int p[2];
	this->new_pipe(p);
	ASSERT_EQ(this->k.close(p[0]), 0);
	auto s = this->select_one(p[1], true, true, false);
	EXPECT_EQ(s.rc, 2);
	EXPECT_TRUE(s.readable);
	EXPECT_TRUE(s.writable);
}

// ===== poll ================================================================

// §10 do_pollfd: an fd that is not open gives POLLNVAL and is counted; fd < 0
// gives 0 and is not counted; /dev/null is IN|OUT; ERR is reported even with
// events = 0 (broken pipe).
TYPED_TEST(SelectPoll, PollPerEntryRules)
{
	int null_fd = this->k.open("/dev/null", O_RDWR);
	ASSERT_GE(null_fd, 0);
	int p[2];
	this->new_pipe(p);
	ASSERT_EQ(this->k.close(p[0]), 0);
	int closed = this->closed_fd();	// last: the next open would reuse it

	pollfd fds[4] = {
		{closed, POLLIN, 0},
		{-1, POLLIN, 0},
		{null_fd, POLLIN | POLLOUT | POLLPRI, 0},
		{p[1], 0, 0},
	};
	EXPECT_EQ(this->k.poll(fds, 4, 0), 3);
	EXPECT_EQ(fds[0].revents, POLLNVAL);
	EXPECT_EQ(fds[1].revents, 0);
	EXPECT_EQ(fds[2].revents, POLLIN | POLLOUT);
	EXPECT_EQ(fds[3].revents, POLLERR);
}

// §10: a negative fd is skipped whatever its events; revents is cleared.
TYPED_TEST(SelectPoll, PollNegativeFdIsSkipped)
{
	pollfd fds[2] = {{-1, POLLIN | POLLOUT, POLLERR}, {-42, POLLOUT, 0}};
	EXPECT_EQ(this->k.poll(fds, 2, 0), 0);
	EXPECT_EQ(fds[0].revents, 0);
	EXPECT_EQ(fds[1].revents, 0);
}

// §10: poll() returns the number of entries, not bits: an fd both readable
// and writable counts once.
TYPED_TEST(SelectPoll, PollCountsEntriesNotBits)
{
	int efd = this->k.eventfd(1, EFD_NONBLOCK);
	int p[2];
	this->new_pipe(p);
	pollfd fds[3] = {{efd, POLLIN | POLLOUT, 0}, {p[1], POLLOUT, 0}, {p[0], POLLIN, 0}};
	EXPECT_EQ(this->k.poll(fds, 3, 0), 2);
	EXPECT_EQ(fds[0].revents, POLLIN | POLLOUT);
	EXPECT_EQ(fds[1].revents, POLLOUT);
	EXPECT_EQ(fds[2].revents, 0);
}

// §10: with nothing ready, a 30 ms timeout expires and poll() returns 0.
TYPED_TEST(SelectPoll, PollTimeoutWithNothingReadyReturnsZero)
{
	int efd = this->k.eventfd(0, EFD_NONBLOCK);
	pollfd p{efd, POLLIN, 0};
	EXPECT_EQ(this->k.poll(&p, 1, 30), 0);
	EXPECT_EQ(p.revents, 0);
}

// ===== poll, select and epoll agree ========================================

// §8.2, §10: eventfd at count 0, > 0 and ULLONG_MAX - 1.
TYPED_TEST(SelectPoll, EventfdMasksAgreeAcrossPollSelectEpoll)
{
	int efd = this->k.eventfd(0, EFD_NONBLOCK);
	this->expect_agreement(efd, POLLOUT, "count 0");
	this->efd_write(efd, 5);
	this->expect_agreement(efd, POLLIN | POLLOUT, "count 5");
	this->efd_write(efd, 0xfffffffffffffffeULL - 5);
	this->expect_agreement(efd, POLLIN, "count ULLONG_MAX - 1");
}

// §8.3, §10: a socketpair end fresh, readable, after peer SHUT_WR, after the
// peer's close.
TYPED_TEST(SelectPoll, SocketpairMasksAgreeAcrossPollSelectEpoll)
{
	int sv[2];
	ASSERT_EQ(this->k.socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	constexpr short kOut = POLLOUT | POLLWRNORM | POLLWRBAND;
	constexpr short kIn = POLLIN | POLLRDNORM;
	this->expect_agreement(sv[1], kOut, "fresh");
	ASSERT_EQ(this->k.write(sv[0], "x", 1), 1);
	this->expect_agreement(sv[1], kIn | kOut, "data queued");
	ASSERT_EQ(this->k.shutdown(sv[0], SHUT_WR), 0);
	this->expect_agreement(sv[1], kIn | kOut | POLLRDHUP, "peer SHUT_WR");
	this->expect_agreement(sv[0], kOut, "own SHUT_WR");
	ASSERT_EQ(this->k.close(sv[0]), 0);
	this->expect_agreement(sv[1], kIn | kOut | POLLRDHUP | POLLHUP, "peer closed");
}

// §8.1, §10: pipe ends, including ERR and HUP after the other end closes.
TYPED_TEST(SelectPoll, PipeMasksAgreeAcrossPollSelectEpoll)
{
	int p[2];
	this->new_pipe(p);
	this->expect_agreement(p[0], 0, "empty read end");
	this->expect_agreement(p[1], POLLOUT | POLLWRNORM, "empty write end");
	ASSERT_EQ(this->k.write(p[1], "x", 1), 1);
	this->expect_agreement(p[0], POLLIN | POLLRDNORM, "read end with data");
	int q[2];
	this->new_pipe(q);
	ASSERT_EQ(this->k.close(q[0]), 0);
	this->expect_agreement(q[1], POLLOUT | POLLWRNORM | POLLERR, "reader closed");
	ASSERT_EQ(this->k.close(p[1]), 0);
	this->expect_agreement(p[0], POLLIN | POLLRDNORM | POLLHUP, "writer closed, data left");
}

} // namespace epsim::test
