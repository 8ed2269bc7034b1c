// SPDX-License-Identifier: GPL-2.0-only
//
// eventfd, modelled on fs/eventfd.c of Linux 6.18: do_eventfd,
// eventfd_poll, eventfd_read, eventfd_write, eventfd_release and
// eventfd_show_fdinfo.  The observable rules (kernel-semantics.md §8.2):
//
//   - poll: IN if count > 0, ERR if count == ULLONG_MAX (only the kernel's
//     eventfd_signal gets there), OUT if count < ULLONG_MAX - 1;
//   - write: a buffer of other than exactly 8 bytes, or the value
//     ULLONG_MAX -> EINVAL (measured on 6.18; reads accept >= 8); a value that
//     would take count past ULLONG_MAX - 1 -> EAGAIN or sleep; otherwise
//     add and wake the queue with key IN (every write, even of 0);
//   - read: < 8 bytes -> EINVAL; count 0 -> EAGAIN or sleep; otherwise
//     return count and zero it (EFD_SEMAPHORE: return 1 and decrement),
//     and wake the queue with key OUT;
//   - release: wake with key HUP.
//
// Usage:
//
//     kern::file *f;
//     int err = sim::eventfd_create(k, 0, EFD_NONBLOCK, &f);
//     uint64_t v = 3;
//     f->f_op->write(f, &v, sizeof v);     // 8, count is now 3
//     f->f_op->read(f, &v, sizeof v);      // 8, v == 3, count is 0
//     kern::fput(f);
//
// Every operation is O(1) plus the wakeup walk over the queue.
//
// Invariants (docs/invariants.md), checked by the file's verify op:
//   E1  count <= ULLONG_MAX - 1 (writes never reach ULLONG_MAX)
//   plus W1-W3 (wait_verify) on wqh.
#pragma once

#include "kernel_model/file.h"
#include "kernel_model/kernel_state.h"
#include "kernel_model/wait.h"

namespace epsim::sim {

// Linux: fs/eventfd.c struct eventfd_ctx.  The kernel protects count with
// wqh.lock; in the model one task runs at a time and the ctx is touched
// only inside its file operations, so "protected by wqh.lock" holds
// trivially.
struct eventfd_ctx {
	kern::kernel_state *k;		// immutable
	kern::wait_queue_head wqh;	// readers, writers and pollers
	kern::u64 count;		// the counter; protected by wqh.lock
	unsigned flags;			// EFD_SEMAPHORE|EFD_NONBLOCK|EFD_CLOEXEC; immutable
	int id;				// eventfd_ida number shown by fdinfo; immutable
};

// Creates an eventfd with the given initial count.  flags may hold
// EFD_SEMAPHORE, EFD_NONBLOCK and EFD_CLOEXEC (the last is the caller's
// business); anything else gives -EINVAL.  Returns 0 and *out.
// Linux: fs/eventfd.c do_eventfd
int eventfd_create(kern::kernel_state *k, unsigned int count, int flags, kern::file **out);

// The ctx behind f, or nullptr if f is not an eventfd.
// Linux: fs/eventfd.c eventfd_ctx_fileget (without the reference)
eventfd_ctx *eventfd_ctx_fileget(const kern::file *f);

} // namespace epsim::sim
