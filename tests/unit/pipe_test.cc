// SPDX-License-Identifier: GPL-2.0-only
//
// Tests for sim/pipe.h against the behaviour measured on Linux 6.18
// (kernel-semantics.md §8.1, kernel-probes/t_pipe.c and t_pipe2.c): flags,
// poll masks, the merge rule and the capacities it gives, O_NONBLOCK
// atomicity, every wakeup and its key (seen through test wait entries
// hooked by ->poll, as epoll hooks them), EOF/EPIPE/EAGAIN, release,
// F_GETPIPE_SZ/F_SETPIPE_SZ, packet mode, blocking through a one-task
// scheduler, and the P1-P4 invariants.  Every step ends with the files'
// verify op.
#include "sim/pipe.h"

#include <fcntl.h>

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/invariant.h"
#include "tests/unit/device_support.h"
#include "sim/devnull.h"

namespace {

using namespace epsim;
using namespace epsim::kern;

using namespace epsim::test::device;

// ---- pipe fixture ----

constexpr __poll_t IN = EPOLLIN | EPOLLRDNORM;
constexpr __poll_t OUT = EPOLLOUT | EPOLLWRNORM;

class PipeTest : public ::testing::Test {
protected:
	void open_pipe(int flags)
	{
		ASSERT_EQ(sim::create_pipe_files(&k, flags, &rd, &wr), 0);
		pipe = sim::get_pipe_info(rd);
		check();
	}
	void TearDown() override
	{
		rd_watch.unhook();
		wr_watch.unhook();
		if (rd)
			fput(rd);
		if (wr)
			fput(wr);
	}
	void check()
	{
		if (rd)
			verify(rd);
		if (wr)
			verify(wr);
	}
	void close_rd()
	{
		rd_watch.unhook();
		fput(rd);
		rd = nullptr;
		check();
	}
	void close_wr()
	{
		wr_watch.unhook();
		fput(wr);
		wr = nullptr;
		check();
	}
	ssize_t write_n(size_t n)
	{
		ssize_t r = do_write(wr, big.data(), n);
		check();
		return r;
	}
	ssize_t read_n(size_t n)
	{
		ssize_t r = do_read(rd, sink.data(), n);
		check();
		return r;
	}

	kernel_state k;
	file *rd = nullptr;
	file *wr = nullptr;
	sim::pipe_inode_info *pipe = nullptr;
	Watcher rd_watch, wr_watch;
	std::vector<char> big = std::vector<char>(300000, 'a');
	std::vector<char> sink = std::vector<char>(300000);
};

// ---- creation ----

TEST_F(PipeTest, CreateAcceptsNonblockDirectAndCloexecOnly)
{
	file *r, *w;

	EXPECT_EQ(sim::create_pipe_files(&k, O_SYNC, &r, &w), -EINVAL);
	EXPECT_EQ(sim::create_pipe_files(&k, 0100000 /* kernel O_LARGEFILE */, &r, &w), -EINVAL);
	EXPECT_EQ(sim::create_pipe_files(&k, O_APPEND, &r, &w), -EINVAL);
	// O_NOTIFICATION_PIPE passes the flag check; this kernel lacks
	// CONFIG_WATCH_QUEUE.
	EXPECT_EQ(sim::create_pipe_files(&k, O_EXCL, &r, &w), -ENOPKG);
	for (int flags : {0, O_NONBLOCK, O_CLOEXEC, O_DIRECT, O_NONBLOCK | O_CLOEXEC | O_DIRECT}) {
		ASSERT_EQ(sim::create_pipe_files(&k, flags, &r, &w), 0) << flags;
		verify(r);
		fput(r);
		fput(w);
	}
}

TEST_F(PipeTest, BothEndsShareOnePipefsInode)
{
	unsigned long ino = k.next_ino;

	open_pipe(O_NONBLOCK | O_DIRECT | O_CLOEXEC);
	EXPECT_EQ(rd->i_ino, ino);
	EXPECT_EQ(wr->i_ino, ino);
	EXPECT_EQ(k.next_ino, ino + 1);
	EXPECT_EQ(rd->s_dev, 0xfu);
	EXPECT_EQ(wr->s_dev, 0xfu);
	EXPECT_EQ(rd->f_mode, FMODE_READ);
	EXPECT_EQ(wr->f_mode, FMODE_WRITE);
	// F_GETFL on 6.18: read end O_NONBLOCK, write end O_WRONLY|O_NONBLOCK|O_DIRECT.
	EXPECT_EQ(rd->f_flags, unsigned(O_RDONLY | O_NONBLOCK));
	EXPECT_EQ(wr->f_flags, unsigned(O_WRONLY | O_NONBLOCK | O_DIRECT));
	EXPECT_EQ(rd->f_op->show_fdinfo, nullptr);
	EXPECT_EQ(sim::get_pipe_info(wr), pipe);
}

TEST_F(PipeTest, FreshPipeOnlyWriteEndIsReady)
{
	open_pipe(O_NONBLOCK);
	EXPECT_EQ(vfs_poll(rd, nullptr), 0u);
	EXPECT_EQ(vfs_poll(wr, nullptr), OUT);
}

// ---- data and capacity ----

TEST_F(PipeTest, BytesComeOutInOrderAcrossSlots)
{
	open_pipe(O_NONBLOCK);
	std::vector<char> data(10000);

	for (size_t i = 0; i < data.size(); i++)
		data[i] = char(i * 7);
	ASSERT_EQ(do_write(wr, data.data(), 3), 3);
	ASSERT_EQ(do_write(wr, data.data() + 3, data.size() - 3), ssize_t(data.size() - 3));
	check();
	EXPECT_EQ(pipe->nr_bytes, data.size());
	EXPECT_EQ(vfs_poll(rd, nullptr), IN);
	std::vector<char> out(data.size());
	ASSERT_EQ(do_read(rd, out.data(), 5), 5);
	ASSERT_EQ(do_read(rd, out.data() + 5, out.size()), ssize_t(out.size() - 5));
	check();
	EXPECT_EQ(out, data);
	EXPECT_EQ(vfs_poll(rd, nullptr), 0u);
}

TEST_F(PipeTest, SixtyFiveThousandOneByteWritesFitByMerging)
{
	open_pipe(O_NONBLOCK);
	long tot = 0;

	for (int i = 0; i < 70000; i++) {
		ssize_t r = write_n(1);
		if (r < 0) {
			EXPECT_EQ(r, -EAGAIN);
			break;
		}
		tot += r;
	}
	EXPECT_EQ(tot, 65536);
	EXPECT_EQ(pipe->head - pipe->tail, 16u);
	EXPECT_EQ(vfs_poll(wr, nullptr), 0u);	// full: no OUT
	EXPECT_EQ(k.cov[COV_PIPE_MERGE], 65536u - 16u);
	EXPECT_GE(k.cov[COV_PIPE_FULL], 1u);
}

TEST_F(PipeTest, PageMultipleWritesNeverMergeSoOneByteThenPagesFits61441)
{
	open_pipe(O_NONBLOCK);
	ASSERT_EQ(write_n(1), 1);
	long tot = 1;
	ssize_t r;

	while ((r = write_n(4096)) > 0)
		tot += r;
	EXPECT_EQ(r, -EAGAIN);
	EXPECT_EQ(tot, 1 + 15 * 4096);
	// Only the last slot may take a merge, and it is full; the 1-byte
	// page is the oldest slot.
	EXPECT_EQ(write_n(100), -EAGAIN);
	EXPECT_EQ(write_n(5000), -EAGAIN);
	EXPECT_EQ(k.cov[COV_PIPE_MERGE], 0u);
}

TEST_F(PipeTest, SmallNonblockingWritesAreAllOrNothing)
{
	open_pipe(O_NONBLOCK);
	// All 16 slots in use, the last holding 4000 bytes: 96 bytes of room.
	for (int i = 0; i < 15; i++)
		ASSERT_EQ(write_n(4096), 4096);
	ASSERT_EQ(write_n(4000), 4000);
	EXPECT_EQ(write_n(97), -EAGAIN);	// would need a new slot: none
	EXPECT_EQ(write_n(96), 96);		// fits the last page exactly
	EXPECT_EQ(write_n(1), -EAGAIN);
	EXPECT_EQ(pipe->nr_bytes, 65536u);
}

TEST_F(PipeTest, LargeNonblockingWritesArePartial)
{
	open_pipe(O_NONBLOCK);
	EXPECT_EQ(write_n(70000), 65536);
	ASSERT_EQ(read_n(sink.size()), 65536);

	// 5000 leaves a 904-byte slot; 70000 = 17 pages + 368 merges 368 into
	// it, then fills the 14 free slots (measured: 57712).
	EXPECT_EQ(write_n(5000), 5000);
	EXPECT_EQ(write_n(70000), 57712);
	EXPECT_EQ(write_n(10), -EAGAIN);
	EXPECT_EQ(read_n(100), 100);
	EXPECT_EQ(write_n(5000), -EAGAIN);	// no slot freed yet
	EXPECT_EQ(read_n(4000), 4000);		// frees the first slot
	EXPECT_EQ(write_n(5000), 4096);
}

// ---- wakeups ----

TEST_F(PipeTest, EveryWriteToAPolledPipeWakesReaders)
{
	open_pipe(O_NONBLOCK);
	EXPECT_EQ(rd_watch.watch(rd), 0u);
	EXPECT_EQ(rd_watch.nr_hooks(), 1u);
	ASSERT_EQ(write_n(1), 1);
	ASSERT_EQ(write_n(1), 1);	// non-empty, but poll_usage is set
	EXPECT_EQ(rd_watch.take(), (std::vector<__poll_t>{IN, IN}));

	// Zero-length writes return before any wakeup.
	EXPECT_EQ(write_n(0), 0);
	EXPECT_TRUE(rd_watch.take().empty());
}

TEST_F(PipeTest, EagainWriteToFullPolledPipeStillWakesReaders)
{
	open_pipe(O_NONBLOCK);
	while (write_n(4096) > 0)
		;
	rd_watch.watch(rd);
	EXPECT_EQ(write_n(10), -EAGAIN);
	EXPECT_EQ(rd_watch.take(), std::vector<__poll_t>{IN});
}

TEST_F(PipeTest, UnpolledPipeWakesReadersOnlyWhenItWasEmpty)
{
	open_pipe(O_NONBLOCK);
	// Hook rd_wait directly, without ->poll, so poll_usage stays clear.
	std::vector<__poll_t> keys;
	Hook h;

	init_waitqueue_func_entry(&h.wait, hook_wake);
	h.wait.priv = &h;
	h.whead = &pipe->rd_wait;
	h.keys = &keys;
	add_wait_queue(&pipe->rd_wait, &h.wait);

	ASSERT_EQ(write_n(1), 1);	// was empty: wake
	ASSERT_EQ(write_n(1), 1);	// non-empty, never polled: no wake
	EXPECT_EQ(keys, std::vector<__poll_t>{IN});
	EXPECT_FALSE(pipe->poll_usage);
	vfs_poll(wr, nullptr);		// any poll makes it sticky
	EXPECT_TRUE(pipe->poll_usage);
	ASSERT_EQ(write_n(1), 1);
	EXPECT_EQ(keys, (std::vector<__poll_t>{IN, IN}));
	remove_wait_queue(&pipe->rd_wait, &h.wait);
}

TEST_F(PipeTest, ReadWakesWriterOnlyWhenItFreesASlotOfAFullPipe)
{
	open_pipe(O_NONBLOCK);
	wr_watch.watch(wr);
	ASSERT_EQ(write_n(2), 2);
	ASSERT_EQ(read_n(1), 1);	// not full: no writer event
	ASSERT_EQ(read_n(1), 1);	// frees a slot, but the pipe was not full
	EXPECT_TRUE(wr_watch.take().empty());

	while (write_n(4096) > 0)
		;
	EXPECT_EQ(vfs_poll(wr, nullptr), 0u);
	ASSERT_EQ(read_n(1), 1);	// full, no slot freed
	EXPECT_TRUE(wr_watch.take().empty());
	EXPECT_EQ(vfs_poll(wr, nullptr), 0u);
	ASSERT_EQ(read_n(4095), 4095);	// completes the page of a full pipe
	EXPECT_EQ(wr_watch.take(), std::vector<__poll_t>{OUT});
	EXPECT_EQ(vfs_poll(wr, nullptr), OUT);
	ASSERT_EQ(read_n(4096), 4096);	// no longer full
	EXPECT_TRUE(wr_watch.take().empty());
}

TEST_F(PipeTest, ReadingSeveralSlotsOfAFullPipeWakesTheWriterOnce)
{
	open_pipe(O_NONBLOCK);
	while (write_n(4096) > 0)
		;
	wr_watch.watch(wr);
	ASSERT_EQ(read_n(3 * 4096), 3 * 4096);
	EXPECT_EQ(wr_watch.take(), std::vector<__poll_t>{OUT});
}

// ---- EOF, EPIPE, release ----

TEST_F(PipeTest, EmptyPipeGivesEagainWithWritersAndEofWithout)
{
	open_pipe(O_NONBLOCK);
	EXPECT_EQ(read_n(10), -EAGAIN);
	EXPECT_EQ(read_n(0), 0);
	ASSERT_EQ(write_n(3), 3);
	rd_watch.watch(rd);
	rd_watch.take();
	close_wr();
	// Last writer gone: both queues woken with no key.
	EXPECT_EQ(rd_watch.take(), std::vector<__poll_t>{0});
	EXPECT_EQ(vfs_poll(rd, nullptr), IN | EPOLLHUP);
	EXPECT_EQ(read_n(10), 3);
	EXPECT_EQ(vfs_poll(rd, nullptr), EPOLLHUP);
	EXPECT_EQ(read_n(10), 0);
	EXPECT_GE(k.cov[COV_HUP], 2u);
}

TEST_F(PipeTest, WriteWithoutReadersFailsWithEpipeAndPollsErr)
{
	open_pipe(O_NONBLOCK);
	wr_watch.watch(wr);
	close_rd();
	EXPECT_EQ(wr_watch.take(), std::vector<__poll_t>{0});
	EXPECT_EQ(vfs_poll(wr, nullptr), OUT | EPOLLERR);
	EXPECT_EQ(write_n(1), -EPIPE);
	EXPECT_EQ(write_n(0), 0);	// null write succeeds first
	EXPECT_GE(k.cov[COV_ERR], 1u);
}

TEST_F(PipeTest, FullPipeWithoutReadersReportsErrWithoutOut)
{
	open_pipe(O_NONBLOCK);
	while (write_n(4096) > 0)
		;
	close_rd();
	EXPECT_EQ(vfs_poll(wr, nullptr), EPOLLERR);
	EXPECT_EQ(write_n(4096), -EPIPE);
}

// ---- packet mode ----

TEST_F(PipeTest, DirectWritesArePacketsThatReadsTakeWhole)
{
	open_pipe(O_NONBLOCK | O_DIRECT);
	ASSERT_EQ(write_n(10), 10);
	ASSERT_EQ(write_n(10), 10);	// no merge into a packet
	ASSERT_EQ(write_n(5000), 5000);	// two packets: 4096 + 904
	EXPECT_EQ(pipe->head - pipe->tail, 4u);
	EXPECT_EQ(read_n(5), 5);	// the other 5 bytes are dropped
	EXPECT_EQ(read_n(100), 10);
	EXPECT_EQ(read_n(100), 100);	// of the 4096-byte packet
	EXPECT_EQ(read_n(100), 100);	// of the 904-byte packet
	EXPECT_EQ(read_n(100), -EAGAIN);
	EXPECT_EQ(pipe->nr_bytes, 0u);
	EXPECT_EQ(k.cov[COV_PIPE_MERGE], 0u);
}

// ---- F_GETPIPE_SZ / F_SETPIPE_SZ ----

TEST_F(PipeTest, SetPipeSizeRoundsToPowersOfTwoPages)
{
	open_pipe(O_NONBLOCK);
	EXPECT_EQ(sim::pipe_fcntl(rd, F_GETPIPE_SZ, 0), 65536);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 0), 4096);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 1), 4096);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 4097), 8192);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 5000), 8192);
	// The argument is an unsigned int: the high bits are dropped.
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 0x100002000UL), 8192);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 0xffffffffUL), -EINVAL);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 0x80000001UL), -EINVAL);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 0x80000000UL), -EPERM);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 1048576), 1048576);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 1048577), -EPERM);
	EXPECT_EQ(sim::pipe_fcntl(rd, F_GETPIPE_SZ, 0), 1048576);
	EXPECT_EQ(sim::pipe_fcntl(rd, F_GETFL, 0), -EINVAL);
	check();
}

TEST_F(PipeTest, ShrinkingBelowOccupancyIsBusy)
{
	open_pipe(O_NONBLOCK);
	ASSERT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 8192), 8192);
	ASSERT_EQ(write_n(8192), 8192);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 4096), -EBUSY);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 65536), 65536);
	check();
	// The data survives the move to the new ring.
	ASSERT_EQ(write_n(100), 100);
	EXPECT_EQ(read_n(sink.size()), 8292);
}

TEST_F(PipeTest, ResizeWakesOneWriterWithNoKey)
{
	open_pipe(O_NONBLOCK);
	wr_watch.watch(wr);
	rd_watch.watch(rd);
	EXPECT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 4096), 4096);
	EXPECT_EQ(wr_watch.take(), std::vector<__poll_t>{0});
	EXPECT_TRUE(rd_watch.take().empty());
}

TEST_F(PipeTest, OnePagePipeHoldsOneSlot)
{
	open_pipe(O_NONBLOCK);
	ASSERT_EQ(sim::pipe_fcntl(wr, F_SETPIPE_SZ, 4096), 4096);
	EXPECT_EQ(write_n(100), 100);
	EXPECT_EQ(write_n(4096), -EAGAIN);
	EXPECT_EQ(write_n(3996), 3996);
	EXPECT_EQ(write_n(1), -EAGAIN);
}

TEST_F(PipeTest, PipeFcntlOnOtherFilesIsEbadf)
{
	file *null = sim::devnull_open(&k, O_RDWR);

	EXPECT_EQ(sim::pipe_fcntl(null, F_GETPIPE_SZ, 0), -EBADF);
	EXPECT_EQ(sim::get_pipe_info(null), nullptr);
	fput(null);
}

// ---- blocking ----

TEST_F(PipeTest, BlockingReadOnEmptyPipeDeadlocksWithOneTask)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pipe(0);
	try {
		read_n(10);
		FAIL() << "no deadlock_error";
	} catch (const deadlock_error &e) {
		EXPECT_NE(std::string(e.what()).find("pipe_read"), std::string::npos) << e.what();
	}
	// The sleeper's entry is gone from rd_wait and the task is running.
	EXPECT_EQ(wait_verify(&pipe->rd_wait), 0u);
	EXPECT_EQ(s.task.__state, TASK_RUNNING);
	check();
}

TEST_F(PipeTest, SleepingNeedsAScheduler)
{
	open_pipe(0);
	EXPECT_THROW(read_n(10), deadlock_error);
	EXPECT_EQ(wait_verify(&pipe->rd_wait), 0u);
}

TEST_F(PipeTest, BlockedReaderIsWokenByAWriter)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pipe(0);
	s.on_sleep = [this] {
		// Another task: the reader is queued exclusively on rd_wait.
		EXPECT_EQ(wait_verify(&pipe->rd_wait), 1u);
		EXPECT_EQ(do_write(wr, "hello", 5), 5);
	};
	EXPECT_EQ(read_n(100), 5);
	EXPECT_EQ(s.sleeps, 1);
	EXPECT_EQ(std::string(sink.data(), 5), "hello");
	EXPECT_EQ(wait_verify(&pipe->rd_wait), 0u);
}

TEST_F(PipeTest, BlockedReaderSeesEofWhenTheWriterCloses)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pipe(0);
	s.on_sleep = [this] {
		fput(wr);
		wr = nullptr;
	};
	EXPECT_EQ(read_n(100), 0);
}

TEST_F(PipeTest, SignalInterruptsABlockedReader)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pipe(0);
	s.on_sleep = [&s] { s.send_signal(); };
	EXPECT_EQ(read_n(100), -EINTR);
	EXPECT_EQ(wait_verify(&pipe->rd_wait), 0u);
}

TEST_F(PipeTest, BlockedWriterFinishesOnceAReaderFreesASlot)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pipe(0);
	for (int i = 0; i < 15; i++)
		ASSERT_EQ(write_n(4096), 4096);
	rd_watch.watch(rd);
	rd_watch.take();
	s.on_sleep = [this] {
		EXPECT_EQ(vfs_poll(wr, nullptr), 0u);
		EXPECT_EQ(do_read(rd, sink.data(), 4096), 4096);
	};
	// One page fits, the second waits for the reader.
	EXPECT_EQ(write_n(8192), 8192);
	EXPECT_EQ(s.sleeps, 1);
	EXPECT_EQ(pipe->nr_bytes, 65536u);
	// The reader's hook saw the end-of-write wakeup (poll_usage).
	EXPECT_EQ(rd_watch.take(), std::vector<__poll_t>{IN});
}

TEST_F(PipeTest, BlockedWriterToEmptyPipeWakesReadersBeforeSleeping)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pipe(0);
	// Hook without ->poll so only the was_empty rule can wake it.
	std::vector<__poll_t> keys;
	Hook h;

	init_waitqueue_func_entry(&h.wait, hook_wake);
	h.wait.priv = &h;
	h.whead = &pipe->rd_wait;
	h.keys = &keys;
	add_wait_queue(&pipe->rd_wait, &h.wait);
	s.on_sleep = [&] {
		EXPECT_EQ(keys, std::vector<__poll_t>{IN});	// before sleeping
		EXPECT_EQ(do_read(rd, sink.data(), 4096), 4096);
	};
	EXPECT_EQ(write_n(17 * 4096), 17 * 4096);
	remove_wait_queue(&pipe->rd_wait, &h.wait);
}

TEST_F(PipeTest, SignalStopsABlockedWriterWithAPartialCount)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pipe(0);
	s.on_sleep = [&s] { s.send_signal(); };
	EXPECT_EQ(write_n(70000), 65536);
	s.task.sigpending = false;
	EXPECT_EQ(pipe->nr_bytes, 65536u);
	s.on_sleep = [&s] { s.send_signal(); };
	EXPECT_EQ(write_n(1), -EINTR);
}

TEST_F(PipeTest, BlockedWriterGetsEpipeWhenTheReaderCloses)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pipe(0);
	s.on_sleep = [this] {
		fput(rd);
		rd = nullptr;
	};
	EXPECT_EQ(write_n(70000), 65536);	// stored before the reader left
	EXPECT_EQ(write_n(1), -EPIPE);
}

// ---- invariants ----

TEST_F(PipeTest, VerifyNamesTheBrokenInvariant)
{
	open_pipe(O_NONBLOCK);
	ASSERT_EQ(write_n(10), 10);
	pipe->nr_bytes = 11;
	try {
		verify(rd);
		FAIL() << "P3 not detected";
	} catch (const invariant_violation &e) {
		EXPECT_EQ(e.id(), "P3");
	}
	pipe->nr_bytes = 10;
	pipe->head += 16;
	try {
		verify(rd);
		FAIL() << "P1 not detected";
	} catch (const invariant_violation &e) {
		EXPECT_EQ(e.id(), "P1");
	}
	pipe->head -= 16;
	check();
}

} // namespace
