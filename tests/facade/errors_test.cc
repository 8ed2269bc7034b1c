// SPDX-License-Identifier: GPL-2.0-only
//
// Facade tests: argument validation and errno precedence of epoll_create,
// epoll_create1, epoll_ctl and epoll_wait, plus the fd-table errors the
// other tests rely on (close/dup/dup2 of bad fds, read/write on an epfd).
// Sections cited are those of kernel-semantics.md; every expectation was
// checked on Linux 6.18.44 (HostKernel runs).
#include <climits>
#include <cstring>

#include "tests/facade/backends.h"

namespace epsim::test {

// EP_MAX_EVENTS = INT_MAX / sizeof(struct epoll_event) (178956970 on x86-64,
// where the struct is packed to 12 bytes) (§1).
constexpr int kEpMaxEvents = static_cast<int>(INT_MAX / sizeof(epoll_event));

// An fd number that no test opens (both backends start far below it).
constexpr int kUnopenedFd = 999;

template <class K> class Errors : public Facade<K> {
protected:
	// A fresh epoll fd, a non-blocking eventfd and a non-blocking pipe.
	void SetUp() override
	{
		ep = this->k.epoll_create1(0);
		ASSERT_GE(ep, 0);
		efd = this->k.eventfd(0, EFD_NONBLOCK);
		ASSERT_GE(efd, 0);
		ASSERT_EQ(this->k.pipe2(pipefd, O_NONBLOCK), 0);
	}

	// epoll_ctl with an event built in place.
	int ctl(int epfd, int op, int fd, uint32_t events)
	{
		epoll_event e{};
		e.events = events;
		e.data.u64 = 1;
		return this->k.epoll_ctl(epfd, op, fd, &e);
	}

	int ep = -1;
	int efd = -1;
	int pipefd[2] = {-1, -1};
};
TYPED_TEST_SUITE(Errors, Backends, BackendNames);

// ---- epoll_create / epoll_create1 (§4.1) ----

TYPED_TEST(Errors, EpollCreateRejectsNonPositiveSize)
{
	auto &k = this->k;
	EXPECT_ERRNO(k.epoll_create(0), EINVAL);
	EXPECT_ERRNO(k.epoll_create(-1), EINVAL);
	EXPECT_ERRNO(k.epoll_create(INT_MIN), EINVAL);
}

TYPED_TEST(Errors, EpollCreateIgnoresPositiveSize)
{
	auto &k = this->k;
	for (int size : {1, 1000, INT_MAX}) {
		int ep = k.epoll_create(size);
		ASSERT_GE(ep, 0) << "size " << size;
		epoll_event out[1];
		EXPECT_EQ(k.epoll_wait(ep, out, 1, 0), 0);
		EXPECT_EQ(k.close(ep), 0);
	}
}

TYPED_TEST(Errors, EpollCreate1RejectsEveryFlagButCloexec)
{
	auto &k = this->k;
	EXPECT_ERRNO(k.epoll_create1(1), EINVAL);
	EXPECT_ERRNO(k.epoll_create1(O_NONBLOCK), EINVAL);
	EXPECT_ERRNO(k.epoll_create1(EPOLL_CLOEXEC | O_NONBLOCK), EINVAL);
	EXPECT_ERRNO(k.epoll_create1(-1), EINVAL);
}

TYPED_TEST(Errors, EpollCreate1AcceptsCloexec)
{
	auto &k = this->k;
	int ep = k.epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(ep, 0);
	EXPECT_EQ(this->add(ep, this->efd, EPOLLOUT, 5), 0);
	auto got = this->wait_data(ep);
	EXPECT_EQ(got, std::vector<uint64_t>{5});
}

// ---- epoll_ctl (§4.2) ----

// Step 0: every op but DEL copies the event before any fd is looked up.
TYPED_TEST(Errors, CtlNullEventFaultsBeforeAnyOtherCheck)
{
	auto &k = this->k;
	const int ep = this->ep, efd = this->efd;
	EXPECT_ERRNO(k.epoll_ctl(ep, EPOLL_CTL_ADD, efd, nullptr), EFAULT);
	EXPECT_ERRNO(k.epoll_ctl(ep, EPOLL_CTL_MOD, efd, nullptr), EFAULT);
	// Unknown ops are treated as having an event, so they fault first too.
	EXPECT_ERRNO(k.epoll_ctl(ep, 99, efd, nullptr), EFAULT);
	EXPECT_ERRNO(k.epoll_ctl(ep, 0, efd, nullptr), EFAULT);
	// Bad epfd and bad fd lose against the fault.
	EXPECT_ERRNO(k.epoll_ctl(-1, EPOLL_CTL_ADD, -1, nullptr), EFAULT);
	EXPECT_ERRNO(k.epoll_ctl(kUnopenedFd, EPOLL_CTL_MOD, kUnopenedFd, nullptr), EFAULT);
	EXPECT_ERRNO(k.epoll_ctl(-1, 99, -1, nullptr), EFAULT);
	// Not-an-epoll and add-self lose against it as well.
	EXPECT_ERRNO(k.epoll_ctl(this->pipefd[0], EPOLL_CTL_ADD, efd, nullptr), EFAULT);
	EXPECT_ERRNO(k.epoll_ctl(ep, EPOLL_CTL_ADD, ep, nullptr), EFAULT);
}

// Step 0 does not apply to DEL: it reaches the fd checks.
TYPED_TEST(Errors, CtlDelWithNullEventReachesFdChecks)
{
	auto &k = this->k;
	EXPECT_ERRNO(k.epoll_ctl(-1, EPOLL_CTL_DEL, -1, nullptr), EBADF);
	EXPECT_ERRNO(k.epoll_ctl(this->ep, EPOLL_CTL_DEL, this->efd, nullptr), ENOENT);
}

TYPED_TEST(Errors, CtlDelNeverReadsTheEventPointer)
{
	auto &k = this->k;
	ASSERT_EQ(this->add(this->ep, this->efd, EPOLLIN, 1), 0);
	auto *garbage = reinterpret_cast<epoll_event *>(uintptr_t{1});
	EXPECT_EQ(k.epoll_ctl(this->ep, EPOLL_CTL_DEL, this->efd, garbage), 0);
	// It really was removed.
	EXPECT_ERRNO(k.epoll_ctl(this->ep, EPOLL_CTL_DEL, this->efd, garbage), ENOENT);
}

// Step 1.
TYPED_TEST(Errors, CtlBadEpfdIsEbadf)
{
	for (int op : {EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL}) {
		EXPECT_ERRNO(this->ctl(-1, op, this->efd, EPOLLIN), EBADF);
		EXPECT_ERRNO(this->ctl(kUnopenedFd, op, this->efd, EPOLLIN), EBADF);
	}
	// A bad epfd wins over a bad fd.
	EXPECT_ERRNO(this->ctl(-1, EPOLL_CTL_ADD, this->pipefd[0], EPOLLIN), EBADF);
}

// Step 2.
TYPED_TEST(Errors, CtlBadTargetFdIsEbadf)
{
	for (int op : {EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL}) {
		EXPECT_ERRNO(this->ctl(this->ep, op, -1, EPOLLIN), EBADF);
		EXPECT_ERRNO(this->ctl(this->ep, op, kUnopenedFd, EPOLLIN), EBADF);
	}
	// A bad fd wins over "epfd is not an epoll".
	EXPECT_ERRNO(this->ctl(this->pipefd[0], EPOLL_CTL_ADD, -1, EPOLLIN), EBADF);
}

// Step 3 and §8.6: a file without ->poll cannot be watched.
TYPED_TEST(Errors, CtlOnFileWithoutPollIsEperm)
{
	auto &k = this->k;
	int null_fd = k.open("/dev/null", O_RDONLY);
	ASSERT_GE(null_fd, 0);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_ADD, null_fd, EPOLLIN), EPERM);
	// Also for MOD and DEL: the check precedes the lookup.
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_MOD, null_fd, EPOLLIN), EPERM);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_DEL, null_fd, EPOLLIN), EPERM);
}

// Step 3 before step 5.
TYPED_TEST(Errors, CtlEpermTakesPrecedenceOverNonEpollEpfd)
{
	auto &k = this->k;
	int null_fd = k.open("/dev/null", O_RDONLY);
	ASSERT_GE(null_fd, 0);
	EXPECT_ERRNO(this->ctl(this->pipefd[0], EPOLL_CTL_ADD, null_fd, EPOLLIN), EPERM);
	EXPECT_ERRNO(this->ctl(this->efd, EPOLL_CTL_ADD, null_fd, EPOLLIN), EPERM);
	// /dev/null as the epfd too.
	EXPECT_ERRNO(this->ctl(null_fd, EPOLL_CTL_ADD, null_fd, EPOLLIN), EPERM);
}

// Step 5.
TYPED_TEST(Errors, CtlOnNonEpollEpfdIsEinval)
{
	for (int op : {EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL}) {
		EXPECT_ERRNO(this->ctl(this->pipefd[0], op, this->efd, EPOLLIN), EINVAL);
		EXPECT_ERRNO(this->ctl(this->efd, op, this->pipefd[1], EPOLLIN), EINVAL);
	}
	// A pollable file "watching itself" through a non-epoll epfd.
	EXPECT_ERRNO(this->ctl(this->efd, EPOLL_CTL_ADD, this->efd, EPOLLIN), EINVAL);
}

// Step 5: epfd file == target file.
TYPED_TEST(Errors, CtlAddingAnEpollToItselfIsEinval)
{
	auto &k = this->k;
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_ADD, this->ep, EPOLLIN), EINVAL);
	// The comparison is by file, not fd number: a dup of the epfd is the same file.
	int ep_dup = k.dup(this->ep);
	ASSERT_GE(ep_dup, 0);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_ADD, ep_dup, EPOLLIN), EINVAL);
}

// Step 10a.
TYPED_TEST(Errors, CtlAddOfRegisteredFdIsEexist)
{
	ASSERT_EQ(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, EPOLLIN), 0);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, EPOLLIN), EEXIST);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, EPOLLOUT | EPOLLET), EEXIST);
}

// Steps 10b and 10c.
TYPED_TEST(Errors, CtlDelOrModOfUnregisteredFdIsEnoent)
{
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_DEL, this->efd, EPOLLIN), ENOENT);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_MOD, this->efd, EPOLLIN), ENOENT);
	// After a DEL the fd is unregistered again.
	ASSERT_EQ(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, EPOLLIN), 0);
	ASSERT_EQ(this->ctl(this->ep, EPOLL_CTL_DEL, this->efd, EPOLLIN), 0);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_DEL, this->efd, EPOLLIN), ENOENT);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_MOD, this->efd, EPOLLIN), ENOENT);
}

// Step 10d: an unknown op is EINVAL, registered or not.
TYPED_TEST(Errors, CtlUnknownOpIsEinval)
{
	for (int op : {0, 4, 99, -1}) {
		EXPECT_ERRNO(this->ctl(this->ep, op, this->efd, EPOLLIN), EINVAL);
	}
	ASSERT_EQ(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, EPOLLIN), 0);
	for (int op : {0, 4, 99, -1}) {
		EXPECT_ERRNO(this->ctl(this->ep, op, this->efd, EPOLLIN), EINVAL);
	}
}

// Step 10d is checked only after the fds were validated.
TYPED_TEST(Errors, CtlUnknownOpWithBadFdIsEbadf)
{
	EXPECT_ERRNO(this->ctl(this->ep, 99, -5, EPOLLIN), EBADF);
	EXPECT_ERRNO(this->ctl(-1, 99, this->efd, EPOLLIN), EBADF);
	EXPECT_ERRNO(this->ctl(this->ep, 0, kUnopenedFd, EPOLLIN), EBADF);
}

// Step 10d comes after steps 3 and 5 too.
TYPED_TEST(Errors, CtlUnknownOpLosesToEpermAndNonEpollEinval)
{
	auto &k = this->k;
	int null_fd = k.open("/dev/null", O_RDONLY);
	ASSERT_GE(null_fd, 0);
	EXPECT_ERRNO(this->ctl(this->ep, 99, null_fd, EPOLLIN), EPERM);
	EXPECT_ERRNO(this->ctl(this->pipefd[0], 99, this->efd, EPOLLIN), EINVAL);
}

// ---- EPOLLEXCLUSIVE rules (§4.2 steps 6 and 10c, §6.5) ----

TYPED_TEST(Errors, ModWithExclusiveIsEinvalEvenForUnregisteredFd)
{
	// EINVAL wins over ENOENT.
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_MOD, this->efd, EPOLLIN | EPOLLEXCLUSIVE),
		     EINVAL);
	// And over a registered, non-exclusive item.
	ASSERT_EQ(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, EPOLLIN), 0);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_MOD, this->efd, EPOLLIN | EPOLLEXCLUSIVE),
		     EINVAL);
}

TYPED_TEST(Errors, AddExclusiveOfAnEpollFdIsEinval)
{
	auto &k = this->k;
	int inner = k.epoll_create1(0);
	ASSERT_GE(inner, 0);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_ADD, inner, EPOLLIN | EPOLLEXCLUSIVE), EINVAL);
	// Without EXCLUSIVE the same ADD is fine.
	EXPECT_EQ(this->ctl(this->ep, EPOLL_CTL_ADD, inner, EPOLLIN), 0);
}

TYPED_TEST(Errors, AddExclusiveWithBitsOutsideTheAllowedSetIsEinval)
{
	for (uint32_t extra : {uint32_t{EPOLLONESHOT}, uint32_t{EPOLLRDHUP}, uint32_t{EPOLLPRI},
			       uint32_t{EPOLLRDNORM}}) {
		SCOPED_TRACE(testing::Message() << "extra bit 0x" << std::hex << extra);
		EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd,
				       EPOLLIN | EPOLLEXCLUSIVE | extra),
			     EINVAL);
	}
	// None of the failed ADDs registered anything.
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_DEL, this->efd, 0), ENOENT);
}

TYPED_TEST(Errors, AddExclusiveWithAllAllowedBitsIsAccepted)
{
	uint32_t ok_bits = EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET |
			   EPOLLEXCLUSIVE;
	EXPECT_EQ(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, ok_bits), 0);
}

TYPED_TEST(Errors, AddWithOnlyExclusiveIsAccepted)
{
	EXPECT_EQ(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, EPOLLEXCLUSIVE), 0);
}

TYPED_TEST(Errors, ModOfAnItemAddedExclusiveIsEinval)
{
	ASSERT_EQ(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, EPOLLIN | EPOLLEXCLUSIVE), 0);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_MOD, this->efd, EPOLLIN), EINVAL);
	EXPECT_ERRNO(this->ctl(this->ep, EPOLL_CTL_MOD, this->efd, EPOLLOUT | EPOLLET), EINVAL);
	// DEL is still allowed, after which the fd can be added normally and modified.
	EXPECT_EQ(this->ctl(this->ep, EPOLL_CTL_DEL, this->efd, 0), 0);
	EXPECT_EQ(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, EPOLLIN), 0);
	EXPECT_EQ(this->ctl(this->ep, EPOLL_CTL_MOD, this->efd, EPOLLOUT), 0);
}

// ---- event mask contents (§4.2 "other facts") ----

TYPED_TEST(Errors, AddAcceptsUnknownHighEventBits)
{
	EXPECT_EQ(this->ctl(this->ep, EPOLL_CTL_ADD, this->efd, 0xffffffffu & ~EPOLLEXCLUSIVE), 0);
	EXPECT_EQ(this->ctl(this->ep, EPOLL_CTL_MOD, this->efd, 0x0fff0000u), 0);
}

// ADD ORs in ERR|HUP, so events=0 still reports them (§4.2 step 10a, §8.1 release).
TYPED_TEST(Errors, AddWithNoEventsStillReportsErrAndHup)
{
	auto &k = this->k;
	int p[2], q[2];
	ASSERT_EQ(k.pipe2(p, O_NONBLOCK), 0);
	ASSERT_EQ(k.pipe2(q, O_NONBLOCK), 0);
	ASSERT_EQ(this->add(this->ep, p[1], 0, 1), 0);	// write end, reader will go away
	ASSERT_EQ(this->add(this->ep, q[0], 0, 2), 0);	// read end, writer will go away
	EXPECT_TRUE(this->wait_events(this->ep).empty());

	ASSERT_EQ(k.close(p[0]), 0);
	auto evs = this->wait_events(this->ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].data.u64, 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLERR});	// OUT is not in the interest

	ASSERT_EQ(k.close(q[1]), 0);
	evs = this->wait_events(this->ep);
	ASSERT_EQ(evs.size(), 2u);	// LT: the ERR item is reported again, first
	EXPECT_EQ(evs[0].data.u64, 1u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLERR});
	EXPECT_EQ(evs[1].data.u64, 2u);
	EXPECT_EQ(evs[1].events, uint32_t{EPOLLHUP});
}

// §7: the fd number no longer exists, so step 2 fails.
TYPED_TEST(Errors, DelAfterCloseIsEbadf)
{
	auto &k = this->k;
	int fd = k.eventfd(0, 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(this->add(this->ep, fd, EPOLLIN, 7), 0);
	ASSERT_EQ(k.close(fd), 0);
	EXPECT_ERRNO(this->del(this->ep, fd), EBADF);
	EXPECT_ERRNO(this->mod(this->ep, fd, EPOLLIN, 7), EBADF);
}

// ---- epoll_wait (§4.8 argument checks) ----

TYPED_TEST(Errors, WaitRejectsMaxeventsOutOfRange)
{
	auto &k = this->k;
	epoll_event out[4];
	EXPECT_ERRNO(k.epoll_wait(this->ep, out, 0, 0), EINVAL);
	EXPECT_ERRNO(k.epoll_wait(this->ep, out, -1, 0), EINVAL);
	EXPECT_ERRNO(k.epoll_wait(this->ep, out, INT_MIN, 0), EINVAL);
	EXPECT_ERRNO(k.epoll_wait(this->ep, out, kEpMaxEvents + 1, 0), EINVAL);
	EXPECT_ERRNO(k.epoll_wait(this->ep, out, INT_MAX, 0), EINVAL);
}

TYPED_TEST(Errors, WaitAcceptsEpMaxEvents)
{
	auto &k = this->k;
	// Nothing is ready, so nothing is copied into the 1-element buffer.  It
	// lives in static storage: the kernel still range-checks the whole
	// maxevents * 12 bytes (access_ok), and ~2 GiB past a stack buffer runs
	// off the end of the user address space (EFAULT), past a static one not.
	static epoll_event out[1];
	errno = 0;
	EXPECT_EQ(k.epoll_wait(this->ep, out, kEpMaxEvents, 0), 0) << strerrorname_np(errno);
}

TYPED_TEST(Errors, WaitChecksEpfdBeforeMaxevents)
{
	auto &k = this->k;
	epoll_event out[1];
	EXPECT_ERRNO(k.epoll_wait(-1, out, 1, 0), EBADF);
	EXPECT_ERRNO(k.epoll_wait(-1, out, 0, 0), EBADF);
	EXPECT_ERRNO(k.epoll_wait(kUnopenedFd, out, -1, 0), EBADF);
	EXPECT_ERRNO(k.epoll_wait(kUnopenedFd, nullptr, kEpMaxEvents + 1, 0), EBADF);
}

TYPED_TEST(Errors, WaitOnNonEpollFdIsEinval)
{
	auto &k = this->k;
	epoll_event out[1];
	EXPECT_ERRNO(k.epoll_wait(this->pipefd[0], out, 1, 0), EINVAL);
	EXPECT_ERRNO(k.epoll_wait(this->efd, out, 1, 0), EINVAL);
	// maxevents is also EINVAL: the errno is the same either way.
	EXPECT_ERRNO(k.epoll_wait(this->pipefd[0], out, 0, 0), EINVAL);
	int null_fd = k.open("/dev/null", O_RDONLY);
	ASSERT_GE(null_fd, 0);
	EXPECT_ERRNO(k.epoll_wait(null_fd, out, 1, 0), EINVAL);
}

TYPED_TEST(Errors, WaitWithNullBufferAndNothingReadyReturnsZero)
{
	auto &k = this->k;
	EXPECT_EQ(k.epoll_wait(this->ep, nullptr, 1, 0), 0);
	// A registered but idle item changes nothing.
	ASSERT_EQ(this->add(this->ep, this->efd, EPOLLIN, 5), 0);
	EXPECT_EQ(k.epoll_wait(this->ep, nullptr, 8, 0), 0);
}

// §4.7 step 3.4: the faulting item goes back to the head of the ready list.
TYPED_TEST(Errors, WaitWithNullBufferAndReadyItemFaultsAndKeepsTheItem)
{
	auto &k = this->k;
	ASSERT_EQ(this->add(this->ep, this->efd, EPOLLIN | EPOLLET, 5), 0);
	this->efd_write(this->efd, 1);
	EXPECT_ERRNO(k.epoll_wait(this->ep, nullptr, 1, 0), EFAULT);
	// Even an ET item is not lost.
	auto evs = this->wait_events(this->ep);
	ASSERT_EQ(evs.size(), 1u);
	EXPECT_EQ(evs[0].data.u64, 5u);
	EXPECT_EQ(evs[0].events, uint32_t{EPOLLIN});
	EXPECT_TRUE(this->wait_events(this->ep).empty());
}

// ---- the epoll file and the fd table (§4.1 step 5) ----

TYPED_TEST(Errors, ReadOrWriteOnEpollFdIsEinval)
{
	auto &k = this->k;
	char buf[8] = {};
	EXPECT_ERRNO(k.read(this->ep, buf, sizeof buf), EINVAL);
	EXPECT_ERRNO(k.write(this->ep, buf, sizeof buf), EINVAL);
	EXPECT_ERRNO(k.read(this->ep, buf, 1), EINVAL);
}

TYPED_TEST(Errors, CloseOfBadFdIsEbadf)
{
	auto &k = this->k;
	EXPECT_ERRNO(k.close(-1), EBADF);
	EXPECT_ERRNO(k.close(kUnopenedFd), EBADF);
	int fd = k.eventfd(0, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(k.close(fd), 0);
	EXPECT_ERRNO(k.close(fd), EBADF);
}

TYPED_TEST(Errors, DupOfBadFdIsEbadf)
{
	auto &k = this->k;
	EXPECT_ERRNO(k.dup(-1), EBADF);
	EXPECT_ERRNO(k.dup(kUnopenedFd), EBADF);
	EXPECT_ERRNO(k.dup2(-1, kUnopenedFd), EBADF);
	EXPECT_ERRNO(k.dup2(kUnopenedFd, this->efd), EBADF);
	// dup2 onto itself still validates the fd.
	EXPECT_ERRNO(k.dup2(kUnopenedFd, kUnopenedFd), EBADF);
	// A negative target or one at/above RLIMIT_NOFILE.
	EXPECT_ERRNO(k.dup2(this->efd, -1), EBADF);
	EXPECT_ERRNO(k.dup2(this->efd, INT_MAX), EBADF);
	// The failed dup2 left efd alone.
	EXPECT_EQ(this->add(this->ep, this->efd, EPOLLOUT, 3), 0);
	EXPECT_EQ(this->wait_data(this->ep), std::vector<uint64_t>{3});
}

TYPED_TEST(Errors, Dup2OntoItselfReturnsTheFd)
{
	auto &k = this->k;
	EXPECT_EQ(k.dup2(this->efd, this->efd), this->efd);
	// It is a no-op: the registration keyed on (file, efd) survives.
	ASSERT_EQ(this->add(this->ep, this->efd, EPOLLOUT, 4), 0);
	EXPECT_EQ(k.dup2(this->efd, this->efd), this->efd);
	EXPECT_EQ(this->wait_data(this->ep), std::vector<uint64_t>{4});
	EXPECT_EQ(this->del(this->ep, this->efd), 0);
}

} // namespace epsim::test
