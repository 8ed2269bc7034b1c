// SPDX-License-Identifier: GPL-2.0-only
//
// Generators for system call arguments.  They run inside a command's
// constructor (rapidcheck's gen::exec context), so they use `*gen`.  Fd
// arguments prefer open handles but also name closed handles, stale fd
// numbers and raw numbers that are never open, so error paths stay in
// every program.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "tests/diff/program.h"

namespace epsim::diff {

// Any fd argument.  allow_stale: the call cannot block or change which
// handles are open whatever file the number names now (epoll_ctl, poll,
// select, fdinfo).
FdArg gen_fd(const ProgState &s, bool allow_stale);
// With probability pct/100 an open handle of one of the kinds (if any).
FdArg gen_fd_prefer(const ProgState &s, std::initializer_list<Kind> kinds, int pct,
		    bool allow_stale);
// An open handle, or a raw never-open number if there is none.
FdArg gen_open_fd(const ProgState &s);

// Every handle the argument names still exists (after shrinking).
bool fdarg_valid(const ProgState &s, const FdArg &a);
// The handle an argument names, or -1 for a raw number.
inline int fdarg_handle(const FdArg &a) { return a.mode == FdArg::raw ? -1 : a.v; }

// An epoll_ctl event mask: common interests, private flags, now and then
// any bit at all (invalid ones included).
uint32_t gen_epoll_mask();
// A poll() events mask, sometimes with bits poll() ignores.
short gen_poll_mask();
// A write or read size from 0 to beyond pipe and socket capacity.
size_t gen_io_size();
// A value written to an eventfd, near the limits too.
uint64_t gen_eventfd_value();

} // namespace epsim::diff
