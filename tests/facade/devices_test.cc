// SPDX-License-Identifier: GPL-2.0-only
//
// Device poll semantics as seen through epoll and poll(): which wakeups each
// device makes (and so which ET events appear), readiness masks, capacities
// and error codes.  See kernel-semantics.md §8 (general ET rule), §8.1 pipes
// (fs/pipe.c), §8.2 eventfd (fs/eventfd.c), §8.3 AF_UNIX stream sockets
// (net/unix/af_unix.c).
#include "tests/facade/backends.h"

#include <vector>

namespace epsim::test {
namespace {

// What the kernel-semantics tables ask poll() for (§8.3 "Observed poll masks").
constexpr short kAllMask = POLLIN | POLLOUT | POLLPRI | POLLRDHUP;

} // namespace

template <class K> class Devices : public Facade<K> {
protected:
	std::vector<char> buf = std::vector<char>(300000, 'b');

	int new_epoll()
	{
		int ep = this->k.epoll_create1(0);
		EXPECT_GE(ep, 0) << "epoll_create1: errno " << errno;
		return ep;
	}
	void new_pipe(int p[2]) { ASSERT_EQ(this->k.pipe2(p, O_NONBLOCK), 0) << "errno " << errno; }
	void new_socketpair(int sv[2])
	{
		ASSERT_EQ(this->k.socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0)
			<< "errno " << errno;
	}
	// Writes chunk-sized pieces until a write fails; returns the bytes written.
	long fill(int fd, size_t chunk)
	{
		long total = 0;
		for (long i = 0; i < 1000000; ++i) {	// bound: far beyond any capacity here
			ssize_t r = this->k.write(fd, buf.data(), chunk);
			if (r <= 0)
				break;
			total += r;
		}
		return total;
	}
	// Reads until a read returns <= 0; returns the bytes read.
	long drain(int fd)
	{
		long total = 0;
		for (;;) {
			ssize_t r = this->k.read(fd, buf.data(), buf.size());
			if (r <= 0)
				return total;
			total += r;
		}
	}
	ssize_t write_n(int fd, size_t n) { return this->k.write(fd, buf.data(), n); }
	ssize_t read_n(int fd, size_t n) { return this->k.read(fd, buf.data(), n); }
	short all_mask(int fd) { return this->poll_mask(fd, kAllMask); }
};
TYPED_TEST_SUITE(Devices, Backends, BackendNames);

// ===== §8.1 pipes ==========================================================

// §8.1: a fresh pipe: the read end reports nothing, the write end OUT|WRNORM
// (poll) and EPOLLOUT (epoll, interest OUT).
TYPED_TEST(Devices, PipeFreshEndsReadNothingWriteOut)
{
	int p[2];
	this->new_pipe(p);
	const short ask = kAllMask | POLLRDNORM | POLLWRNORM;
	EXPECT_EQ(this->poll_mask(p[0], ask), 0);
	EXPECT_EQ(this->poll_mask(p[1], ask), POLLOUT | POLLWRNORM);

	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, p[0], EPOLLIN | EPOLLOUT | EPOLLET, 0), 0);
	ASSERT_EQ(this->add(ep, p[1], EPOLLOUT | EPOLLET, 1), 0);
	auto evs = this->wait_events(ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].data.u64, 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLOUT});
}

// §8.1 wakeup rule: once polled (poll_usage), every write wakes rd_wait, so a
// reader ET item gets one event per write; a write never wakes the writer.
TYPED_TEST(Devices, PipeEveryWriteGivesReaderNewEtEvent)
{
	int p[2];
	this->new_pipe(p);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, p[0], EPOLLIN | EPOLLET, 0), 0);
	ASSERT_EQ(this->add(ep, p[1], EPOLLOUT | EPOLLET, 1), 0);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{1});

	ASSERT_EQ(this->write_n(p[1], 1), 1);
	auto evs = this->wait_events(ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].data.u64, 0u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN});

	ASSERT_EQ(this->write_n(p[1], 1), 1);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{0}) << "pipe already non-empty";
	EXPECT_TRUE(this->wait_data(ep).empty());
}

// §8.1 read: wr_wait is woken only when a slot of a full pipe is freed.
TYPED_TEST(Devices, PipeReadFromNonFullPipeDoesNotWakeWriter)
{
	int p[2];
	this->new_pipe(p);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, p[1], EPOLLOUT | EPOLLET, 1), 0);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{1});
	ASSERT_EQ(this->write_n(p[1], 8192), 8192);

	EXPECT_EQ(this->read_n(p[0], 1), 1);
	EXPECT_TRUE(this->wait_data(ep).empty());
	EXPECT_EQ(this->read_n(p[0], 8191), 8191) << "frees two slots of a non-full pipe";
	EXPECT_TRUE(this->wait_data(ep).empty());
}

// §8.1 merge rule: small writes are appended to the last page, so 65536
// one-byte writes fit in the 16 default slots; the next gets EAGAIN.
TYPED_TEST(Devices, PipeHoldsExactly65536OneByteWrites)
{
	int p[2];
	this->new_pipe(p);
	EXPECT_EQ(this->fill(p[1], 1), 65536);
	EXPECT_ERRNO(this->write_n(p[1], 1), EAGAIN);
	EXPECT_EQ(this->poll_mask(p[1], POLLOUT), 0);
	EXPECT_EQ(this->drain(p[0]), 65536);
}

// §8.1: pipe_poll's OUT is slot-based: a 1-byte read from a full pipe frees no
// slot (no POLLOUT, no writer event); finishing that page frees one → writer
// ET OUT event.
TYPED_TEST(Devices, PipeWriterWokenOnlyWhenReadFreesSlotOfFullPipe)
{
	int p[2];
	this->new_pipe(p);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, p[1], EPOLLOUT | EPOLLET, 1), 0);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{1});
	ASSERT_EQ(this->write_n(p[1], 65536), 65536);
	EXPECT_ERRNO(this->write_n(p[1], 1), EAGAIN);

	EXPECT_EQ(this->read_n(p[0], 1), 1);
	EXPECT_TRUE(this->wait_data(ep).empty());
	EXPECT_EQ(this->poll_mask(p[1], POLLOUT), 0);

	EXPECT_EQ(this->read_n(p[0], 4095), 4095);
	auto evs = this->wait_events(ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLOUT});
	EXPECT_EQ(this->poll_mask(p[1], POLLOUT), POLLOUT);
}

// §8.1 merge rule: page-multiple writes never merge and merging only targets
// the newest slot, so after 1 byte + 15 pages even 100 bytes get EAGAIN.
TYPED_TEST(Devices, PipeOneBytePlusFifteenPagesFillsAllSlots)
{
	int p[2];
	this->new_pipe(p);
	ASSERT_EQ(this->write_n(p[1], 1), 1);
	EXPECT_EQ(this->fill(p[1], 4096), 15 * 4096);
	EXPECT_ERRNO(this->write_n(p[1], 100), EAGAIN);
	EXPECT_EQ(this->drain(p[0]), 1 + 15 * 4096);
}

// §8.1: a non-blocking write of at most PIPE_BUF (4096) bytes never lands
// partially: with 3996 bytes of room in the last page and no free slot it
// gets EAGAIN; a larger write merges its (len % 4096) head and returns short.
TYPED_TEST(Devices, PipeBufSizedWriteIsAtomicLargerWriteIsPartial)
{
	int p[2];
	this->new_pipe(p);
	ASSERT_EQ(this->write_n(p[1], 15 * 4096 + 100), 15 * 4096 + 100);
	EXPECT_ERRNO(this->write_n(p[1], 4096), EAGAIN);
	EXPECT_EQ(this->write_n(p[1], 5000), 5000 % 4096) << "904 bytes merged, then full";
	EXPECT_EQ(this->write_n(p[1], 2000), 2000) << "fits in the last page";
	// 1092 bytes of room left in the last page.
	EXPECT_ERRNO(this->write_n(p[1], 1100), EAGAIN);
	EXPECT_EQ(this->drain(p[0]), 15 * 4096 + 100 + 904 + 2000);
}

// §8.1 (t_pipe2): a write that fails with EAGAIN on a full, polled pipe still
// wakes rd_wait, so the reader ET item gets a new event.
TYPED_TEST(Devices, PipeEagainWriteOnFullPolledPipeWakesReader)
{
	int p[2];
	this->new_pipe(p);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, p[0], EPOLLIN | EPOLLET, 0), 0);
	ASSERT_EQ(this->write_n(p[1], 65536), 65536);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{0});

	EXPECT_ERRNO(this->write_n(p[1], 10), EAGAIN);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{0});
}

// §8.1: a zero-length write returns 0 before any wakeup.
TYPED_TEST(Devices, PipeZeroLengthWriteReturnsZeroWithoutWakeup)
{
	int p[2];
	this->new_pipe(p);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, p[0], EPOLLIN | EPOLLET, 0), 0);
	EXPECT_EQ(this->write_n(p[1], 0), 0);
	EXPECT_TRUE(this->wait_data(ep).empty());

	ASSERT_EQ(this->write_n(p[1], 1), 1);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{0});
	EXPECT_EQ(this->write_n(p[1], 0), 0);
	EXPECT_TRUE(this->wait_data(ep).empty()) << "readable, but no wakeup";
}

// §8.1 release: closing the last writer wakes both queues without a key: the
// reader gets IN|HUP once (ET), then HUP only after draining; read at EOF → 0.
TYPED_TEST(Devices, PipeWriterCloseGivesReaderInHupThenHupAfterDrain)
{
	int p[2];
	this->new_pipe(p);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, p[0], EPOLLIN | EPOLLET, 0), 0);
	ASSERT_EQ(this->write_n(p[1], 1), 1);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{0});

	ASSERT_EQ(this->k.close(p[1]), 0);
	auto evs = this->wait_events(ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN | EPOLLHUP});
	EXPECT_TRUE(this->wait_data(ep).empty()) << "ET: HUP reported once";

	EXPECT_EQ(this->poll_mask(p[0], POLLIN), POLLIN | POLLHUP);
	EXPECT_EQ(this->read_n(p[0], 10), 1);
	EXPECT_EQ(this->poll_mask(p[0], POLLIN), POLLHUP);
	EXPECT_EQ(this->read_n(p[0], 10), 0) << "EOF";
}

// §8.1 release: HUP is reported even to a reader registered with events=0,
// and an LT registration keeps reporting it.
TYPED_TEST(Devices, PipeWriterCloseGivesHupToReaderWithNoInterest)
{
	int p[2];
	this->new_pipe(p);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, p[0], 0, 4), 0);
	ASSERT_EQ(this->write_n(p[1], 1), 1);
	EXPECT_TRUE(this->wait_data(ep).empty());

	ASSERT_EQ(this->k.close(p[1]), 0);
	for (int round = 0; round < 2; ++round) {
		auto evs = this->wait_events(ep);
		ASSERT_EQ(evs.size(), 1u);
		EXPECT_EQ(evs[0].events, uint32_t{EPOLLHUP});
	}
}

// §8.1 release: closing the last reader gives the writer ERR even with
// events=0; poll() says OUT|ERR; a write fails with EPIPE.
TYPED_TEST(Devices, PipeReaderCloseGivesWriterErr)
{
	int p[2];
	this->new_pipe(p);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, p[1], 0, 7), 0);
	EXPECT_TRUE(this->wait_data(ep).empty());

	ASSERT_EQ(this->k.close(p[0]), 0);
	auto evs = this->wait_events(ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].data.u64, 7u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLERR});
	EXPECT_EQ(this->poll_mask(p[1], POLLOUT), POLLOUT | POLLERR);
	EXPECT_ERRNO(this->write_n(p[1], 1), EPIPE);
}

// §8.1: a read from an empty pipe whose writer is gone is EOF (0); with the
// writer still open it is EAGAIN (O_NONBLOCK).
TYPED_TEST(Devices, PipeReadAtEofReturnsZero)
{
	int p[2];
	this->new_pipe(p);
	EXPECT_ERRNO(this->read_n(p[0], 10), EAGAIN);
	ASSERT_EQ(this->k.close(p[1]), 0);
	EXPECT_EQ(this->read_n(p[0], 10), 0);
}

// ===== §8.2 eventfd ========================================================

// §8.2: write(0) at count 0 wakes wqh, but the ET item re-polls as not ready
// at harvest and is not reported; a real write is.
TYPED_TEST(Devices, EventfdWriteZeroAtCountZeroIsNotReported)
{
	int efd = this->k.eventfd(0, EFD_NONBLOCK);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, efd, EPOLLIN | EPOLLET, 1), 0);
	this->efd_write(efd, 0);
	EXPECT_TRUE(this->wait_data(ep).empty());
	this->efd_write(efd, 5);
	auto evs = this->wait_events(ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN});
}

// §8.2: every write wakes with key IN, so every write (even of 0 while the
// count is positive) gives a new ET IN event.
TYPED_TEST(Devices, EventfdEveryWriteGivesNewEtIn)
{
	int efd = this->k.eventfd(0, EFD_NONBLOCK);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, efd, EPOLLIN | EPOLLET, 1), 0);
	this->efd_write(efd, 5);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{1});
	EXPECT_TRUE(this->wait_data(ep).empty());
	this->efd_write(efd, 0);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{1});
	this->efd_write(efd, 3);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{1});
	EXPECT_EQ(this->efd_read(efd), 8u);
}

// §8.2: a read wakes with key OUT: an OUT-interested ET item gets a new event.
TYPED_TEST(Devices, EventfdReadGivesEtOutEvent)
{
	int efd = this->k.eventfd(0, EFD_NONBLOCK);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, efd, EPOLLOUT | EPOLLET, 2), 0);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{2}) << "writable at ADD";
	this->efd_write(efd, 1);
	EXPECT_TRUE(this->wait_data(ep).empty()) << "a write's IN key does not pass an OUT-only item";
	EXPECT_EQ(this->efd_read(efd), 1u);
	auto evs = this->wait_events(ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLOUT});
}

// §8.2: the read's OUT key does not pass an IN-only item: a semaphore
// eventfd stays readable after a read, yet its IN-only ET item gets nothing.
TYPED_TEST(Devices, EventfdReadDoesNotWakeInOnlyEtItem)
{
	int efd = this->k.eventfd(3, EFD_NONBLOCK | EFD_SEMAPHORE);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, efd, EPOLLIN | EPOLLET, 1), 0);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{1});
	EXPECT_EQ(this->efd_read(efd), 1u);
	EXPECT_EQ(this->poll_mask(efd, POLLIN), POLLIN);
	EXPECT_TRUE(this->wait_data(ep).empty());
}

// §8.2: OUT needs count < ULLONG_MAX - 1: at 0xfffffffffffffffe the eventfd is
// readable only; any further non-zero write would overflow → EAGAIN.
TYPED_TEST(Devices, EventfdNearMaximumCountIsReadableOnly)
{
	int efd = this->k.eventfd(0, EFD_NONBLOCK);
	this->efd_write(efd, 0xfffffffffffffffeULL);
	EXPECT_EQ(this->poll_mask(efd, POLLIN | POLLOUT | POLLPRI), POLLIN);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, efd, EPOLLIN | EPOLLOUT, 1), 0);
	auto evs = this->wait_events(ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN});

	uint64_t one = 1;
	EXPECT_ERRNO(this->k.write(efd, &one, 8), EAGAIN);
	this->efd_write(efd, 0);	// 0 still fits
	EXPECT_EQ(this->efd_read(efd), 0xfffffffffffffffeULL);
	EXPECT_EQ(this->poll_mask(efd, POLLIN | POLLOUT), POLLOUT);
}

// §8.2: writing 0xffffffffffffffff is always EINVAL, even at count 0.
TYPED_TEST(Devices, EventfdWriteOfAllOnesIsEinval)
{
	int efd = this->k.eventfd(0, EFD_NONBLOCK);
	uint64_t all = ~uint64_t{0};
	EXPECT_ERRNO(this->k.write(efd, &all, 8), EINVAL);
	// Nothing was added.
	EXPECT_ERRNO(this->k.read(efd, &all, 8), EAGAIN);
}

// §8.2: reads need at least 8 bytes (a longer buffer reads 8); writes need
// exactly 8 bytes on 6.18 (4, 0, 9 and 16 are EINVAL).
TYPED_TEST(Devices, EventfdBufferSizeRules)
{
	int efd = this->k.eventfd(5, EFD_NONBLOCK);
	uint64_t b[2] = {7, 9};
	EXPECT_ERRNO(this->k.read(efd, b, 4), EINVAL);
	EXPECT_ERRNO(this->k.write(efd, b, 4), EINVAL);
	EXPECT_ERRNO(this->k.write(efd, b, 0), EINVAL);
	EXPECT_ERRNO(this->k.read(efd, b, 0), EINVAL);
	EXPECT_ERRNO(this->k.write(efd, b, 9), EINVAL);
	EXPECT_ERRNO(this->k.write(efd, b, 16), EINVAL);
	EXPECT_EQ(this->k.read(efd, b, 16), 8);
	EXPECT_EQ(b[0], 5u) << "the EINVAL writes added nothing";
}

// §8.2: EFD_SEMAPHORE reads return 1 and decrement; readable until 0.
TYPED_TEST(Devices, EventfdSemaphoreReadReturnsOneAndStaysReadable)
{
	int efd = this->k.eventfd(3, EFD_NONBLOCK | EFD_SEMAPHORE);
	EXPECT_EQ(this->efd_read(efd), 1u);
	EXPECT_EQ(this->poll_mask(efd, POLLIN | POLLOUT), POLLIN | POLLOUT);
	EXPECT_EQ(this->efd_read(efd), 1u);
	EXPECT_EQ(this->efd_read(efd), 1u);
	EXPECT_EQ(this->poll_mask(efd, POLLIN | POLLOUT), POLLOUT);
	uint64_t v;
	EXPECT_ERRNO(this->k.read(efd, &v, 8), EAGAIN);
}

// §8.2: a plain read returns the whole count and zeroes it; at 0 a
// non-blocking read is EAGAIN.
TYPED_TEST(Devices, EventfdReadReturnsCountThenEagain)
{
	int efd = this->k.eventfd(0, EFD_NONBLOCK);
	uint64_t v;
	EXPECT_ERRNO(this->k.read(efd, &v, 8), EAGAIN);
	this->efd_write(efd, 5);
	this->efd_write(efd, 7);
	EXPECT_EQ(this->efd_read(efd), 12u);
	EXPECT_ERRNO(this->k.read(efd, &v, 8), EAGAIN);
}

// §8.2: eventfd accepts only EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE.
TYPED_TEST(Devices, EventfdBadFlagsIsEinval)
{
	EXPECT_ERRNO(this->k.eventfd(0, O_APPEND), EINVAL);
	EXPECT_ERRNO(this->k.eventfd(0, ~0), EINVAL);
	EXPECT_ERRNO(this->k.eventfd(0, EFD_NONBLOCK | 0x4), EINVAL);
}

// ===== §8.3 AF_UNIX stream socketpair =====================================

// §8.3: a fresh socketpair: both ends writable only.
TYPED_TEST(Devices, UnixFreshSocketpairBothOutOnly)
{
	int sv[2];
	this->new_socketpair(sv);
	EXPECT_EQ(this->all_mask(sv[0]), POLLOUT);
	EXPECT_EQ(this->all_mask(sv[1]), POLLOUT);
	EXPECT_EQ(this->poll_mask(sv[0], POLLOUT | POLLWRNORM | POLLWRBAND),
		  POLLOUT | POLLWRNORM | POLLWRBAND);
}

// §8.3 wakeups: every send calls the peer's sk_data_ready → a new ET IN per
// write; the writer's own items get nothing from its writes.
TYPED_TEST(Devices, UnixEveryWriteGivesPeerNewEtIn)
{
	int sv[2];
	this->new_socketpair(sv);
	int ep_rd = this->new_epoll(), ep_wr = this->new_epoll();
	ASSERT_EQ(this->add(ep_rd, sv[1], EPOLLIN | EPOLLRDHUP | EPOLLET, 0xB), 0);
	ASSERT_EQ(this->add(ep_wr, sv[0], EPOLLOUT | EPOLLET, 0xA), 0);
	EXPECT_TRUE(this->wait_data(ep_rd).empty());
	EXPECT_EQ(this->wait_data(ep_wr), std::vector<uint64_t>{0xA});

	ASSERT_EQ(this->write_n(sv[0], 1), 1);
	auto evs = this->wait_events(ep_rd);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN});
	ASSERT_EQ(this->write_n(sv[0], 1), 1);
	EXPECT_EQ(this->wait_data(ep_rd), std::vector<uint64_t>{0xB}) << "already readable";
	EXPECT_TRUE(this->wait_data(ep_wr).empty());
}

// §8.3 wakeups: each skb the peer consumes calls unix_write_space → writer
// ET OUT event while it is writable (1-byte skbs: one event per read).
TYPED_TEST(Devices, UnixPeerReadGivesWriterOutEventPerSkb)
{
	int sv[2];
	this->new_socketpair(sv);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, sv[0], EPOLLOUT | EPOLLET, 0xA), 0);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{0xA});
	ASSERT_EQ(this->write_n(sv[0], 1), 1);
	ASSERT_EQ(this->write_n(sv[0], 1), 1);
	EXPECT_TRUE(this->wait_data(ep).empty());

	for (int i = 0; i < 2; ++i) {
		EXPECT_EQ(this->read_n(sv[1], 1), 1);
		auto evs = this->wait_events(ep);
		ASSERT_EQ(evs.size(), 1u) << "read " << i;
		EXPECT_EQ(evs[0].events, uint32_t{EPOLLOUT});
	}
}

// §8.3: with the default SO_SNDBUF (212992) 4096-byte writes stop at 180224
// bytes (44 skbs); the full writer polls as nothing, the reader as IN|OUT.
TYPED_TEST(Devices, UnixStreamHolds180224BytesOf4096ByteWrites)
{
	int sv[2];
	this->new_socketpair(sv);
	EXPECT_EQ(this->fill(sv[0], 4096), 180224);
	EXPECT_ERRNO(this->write_n(sv[0], 4096), EAGAIN);
	EXPECT_ERRNO(this->write_n(sv[0], 1), EAGAIN);
	EXPECT_EQ(this->all_mask(sv[0]), 0);
	EXPECT_EQ(this->all_mask(sv[1]), POLLIN | POLLOUT);
	EXPECT_EQ(this->drain(sv[1]), 180224);
}

// §8.3: one-byte writes are charged a whole skb each: 278 fit (measured on
// 6.18.44 with the default SO_SNDBUF).
TYPED_TEST(Devices, UnixStreamHolds278OneByteWrites)
{
	int sv[2];
	this->new_socketpair(sv);
	EXPECT_EQ(this->fill(sv[0], 1), 278);
	EXPECT_EQ(this->all_mask(sv[0]), 0);
	EXPECT_EQ(this->drain(sv[1]), 278);
	EXPECT_EQ(this->all_mask(sv[0]), POLLOUT);
}

// §8.3 unix_write_space: draining a full socket in 4 KiB reads gives no OUT
// event until at most sndbuf/4 is in flight (after 139264 bytes, 10 skbs
// left), then one per consumed skb: 11 events in all.
TYPED_TEST(Devices, UnixDrainingFullSocketGivesOutPerSkbBelowQuarterSndbuf)
{
	int sv[2];
	this->new_socketpair(sv);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, sv[0], EPOLLOUT | EPOLLET, 0xA), 0);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{0xA}) << "writable at ADD";
	ASSERT_EQ(this->fill(sv[0], 4096), 180224);
	EXPECT_TRUE(this->wait_data(ep).empty()) << "own writes wake nothing";

	long got = 0, first_event_at = -1;
	int events = 0;
	for (int i = 0; i < 100; ++i) {	// bound: 44 skbs
		ssize_t r = this->read_n(sv[1], 4096);
		if (r <= 0)
			break;
		got += r;
		if (!this->wait_data(ep).empty()) {
			if (events++ == 0)
				first_event_at = got;
		}
	}
	EXPECT_EQ(got, 180224);
	EXPECT_EQ(first_event_at, 139264);
	EXPECT_EQ(events, 11);
}

// §8.3 observed masks: shutdown(A, SHUT_WR) → A OUT (unix_writable ignores
// shutdown), B IN|OUT|RDHUP; B reads EOF; A writing is EPIPE.
TYPED_TEST(Devices, UnixShutWrMasks)
{
	int sv[2];
	this->new_socketpair(sv);
	ASSERT_EQ(this->k.shutdown(sv[0], SHUT_WR), 0);
	EXPECT_EQ(this->all_mask(sv[0]), POLLOUT);
	EXPECT_EQ(this->all_mask(sv[1]), POLLIN | POLLOUT | POLLRDHUP);
	EXPECT_EQ(this->read_n(sv[1], 10), 0) << "read after peer SHUT_WR";
	EXPECT_ERRNO(this->write_n(sv[0], 1), EPIPE);
}

// §8.3 observed masks: shutdown(A, SHUT_RD) → A IN|OUT|RDHUP, B OUT.
TYPED_TEST(Devices, UnixShutRdMasks)
{
	int sv[2];
	this->new_socketpair(sv);
	ASSERT_EQ(this->k.shutdown(sv[0], SHUT_RD), 0);
	EXPECT_EQ(this->all_mask(sv[0]), POLLIN | POLLOUT | POLLRDHUP);
	EXPECT_EQ(this->all_mask(sv[1]), POLLOUT);
	EXPECT_EQ(this->read_n(sv[0], 10), 0);
}

// §8.3 observed masks: shutdown(A, SHUT_RDWR) → both IN|OUT|HUP|RDHUP.
TYPED_TEST(Devices, UnixShutRdwrMasks)
{
	int sv[2];
	this->new_socketpair(sv);
	ASSERT_EQ(this->k.shutdown(sv[0], SHUT_RDWR), 0);
	EXPECT_EQ(this->all_mask(sv[0]), POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	EXPECT_EQ(this->all_mask(sv[1]), POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
}

// §8.3: shutting down both directions in two calls gives the same HUP.
TYPED_TEST(Devices, UnixShutWrThenShutRdIsHup)
{
	int sv[2];
	this->new_socketpair(sv);
	ASSERT_EQ(this->k.shutdown(sv[0], SHUT_WR), 0);
	ASSERT_EQ(this->k.shutdown(sv[0], SHUT_RD), 0);
	EXPECT_EQ(this->all_mask(sv[0]), POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
}

// §8.3: shutdown() calls sk_state_change with no key, which wakes every
// hooked item: the peer's OUT-only ET item gets a new OUT event.
TYPED_TEST(Devices, UnixShutdownWakesPeerRegardlessOfInterest)
{
	int sv[2];
	this->new_socketpair(sv);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, sv[1], EPOLLOUT | EPOLLET, 2), 0);
	EXPECT_EQ(this->wait_data(ep), std::vector<uint64_t>{2});
	ASSERT_EQ(this->k.shutdown(sv[0], SHUT_WR), 0);
	auto evs = this->wait_events(ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLOUT});
}

// §8.3: after close(A), B is IN|OUT|HUP|RDHUP; reads see EOF, writes EPIPE.
TYPED_TEST(Devices, UnixPeerCloseMasks)
{
	int sv[2];
	this->new_socketpair(sv);
	ASSERT_EQ(this->k.close(sv[0]), 0);
	EXPECT_EQ(this->all_mask(sv[1]), POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	EXPECT_EQ(this->read_n(sv[1], 10), 0);
	EXPECT_ERRNO(this->write_n(sv[1], 10), EPIPE);
}

// §8.3: closing A while its receive queue holds unread data resets B: ERR is
// added (sk_err = ECONNRESET); the first read returns ECONNRESET and clears it.
TYPED_TEST(Devices, UnixPeerCloseWithUnreadDataGivesErr)
{
	int sv[2];
	this->new_socketpair(sv);
	ASSERT_EQ(this->write_n(sv[1], 6), 6);	// unread by sv[0]
	ASSERT_EQ(this->k.close(sv[0]), 0);
	EXPECT_EQ(this->all_mask(sv[1]), POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP);
	EXPECT_ERRNO(this->read_n(sv[1], 10), ECONNRESET);
	EXPECT_EQ(this->all_mask(sv[1]), POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	EXPECT_EQ(this->read_n(sv[1], 10), 0);
}

// §8.3: with interest IN only, the peer's close is reported as IN|HUP (RDHUP
// filtered out by the interest, HUP always reported).
TYPED_TEST(Devices, UnixPeerCloseWithInInterestIsInHup)
{
	int sv[2];
	this->new_socketpair(sv);
	int ep = this->new_epoll();
	ASSERT_EQ(this->add(ep, sv[1], EPOLLIN, 4), 0);
	EXPECT_TRUE(this->wait_data(ep).empty());
	ASSERT_EQ(this->k.close(sv[0]), 0);
	auto evs = this->wait_events(ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN | EPOLLHUP});
}

// shutdown(2): `how` outside SHUT_RD..SHUT_RDWR is EINVAL; a non-socket is
// ENOTSOCK, checked before `how`.
TYPED_TEST(Devices, ShutdownArgumentErrors)
{
	int sv[2], p[2];
	this->new_socketpair(sv);
	this->new_pipe(p);
	EXPECT_ERRNO(this->k.shutdown(sv[0], 3), EINVAL);
	EXPECT_ERRNO(this->k.shutdown(sv[0], -1), EINVAL);
	EXPECT_ERRNO(this->k.shutdown(p[0], SHUT_RD), ENOTSOCK);
	EXPECT_ERRNO(this->k.shutdown(p[0], 7), ENOTSOCK);
	EXPECT_EQ(this->all_mask(sv[0]), POLLOUT) << "failed shutdowns changed nothing";
}

// socketpair(2): AF_INET has no socketpair (EOPNOTSUPP); AF_UNIX stream takes
// no protocol but 0 (EPROTONOSUPPORT).
TYPED_TEST(Devices, SocketpairArgumentErrors)
{
	int sv[2];
	EXPECT_ERRNO(this->k.socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	EXPECT_ERRNO(this->k.socketpair(AF_UNIX, SOCK_STREAM, 5, sv), EPROTONOSUPPORT);
}

} // namespace epsim::test
