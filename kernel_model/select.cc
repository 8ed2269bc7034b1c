// SPDX-License-Identifier: GPL-2.0-only
//
// Models fs/select.c: poll_initwait, __pollwait, pollwake, poll_freewait,
// poll_schedule_timeout, max_select_fd, do_select, core_sys_select,
// do_pollfd, do_poll and do_sys_poll.
//
// Both scanners poll every descriptor on every pass (O(n) per pass).  The
// first pass hooks a __pollwait entry on each wait queue the files use; a
// wakeup whose key intersects the entry's key sets `triggered` and wakes the
// task, which then re-scans everything.  As soon as one descriptor is ready
// the remaining polls of the pass register nothing (_qproc = NULL).
#include "kernel_model/select.h"

#include <algorithm>
#include <deque>
#include <vector>

#include "kernel_model/file.h"
#include "kernel_model/stats.h"
#include "kernel_model/wait.h"

namespace epsim::kern {

struct poll_wqueues;

// Linux: include/linux/poll.h struct poll_table_entry
struct poll_table_entry {
	file *filp;			// referenced until poll_freewait
	__poll_t key;			// events the poller asked for
	wait_queue_entry wait;		// func = pollwake
	wait_queue_head *wait_address;	// the queue it is on
	poll_wqueues *pwq;		// owner
};

// Divergence: the kernel packs entries in an inline array and then whole
// pages (POLL_TABLE_FULL); a deque gives the same stable addresses without
// the page arithmetic.  Not observable.
struct poll_wqueues_state {
	std::deque<poll_table_entry> entries;
};

// Linux: include/linux/poll.h struct poll_wqueues
struct poll_wqueues {
	poll_table pt;			// _qproc = __pollwait on the first pass
	poll_wqueues_state *st;		// the entries
	task_struct *polling_task;	// the task to wake
	kernel_state *k;		// immutable
	bool triggered;			// a wakeup arrived since the last sleep
};

// Linux: fs/select.c pollwake: ignore wakeups for events nobody asked for.
static int pollwake(wait_queue_entry *wait, unsigned mode, int sync, __poll_t key)
{
	poll_table_entry *entry = list_entry(wait, poll_table_entry, wait);
	poll_wqueues *pwq = entry->pwq;
	wait_queue_entry dummy;

	if (key && !(key & entry->key))
		return 0;
	pwq->triggered = true;
	init_wait_entry(&dummy, pwq->polling_task, default_wake_function);
	return default_wake_function(&dummy, mode, sync, key);
}

// Linux: fs/select.c __pollwait
static void __pollwait(file *filp, wait_queue_head *wait_address, poll_table *p)
{
	poll_wqueues *pwq = list_entry(p, poll_wqueues, pt);
	poll_table_entry &entry = pwq->st->entries.emplace_back();

	get_file(filp);
	entry.filp = filp;
	entry.wait_address = wait_address;
	entry.key = p->_key;
	entry.pwq = pwq;
	init_waitqueue_func_entry(&entry.wait, pollwake);
	add_wait_queue(wait_address, &entry.wait);
}

static void poll_initwait(poll_wqueues *pwq, poll_wqueues_state *st, kernel_state *k)
{
	init_poll_funcptr(&pwq->pt, __pollwait);
	pwq->st = st;
	pwq->polling_task = k->sched->current();
	pwq->k = k;
	pwq->triggered = false;
}

// Linux: fs/select.c poll_freewait
static void poll_freewait(poll_wqueues *pwq)
{
	for (poll_table_entry &entry : pwq->st->entries) {
		remove_wait_queue(entry.wait_address, &entry.wait);
		fput(entry.filp);
	}
	pwq->st->entries.clear();
}

// Linux: fs/select.c poll_schedule_timeout.  Returns false when the
// deadline passed without a wakeup.
static bool poll_schedule_timeout(poll_wqueues *pwq, uint64_t deadline_ns, const char *what)
{
	scheduler *s = pwq->k->sched;
	task_struct *t = s->current();
	bool woken = true;

	set_current_state(s, TASK_INTERRUPTIBLE);
	if (!pwq->triggered) {
		t->wchan = what;
		try {
			woken = s->schedule_until(deadline_ns);
		} catch (...) {
			t->wchan = nullptr;
			set_current_state(s, TASK_RUNNING);
			throw;
		}
		t->wchan = nullptr;
	}
	set_current_state(s, TASK_RUNNING);
	pwq->triggered = false;
	return woken;
}

static uint64_t deadline_of(scheduler *s, long long timeout_ns)
{
	return timeout_ns < 0 ? KTIME_MAX : s->ktime_get_ns() + static_cast<uint64_t>(timeout_ns);
}

// ---- select ----

static constexpr unsigned BITS_PER_LONG = 64;

static bool test_bit(const unsigned long *set, unsigned fd)
{
	return set && (set[fd / BITS_PER_LONG] >> (fd % BITS_PER_LONG)) & 1;
}

static void set_bit(unsigned long *set, unsigned fd)
{
	set[fd / BITS_PER_LONG] |= 1UL << (fd % BITS_PER_LONG);
}

// Linux: fs/file.c alloc_fdtable sizing: 64 slots, then powers of two of
// 128 slots (1024 bytes of file pointers).
unsigned select_max_fds(const files_struct *files)
{
	size_t used = files->fd.size();
	unsigned nr = 128;

	if (used <= BITS_PER_LONG)
		return BITS_PER_LONG;
	while (nr < used)
		nr *= 2;
	return nr;
}

// Linux: fs/select.c max_select_fd: every requested fd below n must be open.
static int max_select_fd(const files_struct *files, unsigned n, const select_sets &sets)
{
	for (unsigned fd = 0; fd < n; ++fd) {
		bool wanted = test_bit(sets.in, fd) || test_bit(sets.out, fd) || test_bit(sets.ex, fd);

		if (wanted && !fdget(files, static_cast<int>(fd)))
			return -EBADF;
	}
	return 0;
}

// One select pass over fds [0, n).  Returns the number of ready bits.
static int do_select_pass(files_struct *files, unsigned n, const select_sets &sets,
			  select_sets res, poll_table *wait)
{
	int retval = 0;

	for (unsigned i = 0; i < n; ++i) {
		bool in = test_bit(sets.in, i), out = test_bit(sets.out, i), ex = test_bit(sets.ex, i);
		file *f;
		__poll_t mask;

		if (!(in || out || ex) || !(f = fdget(files, static_cast<int>(i))))
			continue;
		wait->_key = POLLEX_SET | (in ? POLLIN_SET : 0) | (out ? POLLOUT_SET : 0);
		mask = vfs_poll(f, wait);
		if (in && (mask & POLLIN_SET)) {
			set_bit(res.in, i);
			++retval;
			wait->_qproc = nullptr;
		}
		if (out && (mask & POLLOUT_SET)) {
			set_bit(res.out, i);
			++retval;
			wait->_qproc = nullptr;
		}
		if (ex && (mask & POLLEX_SET)) {
			set_bit(res.ex, i);
			++retval;
			wait->_qproc = nullptr;
		}
	}
	return retval;
}

// Linux: fs/select.c do_select.  Bound: one pass per wakeup or timeout.
static int do_select(kernel_state *k, files_struct *files, unsigned n, const select_sets &sets,
		     select_sets res, long long timeout_ns)
{
	poll_wqueues_state st;
	poll_wqueues table;
	bool timed_out = timeout_ns == 0;
	uint64_t deadline_ns = deadline_of(k->sched, timeout_ns);
	int retval = 0;

	poll_initwait(&table, &st, k);
	if (timed_out)
		table.pt._qproc = nullptr;
	try {
		for (;;) {
			retval = do_select_pass(files, n, sets, res, &table.pt);
			table.pt._qproc = nullptr;
			if (retval || timed_out || signal_pending(k->sched->current()))
				break;
			if (!poll_schedule_timeout(&table, deadline_ns, "do_select"))
				timed_out = true;
		}
	} catch (...) {
		poll_freewait(&table);
		throw;
	}
	poll_freewait(&table);
	if (!retval && signal_pending(k->sched->current()))
		return -EINTR;
	return retval;
}

// The bytes get_fd_set / set_fd_set move for the non-null sets (stats only).
static uint64_t fd_sets_bytes(const select_sets &sets, size_t words)
{
	uint64_t nsets = !!sets.in + !!sets.out + !!sets.ex;

	return nsets * words * sizeof(unsigned long);
}

// Linux: fs/select.c core_sys_select
int core_sys_select(kernel_state *k, files_struct *files, int n, select_sets sets,
		    long long *timeout_ns)
{
	uint64_t deadline_ns = deadline_of(k->sched, *timeout_ns);
	unsigned max_fds = select_max_fds(files);
	size_t words;
	int ret;

	if (n < 0)
		return -EINVAL;
	if (static_cast<unsigned>(n) > max_fds)
		n = static_cast<int>(max_fds);
	ret = max_select_fd(files, static_cast<unsigned>(n), sets);
	if (ret)
		return ret;
	words = (static_cast<size_t>(n) + BITS_PER_LONG - 1) / BITS_PER_LONG;
	kstats.copy_from_user += fd_sets_bytes(sets, words);
	std::vector<unsigned long> res_in(words), res_out(words), res_ex(words);
	ret = do_select(k, files, static_cast<unsigned>(n), sets,
			{res_in.data(), res_out.data(), res_ex.data()}, *timeout_ns);
	if (*timeout_ns > 0)
		*timeout_ns = static_cast<long long>(
			deadline_ns - std::min(deadline_ns, k->sched->ktime_get_ns()));
	if (ret < 0)
		return ret;
	kstats.copy_to_user += fd_sets_bytes(sets, words);
	if (sets.in)
		std::copy(res_in.begin(), res_in.end(), sets.in);
	if (sets.out)
		std::copy(res_out.begin(), res_out.end(), sets.out);
	if (sets.ex)
		std::copy(res_ex.begin(), res_ex.end(), sets.ex);
	return ret;
}

// ---- poll ----

// Linux: fs/select.c do_pollfd
static __poll_t do_pollfd(files_struct *files, ::pollfd *pollfd, poll_table *pwait)
{
	__poll_t mask = 0, filter;
	file *f;

	if (pollfd->fd >= 0) {
		mask = EPOLLNVAL;
		f = fdget(files, pollfd->fd);
		if (f) {
			filter = static_cast<unsigned short>(pollfd->events) | EPOLLERR | EPOLLHUP;
			pwait->_key = filter;
			mask = vfs_poll(f, pwait) & filter;
		}
	}
	pollfd->revents = static_cast<short>(mask);
	return mask;
}

// Linux: fs/select.c do_poll.  Returns the number of entries with revents.
static int do_poll(kernel_state *k, files_struct *files, std::vector<::pollfd> &fds,
		   poll_wqueues *wait, long long timeout_ns)
{
	poll_table *pt = &wait->pt;
	bool timed_out = timeout_ns == 0;
	uint64_t deadline_ns = deadline_of(k->sched, timeout_ns);
	int count = 0;

	if (timed_out)
		pt->_qproc = nullptr;
	for (;;) {
		for (::pollfd &pfd : fds) {
			if (do_pollfd(files, &pfd, pt)) {
				++count;
				pt->_qproc = nullptr;
			}
		}
		pt->_qproc = nullptr;
		if (!count && signal_pending(k->sched->current()))
			count = -EINTR;
		if (count || timed_out)
			break;
		if (!poll_schedule_timeout(wait, deadline_ns, "do_poll"))
			timed_out = true;
	}
	return count;
}

// Linux: fs/select.c do_sys_poll
int do_sys_poll(kernel_state *k, files_struct *files, ::pollfd *ufds, unsigned nfds,
		long long timeout_ns)
{
	poll_wqueues_state st;
	poll_wqueues table;
	int fdcount;

	if (nfds > files->rlimit_nofile)
		return -EINVAL;
	if (nfds && !ufds)
		return -EFAULT;
	std::vector<::pollfd> fds(ufds, ufds + nfds);
	kstats.copy_from_user += nfds * sizeof(::pollfd);
	poll_initwait(&table, &st, k);
	try {
		fdcount = do_poll(k, files, fds, &table, timeout_ns);
	} catch (...) {
		poll_freewait(&table);
		throw;
	}
	poll_freewait(&table);
	for (unsigned i = 0; i < nfds; ++i)
		ufds[i].revents = fds[i].revents;
	kstats.copy_to_user += nfds * sizeof(ufds->revents);
	return fdcount;
}

} // namespace epsim::kern
