// SPDX-License-Identifier: GPL-2.0-only
//
// Facade tests: how registrations live and die with fds and open files
// (kernel-semantics.md §7, §4.5), single-threaded and without fork.  An
// epitem is keyed by (struct file, fd number) and lives as long as the open
// file description, not the fd.  Every expectation was checked on Linux
// 6.18.44 (HostKernel runs).
#include <sstream>

#include "tests/facade/backends.h"

namespace epsim::test {

using Seq = std::vector<uint64_t>;

template <class K> class Lifetime : public Facade<K> {
protected:
	void SetUp() override
	{
		ep = this->k.epoll_create1(0);
		ASSERT_GE(ep, 0);
	}

	// Number of watched items listed in /proc/self/fdinfo/<epfd> (§9).
	int tfd_lines(int epfd)
	{
		std::istringstream in(this->k.fdinfo(epfd));
		int n = 0;
		for (std::string line; std::getline(in, line);)
			n += line.rfind("tfd:", 0) == 0;
		return n;
	}
	// Closes `fd` and makes `number` refer to the same file (number must be
	// free or equal to fd).
	void move_fd(int fd, int number)
	{
		if (fd == number)
			return;
		ASSERT_EQ(this->k.dup2(fd, number), number);
		ASSERT_EQ(this->k.close(fd), 0);
	}
	void write_byte(int fd) { ASSERT_EQ(this->k.write(fd, "x", 1), 1); }

	int ep = -1;
};
TYPED_TEST_SUITE(Lifetime, Backends, BackendNames);

// ---- the closed-fd gotcha (§7) ----

// A registration survives close(fd) while a dup keeps the file open, and
// keeps reporting the old data.
TYPED_TEST(Lifetime, ClosedFdIsStillReportedWhileADupKeepsTheFileOpen)
{
	auto &k = this->k;
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	const int a = p[0];
	ASSERT_EQ(this->add(this->ep, a, EPOLLIN, 0xA), 0);
	int b = k.dup(a);
	ASSERT_GE(b, 0);
	ASSERT_EQ(k.close(a), 0);
	EXPECT_EQ(this->tfd_lines(this->ep), 1);
	this->write_byte(p[1]);
	auto evs = this->wait_events(this->ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].data.u64, 0xAu);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN});
}

TYPED_TEST(Lifetime, DelOfClosedNumberIsEbadfAndViaTheDupIsEnoent)
{
	auto &k = this->k;
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	const int a = p[0];
	ASSERT_EQ(this->add(this->ep, a, EPOLLIN, 0xA), 0);
	int b = k.dup(a);
	ASSERT_EQ(k.close(a), 0);
	EXPECT_ERRNO(this->del(this->ep, a), EBADF);	// no such fd
	EXPECT_ERRNO(this->del(this->ep, b), ENOENT);	// same file, other number
	EXPECT_ERRNO(this->mod(this->ep, b, EPOLLIN, 0xB), ENOENT);
	// Nothing was removed.
	this->write_byte(p[1]);
	EXPECT_EQ(this->wait_data(this->ep), Seq{0xA});
}

TYPED_TEST(Lifetime, AddUnderTheDupNumberCreatesASecondItem)
{
	auto &k = this->k;
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	const int a = p[0];
	ASSERT_EQ(this->add(this->ep, a, EPOLLIN, 0xA), 0);
	int b = k.dup(a);
	ASSERT_EQ(k.close(a), 0);
	this->write_byte(p[1]);
	ASSERT_EQ(this->wait_data(this->ep), Seq{0xA});	// LT: re-queued
	ASSERT_EQ(this->add(this->ep, b, EPOLLIN, 0xB), 0);	// ready: appended
	EXPECT_EQ(this->wait_data(this->ep), (Seq{0xA, 0xB}));
	EXPECT_EQ(this->tfd_lines(this->ep), 2);
}

// The only way to DEL the stale item: make its number name the file again.
TYPED_TEST(Lifetime, Dup2BackOntoTheOldNumberMakesTheStaleItemDeletable)
{
	auto &k = this->k;
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	const int a = p[0];
	ASSERT_EQ(this->add(this->ep, a, EPOLLIN, 0xA), 0);
	int b = k.dup(a);
	ASSERT_EQ(this->add(this->ep, b, EPOLLIN, 0xB), 0);
	ASSERT_EQ(k.close(a), 0);
	ASSERT_EQ(k.dup2(b, a), a);
	EXPECT_EQ(this->del(this->ep, a), 0);
	this->write_byte(p[1]);
	EXPECT_EQ(this->wait_data(this->ep), Seq{0xB});
	EXPECT_EQ(this->tfd_lines(this->ep), 1);
}

// A different file under the old number is a different key.
TYPED_TEST(Lifetime, ReusedFdNumberNamesANewKeySoDelIsEnoentAndAddSucceeds)
{
	auto &k = this->k;
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	const int a = p[0];
	ASSERT_EQ(this->add(this->ep, a, EPOLLIN, 0xA), 0);
	int b = k.dup(a);
	ASSERT_GE(b, 0);
	ASSERT_EQ(k.close(a), 0);
	this->move_fd(k.eventfd(0, EFD_NONBLOCK), a);	// a is now an eventfd
	EXPECT_ERRNO(this->del(this->ep, a), ENOENT);
	EXPECT_ERRNO(this->mod(this->ep, a, EPOLLIN, 0xC), ENOENT);
	EXPECT_EQ(this->add(this->ep, a, EPOLLIN, 0xC), 0);
	EXPECT_EQ(this->tfd_lines(this->ep), 2);
	this->write_byte(p[1]);
	this->efd_write(a, 1);
	EXPECT_EQ(this->wait_data(this->ep), (Seq{0xA, 0xC}));
}

// ---- automatic removal on last close (§4.5, §7) ----

TYPED_TEST(Lifetime, ClosingTheLastFdOfAFileRemovesItsItemsSilently)
{
	auto &k = this->k;
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	const int a = p[0];
	int b = k.dup(a);
	ASSERT_EQ(this->add(this->ep, a, EPOLLIN, 0xA), 0);
	ASSERT_EQ(this->add(this->ep, b, EPOLLIN, 0xB), 0);
	int other = k.eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(this->add(this->ep, other, EPOLLIN, 0xE), 0);
	this->write_byte(p[1]);
	ASSERT_EQ(this->tfd_lines(this->ep), 3);

	// Both items are queued when the first fd goes: nothing changes.
	ASSERT_EQ(k.close(a), 0);
	EXPECT_EQ(this->tfd_lines(this->ep), 3);
	// The last fd goes: both items vanish, queued or not, without an event.
	ASSERT_EQ(k.close(b), 0);
	EXPECT_EQ(this->tfd_lines(this->ep), 1);
	EXPECT_EQ(this->wait_data(this->ep), Seq{});
	// The survivor still works.
	this->efd_write(other, 1);
	EXPECT_EQ(this->wait_data(this->ep), Seq{0xE});
}

// eventfd's release wakes its queue with HUP, but the items watching that
// file were removed before ->release ran (§4.5).
TYPED_TEST(Lifetime, ClosingAWatchedEventfdProducesNoEvent)
{
	auto &k = this->k;
	int e = k.eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(this->add(this->ep, e, EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLET, 1), 0);
	ASSERT_EQ(k.close(e), 0);
	epoll_event out[4];
	EXPECT_EQ(k.epoll_wait(this->ep, out, 4, 20), 0);
	EXPECT_EQ(this->tfd_lines(this->ep), 0);
}

// ---- the epoll file itself (§4.5, §7) ----

TYPED_TEST(Lifetime, EpollInstanceStaysAliveThroughADupOfTheEpfd)
{
	auto &k = this->k;
	int e = k.eventfd(1, EFD_NONBLOCK);
	ASSERT_EQ(this->add(this->ep, e, EPOLLIN, 3), 0);
	int ep2 = k.dup(this->ep);
	ASSERT_GE(ep2, 0);
	ASSERT_EQ(k.close(this->ep), 0);
	EXPECT_EQ(this->wait_data(ep2), Seq{3});
	// Control works through the dup as well.
	EXPECT_EQ(this->mod(ep2, e, EPOLLIN, 4), 0);
	EXPECT_EQ(this->wait_data(ep2), Seq{4});
	EXPECT_EQ(this->del(ep2, e), 0);
	EXPECT_EQ(this->wait_data(ep2), Seq{});
}

TYPED_TEST(Lifetime, ClosingTheEpfdWithRegisteredItemsLeavesTheWatchedFdsWorking)
{
	auto &k = this->k;
	int e = k.eventfd(0, EFD_NONBLOCK);
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	int watcher = k.epoll_create1(0);
	ASSERT_EQ(this->add(this->ep, e, EPOLLIN, 1), 0);
	ASSERT_EQ(this->add(this->ep, p[0], EPOLLIN | EPOLLET, 2), 0);
	ASSERT_EQ(this->add(watcher, e, EPOLLIN, 10), 0);
	this->efd_write(e, 1);	// queued on both
	EXPECT_EQ(k.close(this->ep), 0);

	this->efd_write(e, 2);
	EXPECT_EQ(this->efd_read(e), 3u);
	this->efd_write(e, 5);
	EXPECT_EQ(this->wait_data(watcher), Seq{10});
	this->write_byte(p[1]);
	char c = 0;
	EXPECT_EQ(k.read(p[0], &c, 1), 1);
	EXPECT_EQ(c, 'x');
	// The fds can be watched afresh.
	int ep3 = k.epoll_create1(0);
	EXPECT_EQ(this->add(ep3, p[0], EPOLLOUT, 3), 0);	// read end: never OUT
	EXPECT_EQ(this->add(ep3, p[1], EPOLLOUT, 4), 0);
	EXPECT_EQ(this->wait_data(ep3), Seq{4});
}

// ---- a peer going away (§4.5, §8.1 release) ----

TYPED_TEST(Lifetime, PipeWriterCloseReportsInAndHupWhileDataRemains)
{
	auto &k = this->k;
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	ASSERT_EQ(this->add(this->ep, p[0], EPOLLIN, 1), 0);
	ASSERT_EQ(k.write(p[1], "xy", 2), 2);
	ASSERT_EQ(k.close(p[1]), 0);
	auto evs = this->wait_events(this->ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN | EPOLLHUP});
	// Level-triggered: until the data is read...
	evs = this->wait_events(this->ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN | EPOLLHUP});
	char buf[4];
	ASSERT_EQ(k.read(p[0], buf, sizeof buf), 2);
	// ...then HUP alone, for ever.
	evs = this->wait_events(this->ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLHUP});
	EXPECT_EQ(k.read(p[0], buf, sizeof buf), 0);	// EOF
}

TYPED_TEST(Lifetime, PipeWriterCloseReportsHupOnceUnderEdgeTrigger)
{
	auto &k = this->k;
	int p[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	ASSERT_EQ(this->add(this->ep, p[0], EPOLLIN | EPOLLET, 1), 0);
	this->write_byte(p[1]);
	auto evs = this->wait_events(this->ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN});
	ASSERT_EQ(k.close(p[1]), 0);
	evs = this->wait_events(this->ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN | EPOLLHUP});
	EXPECT_TRUE(this->wait_events(this->ep).empty());
	char buf[4];
	ASSERT_EQ(k.read(p[0], buf, sizeof buf), 1);
	EXPECT_TRUE(this->wait_events(this->ep).empty());
}

} // namespace epsim::test
