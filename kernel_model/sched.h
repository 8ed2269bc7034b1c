// SPDX-License-Identifier: GPL-2.0-only
//
// The one small scheduler interface the model blocks through.  It stands
// for what fs/eventpoll.c, fs/select.c and the drivers use from
// kernel/sched/core.c and kernel/time/hrtimer.c: `current`, task states,
// schedule_hrtimeout_range() (sleep until woken or a deadline),
// try_to_wake_up() / wake_up_process(), signal_pending() and ktime_get_ns().
//
// The simulator implements it: with one task, a sleep either advances
// virtual time to its deadline or reports that nothing could ever wake the
// task; with several tasks (fibers) it switches to another one.  The model
// also calls preempt_point() where the kernel could be preempted or another
// CPU could run (taking and dropping ep->mtx and ep->lock, between items of
// a harvest), so a scheduler can interleave tasks there.
//
// It also models kernel/locking: struct mutex and spinlock_t.  They record
// their holder so verify() can check that no lock is held between system
// calls; they contend only under the simulator's tasks.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace epsim::kern {

class scheduler;

enum : int {
	TASK_RUNNING = 0,
	TASK_INTERRUPTIBLE = 1,
	TASK_UNINTERRUPTIBLE = 2,
};

inline constexpr uint64_t KTIME_MAX = UINT64_MAX;

// One schedulable thread of a simulated process (include/linux/sched.h).
struct task_struct {
	int pid;			// thread id inside the simulation; immutable
	int __state;			// TASK_*; written by the task itself and by wakers
	bool sigpending;		// an unblocked signal is pending (signal_pending())
	uint64_t blocked_sigmask;	// signals blocked right now (bit n-1 for signal n)
	uint64_t pending_sigmask;	// signals sent but not yet handled
	const char *wchan;		// what the task sleeps on, for deadlock reports
	scheduler *sched;		// immutable
	void *sched_private;		// owned by the scheduler implementation
};

// Raised by a scheduler when the running task would sleep forever: every
// task is blocked with no timer pending.  Linux would hang; the simulator
// stops with a message that names the sleeping tasks and their wait channel.
class deadlock_error : public std::runtime_error {
public:
	explicit deadlock_error(const std::string &what) : std::runtime_error(what) {}
};

class scheduler {
public:
	virtual ~scheduler() = default;

	// Linux: include/asm-generic/current.h current
	virtual task_struct *current() = 0;

	// Virtual monotonic time in nanoseconds (ktime_get_ns()).
	virtual uint64_t ktime_get_ns() const = 0;

	// The current task sleeps until a waker sets it TASK_RUNNING or until
	// deadline_ns (KTIME_MAX: no deadline).  Returns true when it was woken,
	// false when the deadline passed.  If the task is already TASK_RUNNING
	// (a wakeup came between set_current_state() and here) it returns true
	// at once, as schedule() does.
	// Linux: kernel/time/hrtimer.c schedule_hrtimeout_range
	virtual bool schedule_until(uint64_t deadline_ns) = 0;

	// Linux: kernel/sched/core.c try_to_wake_up.  Returns 1 if t was
	// sleeping (its state was not TASK_RUNNING) and is now runnable.
	virtual int wake_up_process(task_struct *t) = 0;

	// A place where Linux could be preempted or another CPU could run.
	// `where` is a string with static storage duration (a scheduler may
	// keep the pointer in a trace).
	virtual void preempt_point(const char *where) { (void)where; }

	// Notes an event in the scheduler's trace, if it keeps one (static
	// string).  Changes nothing.
	virtual void trace_event(const char *what) { (void)what; }

	// The current task spins on a lock that `owner` holds (cpu_relax() in
	// a spin loop): a scheduler must let the owner run here (in Linux the
	// owner of a spinlock is on another CPU, and a mutex owner runs while
	// waiters sleep), or it never releases the lock.
	virtual void cpu_relax(const char *where, task_struct *owner)
	{
		(void)owner;
		preempt_point(where);
	}
};

inline task_struct *get_current(scheduler *s) { return s->current(); }

inline void set_current_state(scheduler *s, int state) { s->current()->__state = state; }

// Linux: include/linux/sched/signal.h signal_pending
inline bool signal_pending(const task_struct *t) { return t->sigpending; }

// ---- kernel/locking ----

struct mutex {
	task_struct *owner;		// nullptr when unlocked
	const char *name;		// immutable, for reports
	const char *lock_where;		// "mutex_lock:<name>", static storage; immutable
	const char *unlock_where;	// "mutex_unlock:<name>", static storage; immutable
};

struct spinlock_t {
	task_struct *owner;	// nullptr when unlocked
};

void mutex_init(mutex *m, const char *name);
void mutex_lock(scheduler *s, mutex *m);
void mutex_unlock(scheduler *s, mutex *m);
inline bool mutex_is_locked(const mutex *m) { return m->owner != nullptr; }

void spin_lock_init(spinlock_t *l);
void spin_lock(scheduler *s, spinlock_t *l);
void spin_unlock(scheduler *s, spinlock_t *l);

} // namespace epsim::kern
