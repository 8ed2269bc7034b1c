// SPDX-License-Identifier: GPL-2.0-only
//
// Work counters for the benchmarks (bench/): how many times the model
// called a file's ->poll, linked and unlinked wait-queue entries, and how
// many bytes the wait system calls copied from and to user memory.  They
// explain a measured time ("poll costs n ->poll calls per wait, epoll 1").
// Models nothing in Linux.
//
// The counters are per OS thread rather than per kernel_state because the
// wait-queue code has no kernel_state to reach (a wait_queue_head is just a
// list).  Simulated tasks are fibers of one thread, so one simulation counts
// in one place.  Read them before and after the work and subtract:
//
//     kern::model_stats before = kern::kstats;
//     kern::do_sys_poll(&k, &files, fds, n, 0);
//     uint64_t polls = kern::kstats.f_op_poll - before.f_op_poll;   // n
//
// Each counter is one increment of a thread-local word (two instructions).
#pragma once

#include <cstdint>

namespace epsim::kern {

struct model_stats {
	uint64_t f_op_poll;		// vfs_poll calls that reached a file's ->poll
	uint64_t wq_linked;		// entries added by add_wait_queue and its variants
	uint64_t wq_unlinked;		// entries removed: remove_wait_queue, autoremove wakes
	uint64_t copy_from_user;	// bytes select/poll/epoll_wait read from the caller
	uint64_t copy_to_user;		// bytes select/poll/epoll_wait wrote to the caller
};

// Defined in kernel_state.cc; zero at thread start, never reset by the model.
extern thread_local constinit model_stats kstats;

} // namespace epsim::kern
