// SPDX-License-Identifier: GPL-2.0-only
//
// Models fs/select.c: the O(n) scanners select(2) and poll(2) over the same
// files and wait queues that epoll uses.  Every pass calls every file's
// ->poll; the first pass registers one __pollwait entry (non-exclusive, at
// the head) on every queue the files hook, later passes register nothing,
// and poll_freewait removes them all at the end.
#pragma once

#include <poll.h>

#include "kernel_model/fdtable.h"
#include "kernel_model/kernel_state.h"

namespace epsim::kern {

// Linux: fs/select.c POLLIN_SET, POLLOUT_SET, POLLEX_SET
inline constexpr __poll_t POLLIN_SET = EPOLLRDNORM | EPOLLRDBAND | EPOLLIN | EPOLLHUP | EPOLLERR;
inline constexpr __poll_t POLLOUT_SET = EPOLLWRBAND | EPOLLWRNORM | EPOLLOUT | EPOLLERR;
inline constexpr __poll_t POLLEX_SET = EPOLLPRI;

// The three fd bitmaps of select, in the layout of fd_set (bit fd % 64 of
// word fd / 64).  Null sets are allowed.  On return they hold the results.
struct select_sets {
	unsigned long *in, *out, *ex;
};

// Linux: fs/select.c core_sys_select + do_select.  *timeout_ns: < 0 waits
// forever, 0 polls; on return it holds the time left (Linux writes it
// back).  Returns the number of bits set, or -EBADF / -EINVAL / -EINTR.
int core_sys_select(kernel_state *k, files_struct *files, int n, select_sets sets,
		    long long *timeout_ns);

// The fdtable size that select clamps n to (fdt->max_fds).
unsigned select_max_fds(const files_struct *files);

// Linux: fs/select.c do_sys_poll + do_poll.  ufds is the user's array.
int do_sys_poll(kernel_state *k, files_struct *files, ::pollfd *ufds, unsigned nfds,
		long long timeout_ns);

} // namespace epsim::kern
