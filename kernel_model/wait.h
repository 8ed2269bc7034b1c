// SPDX-License-Identifier: GPL-2.0-only
//
// Models include/linux/wait.h and kernel/sched/wait.c: wait_queue_head,
// wait_queue_entry with a wake callback, the three insertion rules that make
// waiter order observable, and __wake_up_common's walk with exclusive
// counting.  The wake "key" is a poll mask (key_to_poll/poll_to_key); 0
// means "no key" and every epoll hook treats it as matching everything.
//
//   add_wait_queue              clears EXCLUSIVE, inserts at the head
//   add_wait_queue_exclusive    sets EXCLUSIVE, inserts at the tail
//   __add_wait_queue_exclusive  sets EXCLUSIVE, inserts at the head
//                               (ep_poll uses it: epoll_wait callers are
//                               woken newest first)
//
// __wake_up(head, mode, nr_exclusive, key) walks head to tail, calling each
// entry's func; a negative return stops the walk; a positive return from an
// entry flagged EXCLUSIVE consumes one of nr_exclusive; nr_exclusive == 0
// wakes everyone.
//
// Invariants (docs/invariants.md): W1 the entry list is a well-formed list
// (L1-L4); W2 every entry has a wake function; W3 PRIORITY entries precede
// all others.
#pragma once

#include "kernel_model/list.h"
#include "kernel_model/sched.h"
#include "kernel_model/stats.h"
#include "kernel_model/types.h"

namespace epsim::kern {

inline constexpr unsigned WQ_FLAG_EXCLUSIVE = 0x01;
inline constexpr unsigned WQ_FLAG_WOKEN = 0x02;
inline constexpr unsigned WQ_FLAG_CUSTOM = 0x04;
inline constexpr unsigned WQ_FLAG_DONE = 0x08;
inline constexpr unsigned WQ_FLAG_PRIORITY = 0x10;

inline constexpr int WF_SYNC = 0x10;

struct wait_queue_entry;
using wait_queue_func_t = int (*)(wait_queue_entry *wq_entry, unsigned mode, int wake_flags,
				  __poll_t key);

struct wait_queue_entry {
	unsigned flags;		// WQ_FLAG_*; set at insertion
	void *priv;		// the task for task waits; nullptr for epoll hooks (kernel: private)
	wait_queue_func_t func;	// immutable after init
	list_head entry;	// link on wait_queue_head::head; protected by the head's lock
};

struct wait_queue_head {
	list_head head;		// entries, protected by the queue's lock (one task runs at a time)
};

void init_waitqueue_head(wait_queue_head *wq_head);
void init_waitqueue_func_entry(wait_queue_entry *wq_entry, wait_queue_func_t func);
void init_wait_entry(wait_queue_entry *wq_entry, task_struct *task, wait_queue_func_t func);

inline bool waitqueue_active(const wait_queue_head *wq_head) { return !list_empty(&wq_head->head); }

void add_wait_queue(wait_queue_head *wq_head, wait_queue_entry *wq_entry);
void add_wait_queue_exclusive(wait_queue_head *wq_head, wait_queue_entry *wq_entry);
void __add_wait_queue_exclusive(wait_queue_head *wq_head, wait_queue_entry *wq_entry);
void remove_wait_queue(wait_queue_head *wq_head, wait_queue_entry *wq_entry);

// Returns how many exclusive wakeups were left unused (model convenience).
int __wake_up(wait_queue_head *wq_head, unsigned mode, int nr_exclusive, __poll_t key,
	      int wake_flags = 0);

inline constexpr unsigned TASK_NORMAL = 3;

inline void wake_up(wait_queue_head *x) { __wake_up(x, TASK_NORMAL, 1, 0); }
inline void wake_up_all(wait_queue_head *x) { __wake_up(x, TASK_NORMAL, 0, 0); }
inline void wake_up_poll(wait_queue_head *x, __poll_t m) { __wake_up(x, TASK_NORMAL, 1, m); }
inline void wake_up_sync(wait_queue_head *x) { __wake_up(x, TASK_NORMAL, 1, 0, WF_SYNC); }
inline void wake_up_interruptible_poll(wait_queue_head *x, __poll_t m) { __wake_up(x, 1, 1, m); }
inline void wake_up_interruptible_sync_poll(wait_queue_head *x, __poll_t m)
{
	__wake_up(x, 1, 1, m, WF_SYNC);
}
inline void wake_up_interruptible_all(wait_queue_head *x) { __wake_up(x, 1, 0, 0); }

// Linux: kernel/sched/core.c default_wake_function: wakes entry->priv (a task).
int default_wake_function(wait_queue_entry *wq_entry, unsigned mode, int wake_flags, __poll_t key);
// Linux: kernel/sched/wait.c autoremove_wake_function: wakes, then unlinks the entry.
int autoremove_wake_function(wait_queue_entry *wq_entry, unsigned mode, int wake_flags,
			     __poll_t key);

// Linux: include/linux/wait.h ___wait_event for TASK_INTERRUPTIBLE waits:
// queue an autoremove entry (exclusive ones at the tail), re-check cond,
// sleep, repeat.  Returns 0 once cond() holds, -EINTR if a signal is pending
// first.  cond is a callable returning bool; `what` names the wait channel.
//
// tail: queue a non-exclusive entry at the tail instead of the head, as
// wait_event_interruptible_locked() (__add_wait_queue_entry_tail) does.
template <class Cond>
int wait_event_interruptible(scheduler *s, wait_queue_head *wq, bool exclusive, const char *what,
			     Cond cond, bool tail = false)
{
	task_struct *t = s->current();
	wait_queue_entry wait;
	int ret = 0;

	init_wait_entry(&wait, t, autoremove_wake_function);
	for (;;) {
		if (list_empty(&wait.entry)) {
			if (exclusive) {
				add_wait_queue_exclusive(wq, &wait);
			} else if (tail) {
				list_add_tail(&wait.entry, &wq->head);
				++kstats.wq_linked;
			} else {
				add_wait_queue(wq, &wait);
			}
		}
		set_current_state(s, TASK_INTERRUPTIBLE);
		if (cond())
			break;
		if (signal_pending(t)) {
			ret = -EINTR;
			break;
		}
		t->wchan = what;
		try {
			s->schedule_until(KTIME_MAX);
		} catch (...) {
			// The simulator gave up on this task (deadlock): leave no
			// entry behind on the queue.
			t->wchan = nullptr;
			set_current_state(s, TASK_RUNNING);
			if (!list_empty(&wait.entry))
				list_del_init(&wait.entry);
			throw;
		}
		t->wchan = nullptr;
	}
	set_current_state(s, TASK_RUNNING);
	if (!list_empty(&wait.entry)) {
		list_del_init(&wait.entry);
		++kstats.wq_unlinked;
	}
	return ret;
}

// Checks W1-W3; returns the number of entries.
size_t wait_verify(const wait_queue_head *wq_head);

} // namespace epsim::kern
