// SPDX-License-Identifier: GPL-2.0-only
//
// /dev/null, modelled on drivers/char/mem.c (null_fops: read_null,
// write_null): a file without ->poll.  Reads return 0 (end of file),
// writes swallow everything and return the count.  Because it has no
// ->poll, epoll_ctl refuses it with EPERM and poll/select report
// DEFAULT_POLLMASK (kernel-semantics.md §8.6).
//
// Usage:
//
//     kern::file *f = sim::devnull_open(k, O_RDWR);
//     f->f_op->write(f, "abc", 3);         // 3
//     kern::vfs_poll(f, nullptr);          // DEFAULT_POLLMASK
//     kern::fput(f);
//
// All operations are O(1).  There are no invariants to check.
#pragma once

#include "kernel_model/file.h"
#include "kernel_model/kernel_state.h"

namespace epsim::sim {

// The reference machine's /dev/null: devtmpfs (st_dev 0:6), inode 3.
inline constexpr unsigned DEVNULL_DEV = 0x6;
inline constexpr unsigned long DEVNULL_INO = 3;

// Opens /dev/null with open(2) flags.  The access mode picks FMODE_READ
// and/or FMODE_WRITE; f_flags keeps what do_dentry_open keeps (creation
// flags and O_CLOEXEC dropped, O_LARGEFILE added as on 64-bit).  Never
// fails.
// Linux: fs/open.c do_dentry_open, drivers/char/mem.c null_fops
kern::file *devnull_open(kern::kernel_state *k, int flags);

} // namespace epsim::sim
