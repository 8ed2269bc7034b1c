// SPDX-License-Identifier: GPL-2.0-only
//
// Tests for sim/af_unix.h against the behaviour measured on Linux 6.18
// (kernel-semantics.md §8.3, kernel-probes/t_dev.c, and the probes quoted
// below): socketpair's errnos, poll masks through shutdown and close,
// skb splitting and truesize (SIOCOUTQ), the send capacity for 1-, 100-,
// 4096- and 65536-byte writes, the point where a draining reader first
// makes the writer writable, every wakeup and its key, EPIPE / ECONNRESET
// / EAGAIN / EOF, blocking through a one-task scheduler, and the U1-U3
// invariants.  Every step ends with the files' verify op.
//
// The capacities come from a probe run on the reference machine
// (6.18.44): fill a SOCK_NONBLOCK pair with writes of one size until
// EAGAIN, then drain it and note the first EPOLLOUT edge.
//
//   write size   bytes accepted   calls   SIOCOUTQ   first OUT after
//   1            278              278     213504     209 read (1-byte reads)
//   100          27800            278     213504     24576 read (4 KiB reads)
//   4096         180224           44      214016     139264 read, 11 edges
//   65536        233152           4       238336     196608 read, 2 edges
#include "sim/af_unix.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

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

// ---- socket fixture ----

constexpr __poll_t IN = EPOLLIN | EPOLLRDNORM;
constexpr __poll_t OUT = EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
constexpr __poll_t RDHUP = EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
constexpr __poll_t DATA_KEY = EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND;
constexpr __poll_t SPACE_KEY = EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;

class UnixTest : public ::testing::Test {
protected:
	void open_pair(int type = SOCK_STREAM | SOCK_NONBLOCK)
	{
		ASSERT_EQ(sim::unix_socketpair(&k, AF_UNIX, type, 0, sv), 0);
		check();
	}
	void TearDown() override
	{
		watch[0].unhook();
		watch[1].unhook();
		for (file *f : sv)
			if (f)
				fput(f);
	}
	void check()
	{
		for (file *f : sv)
			if (f)
				verify(f);
	}
	void close_sock(int i)
	{
		watch[i].unhook();
		fput(sv[i]);
		sv[i] = nullptr;
		check();
	}
	ssize_t send(int i, size_t n)
	{
		ssize_t r = do_write(sv[i], big.data(), n);
		check();
		return r;
	}
	ssize_t recv(int i, size_t n)
	{
		ssize_t r = do_read(sv[i], sink.data(), n);
		check();
		return r;
	}
	int shut(int i, int how)
	{
		int r = sv[i]->f_op->shutdown(sv[i], how);
		check();
		return r;
	}
	__poll_t mask(int i) { return vfs_poll(sv[i], nullptr); }
	sim::unix_sock *sk(int i) { return sim::sock_from_file(sv[i]); }

	// Sends n-byte writes from 0 to 1 until EAGAIN; returns the bytes
	// accepted and sets *calls.
	long fill(size_t n, int *calls)
	{
		long tot = 0;
		ssize_t r;

		*calls = 0;
		while ((r = send(0, n)) > 0) {
			tot += r;
			++*calls;
		}
		EXPECT_EQ(r, -EAGAIN);
		return tot;
	}
	// Drains 1 in reads of n bytes, watching 0's hook.  Returns the
	// bytes read before 0's first OUT wakeup (-1 if none) and sets
	// *wakes to the number of OUT wakeups.
	long drain(size_t n, int *wakes)
	{
		long got = 0, first = -1;
		ssize_t r;

		*wakes = 0;
		watch[0].take();
		while ((r = recv(1, n)) > 0) {
			got += r;
			for (__poll_t key : watch[0].take()) {
				EXPECT_EQ(key, SPACE_KEY);
				if (first < 0)
					first = got;
				++*wakes;
			}
		}
		EXPECT_EQ(r, -EAGAIN);
		return first;
	}

	kernel_state k;
	file *sv[2] = {nullptr, nullptr};
	Watcher watch[2];
	std::vector<char> big = std::vector<char>(300000, 'u');
	std::vector<char> sink = std::vector<char>(300000);
};

// ---- socketpair ----

TEST_F(UnixTest, SocketpairErrnosFollowLinuxOrder)
{
	file *out[2];
	auto sp = [&](int d, int t, int p) { return sim::unix_socketpair(&k, d, t, p, out); };

	EXPECT_EQ(sp(AF_UNIX, SOCK_STREAM | 0x100, 0), -EINVAL);	// unknown type flag
	EXPECT_EQ(sp(-1, -1, 0), -EINVAL);				// flags first
	EXPECT_EQ(sp(-1, SOCK_STREAM, 0), -EAFNOSUPPORT);
	EXPECT_EQ(sp(46, SOCK_STREAM, 0), -EAFNOSUPPORT);		// >= AF_MAX
	EXPECT_EQ(sp(AF_UNIX, 11, 6), -EINVAL);				// >= SOCK_MAX
	EXPECT_EQ(sp(AF_UNIX, 12, 0), -EINVAL);
	EXPECT_EQ(sp(AF_UNIX, 0, 6), -EPROTONOSUPPORT);	// protocol before type
	EXPECT_EQ(sp(AF_UNIX, SOCK_STREAM, 6), -EPROTONOSUPPORT);
	EXPECT_EQ(sp(AF_UNIX, 0, 0), -ESOCKTNOSUPPORT);
	EXPECT_EQ(sp(AF_UNIX, SOCK_RDM, 0), -ESOCKTNOSUPPORT);
	EXPECT_EQ(sp(AF_UNIX, SOCK_DCCP, 1), -ESOCKTNOSUPPORT);
	EXPECT_EQ(sp(AF_UNIX, SOCK_PACKET, 0), -ESOCKTNOSUPPORT);
	// Divergence: not modelled (Linux creates working pairs).
	EXPECT_EQ(sp(AF_UNIX, SOCK_DGRAM, 0), -EOPNOTSUPP);
	EXPECT_EQ(sp(AF_UNIX, SOCK_SEQPACKET, 0), -EOPNOTSUPP);
	EXPECT_EQ(sp(AF_UNIX, SOCK_RAW, 0), -EOPNOTSUPP);
	// Inet sockets exist but cannot be paired (measured on 6.18).
	EXPECT_EQ(sp(AF_INET, SOCK_STREAM, 0), -EOPNOTSUPP);
	EXPECT_EQ(sp(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP), -EOPNOTSUPP);
	EXPECT_EQ(sp(AF_INET, SOCK_STREAM, IPPROTO_UDP), -EPROTONOSUPPORT);
	EXPECT_EQ(sp(AF_INET6, SOCK_DGRAM, 0), -EOPNOTSUPP);
	EXPECT_EQ(sp(AF_INET, SOCK_DGRAM, IPPROTO_TCP), -EPROTONOSUPPORT);
	EXPECT_EQ(sp(AF_INET, SOCK_RAW, 0), -EPROTONOSUPPORT);
	EXPECT_EQ(sp(AF_INET, SOCK_RAW, IPPROTO_TCP), -EOPNOTSUPP);
	EXPECT_EQ(sp(AF_INET, 0, 0), -ESOCKTNOSUPPORT);
	EXPECT_EQ(sp(AF_INET6, SOCK_RDM, 0), -ESOCKTNOSUPPORT);
	EXPECT_EQ(sp(AF_INET, SOCK_PACKET, 0), -EOPNOTSUPP);
	EXPECT_EQ(sp(AF_INET, 11, 0), -EINVAL);
	// Divergence: Linux creates AF_NETLINK sockets and says EOPNOTSUPP.
	EXPECT_EQ(sp(AF_NETLINK, SOCK_DGRAM, 0), -EAFNOSUPPORT);

	for (int t : {int(SOCK_STREAM), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC}) {
		for (int p : {0, PF_UNIX}) {
			ASSERT_EQ(sp(AF_UNIX, t, p), 0);
			fput(out[0]);
			fput(out[1]);
		}
	}
}

TEST_F(UnixTest, EachSocketHasItsOwnSockfsInode)
{
	unsigned long ino = k.next_ino;

	open_pair(SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
	EXPECT_EQ(sv[0]->i_ino, ino);
	EXPECT_EQ(sv[1]->i_ino, ino + 1);
	EXPECT_EQ(sv[0]->s_dev, 0x9u);
	EXPECT_EQ(sv[0]->f_flags, unsigned(O_RDWR | O_NONBLOCK));
	EXPECT_EQ(sv[0]->f_mode, FMODE_READ | FMODE_WRITE);
	std::string info;
	sv[1]->f_op->show_fdinfo(sv[1], &info);
	EXPECT_EQ(info, "scm_fds: 0\n");
	EXPECT_EQ(sk(0)->peer, sk(1));
	EXPECT_EQ(sk(0)->sk_sndbuf, 212992);
}

TEST_F(UnixTest, FreshPairIsWritableBothWays)
{
	open_pair(SOCK_STREAM);
	EXPECT_EQ(sv[0]->f_flags, unsigned(O_RDWR));
	EXPECT_EQ(mask(0), OUT);
	EXPECT_EQ(mask(1), OUT);
}

// ---- data ----

TEST_F(UnixTest, ReadsConsumeAcrossSkbs)
{
	open_pair();
	ASSERT_EQ(do_write(sv[0], "abc", 3), 3);
	ASSERT_EQ(do_write(sv[0], "defg", 4), 4);
	ASSERT_EQ(do_write(sv[1], "XY", 2), 2);	// the other direction
	check();
	EXPECT_EQ(sk(1)->rcvq_bytes, 7u);
	EXPECT_EQ(mask(1), IN | OUT);
	char b[16] = {};
	EXPECT_EQ(do_read(sv[1], b, 2), 2);		// part of skb 1
	EXPECT_EQ(do_read(sv[1], b + 2, 16), 5);	// rest of 1, all of 2
	EXPECT_EQ(std::string(b), "abcdefg");
	EXPECT_EQ(do_read(sv[0], b, 16), 2);
	EXPECT_EQ(std::string(b, 2), "XY");
	EXPECT_EQ(recv(1, 10), -EAGAIN);
	EXPECT_EQ(recv(1, 0), 0);
	EXPECT_EQ(send(0, 0), 0);
	EXPECT_EQ(mask(1), OUT);
	check();
}

TEST_F(UnixTest, LargeWritesSplitIntoSkbsOf36544Bytes)
{
	open_pair();
	ASSERT_EQ(send(0, 100000), 100000);
	std::vector<unsigned> lens;
	for (list_head *p = sk(1)->sk_receive_queue.next; p != &sk(1)->sk_receive_queue;
	     p = p->next)
		lens.push_back(list_entry(p, sim::sk_buff, list)->len);
	EXPECT_EQ(lens, (std::vector<unsigned>{36544, 36544, 26912}));
	EXPECT_EQ(sk(0)->sk_wmem_alloc, 103168u);	// SIOCOUTQ on 6.18
}

// SIOCOUTQ (the sender's truesize sum) after one write of each size,
// measured on the reference machine.
TEST_F(UnixTest, TruesizeMatchesTheKernelForEveryMeasuredSize)
{
	const std::pair<size_t, unsigned> measured[] = {
		{1, 768},	{64, 768},	{192, 768},	{193, 1280},
		{320, 1280},	{321, 1280},	{700, 1280},	{1000, 2304},
		{1500, 2304},	{2000, 4352},	{3776, 4352},	{3777, 4864},
		{4000, 4864},	{4096, 4864},	{4097, 4864},	{5000, 6400},
		{7872, 8448},	{7873, 8960},	{8192, 8960},	{10000, 12544},
		{12288, 13056},	{16384, 17152},	{20000, 20736},	{32768, 33536},
		{36544, 37120},	{36545, 37888},	{40000, 41472},	{65536, 67072},
		{100000, 103168}, {106432, 108288}, {200000, 204288},
	};

	for (auto [size, outq] : measured) {
		open_pair();
		ASSERT_EQ(send(0, size), ssize_t(size));
		EXPECT_EQ(sk(0)->sk_wmem_alloc, outq) << "write of " << size;
		EXPECT_EQ(sk(1)->rcvq_bytes, size);
		fput(sv[0]);
		fput(sv[1]);
		sv[0] = sv[1] = nullptr;
	}
}

// ---- capacity and the first OUT edge ----

TEST_F(UnixTest, OneByteWritesFit278AndWakeTheWriterBelowAQuarter)
{
	open_pair();
	watch[0].watch(sv[0]);
	int calls, wakes;
	EXPECT_EQ(fill(1, &calls), 278);
	EXPECT_EQ(calls, 278);
	EXPECT_EQ(sk(0)->sk_wmem_alloc, 213504u);
	EXPECT_EQ(mask(0), 0u);
	// Each skb freed while at most a quarter of sndbuf is in flight wakes
	// the writer: the last 70 of 278.
	EXPECT_EQ(drain(1, &wakes), 209);
	EXPECT_EQ(wakes, 70);
	EXPECT_EQ(mask(0), OUT);
}

TEST_F(UnixTest, HundredByteWritesFit27800)
{
	open_pair();
	watch[0].watch(sv[0]);
	int calls, wakes;
	EXPECT_EQ(fill(100, &calls), 27800);
	EXPECT_EQ(calls, 278);
	EXPECT_EQ(sk(0)->sk_wmem_alloc, 213504u);
	EXPECT_EQ(drain(4096, &wakes), 24576);
}

TEST_F(UnixTest, PageWritesFit180224AndWakeElevenTimes)
{
	open_pair();
	watch[0].watch(sv[0]);
	int calls, wakes;
	EXPECT_EQ(fill(4096, &calls), 180224);
	EXPECT_EQ(calls, 44);
	EXPECT_EQ(sk(0)->sk_wmem_alloc, 214016u);
	EXPECT_EQ(drain(4096, &wakes), 139264);
	EXPECT_EQ(wakes, 11);
}

TEST_F(UnixTest, SixtyFourKiBWritesFit233152WithAPartialLastWrite)
{
	open_pair();
	watch[0].watch(sv[0]);
	int calls, wakes;
	EXPECT_EQ(fill(65536, &calls), 233152);
	EXPECT_EQ(calls, 4);	// the fourth took only its first skb: 36544
	EXPECT_EQ(sk(0)->sk_wmem_alloc, 238336u);
	EXPECT_EQ(drain(4096, &wakes), 196608);
	EXPECT_EQ(wakes, 2);
}

// ---- wakeups ----

TEST_F(UnixTest, EverySkbWakesThePeerWithDataReady)
{
	open_pair();
	watch[0].watch(sv[0]);
	watch[1].watch(sv[1]);
	ASSERT_EQ(send(0, 1), 1);
	ASSERT_EQ(send(0, 1), 1);	// already readable: still a wakeup
	ASSERT_EQ(send(0, 65536), 65536);	// two skbs, two wakeups
	EXPECT_EQ(watch[1].take(), (std::vector<__poll_t>(4, DATA_KEY)));
	EXPECT_TRUE(watch[0].take().empty());	// nothing from its own writes
}

TEST_F(UnixTest, ConsumingAnSkbWakesAWritableSender)
{
	open_pair();
	watch[0].watch(sv[0]);
	ASSERT_EQ(send(0, 1), 1);
	ASSERT_EQ(send(0, 1), 1);
	ASSERT_EQ(recv(1, 1), 1);	// frees the first skb
	EXPECT_EQ(watch[0].take(), std::vector<__poll_t>{SPACE_KEY});
	ASSERT_EQ(recv(1, 10), 1);
	EXPECT_EQ(watch[0].take(), std::vector<__poll_t>{SPACE_KEY});
	// A partial read frees nothing.
	ASSERT_EQ(send(0, 10), 10);
	ASSERT_EQ(recv(1, 5), 5);
	EXPECT_TRUE(watch[0].take().empty());
}

// ---- shutdown ----

TEST_F(UnixTest, ShutWrGivesThePeerEofAndRdhup)
{
	open_pair();
	watch[0].watch(sv[0]);
	watch[1].watch(sv[1]);
	EXPECT_EQ(shut(0, SHUT_WR), 0);
	// State changes wake both sides with no key.
	EXPECT_EQ(watch[0].take(), std::vector<__poll_t>{0});
	EXPECT_EQ(watch[1].take(), std::vector<__poll_t>{0});
	EXPECT_EQ(mask(0), OUT);	// still writable after its own SHUT_WR
	EXPECT_EQ(mask(1), RDHUP | OUT);
	EXPECT_EQ(send(0, 1), -EPIPE);
	EXPECT_EQ(send(0, 0), -EPIPE);	// even an empty write
	EXPECT_EQ(recv(1, 10), 0);
	EXPECT_EQ(send(1, 2), 2);	// the other direction still works
	EXPECT_EQ(recv(0, 10), 2);
	EXPECT_GE(k.cov[COV_RDHUP], 1u);
}

TEST_F(UnixTest, ShutRdStopsThePeerSendingButKeepsQueuedData)
{
	open_pair();
	ASSERT_EQ(send(1, 5), 5);
	EXPECT_EQ(shut(0, SHUT_RD), 0);
	EXPECT_EQ(mask(0), RDHUP | OUT);
	EXPECT_EQ(mask(1), OUT);
	EXPECT_EQ(send(1, 1), -EPIPE);
	EXPECT_EQ(recv(0, 2), 2);
	EXPECT_EQ(recv(0, 10), 3);
	EXPECT_EQ(recv(0, 10), 0);
	EXPECT_EQ(send(0, 1), 1);
	EXPECT_EQ(recv(1, 10), 1);
}

TEST_F(UnixTest, ShutRdwrHangsUpBothSides)
{
	open_pair();
	ASSERT_EQ(send(1, 3), 3);
	EXPECT_EQ(shut(0, SHUT_RDWR), 0);
	EXPECT_EQ(mask(0), RDHUP | EPOLLHUP | OUT);
	EXPECT_EQ(mask(1), RDHUP | EPOLLHUP | OUT);
	EXPECT_EQ(recv(0, 10), 3);
	EXPECT_EQ(recv(0, 10), 0);
	EXPECT_EQ(send(0, 1), -EPIPE);
	EXPECT_EQ(send(1, 1), -EPIPE);
}

TEST_F(UnixTest, ShutdownRejectsUnknownHow)
{
	open_pair();
	EXPECT_EQ(shut(0, -1), -EINVAL);
	EXPECT_EQ(shut(0, 3), -EINVAL);
	EXPECT_EQ(shut(0, 5), -EINVAL);
	EXPECT_EQ(mask(0), OUT);
	// Shutting down again is fine.
	EXPECT_EQ(shut(0, SHUT_RD), 0);
	EXPECT_EQ(shut(0, SHUT_RD), 0);
}

// ---- close ----

TEST_F(UnixTest, ClosingOneEndHangsUpThePeer)
{
	open_pair();
	watch[1].watch(sv[1]);
	ASSERT_EQ(send(0, 4), 4);	// data for the survivor is kept
	watch[1].take();
	close_sock(0);
	EXPECT_EQ(watch[1].take(), std::vector<__poll_t>{0});
	EXPECT_EQ(mask(1), RDHUP | EPOLLHUP | OUT);
	EXPECT_EQ(send(1, 1), -EPIPE);
	EXPECT_EQ(recv(1, 10), 4);	// frees the dead sender's skb
	EXPECT_EQ(recv(1, 10), 0);
	EXPECT_EQ(sk(1)->sk_err, 0);
}

TEST_F(UnixTest, ClosingWithUnreadDataResetsThePeerOnce)
{
	open_pair();
	watch[1].watch(sv[1]);
	ASSERT_EQ(send(1, 3), 3);	// unread by 0 when it closes
	ASSERT_EQ(send(0, 2), 2);
	watch[1].take();
	close_sock(0);
	// State change first, then 1's skbs are freed by 0's purge: 1 is
	// writable again.
	EXPECT_EQ(watch[1].take(), (std::vector<__poll_t>{0, SPACE_KEY}));
	EXPECT_EQ(sk(1)->sk_wmem_alloc, 0u);
	EXPECT_EQ(mask(1), EPOLLERR | RDHUP | EPOLLHUP | OUT);
	EXPECT_EQ(send(1, 1), -EPIPE);	// writes do not clear the error
	EXPECT_EQ(mask(1) & EPOLLERR, EPOLLERR);
	EXPECT_EQ(recv(1, 1), 1);	// data first
	EXPECT_EQ(recv(1, 10), 1);
	EXPECT_EQ(recv(1, 10), -ECONNRESET);	// then the error, once
	EXPECT_EQ(mask(1), RDHUP | EPOLLHUP | OUT);
	EXPECT_EQ(recv(1, 10), 0);
	EXPECT_GE(k.cov[COV_ERR], 1u);
}

TEST_F(UnixTest, TheLastSkbOfAClosedSenderFreesItsMemory)
{
	open_pair();
	ASSERT_EQ(send(0, 65536), 65536);
	ASSERT_EQ(send(1, 10), 10);
	close_sock(0);
	close_sock(1);	// purges 0's skbs; both sockets are freed (valgrind)
}

// ---- blocking ----

TEST_F(UnixTest, BlockingReadOnAnEmptySocketDeadlocksWithOneTask)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pair(SOCK_STREAM);
	try {
		recv(1, 10);
		FAIL() << "no deadlock_error";
	} catch (const deadlock_error &e) {
		EXPECT_NE(std::string(e.what()).find("unix_stream_data_wait"), std::string::npos);
	}
	EXPECT_EQ(wait_verify(&sk(1)->wait), 0u);
	EXPECT_EQ(s.task.__state, TASK_RUNNING);
}

TEST_F(UnixTest, SleepingNeedsAScheduler)
{
	open_pair(SOCK_STREAM);
	EXPECT_THROW(recv(1, 10), deadlock_error);
}

TEST_F(UnixTest, BlockedReaderIsWokenByThePeersWrite)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pair(SOCK_STREAM);
	s.on_sleep = [this] {
		EXPECT_EQ(wait_verify(&sk(1)->wait), 1u);
		EXPECT_EQ(do_write(sv[0], "wake", 4), 4);
	};
	EXPECT_EQ(recv(1, 100), 4);
	EXPECT_EQ(std::string(sink.data(), 4), "wake");
}

TEST_F(UnixTest, BlockedReaderSeesEofOnShutdown)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pair(SOCK_STREAM);
	s.on_sleep = [this] { EXPECT_EQ(sv[0]->f_op->shutdown(sv[0], SHUT_WR), 0); };
	EXPECT_EQ(recv(1, 100), 0);
}

TEST_F(UnixTest, SignalInterruptsABlockedReader)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pair(SOCK_STREAM);
	s.on_sleep = [&s] { s.send_signal(); };
	EXPECT_EQ(recv(1, 100), -EINTR);
	EXPECT_EQ(wait_verify(&sk(1)->wait), 0u);
}

TEST_F(UnixTest, BlockedWriterResumesWhenThePeerDrainsBelowAQuarter)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pair(SOCK_STREAM);
	for (int i = 0; i < 44; i++)
		ASSERT_EQ(send(0, 4096), 4096);
	long drained = 0;
	s.on_sleep = [&] {
		// The writer sleeps with 44 pages in flight.  Read until it is
		// woken: only at the quarter mark, 10 skbs left.
		while (s.task.__state != TASK_RUNNING) {
			ssize_t r = do_read(sv[1], sink.data(), 4096);
			ASSERT_GT(r, 0);
			drained += r;
		}
	};
	EXPECT_EQ(send(0, 4096), 4096);
	EXPECT_EQ(drained, 34 * 4096);
	EXPECT_EQ(s.sleeps, 1);
}

// One large blocking write goes out in 36544-byte skbs (truesize 37120):
// six fit below sndbuf before the writer must sleep.
constexpr long SIX_SKBS = 6 * 36544;

TEST_F(UnixTest, BlockedWriterGetsTheResetWhenThePeerClosesWithUnreadData)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pair(SOCK_STREAM);
	s.on_sleep = [this] {
		EXPECT_EQ(sk(0)->sk_wmem_alloc, 6u * 37120);
		fput(sv[1]);
		sv[1] = nullptr;
	};
	// The peer closes with our skbs unread: the writer wakes to
	// ECONNRESET but reports what it sent.
	EXPECT_EQ(send(0, 60 * 4096), SIX_SKBS);
	EXPECT_EQ(sk(0)->sk_err, 0);	// consumed by sock_error
	EXPECT_EQ(sk(0)->sk_wmem_alloc, 0u);
	EXPECT_EQ(send(0, 1), -EPIPE);
	EXPECT_EQ(mask(0), RDHUP | EPOLLHUP | OUT);
}

TEST_F(UnixTest, BlockedWriterWithNothingSentReportsTheReset)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pair(SOCK_STREAM);
	for (int i = 0; i < 44; i++)
		ASSERT_EQ(send(0, 4096), 4096);
	s.on_sleep = [this] {
		fput(sv[1]);
		sv[1] = nullptr;
	};
	EXPECT_EQ(send(0, 1), -ECONNRESET);
	EXPECT_EQ(send(0, 1), -EPIPE);
}

TEST_F(UnixTest, SignalStopsABlockedWriter)
{
	OneTaskScheduler s;

	k.sched = &s;
	open_pair(SOCK_STREAM);
	s.on_sleep = [&s] { s.send_signal(); };
	EXPECT_EQ(send(0, 60 * 4096), SIX_SKBS);
	s.on_sleep = [&s] { s.send_signal(); };
	EXPECT_EQ(send(0, 1), -EINTR);
	EXPECT_EQ(wait_verify(&sk(0)->wait), 0u);
}

// ---- invariants ----

TEST_F(UnixTest, VerifyNamesTheBrokenInvariant)
{
	open_pair();
	ASSERT_EQ(send(0, 10), 10);
	auto expect_violation = [this](const char *id) {
		try {
			check();
			ADD_FAILURE() << id << " not detected";
		} catch (const invariant_violation &e) {
			EXPECT_EQ(e.id(), id);
		}
	};
	sk(1)->rcvq_bytes++;
	expect_violation("U1");
	sk(1)->rcvq_bytes--;
	sk(0)->sk_wmem_alloc++;
	expect_violation("U2");
	sk(0)->sk_wmem_alloc--;
	sim::unix_sock *peer = sk(1)->peer;
	sk(1)->peer = sk(1);
	expect_violation("U3");
	sk(1)->peer = peer;
	check();
}

} // namespace
