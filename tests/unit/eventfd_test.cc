// SPDX-License-Identifier: GPL-2.0-only
//
// Tests for sim/eventfd.h against the behaviour measured on Linux 6.18
// (kernel-semantics.md §8.2, kernel-probes/t_dev.c): flags, poll masks at
// 0, >0 and ULLONG_MAX-1, every EINVAL/EAGAIN, the wake keys of write
// (IN, even for 0), read (OUT) and release (HUP), semaphore mode, fdinfo
// text and eventfd-id numbering, blocking through a one-task scheduler,
// and the E1 invariant.  Every step ends with the file's verify op.
#include "sim/eventfd.h"

#include <fcntl.h>
#include <sys/eventfd.h>

#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/invariant.h"
#include "tests/unit/device_support.h"

namespace {

using namespace epsim;
using namespace epsim::kern;

using namespace epsim::test::device;

// ---- eventfd fixture ----

class EventfdTest : public ::testing::Test {
protected:
	file *open_efd(unsigned count, int flags)
	{
		file *f = nullptr;

		EXPECT_EQ(sim::eventfd_create(&k, count, flags, &f), 0);
		files.push_back(f);
		verify(f);
		return f;
	}
	void close_efd(file *f)
	{
		std::erase(files, f);
		fput(f);
	}
	void TearDown() override
	{
		watch.unhook();
		for (file *f : files)
			fput(f);
	}
	ssize_t put(file *f, u64 v)
	{
		ssize_t r = do_write(f, &v, sizeof(v));
		verify(f);
		return r;
	}
	// The value read, or the negative errno as a u64 (compare with err()).
	u64 get(file *f)
	{
		u64 v = 0;
		ssize_t r = do_read(f, &v, sizeof(v));
		verify(f);
		if (r < 0)
			return static_cast<u64>(r);
		EXPECT_EQ(r, 8);
		return v;
	}
	static u64 err(int e) { return static_cast<u64>(static_cast<ssize_t>(-e)); }
	static sim::eventfd_ctx *ctx(file *f) { return sim::eventfd_ctx_fileget(f); }
	static std::string fdinfo(file *f)
	{
		std::string s;
		f->f_op->show_fdinfo(f, &s);
		return s;
	}

	kernel_state k;
	std::vector<file *> files;
	Watcher watch;
};

TEST_F(EventfdTest, CreateAcceptsSemaphoreNonblockAndCloexecOnly)
{
	file *f;

	EXPECT_EQ(sim::eventfd_create(&k, 0, 2, &f), -EINVAL);
	EXPECT_EQ(sim::eventfd_create(&k, 0, O_DIRECT, &f), -EINVAL);
	EXPECT_EQ(sim::eventfd_create(&k, 0, -1, &f), -EINVAL);
	f = open_efd(7, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	// anon_inode files keep only the access mode and O_NONBLOCK.
	EXPECT_EQ(f->f_flags, unsigned(O_RDWR | O_NONBLOCK));
	EXPECT_EQ(f->f_mode, FMODE_READ | FMODE_WRITE);
	EXPECT_EQ(ctx(f)->count, 7u);
	file *g = open_efd(0, 0);
	EXPECT_EQ(g->f_flags, unsigned(O_RDWR));
	// Every anon_inode file shares the one anonymous inode.
	EXPECT_EQ(f->i_ino, 1038u);
	EXPECT_EQ(g->i_ino, 1038u);
	EXPECT_EQ(f->s_dev, 0x10u);
}

TEST_F(EventfdTest, PollMaskFollowsTheCount)
{
	file *f = open_efd(0, EFD_NONBLOCK);

	EXPECT_EQ(vfs_poll(f, nullptr), EPOLLOUT);
	EXPECT_EQ(put(f, 5), 8);
	EXPECT_EQ(vfs_poll(f, nullptr), EPOLLIN | EPOLLOUT);
	EXPECT_EQ(get(f), 5u);
	EXPECT_EQ(put(f, ULLONG_MAX - 1), 8);
	EXPECT_EQ(vfs_poll(f, nullptr), EPOLLIN);	// no OUT at the limit
	EXPECT_EQ(ctx(f)->count, ULLONG_MAX - 1);
}

TEST_F(EventfdTest, WritesCheckSizeValueAndLimit)
{
	file *f = open_efd(0, EFD_NONBLOCK);
	u64 v = 1;

	EXPECT_EQ(do_write(f, &v, 7), -EINVAL);
	EXPECT_EQ(do_write(f, &v, 0), -EINVAL);
	EXPECT_EQ(put(f, ULLONG_MAX), -EINVAL);
	EXPECT_EQ(k.cov[COV_EVENTFD_LIMIT], 0u);
	EXPECT_EQ(put(f, ULLONG_MAX - 3), 8);
	EXPECT_EQ(put(f, 3), -EAGAIN);	// would reach ULLONG_MAX
	EXPECT_EQ(k.cov[COV_EVENTFD_LIMIT], 1u);
	EXPECT_EQ(put(f, 2), 8);	// exactly ULLONG_MAX - 1
	EXPECT_EQ(put(f, 1), -EAGAIN);
	EXPECT_EQ(put(f, 0), 8);	// adding 0 always fits
	// Writes take exactly 8 bytes on 6.18 (9 and 16 measured EINVAL).
	u64 two[2] = {0, 99};
	EXPECT_EQ(do_write(f, two, 9), -EINVAL);
	EXPECT_EQ(do_write(f, two, sizeof(two)), -EINVAL);
	EXPECT_EQ(ctx(f)->count, ULLONG_MAX - 1);
}

TEST_F(EventfdTest, ReadsReturnAndClearTheCount)
{
	file *f = open_efd(0, EFD_NONBLOCK);
	u64 v;

	EXPECT_EQ(get(f), err(EAGAIN));
	EXPECT_EQ(do_read(f, &v, 7), -EINVAL);
	EXPECT_EQ(put(f, 3), 8);
	EXPECT_EQ(put(f, 4), 8);
	EXPECT_EQ(do_read(f, &v, 7), -EINVAL);	// size checked before the count
	// A longer read buffer is fine: 8 bytes come back.
	u64 two[2] = {0, 99};
	EXPECT_EQ(do_read(f, two, sizeof(two)), 8);
	EXPECT_EQ(two[0], 7u);
	EXPECT_EQ(two[1], 99u);
	EXPECT_EQ(put(f, 7), 8);
	EXPECT_EQ(get(f), 7u);
	EXPECT_EQ(get(f), err(EAGAIN));
}

TEST_F(EventfdTest, SemaphoreReadsReturnOneAndDecrement)
{
	file *f = open_efd(3, EFD_NONBLOCK | EFD_SEMAPHORE);

	EXPECT_EQ(get(f), 1u);
	EXPECT_EQ(vfs_poll(f, nullptr), EPOLLIN | EPOLLOUT);
	EXPECT_EQ(get(f), 1u);
	EXPECT_EQ(get(f), 1u);
	EXPECT_EQ(get(f), err(EAGAIN));
	EXPECT_EQ(vfs_poll(f, nullptr), EPOLLOUT);
}

TEST_F(EventfdTest, EveryWriteWakesWithInAndEveryReadWithOut)
{
	file *f = open_efd(0, EFD_NONBLOCK);

	EXPECT_EQ(watch.watch(f), EPOLLOUT);
	EXPECT_EQ(put(f, 0), 8);	// wakes even though nothing changed
	EXPECT_EQ(put(f, 5), 8);
	EXPECT_EQ(put(f, 0), 8);
	EXPECT_EQ(watch.take(), (std::vector<__poll_t>{EPOLLIN, EPOLLIN, EPOLLIN}));
	EXPECT_EQ(get(f), 5u);
	EXPECT_EQ(watch.take(), std::vector<__poll_t>{EPOLLOUT});
	// Failed calls wake nobody.
	EXPECT_EQ(get(f), err(EAGAIN));
	EXPECT_EQ(put(f, ULLONG_MAX), -EINVAL);
	EXPECT_TRUE(watch.take().empty());
}

TEST_F(EventfdTest, ReleaseWakesWithHup)
{
	file *f = open_efd(0, EFD_NONBLOCK);
	std::vector<__poll_t> keys;
	Hook h;

	// A bare entry (not epoll's: __fput would have unhooked that).
	init_waitqueue_func_entry(&h.wait, hook_wake);
	h.wait.priv = &h;
	h.whead = &ctx(f)->wqh;
	h.keys = &keys;
	add_wait_queue(&ctx(f)->wqh, &h.wait);
	close_efd(f);
	EXPECT_EQ(keys, std::vector<__poll_t>{EPOLLHUP});
	// The queue went with the ctx; nothing to unlink from.
}

TEST_F(EventfdTest, FdinfoPrintsCountIdAndSemaphore)
{
	file *a = open_efd(5, EFD_SEMAPHORE);
	file *b = open_efd(0, 0);

	EXPECT_EQ(fdinfo(a), "eventfd-count:                5\n"
			     "eventfd-id: 0\n"
			     "eventfd-semaphore: 1\n");
	EXPECT_EQ(fdinfo(b), "eventfd-count:                0\n"
			     "eventfd-id: 1\n"
			     "eventfd-semaphore: 0\n");
	EXPECT_EQ(put(b, 0xabcdef), 8);
	EXPECT_EQ(fdinfo(b).substr(0, 31), "eventfd-count:           abcdef");
	// ida_alloc hands out the lowest free id.
	close_efd(a);
	file *c = open_efd(0, 0);
	EXPECT_EQ(ctx(c)->id, 0);
	file *d = open_efd(0, 0);
	EXPECT_EQ(ctx(d)->id, 2);
}

TEST_F(EventfdTest, IdsArePerSimulatedMachine)
{
	kernel_state other;
	file *a = open_efd(0, 0);
	file *b;

	ASSERT_EQ(sim::eventfd_create(&other, 0, 0, &b), 0);
	EXPECT_EQ(ctx(a)->id, 0);
	EXPECT_EQ(ctx(b)->id, 0);
	fput(b);
}

// ---- blocking ----

TEST_F(EventfdTest, BlockingReadOfZeroDeadlocksWithOneTask)
{
	OneTaskScheduler s;

	k.sched = &s;
	file *f = open_efd(0, 0);
	try {
		get(f);
		FAIL() << "no deadlock_error";
	} catch (const deadlock_error &e) {
		EXPECT_NE(std::string(e.what()).find("eventfd_read"), std::string::npos);
	}
	EXPECT_EQ(wait_verify(&ctx(f)->wqh), 0u);
	ASSERT_EQ(put(f, ULLONG_MAX - 1), 8);
	EXPECT_THROW(put(f, 1), deadlock_error);
	EXPECT_EQ(wait_verify(&ctx(f)->wqh), 0u);
}

TEST_F(EventfdTest, SleepingNeedsAScheduler)
{
	file *f = open_efd(0, 0);

	EXPECT_THROW(get(f), deadlock_error);
}

TEST_F(EventfdTest, BlockedReaderIsWokenByAWrite)
{
	OneTaskScheduler s;

	k.sched = &s;
	file *f = open_efd(0, 0);
	watch.watch(f);
	s.on_sleep = [&] {
		EXPECT_EQ(wait_verify(&ctx(f)->wqh), 2u);	// the hook and the reader
		EXPECT_EQ(put(f, 9), 8);
	};
	EXPECT_EQ(get(f), 9u);
	EXPECT_EQ(s.sleeps, 1);
	// The write woke with IN, the read with OUT.
	EXPECT_EQ(watch.take(), (std::vector<__poll_t>{EPOLLIN, EPOLLOUT}));
}

TEST_F(EventfdTest, BlockedWriterIsWokenByARead)
{
	OneTaskScheduler s;

	k.sched = &s;
	file *f = open_efd(0, 0);
	ASSERT_EQ(put(f, ULLONG_MAX - 2), 8);
	s.on_sleep = [&] { EXPECT_EQ(get(f), ULLONG_MAX - 2); };
	EXPECT_EQ(put(f, 10), 8);
	EXPECT_EQ(ctx(f)->count, 10u);
}

TEST_F(EventfdTest, SignalInterruptsBlockedCalls)
{
	OneTaskScheduler s;

	k.sched = &s;
	file *f = open_efd(0, 0);
	s.on_sleep = [&s] { s.send_signal(); };
	EXPECT_EQ(get(f), err(EINTR));
	s.task.sigpending = false;
	ASSERT_EQ(put(f, ULLONG_MAX - 1), 8);
	s.on_sleep = [&s] { s.send_signal(); };
	EXPECT_EQ(put(f, 1), -EINTR);
	EXPECT_EQ(wait_verify(&ctx(f)->wqh), 0u);
}

// ---- invariants ----

TEST_F(EventfdTest, VerifyCatchesACountAtUllongMax)
{
	file *f = open_efd(0, 0);

	// Only the in-kernel eventfd_signal can get there; writes never do.
	ctx(f)->count = ULLONG_MAX;
	EXPECT_EQ(vfs_poll(f, nullptr), EPOLLIN | EPOLLERR);
	try {
		f->f_op->verify(f);
		FAIL() << "E1 not detected";
	} catch (const invariant_violation &e) {
		EXPECT_EQ(e.id(), "E1");
	}
	ctx(f)->count = 0;
}

} // namespace
