// SPDX-License-Identifier: GPL-2.0-only
//
// Models the parts of kernel/locking that fs/eventpoll.c leans on:
// mutex_init, mutex_lock and mutex_unlock (kernel/locking/mutex.c) for
// ep->mtx and epnested_mutex, and spin_lock_init, spin_lock and spin_unlock
// (kernel/locking/spinlock.c) for ep->lock.
//
// Only one simulated task runs at a time and the scheduler switches tasks
// only when the running one sleeps or reaches a preempt_point.  A lock
// therefore records its owner and nothing more: there is no wait list
// (the structs are fixed by sched.h), so a task that finds a lock taken
// spins on preempt_point until the owner has run and released it.  The
// scheduler must be willing to run the owner at those preempt points;
// a scheduler that never switches would spin for ever, so the spin is
// bounded by LOCK_SPIN_LIMIT and then reported as a deadlock.
//
// Lock misuse is an invariant violation (docs/invariants.md):
//   LK1  mutex_lock by the task that already owns the mutex
//   LK2  mutex_unlock by a task that does not own the mutex
//   LK3  spin_lock by the task that already owns the lock
//   LK4  spin_unlock by a task that does not own the lock
#include "kernel_model/sched.h"

#include "kernel_model/invariant.h"

#include <mutex>
#include <set>
#include <string>

namespace epsim::kern {

namespace {

// Builds the message and throws; out of line, so that the lock functions
// that call check() need no stack frame for it on their fast path.
template <class What> [[gnu::cold, gnu::noinline]] void check_failed(const char *id, What what)
{
	throw invariant_violation(id, what());
}

// Throws invariant_violation(id, what()) unless cond holds.  The message is
// built only on failure: locks are taken in every model operation.
template <class What> void check(bool cond, const char *id, What what)
{
	if (!cond) [[unlikely]]
		check_failed(id, what);
}

// How many preempt points a task may pass while waiting for a lock before
// the wait is declared a deadlock.  Far more than any simulation needs:
// the owner only has to reach its unlock.
constexpr unsigned long LOCK_SPIN_LIMIT = 1UL << 24;

// preempt_point takes a const char *, and a scheduler may keep it (in a
// trace, say) after the call returns.  "mutex_lock:<name>" is built at run
// time, so each distinct string is kept here for the life of the program.
// The set only grows by the number of distinct mutex names.
const char *intern(const std::string &s)
{
	static std::mutex lock;
	static std::set<std::string> strings;
	std::lock_guard<std::mutex> guard(lock);

	return strings.insert(s).first->c_str();
}

const char *mutex_where(const char *verb, const mutex *m)
{
	return intern(std::string(verb) + ":" + (m->name ? m->name : "?"));
}

std::string owner_str(const task_struct *t)
{
	return t ? "pid " + std::to_string(t->pid) : std::string("nobody");
}

// Waits, one preempt point at a time, until *owner is NULL.
[[gnu::noinline]] void lock_spin_slow(scheduler *s, task_struct *const *owner, const char *where)
{
	for (unsigned long i = 0; *owner; i++) {
		if (i == LOCK_SPIN_LIMIT)
			throw deadlock_error(std::string(where) + ": still held by " +
					     owner_str(*owner) + " after " + std::to_string(i) +
					     " preempt points; the scheduler never ran the owner");
		s->cpu_relax(where, *owner);
	}
}

// The uncontended case, a lock nobody holds, is the common one by far.
inline void lock_spin(scheduler *s, task_struct *const *owner, const char *where)
{
	if (*owner) [[unlikely]]
		lock_spin_slow(s, owner, where);
}

} // namespace

// Linux: include/linux/mutex.h:mutex_init
void mutex_init(mutex *m, const char *name)
{
	m->owner = nullptr;
	m->name = name;
	m->lock_where = mutex_where("mutex_lock", m);
	m->unlock_where = mutex_where("mutex_unlock", m);
}

// Linux: kernel/locking/mutex.c:mutex_lock
void mutex_lock(scheduler *s, mutex *m)
{
	const char *where = m->lock_where;
	task_struct *t = s->current();

	s->preempt_point(where);
	check(!m->owner || m->owner != t, "LK1", [&] {
		return std::string(where) + ": expected a mutex not held by the caller, found it "
			"already held by the caller (" + owner_str(t) + ")";
	});
	lock_spin(s, &m->owner, where);
	m->owner = t;
}

// Linux: kernel/locking/mutex.c:mutex_unlock
void mutex_unlock(scheduler *s, mutex *m)
{
	const char *where = m->unlock_where;
	task_struct *t = s->current();

	check(m->owner == t, "LK2", [&] {
		return std::string(where) + ": expected the mutex held by the caller (" +
			owner_str(t) + "), found it held by " + owner_str(m->owner);
	});
	m->owner = nullptr;
	s->preempt_point(where);
}

// Linux: include/linux/spinlock.h:spin_lock_init
void spin_lock_init(spinlock_t *l) { l->owner = nullptr; }

// Linux: include/linux/spinlock.h:spin_lock
void spin_lock(scheduler *s, spinlock_t *l)
{
	task_struct *t = s->current();

	s->preempt_point("spin_lock");
	check(!l->owner || l->owner != t, "LK3", [&] {
		return "spin_lock: expected a lock not held by the caller, found it already "
			"held by the caller (" + owner_str(t) + ")";
	});
	lock_spin(s, &l->owner, "spin_lock");
	l->owner = t;
}

// Linux: include/linux/spinlock.h:spin_unlock
void spin_unlock(scheduler *s, spinlock_t *l)
{
	task_struct *t = s->current();

	check(l->owner == t, "LK4", [&] {
		return "spin_unlock: expected the lock held by the caller (" + owner_str(t) +
			"), found it held by " + owner_str(l->owner);
	});
	l->owner = nullptr;
	s->preempt_point("spin_unlock");
}

} // namespace epsim::kern
