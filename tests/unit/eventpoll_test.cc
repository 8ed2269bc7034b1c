// SPDX-License-Identifier: GPL-2.0-only
//
// Unit tests of the eventpoll model driven directly (below the facade):
// the overflow list during a harvest, the order ep_done_scan restores,
// ep_verify's invariants, reference counts and leaks, and the coverage
// counters.
#include <gtest/gtest.h>

#include <sys/eventfd.h>

#include "kernel_model/invariant.h"
#include "sim/eventfd.h"
#include "tests/unit/model_fixture.h"

namespace epsim::test {
namespace {

using namespace epsim::kern;

class EventpollModel : public ::testing::Test {
protected:
	Model m;

	int new_eventfd(unsigned count)
	{
		file *f = nullptr;
		EXPECT_EQ(sim::eventfd_create(&m.k, count, EFD_NONBLOCK, &f), 0);
		return install_new_fd(&m.files, f);
	}
	void efd_write(int fd, uint64_t v)
	{
		file *f = m.file_of(fd);
		ASSERT_EQ(f->f_op->write(f, &v, 8), 8);
	}
	void verify_all()
	{
		for (file *f : m.files.fd)
			if (f && f->f_op->verify)
				f->f_op->verify(f);
	}
	void TearDown() override { verify_all(); }
};

// Five LT items always ready (data 1000..1004) and two ET eventfds e1 (data
// 1) and e2 (data 2) written by a "second CPU" in the middle of a harvest.
struct OvfScene {
	int ep, e1, e2;
};

static OvfScene make_ovf_scene(EventpollModel *t, Model &m,
			       const std::function<int(unsigned)> &new_eventfd)
{
	OvfScene s{};
	(void)t;
	s.ep = m.epoll_create();
	for (unsigned i = 0; i < 5; ++i)
		EXPECT_EQ(m.ctl(s.ep, EPOLL_CTL_ADD, new_eventfd(1), EPOLLIN, 1000 + i), 0);
	s.e1 = new_eventfd(0);
	s.e2 = new_eventfd(0);
	EXPECT_EQ(m.ctl(s.ep, EPOLL_CTL_ADD, s.e1, EPOLLIN | EPOLLET, 1), 0);
	EXPECT_EQ(m.ctl(s.ep, EPOLL_CTL_ADD, s.e2, EPOLLIN | EPOLLET, 2), 0);
	return s;
}

// §4.7 / §5 rule 6: events arriving during a scan go to ovflist and come
// back in arrival order, ahead of the LT items re-queued by that scan.
TEST_F(EventpollModel, WakeupsDuringHarvestAreDivertedToOvflistAndKeepArrivalOrder)
{
	auto mk = [this](unsigned c) { return new_eventfd(c); };
	OvfScene s = make_ovf_scene(this, m, mk);
	int fired = 0;

	m.sched.on_preempt = [&](const std::string &where) {
		if (where == "ep_send_events:item" && fired++ == 0) {
			EXPECT_NE(m.ep_of(s.ep)->ovflist, EP_UNACTIVE_PTR);
			efd_write(s.e2, 1);
			efd_write(s.e1, 1);
		}
	};
	EXPECT_EQ(m.wait(s.ep), (std::vector<uint64_t>{1000, 1001, 1002, 1003, 1004}));
	EXPECT_EQ(m.k.cov[COV_OVFLIST_DIVERT], 2u);
	EXPECT_EQ(m.k.cov[COV_OVFLIST_REQUEUE], 2u);
	m.sched.on_preempt = nullptr;
	EXPECT_EQ(m.wait(s.ep), (std::vector<uint64_t>{2, 1, 1000, 1001, 1002, 1003, 1004}));
}

// ep_done_scan order: leftovers, then ovflist items, then LT re-queues.
TEST_F(EventpollModel, LeftoversGoBackFirstThenOvflistThenLtRequeues)
{
	auto mk = [this](unsigned c) { return new_eventfd(c); };
	OvfScene s = make_ovf_scene(this, m, mk);
	int fired = 0;

	m.sched.on_preempt = [&](const std::string &where) {
		if (where == "ep_send_events:item" && fired++ == 0) {
			efd_write(s.e1, 1);
			efd_write(s.e2, 1);
		}
	};
	EXPECT_EQ(m.wait(s.ep, 2), (std::vector<uint64_t>{1000, 1001}));
	m.sched.on_preempt = nullptr;
	EXPECT_EQ(m.wait(s.ep), (std::vector<uint64_t>{1002, 1003, 1004, 1, 2, 1000, 1001}));
	EXPECT_GE(m.k.cov[COV_LEFTOVERS], 1u);
}

// An item already on the ready list when it fires again during the scan is
// chained on ovflist only once and keeps its place.
TEST_F(EventpollModel, RepeatedWakeupDuringScanChainsOnce)
{
	int ep = m.epoll_create();
	int a = new_eventfd(1), b = new_eventfd(0);
	int fired = 0;

	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_ADD, a, EPOLLIN, 10), 0);
	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_ADD, b, EPOLLIN | EPOLLET, 20), 0);
	m.sched.on_preempt = [&](const std::string &where) {
		if (where == "ep_send_events:item" && fired++ == 0) {
			efd_write(b, 1);
			efd_write(b, 1);
			efd_write(b, 1);
		}
	};
	EXPECT_EQ(m.wait(ep), (std::vector<uint64_t>{10}));
	EXPECT_EQ(m.k.cov[COV_OVFLIST_DIVERT], 1u);
	m.sched.on_preempt = nullptr;
	EXPECT_EQ(m.wait(ep), (std::vector<uint64_t>{20, 10}));
}

// A harvest with the user buffer unmapped returns EFAULT and puts the item
// back at the head of the ready list.
TEST_F(EventpollModel, FaultingCopyKeepsItemQueued)
{
	int ep = m.epoll_create();
	int a = new_eventfd(1);

	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_ADD, a, EPOLLIN, 5), 0);
	EXPECT_EQ(do_epoll_wait(&m.k, &m.files, ep, {nullptr, true}, 1, 0), -EFAULT);
	EXPECT_FALSE(list_empty(&m.ep_of(ep)->rdllist));
	EXPECT_EQ(m.wait(ep), (std::vector<uint64_t>{5}));
}

TEST_F(EventpollModel, RefcountIsOnePlusItemsAndEverythingIsFreedOnClose)
{
	int ep = m.epoll_create();
	int a = new_eventfd(0), b = new_eventfd(0);

	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_ADD, a, EPOLLIN, 1), 0);
	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_ADD, b, EPOLLIN | EPOLLOUT, 2), 0);
	EXPECT_EQ(m.ep_of(ep)->refcount, 3);
	EXPECT_EQ(m.k.nr_epitems, 2);
	EXPECT_EQ(m.k.nr_pwqs, 2);
	EXPECT_EQ(m.k.user.epoll_watches, 2);
	ASSERT_EQ(close_fd(&m.files, a), 0);
	EXPECT_EQ(m.ep_of(ep)->refcount, 2);
	EXPECT_EQ(m.k.cov[COV_AUTO_REMOVE], 1u);
	ASSERT_EQ(close_fd(&m.files, ep), 0);
	ASSERT_EQ(close_fd(&m.files, b), 0);
	EXPECT_EQ(m.k.nr_epitems, 0);
	EXPECT_EQ(m.k.nr_pwqs, 0);
	EXPECT_EQ(m.k.nr_eventpolls, 0);
	EXPECT_EQ(m.k.nr_files, 0);
	EXPECT_EQ(m.k.user.epoll_watches, 0);
}

TEST_F(EventpollModel, NestedEpollItemsAreRemovedWhenTheInnerCloses)
{
	int outer = m.epoll_create(), inner = m.epoll_create();
	int a = new_eventfd(1);

	ASSERT_EQ(m.ctl(inner, EPOLL_CTL_ADD, a, EPOLLIN, 1), 0);
	ASSERT_EQ(m.ctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN, 2), 0);
	EXPECT_EQ(m.wait(outer), (std::vector<uint64_t>{2}));
	ASSERT_EQ(close_fd(&m.files, inner), 0);
	EXPECT_EQ(m.ep_of(outer)->refcount, 1);
	EXPECT_EQ(m.k.nr_eventpolls, 1);
	EXPECT_EQ(m.k.nr_epitems, 0);
	EXPECT_TRUE(m.wait(outer).empty());
}

TEST_F(EventpollModel, EpVerifyDetectsABrokenRefcount)
{
	int ep = m.epoll_create();
	int a = new_eventfd(0);

	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_ADD, a, EPOLLIN, 1), 0);
	++m.ep_of(ep)->refcount;
	try {
		ep_verify(m.ep_of(ep));
		FAIL() << "ep_verify accepted a wrong refcount";
	} catch (const invariant_violation &e) {
		EXPECT_EQ(e.id(), "EP5");
	}
	--m.ep_of(ep)->refcount;
}

TEST_F(EventpollModel, EpVerifyDetectsAnItemLeftOnOvflist)
{
	int ep = m.epoll_create();
	int a = new_eventfd(0);

	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_ADD, a, EPOLLIN, 1), 0);
	epitem *epi = ep_rb_entry(rb_first_cached(&m.ep_of(ep)->rbr));
	epi->next = nullptr;
	try {
		ep_verify(m.ep_of(ep));
		FAIL() << "ep_verify accepted an item chained on ovflist";
	} catch (const invariant_violation &e) {
		EXPECT_EQ(e.id(), "EP4");
	}
	epi->next = EP_UNACTIVE_PTR;
}

TEST_F(EventpollModel, EpVerifyDetectsAForeignItemOnTheReadyList)
{
	int ep1 = m.epoll_create(), ep2 = m.epoll_create();
	int a = new_eventfd(1);

	ASSERT_EQ(m.ctl(ep1, EPOLL_CTL_ADD, a, EPOLLIN, 1), 0);
	epitem *epi = ep_rb_entry(rb_first_cached(&m.ep_of(ep1)->rbr));
	list_move_tail(&epi->rdllink, &m.ep_of(ep2)->rdllist);
	try {
		ep_verify(m.ep_of(ep2));
		FAIL() << "ep_verify accepted a foreign item on rdllist";
	} catch (const invariant_violation &e) {
		EXPECT_EQ(e.id(), "EP3");
	}
	list_move_tail(&epi->rdllink, &m.ep_of(ep1)->rdllist);
}

// §4.2 step 8: ADD into an epoll that is itself watched runs the full check
// and lists the plain target for reverse_path_check; the list is cleared.
TEST_F(EventpollModel, FullCheckListsAndClearsTheTargetFile)
{
	int top = m.epoll_create(), mid = m.epoll_create();
	int a = new_eventfd(0);

	ASSERT_EQ(m.ctl(top, EPOLL_CTL_ADD, mid, EPOLLIN, 1), 0);
	uint64_t gen = m.k.loop_check_gen;
	ASSERT_EQ(m.ctl(mid, EPOLL_CTL_ADD, a, EPOLLIN, 2), 0);
	EXPECT_EQ(m.k.loop_check_gen, gen + 2);
	EXPECT_EQ(m.k.tfile_check_list, EP_UNACTIVE_HEAD);
	auto *head = list_entry(m.file_of(a)->f_ep, epitems_head, epitems);
	EXPECT_EQ(head->next, nullptr);
}

TEST_F(EventpollModel, LoopCheckCountsCyclesAndDepthSeparately)
{
	int ch[6];

	for (int &e : ch)
		e = m.epoll_create();
	for (int i = 1; i < 5; ++i)
		ASSERT_EQ(m.ctl(ch[i], EPOLL_CTL_ADD, ch[i - 1], EPOLLIN, 0), 0);
	EXPECT_EQ(m.ctl(ch[5], EPOLL_CTL_ADD, ch[4], EPOLLIN, 0), -ELOOP);
	EXPECT_EQ(m.k.cov[COV_EP_MAX_NESTS], 1u);
	EXPECT_EQ(m.ctl(ch[0], EPOLL_CTL_ADD, ch[2], EPOLLIN, 0), -ELOOP);
	EXPECT_EQ(m.k.cov[COV_ELOOP], 2u);
	EXPECT_EQ(m.k.cov[COV_EP_MAX_NESTS], 1u);
}

// §4.6 step 2: a disarmed ONESHOT item ignores even ERR/HUP wakeups.
TEST_F(EventpollModel, DisarmedOneshotIgnoresEveryWakeup)
{
	int ep = m.epoll_create();
	int a = new_eventfd(0);

	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_ADD, a, EPOLLIN | EPOLLONESHOT, 7), 0);
	efd_write(a, 1);
	EXPECT_EQ(m.wait(ep), (std::vector<uint64_t>{7}));
	epitem *epi = ep_rb_entry(rb_first_cached(&m.ep_of(ep)->rbr));
	EXPECT_EQ(epi->event.events, EPOLLONESHOT);
	efd_write(a, 1);
	EXPECT_TRUE(list_empty(&m.ep_of(ep)->rdllist));
	EXPECT_GE(m.k.cov[COV_CALLBACK_DISABLED], 1u);
}

TEST_F(EventpollModel, EnospcWhenTheUserIsOutOfWatches)
{
	int ep = m.epoll_create();
	int a = new_eventfd(0), b = new_eventfd(0);

	m.k.max_user_watches = 1;
	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_ADD, a, EPOLLIN, 1), 0);
	EXPECT_EQ(m.ctl(ep, EPOLL_CTL_ADD, b, EPOLLIN, 2), -ENOSPC);
	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_DEL, a, 0, 0), 0);
	EXPECT_EQ(m.ctl(ep, EPOLL_CTL_ADD, b, EPOLLIN, 2), 0);
	EXPECT_EQ(m.k.cov[COV_ENOSPC], 1u);
}

TEST_F(EventpollModel, DescribeShowsTreeReadyListAndWaiters)
{
	int ep = m.epoll_create();
	int a = new_eventfd(1);

	ASSERT_EQ(m.ctl(ep, EPOLL_CTL_ADD, a, EPOLLIN | EPOLLET, 0x2a), 0);
	std::string d = ep_describe(m.ep_of(ep));
	EXPECT_NE(d.find("events=IN|ERR|HUP|ET data=0x2a hooks=1 [ready]"), std::string::npos) << d;
	EXPECT_NE(d.find("rdllist (ready list, head first): fd 1 (eventfd)"), std::string::npos)
		<< d;
	EXPECT_NE(d.find("wq (epoll_wait sleepers): empty"), std::string::npos) << d;
}

} // namespace
} // namespace epsim::test
