// SPDX-License-Identifier: GPL-2.0-only
//
// Tests for kernel_model/wait.h and wait.cc: the three insertion rules,
// __wake_up_common's walk (exclusive counting, early stop, self-removal,
// the key), PRIORITY ordering, wait_verify, and default_wake_function /
// autoremove_wake_function / wait_event_interruptible against a tiny fake
// scheduler.  The locks of kernel_model/sched.h are tested here too, since
// they need the same fake scheduler.
#include "kernel_model/invariant.h"
#include "kernel_model/sched.h"
#include "kernel_model/wait.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace {

using namespace epsim::kern;

// ---- probes: wait entries with a scripted callback ----

// What a probe's callback saw, in call order.
struct Call {
	int id;
	unsigned mode;
	int wake_flags;
	__poll_t key;
	bool operator==(const Call &) const = default;
};

struct probe {
	wait_queue_entry wq;
	int id;
	int ret;		// what the callback returns
	bool remove_self;	// list_del_init its own entry before returning
	std::vector<Call> *log;
};

int probe_func(wait_queue_entry *wq_entry, unsigned mode, int wake_flags, __poll_t key)
{
	probe *p = list_entry(wq_entry, probe, wq);

	p->log->push_back(Call{p->id, mode, wake_flags, key});
	if (p->remove_self)
		list_del_init(&wq_entry->entry);
	return p->ret;
}

// A queue and n probes (ids 0..n-1, returning 1) that are not yet queued.
struct Queue {
	wait_queue_head wq;
	std::vector<probe> probes;
	std::vector<Call> log;

	explicit Queue(int n) : probes(size_t(n))
	{
		init_waitqueue_head(&wq);
		for (int i = 0; i < n; i++) {
			probe &p = probes[size_t(i)];
			init_waitqueue_func_entry(&p.wq, probe_func);
			p.id = i;
			p.ret = 1;
			p.remove_self = false;
			p.log = &log;
		}
	}
	Queue(const Queue &) = delete;
	Queue &operator=(const Queue &) = delete;

	wait_queue_entry *e(int i) { return &probes[size_t(i)].wq; }

	// Ids in queue order, head to tail.
	std::vector<int> order() const
	{
		std::vector<int> out;

		for (list_head *p = wq.head.next; p != &wq.head; p = p->next)
			out.push_back(list_entry(p, probe, wq.entry)->id);
		return out;
	}

	std::vector<int> called() const
	{
		std::vector<int> out;

		for (const Call &c : log)
			out.push_back(c.id);
		return out;
	}
};

template <class Fn> std::string violated(Fn fn)
{
	try {
		fn();
	} catch (const invariant_violation &e) {
		return e.id();
	}
	return "";
}

// ---- insertion rules ----

TEST(WaitQueue, InitGivesAnEmptyInactiveQueueAndUnlinkedEntries)
{
	Queue q(1);

	EXPECT_FALSE(waitqueue_active(&q.wq));
	EXPECT_TRUE(list_empty(&q.e(0)->entry));
	EXPECT_EQ(q.e(0)->flags, 0u);
	EXPECT_EQ(q.e(0)->priv, nullptr);
	EXPECT_EQ(q.e(0)->func, probe_func);
	EXPECT_EQ(wait_verify(&q.wq), 0u);
}

TEST(WaitQueue, AddWaitQueueInsertsAtTheHeadAndClearsExclusive)
{
	Queue q(3);

	for (int i = 0; i < 3; i++) {
		q.e(i)->flags = WQ_FLAG_EXCLUSIVE;
		add_wait_queue(&q.wq, q.e(i));
	}
	EXPECT_EQ(q.order(), (std::vector<int>{2, 1, 0}));
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(q.e(i)->flags & WQ_FLAG_EXCLUSIVE, 0u);
	EXPECT_TRUE(waitqueue_active(&q.wq));
	EXPECT_EQ(wait_verify(&q.wq), 3u);
}

TEST(WaitQueue, AddWaitQueueExclusiveInsertsAtTheTailAndSetsExclusive)
{
	Queue q(3);

	for (int i = 0; i < 3; i++)
		add_wait_queue_exclusive(&q.wq, q.e(i));
	EXPECT_EQ(q.order(), (std::vector<int>{0, 1, 2}));
	for (int i = 0; i < 3; i++)
		EXPECT_NE(q.e(i)->flags & WQ_FLAG_EXCLUSIVE, 0u);
	EXPECT_EQ(wait_verify(&q.wq), 3u);
}

TEST(WaitQueue, UnderscoreAddWaitQueueExclusiveInsertsAtTheHeadAndSetsExclusive)
{
	Queue q(3);

	for (int i = 0; i < 3; i++)
		__add_wait_queue_exclusive(&q.wq, q.e(i));
	EXPECT_EQ(q.order(), (std::vector<int>{2, 1, 0}));
	for (int i = 0; i < 3; i++)
		EXPECT_NE(q.e(i)->flags & WQ_FLAG_EXCLUSIVE, 0u);
}

TEST(WaitQueue, NonExclusiveWaitersPrecedeExclusiveOnesInTheUsualMix)
{
	Queue q(4);

	add_wait_queue_exclusive(&q.wq, q.e(0));
	add_wait_queue(&q.wq, q.e(1));
	add_wait_queue_exclusive(&q.wq, q.e(2));
	add_wait_queue(&q.wq, q.e(3));
	EXPECT_EQ(q.order(), (std::vector<int>{3, 1, 0, 2}));
}

TEST(WaitQueue, RemoveWaitQueueUnlinksAndLeavesTheEntrySelfLinked)
{
	Queue q(3);

	for (int i = 0; i < 3; i++)
		add_wait_queue_exclusive(&q.wq, q.e(i));
	remove_wait_queue(&q.wq, q.e(1));
	EXPECT_EQ(q.order(), (std::vector<int>{0, 2}));
	EXPECT_TRUE(list_empty(&q.e(1)->entry));
	EXPECT_EQ(wait_verify(&q.wq), 2u);
}

// ---- PRIORITY ----

// Queues e at the very head with PRIORITY and EXCLUSIVE set, as the
// kernel's add_wait_queue_priority does (the model does not declare it).
void add_priority(wait_queue_head *wq, wait_queue_entry *e)
{
	e->flags |= WQ_FLAG_EXCLUSIVE | WQ_FLAG_PRIORITY;
	list_add(&e->entry, &wq->head);
}

TEST(WaitQueuePriority, HeadInsertionsGoBehindPriorityEntries)
{
	Queue q(5);

	add_priority(&q.wq, q.e(0));
	add_priority(&q.wq, q.e(1));
	add_wait_queue(&q.wq, q.e(2));
	__add_wait_queue_exclusive(&q.wq, q.e(3));
	add_wait_queue(&q.wq, q.e(4));
	EXPECT_EQ(q.order(), (std::vector<int>{1, 0, 4, 3, 2}));
	EXPECT_EQ(wait_verify(&q.wq), 5u);
}

TEST(WaitQueuePriority, TailInsertionGoesAfterEverything)
{
	Queue q(3);

	add_priority(&q.wq, q.e(0));
	add_wait_queue(&q.wq, q.e(1));
	add_wait_queue_exclusive(&q.wq, q.e(2));
	EXPECT_EQ(q.order(), (std::vector<int>{0, 1, 2}));
}

TEST(WaitQueuePriority, AnExclusivePriorityEntryThatWakesStopsTheWalk)
{
	Queue q(3);

	add_priority(&q.wq, q.e(0));
	add_wait_queue(&q.wq, q.e(1));
	add_wait_queue(&q.wq, q.e(2));
	wake_up(&q.wq);
	EXPECT_EQ(q.called(), (std::vector<int>{0}));
}

// ---- __wake_up ----

TEST(WakeUp, EmptyQueueReturnsNrExclusiveUntouched)
{
	Queue q(0);

	EXPECT_EQ(__wake_up(&q.wq, TASK_NORMAL, 3, 0), 3);
}

// Three exclusive waiters that all accept the wakeup.
void wake_exclusive(int nr_exclusive, std::vector<int> want_called, int want_left)
{
	Queue q(3);

	for (int i = 0; i < 3; i++)
		add_wait_queue_exclusive(&q.wq, q.e(i));
	EXPECT_EQ(__wake_up(&q.wq, TASK_NORMAL, nr_exclusive, 0), want_left);
	EXPECT_EQ(q.called(), want_called);
}

TEST(WakeUp, NrExclusiveOneWakesOnlyTheFirstExclusiveWaiter)
{
	wake_exclusive(1, {0}, 0);
}

TEST(WakeUp, NrExclusiveTwoWakesTheFirstTwo)
{
	wake_exclusive(2, {0, 1}, 0);
}

TEST(WakeUp, NrExclusiveZeroWakesEveryone)
{
	// The counter goes negative and never reaches zero again.
	wake_exclusive(0, {0, 1, 2}, -3);
}

TEST(WakeUp, NrExclusiveLargerThanTheQueueReturnsTheRest)
{
	wake_exclusive(5, {0, 1, 2}, 2);
}

TEST(WakeUp, NonExclusiveWaitersAreAlwaysCalledAndDoNotCount)
{
	Queue q(5);

	// Queue order 1, 0, 2, 3, 4: two non-exclusive, three exclusive.
	add_wait_queue(&q.wq, q.e(0));
	add_wait_queue(&q.wq, q.e(1));
	add_wait_queue_exclusive(&q.wq, q.e(2));
	add_wait_queue_exclusive(&q.wq, q.e(3));
	add_wait_queue_exclusive(&q.wq, q.e(4));
	EXPECT_EQ(__wake_up(&q.wq, TASK_NORMAL, 2, 0), 0);
	EXPECT_EQ(q.called(), (std::vector<int>{1, 0, 2, 3}));
}

TEST(WakeUp, NonExclusiveWaitersAfterTheQuotaAreNotReached)
{
	Queue q(3);

	add_wait_queue_exclusive(&q.wq, q.e(0));
	add_wait_queue_exclusive(&q.wq, q.e(1));
	q.e(1)->flags &= ~WQ_FLAG_EXCLUSIVE;	// a non-exclusive entry after e0
	add_wait_queue_exclusive(&q.wq, q.e(2));
	EXPECT_EQ(__wake_up(&q.wq, TASK_NORMAL, 1, 0), 0);
	EXPECT_EQ(q.called(), (std::vector<int>{0}));
}

TEST(WakeUp, ExclusiveWaitersReturningZeroDoNotCount)
{
	Queue q(4);

	for (int i = 0; i < 4; i++)
		add_wait_queue_exclusive(&q.wq, q.e(i));
	q.probes[0].ret = 0;
	q.probes[1].ret = 0;
	EXPECT_EQ(__wake_up(&q.wq, TASK_NORMAL, 1, 0), 0);
	EXPECT_EQ(q.called(), (std::vector<int>{0, 1, 2}));
}

TEST(WakeUp, ANegativeReturnStopsTheWalk)
{
	Queue q(3);

	for (int i = 0; i < 3; i++)
		add_wait_queue_exclusive(&q.wq, q.e(i));
	q.probes[1].ret = -1;
	EXPECT_EQ(__wake_up(&q.wq, TASK_NORMAL, 0, 0), -1);
	EXPECT_EQ(q.called(), (std::vector<int>{0, 1}));
}

TEST(WakeUp, ANegativeReturnFromANonExclusiveEntryStopsTheWalkToo)
{
	Queue q(3);

	for (int i = 0; i < 3; i++)
		add_wait_queue(&q.wq, q.e(i));
	q.probes[2].ret = -5;	// head of the queue
	wake_up_all(&q.wq);
	EXPECT_EQ(q.called(), (std::vector<int>{2}));
}

TEST(WakeUp, EntriesMayRemoveThemselvesDuringTheWalk)
{
	Queue q(4);

	for (int i = 0; i < 4; i++) {
		add_wait_queue_exclusive(&q.wq, q.e(i));
		q.probes[size_t(i)].remove_self = (i % 2 == 0);
	}
	wake_up_all(&q.wq);
	EXPECT_EQ(q.called(), (std::vector<int>{0, 1, 2, 3}));
	EXPECT_EQ(q.order(), (std::vector<int>{1, 3}));
	EXPECT_TRUE(list_empty(&q.e(0)->entry));
	EXPECT_EQ(wait_verify(&q.wq), 2u);

	// Everyone removes itself: the queue ends empty.
	q.log.clear();
	q.probes[1].remove_self = q.probes[3].remove_self = true;
	wake_up_all(&q.wq);
	EXPECT_EQ(q.called(), (std::vector<int>{1, 3}));
	EXPECT_FALSE(waitqueue_active(&q.wq));
}

TEST(WakeUp, TheFlagsSeenBeforeTheCallDecideTheCounting)
{
	// The kernel reads curr->flags before calling func, so an entry that
	// clears its own EXCLUSIVE flag while waking still counts.
	Queue q(2);

	add_wait_queue_exclusive(&q.wq, q.e(0));
	add_wait_queue_exclusive(&q.wq, q.e(1));
	q.probes[0].wq.func = [](wait_queue_entry *e, unsigned, int, __poll_t) {
		e->flags &= ~WQ_FLAG_EXCLUSIVE;
		list_entry(e, probe, wq)->log->push_back(Call{0, 0, 0, 0});
		return 1;
	};
	wake_up(&q.wq);
	EXPECT_EQ(q.called(), (std::vector<int>{0}));
}

TEST(WakeUp, KeyModeAndWakeFlagsArePassedThrough)
{
	Queue q(1);

	add_wait_queue(&q.wq, q.e(0));
	wake_up_poll(&q.wq, 0x1);
	wake_up_interruptible_sync_poll(&q.wq, 0x4);
	wake_up_sync(&q.wq);
	wake_up(&q.wq);
	wake_up_interruptible_poll(&q.wq, 0x41);
	wake_up_interruptible_all(&q.wq);
	__wake_up(&q.wq, 2, 1, 0x10, 7);
	EXPECT_EQ(q.log, (std::vector<Call>{
				 {0, TASK_NORMAL, 0, 0x1},
				 {0, 1, WF_SYNC, 0x4},
				 {0, TASK_NORMAL, WF_SYNC, 0},
				 {0, TASK_NORMAL, 0, 0},
				 {0, 1, 0, 0x41},
				 {0, 1, 0, 0},
				 {0, 2, 7, 0x10},
			 }));
}

// Random queues against a model of __wake_up_common: each waiter is added
// by one of the three insertion rules and returns -1, 0 or 1; the property
// computes which callbacks must run and how much of nr_exclusive is left.
RC_GTEST_PROP(WakeUpProperty, WalkMatchesTheWakeUpCommonRules, ())
{
	const auto how = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 3));
	const auto rets = *rc::gen::container<std::vector<int>>(how.size(), rc::gen::inRange(-1, 2));
	const int nr_exclusive = *rc::gen::inRange(0, 4);
	Queue q(int(how.size()));
	std::vector<int> model;	// queue order, head first

	for (size_t i = 0; i < how.size(); i++) {
		int id = int(i);
		q.probes[i].ret = rets[i];
		if (how[i] == 0) {
			add_wait_queue(&q.wq, q.e(id));
			model.insert(model.begin(), id);
		} else if (how[i] == 1) {
			add_wait_queue_exclusive(&q.wq, q.e(id));
			model.push_back(id);
		} else {
			__add_wait_queue_exclusive(&q.wq, q.e(id));
			model.insert(model.begin(), id);
		}
	}
	RC_ASSERT(wait_verify(&q.wq) == how.size());
	RC_ASSERT(q.order() == model);

	std::vector<int> want;
	int left = nr_exclusive;
	for (int id : model) {
		want.push_back(id);
		int ret = rets[size_t(id)];
		if (ret < 0)
			break;
		if (ret > 0 && how[size_t(id)] != 0 && --left == 0)
			break;
	}
	RC_ASSERT(__wake_up(&q.wq, TASK_NORMAL, nr_exclusive, 0) == left);
	RC_ASSERT(q.called() == want);
}

// ---- wait_verify ----

TEST(WaitVerify, DetectsAnEntryWithoutAWakeFunction)
{
	Queue q(2);

	add_wait_queue(&q.wq, q.e(0));
	add_wait_queue(&q.wq, q.e(1));
	q.e(0)->func = nullptr;
	EXPECT_EQ(violated([&] { wait_verify(&q.wq); }), "W2");
}

TEST(WaitVerify, DetectsAPriorityEntryBehindAnOrdinaryOne)
{
	Queue q(2);

	add_wait_queue(&q.wq, q.e(0));
	q.e(1)->flags = WQ_FLAG_PRIORITY;
	list_add_tail(&q.e(1)->entry, &q.wq.head);
	EXPECT_EQ(violated([&] { wait_verify(&q.wq); }), "W3");
}

TEST(WaitVerify, DetectsABrokenList)
{
	Queue q(3);

	for (int i = 0; i < 3; i++)
		add_wait_queue(&q.wq, q.e(i));
	q.e(1)->entry.prev = &q.wq.head;
	EXPECT_EQ(violated([&] { wait_verify(&q.wq); }), "W1");
}

// ---- task wakeups through a fake scheduler ----

// One or more tasks, current() is tasks[cur].  wake_up_process follows the
// contract in sched.h; schedule_until runs on_sleep (standing in for the
// rest of the world while the task sleeps) and reports whether the task
// was woken.  preempt_point runs on_preempt.
class FakeScheduler : public scheduler {
public:
	std::array<task_struct, 2> tasks{};
	size_t cur = 0;
	int wakeups = 0;
	int preempts = 0;
	std::vector<std::string> where;
	std::function<void()> on_sleep;
	std::function<void()> on_preempt;

	FakeScheduler()
	{
		for (size_t i = 0; i < tasks.size(); i++) {
			tasks[i].pid = int(i) + 1;
			tasks[i].sched = this;
		}
	}

	task_struct *current() override { return &tasks[cur]; }
	uint64_t ktime_get_ns() const override { return 0; }

	bool schedule_until(uint64_t) override
	{
		if (current()->__state == TASK_RUNNING)
			return true;
		if (on_sleep)
			on_sleep();
		return current()->__state == TASK_RUNNING;
	}

	int wake_up_process(task_struct *t) override
	{
		if (t->__state == TASK_RUNNING)
			return 0;
		t->__state = TASK_RUNNING;
		wakeups++;
		return 1;
	}

	void preempt_point(const char *w) override
	{
		preempts++;
		if (where.size() < 16)
			where.emplace_back(w);
		if (on_preempt)
			on_preempt();
	}
};

TEST(TaskWake, InitWaitEntryRecordsTheTask)
{
	FakeScheduler s;
	wait_queue_entry w;

	init_wait_entry(&w, &s.tasks[0], default_wake_function);
	EXPECT_EQ(w.priv, &s.tasks[0]);
	EXPECT_EQ(w.func, default_wake_function);
	EXPECT_EQ(w.flags, 0u);
	EXPECT_TRUE(list_empty(&w.entry));
}

TEST(TaskWake, DefaultWakeFunctionWakesASleepingTask)
{
	FakeScheduler s;
	wait_queue_head wq;
	wait_queue_entry w;

	init_waitqueue_head(&wq);
	init_wait_entry(&w, &s.tasks[0], default_wake_function);
	add_wait_queue(&wq, &w);
	s.tasks[0].__state = TASK_INTERRUPTIBLE;
	wake_up(&wq);
	EXPECT_EQ(s.tasks[0].__state, TASK_RUNNING);
	EXPECT_EQ(s.wakeups, 1);
	EXPECT_FALSE(list_empty(&w.entry));	// default_wake_function leaves it queued
}

TEST(TaskWake, DefaultWakeFunctionReturnsZeroForARunningTask)
{
	FakeScheduler s;
	wait_queue_entry w;

	init_wait_entry(&w, &s.tasks[0], default_wake_function);
	EXPECT_EQ(default_wake_function(&w, TASK_NORMAL, 0, 0), 0);
	EXPECT_EQ(s.wakeups, 0);
}

TEST(TaskWake, InterruptibleWakeupsLeaveUninterruptibleSleepersAlone)
{
	FakeScheduler s;
	wait_queue_entry w;

	init_wait_entry(&w, &s.tasks[0], default_wake_function);
	s.tasks[0].__state = TASK_UNINTERRUPTIBLE;
	EXPECT_EQ(default_wake_function(&w, TASK_INTERRUPTIBLE, 0, 0), 0);
	EXPECT_EQ(s.tasks[0].__state, TASK_UNINTERRUPTIBLE);
	EXPECT_EQ(default_wake_function(&w, TASK_NORMAL, 0, 0), 1);
	EXPECT_EQ(s.tasks[0].__state, TASK_RUNNING);
}

TEST(TaskWake, AutoremoveUnlinksOnlyWhenTheTaskWasWoken)
{
	FakeScheduler s;
	wait_queue_head wq;
	wait_queue_entry w;

	init_waitqueue_head(&wq);
	init_wait_entry(&w, &s.tasks[0], autoremove_wake_function);
	add_wait_queue(&wq, &w);

	// Already running: nothing to wake, so the entry stays queued.
	wake_up(&wq);
	EXPECT_FALSE(list_empty(&w.entry));
	EXPECT_EQ(wait_verify(&wq), 1u);

	s.tasks[0].__state = TASK_INTERRUPTIBLE;
	wake_up(&wq);
	EXPECT_TRUE(list_empty(&w.entry));
	EXPECT_FALSE(waitqueue_active(&wq));
	EXPECT_EQ(s.tasks[0].__state, TASK_RUNNING);
}

TEST(TaskWake, WakeUpWakesOneExclusiveSleeperAndRemovesIt)
{
	FakeScheduler s;
	wait_queue_head wq;
	std::array<wait_queue_entry, 2> w;

	init_waitqueue_head(&wq);
	for (size_t i = 0; i < 2; i++) {
		init_wait_entry(&w[i], &s.tasks[i], autoremove_wake_function);
		add_wait_queue_exclusive(&wq, &w[i]);
		s.tasks[i].__state = TASK_INTERRUPTIBLE;
	}
	wake_up(&wq);
	EXPECT_EQ(s.tasks[0].__state, TASK_RUNNING);
	EXPECT_EQ(s.tasks[1].__state, TASK_INTERRUPTIBLE);
	EXPECT_TRUE(list_empty(&w[0].entry));
	EXPECT_EQ(wait_verify(&wq), 1u);
}

TEST(WaitEvent, ReturnsOnceTheConditionHoldsAndLeavesTheQueueClean)
{
	FakeScheduler s;
	wait_queue_head wq;
	bool ready = false;
	int sleeps = 0;

	init_waitqueue_head(&wq);
	s.on_sleep = [&] {
		sleeps++;
		EXPECT_TRUE(waitqueue_active(&wq));
		if (sleeps == 1) {
			wake_up(&wq);	// a spurious wakeup: cond still false
		} else {
			ready = true;
			wake_up(&wq);
		}
	};
	EXPECT_EQ(wait_event_interruptible(&s, &wq, true, "test", [&] { return ready; }), 0);
	EXPECT_EQ(sleeps, 2);
	EXPECT_EQ(s.tasks[0].__state, TASK_RUNNING);
	EXPECT_FALSE(waitqueue_active(&wq));
	EXPECT_EQ(s.tasks[0].wchan, nullptr);
}

TEST(WaitEvent, ReturnsEintrWhenASignalIsPending)
{
	FakeScheduler s;
	wait_queue_head wq;

	init_waitqueue_head(&wq);
	s.on_sleep = [&] {
		s.tasks[0].sigpending = true;
		wake_up(&wq);
	};
	EXPECT_EQ(wait_event_interruptible(&s, &wq, false, "test", [] { return false; }), -EINTR);
	EXPECT_FALSE(waitqueue_active(&wq));
	EXPECT_EQ(s.tasks[0].__state, TASK_RUNNING);
}

// ---- kernel/locking (sched.cc) ----

TEST(Mutex, LockAndUnlockRecordTheOwnerAndPassPreemptPoints)
{
	FakeScheduler s;
	mutex m;

	mutex_init(&m, "ep->mtx");
	EXPECT_FALSE(mutex_is_locked(&m));
	mutex_lock(&s, &m);
	EXPECT_EQ(m.owner, &s.tasks[0]);
	EXPECT_TRUE(mutex_is_locked(&m));
	mutex_unlock(&s, &m);
	EXPECT_FALSE(mutex_is_locked(&m));
	EXPECT_EQ(s.where, (std::vector<std::string>{"mutex_lock:ep->mtx", "mutex_unlock:ep->mtx"}));
}

TEST(Mutex, AContendedLockWaitsAtPreemptPointsUntilTheOwnerReleasesIt)
{
	FakeScheduler s;
	mutex m;

	mutex_init(&m, "ep->mtx");
	m.owner = &s.tasks[1];	// task 2 holds it; task 1 (current) wants it
	s.on_preempt = [&] {
		if (s.preempts == 3)
			m.owner = nullptr;	// the scheduler ran task 2 to its unlock
	};
	mutex_lock(&s, &m);
	EXPECT_EQ(m.owner, &s.tasks[0]);
	EXPECT_EQ(s.preempts, 3);
}

TEST(Mutex, RelockingByTheOwnerIsLk1)
{
	FakeScheduler s;
	mutex m;

	mutex_init(&m, "m");
	mutex_lock(&s, &m);
	EXPECT_EQ(violated([&] { mutex_lock(&s, &m); }), "LK1");
}

TEST(Mutex, UnlockingByANonOwnerIsLk2)
{
	FakeScheduler s;
	mutex m;

	mutex_init(&m, "m");
	EXPECT_EQ(violated([&] { mutex_unlock(&s, &m); }), "LK2");
	m.owner = &s.tasks[1];
	EXPECT_EQ(violated([&] { mutex_unlock(&s, &m); }), "LK2");
}

TEST(Mutex, AnOwnerThatNeverRunsIsReportedAsADeadlock)
{
	FakeScheduler s;
	mutex m;

	mutex_init(&m, "m");
	m.owner = &s.tasks[1];
	EXPECT_THROW(mutex_lock(&s, &m), deadlock_error);
}

TEST(SpinLock, LockAndUnlockRecordTheOwnerAndPassPreemptPoints)
{
	FakeScheduler s;
	spinlock_t l;

	spin_lock_init(&l);
	EXPECT_EQ(l.owner, nullptr);
	spin_lock(&s, &l);
	EXPECT_EQ(l.owner, &s.tasks[0]);
	spin_unlock(&s, &l);
	EXPECT_EQ(l.owner, nullptr);
	EXPECT_EQ(s.where, (std::vector<std::string>{"spin_lock", "spin_unlock"}));
}

TEST(SpinLock, MisuseIsLk3AndLk4)
{
	FakeScheduler s;
	spinlock_t l;

	spin_lock_init(&l);
	EXPECT_EQ(violated([&] { spin_unlock(&s, &l); }), "LK4");
	spin_lock(&s, &l);
	EXPECT_EQ(violated([&] { spin_lock(&s, &l); }), "LK3");
	l.owner = &s.tasks[1];
	EXPECT_EQ(violated([&] { spin_unlock(&s, &l); }), "LK4");
}

} // namespace
