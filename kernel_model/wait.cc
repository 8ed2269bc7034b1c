// SPDX-License-Identifier: GPL-2.0-only
//
// Models kernel/sched/wait.c and the wait-queue parts of include/linux/wait.h
// and kernel/sched/core.c: init_waitqueue_head, init_waitqueue_func_entry,
// init_wait_entry, add_wait_queue, add_wait_queue_exclusive,
// __add_wait_queue_exclusive, remove_wait_queue, __wake_up with
// __wake_up_common's walk, default_wake_function and
// autoremove_wake_function.
//
// The kernel takes wq_head->lock around every one of these; the model runs
// one task at a time and never preempts inside them, so the lock is implied.
#include "kernel_model/wait.h"

#include "kernel_model/invariant.h"
#include "kernel_model/stats.h"

#include <string>

namespace epsim::kern {

// Linux: include/linux/wait.h:init_waitqueue_head
void init_waitqueue_head(wait_queue_head *wq_head) { INIT_LIST_HEAD(&wq_head->head); }

// An entry for a callback that is not a task wait (epoll's hooks).
// Linux: include/linux/wait.h:init_waitqueue_func_entry
void init_waitqueue_func_entry(wait_queue_entry *wq_entry, wait_queue_func_t func)
{
	wq_entry->flags = 0;
	wq_entry->priv = nullptr;
	wq_entry->func = func;
	INIT_LIST_HEAD(&wq_entry->entry);
}

// Linux: kernel/sched/wait.c:init_wait_entry (which always uses current)
void init_wait_entry(wait_queue_entry *wq_entry, task_struct *task, wait_queue_func_t func)
{
	wq_entry->flags = 0;
	wq_entry->priv = task;
	wq_entry->func = func;
	INIT_LIST_HEAD(&wq_entry->entry);
}

namespace {

// Throws invariant_violation(id, what()) unless cond holds.  The message is
// built only on failure: verify runs after every step of the property tests
// and inside every mutating operation with -Dverify_always=true.
template <class What> void check(bool cond, const char *id, What what)
{
	if (!cond)
		throw invariant_violation(id, what());
}

wait_queue_entry *wq_entry_of(list_head *link)
{
	return list_entry(link, wait_queue_entry, entry);
}

// Inserts at the head, but behind any PRIORITY entries, which stay first.
// The scan stops at the first ordinary entry, so it costs the number of
// PRIORITY entries (at most the queue length).
// Linux: include/linux/wait.h:__add_wait_queue
void __add_wait_queue(wait_queue_head *wq_head, wait_queue_entry *wq_entry)
{
	list_head *after = &wq_head->head;

	for (list_head *p = wq_head->head.next; p != &wq_head->head; p = p->next) {
		if (!(wq_entry_of(p)->flags & WQ_FLAG_PRIORITY))
			break;
		after = p;
	}
	list_add(&wq_entry->entry, after);
}

} // namespace

// Linux: kernel/sched/wait.c:add_wait_queue
void add_wait_queue(wait_queue_head *wq_head, wait_queue_entry *wq_entry)
{
	wq_entry->flags &= ~WQ_FLAG_EXCLUSIVE;
	__add_wait_queue(wq_head, wq_entry);
	++kstats.wq_linked;
}

// Linux: kernel/sched/wait.c:add_wait_queue_exclusive
void add_wait_queue_exclusive(wait_queue_head *wq_head, wait_queue_entry *wq_entry)
{
	wq_entry->flags |= WQ_FLAG_EXCLUSIVE;
	list_add_tail(&wq_entry->entry, &wq_head->head);
	++kstats.wq_linked;
}

// Exclusive, but at the head: the newest waiter is woken first.  Like
// add_wait_queue it still queues behind PRIORITY entries.
// Linux: include/linux/wait.h:__add_wait_queue_exclusive
void __add_wait_queue_exclusive(wait_queue_head *wq_head, wait_queue_entry *wq_entry)
{
	wq_entry->flags |= WQ_FLAG_EXCLUSIVE;
	__add_wait_queue(wq_head, wq_entry);
	++kstats.wq_linked;
}

// Divergence: the kernel's __remove_wait_queue uses list_del and leaves
// poison behind; the model uses list_del_init so that an unlinked hook
// reads as unlinked (style rule 3) and a second removal is harmless.
// Linux: kernel/sched/wait.c:remove_wait_queue
void remove_wait_queue(wait_queue_head *wq_head, wait_queue_entry *wq_entry)
{
	(void)wq_head;
	list_del_init(&wq_entry->entry);
	++kstats.wq_unlinked;
}

// Walks the queue from head to tail and calls every entry's func until one
// returns a negative value or nr_exclusive exclusive entries have reported
// a wakeup (a positive return).  The successor is read before func runs,
// so func may unlink its own entry (autoremove_wake_function does); it must
// not unlink any other.  The entry's flags are read before the call too, as
// the kernel does, so a callback that rewrites them does not change how its
// own return value is counted.  Each entry is visited at most once, so the
// walk is bounded by the queue length.
//
// With nr_exclusive == 0 the counter goes negative at the first exclusive
// wakeup and never reaches zero again: everyone is woken.
//
// Returns the unused part of nr_exclusive, which is what __wake_up_common
// returns.  Divergence: Linux's __wake_up returns nr_exclusive minus that
// (the number of exclusive wakeups done), or nothing in older kernels.
// Linux: kernel/sched/wait.c:__wake_up_common
int __wake_up(wait_queue_head *wq_head, unsigned mode, int nr_exclusive, __poll_t key,
	      int wake_flags)
{
	list_head *const head = &wq_head->head;
	list_head *next;

	for (list_head *p = head->next; p != head; p = next) {
		wait_queue_entry *curr = wq_entry_of(p);
		unsigned flags = curr->flags;

		next = p->next;
		int ret = curr->func(curr, mode, wake_flags, key);
		if (ret < 0)
			break;
		if (ret && (flags & WQ_FLAG_EXCLUSIVE) && !--nr_exclusive)
			break;
	}
	return nr_exclusive;
}

// Wakes the task in entry->priv if its state is one that `mode` may wake
// (TASK_NORMAL wakes interruptible and uninterruptible sleepers; the
// *_interruptible wrappers pass TASK_INTERRUPTIBLE only).  A task that is
// already running needs nothing and returns 0, as try_to_wake_up does.
// Linux: kernel/sched/core.c:default_wake_function, try_to_wake_up
// (ttwu_state_match)
int default_wake_function(wait_queue_entry *wq_entry, unsigned mode, int wake_flags, __poll_t key)
{
	(void)wake_flags;
	(void)key;
	auto *task = static_cast<task_struct *>(wq_entry->priv);

	if (!(static_cast<unsigned>(task->__state) & mode))
		return 0;
	return task->sched->wake_up_process(task);
}

// Wakes the task and, only if that woke it (non-zero), unlinks the entry so
// that the waiter sees list_empty(&wait.entry) and knows it was woken.  An
// entry whose task was already running stays queued.
// Linux: kernel/sched/wait.c:autoremove_wake_function
int autoremove_wake_function(wait_queue_entry *wq_entry, unsigned mode, int wake_flags,
			     __poll_t key)
{
	int ret = default_wake_function(wq_entry, mode, wake_flags, key);

	if (ret) {
		list_del_init(&wq_entry->entry);
		++kstats.wq_unlinked;
	}
	return ret;
}

// W1 (the list is well formed) is list_verify's L1-L4; W2 and W3 are
// checked in one pass over the entries.
size_t wait_verify(const wait_queue_head *wq_head)
{
	const list_head *head = &wq_head->head;
	size_t count;
	size_t index = 0;

	try {
		count = list_verify(head);
	} catch (const invariant_violation &e) {
		throw invariant_violation("W1", e.what());
	}
	bool seen_ordinary = false;

	for (const list_head *p = head->next; p != head; p = p->next, index++) {
		const wait_queue_entry *e = list_entry(const_cast<list_head *>(p),
						       wait_queue_entry, entry);
		check(e->func != nullptr, "W2", [&] {
			return "entry #" + std::to_string(index) +
				": expected a wake function, found NULL";
		});
		bool priority = e->flags & WQ_FLAG_PRIORITY;
		check(!(priority && seen_ordinary), "W3", [&] {
			return "entry #" + std::to_string(index) +
				": expected PRIORITY entries before all others, found one "
				"after an ordinary entry";
		});
		seen_ordinary |= !priority;
	}
	return count;
}

} // namespace epsim::kern
