// SPDX-License-Identifier: GPL-2.0-only
//
// Anonymous pipes, modelled on fs/pipe.c of Linux 6.18: create_pipe_files,
// anon_pipe_read, anon_pipe_write, pipe_poll, pipe_release, pipe_fcntl with
// pipe_set_size and pipe_resize_ring.  The observable rules this reproduces
// (kernel-semantics.md §8.1):
//
//   - a ring of max_usage slots (16 by default), one 4096-byte page each;
//   - a write whose length is not a page multiple first tops up the LAST
//     slot if the pipe is non-empty and that slot can merge and has room;
//     the rest goes to fresh slots, one page at a time;
//   - writability is slot-based: OUT while occupied slots < max_usage;
//   - every non-empty write wakes rd_wait (IN|RDNORM) if the pipe was empty
//     or has ever been polled, even a write that stored nothing (EAGAIN);
//   - a read wakes wr_wait (OUT|WRNORM) only when it empties a slot of a
//     full pipe;
//   - the last reader or writer going away wakes both queues with no key.
//
// Usage:
//
//     kern::file *rd, *wr;
//     int err = sim::create_pipe_files(k, O_NONBLOCK, &rd, &wr);
//     if (err) return err;                 // -EINVAL for unknown flags
//     wr->f_op->write(wr, "x", 1);         // 1
//     kern::vfs_poll(rd, nullptr);         // EPOLLIN | EPOLLRDNORM
//     sim::pipe_fcntl(wr, F_GETPIPE_SZ, 0);  // 65536
//     kern::fput(rd); kern::fput(wr);
//
// Each call costs O(slots touched); a write or read touches at most
// count / 4096 + 2 slots.  Pages are allocated when a slot is filled and
// freed when it is emptied.
//
// Invariants (docs/invariants.md), checked by the files' verify op:
//   P1  0 <= occupied slots <= max_usage <= ring_size, ring_size a power of 2
//   P2  every occupied slot holds 1..4096 bytes within its page
//   P3  nr_bytes equals the sum of the occupied slots' lengths
//   P4  readers >= 0, writers >= 0, files == number of open ends
//   plus W1-W3 (wait_verify) on rd_wait and wr_wait.
#pragma once

#include <memory>
#include <vector>

#include "kernel_model/file.h"
#include "kernel_model/kernel_state.h"
#include "kernel_model/wait.h"

namespace epsim::sim {

// Linux: include/asm-generic/page.h PAGE_SIZE (x86-64)
inline constexpr unsigned PIPE_PAGE_SIZE = 4096;
// Linux: include/linux/pipe_fs_i.h PIPE_DEF_BUFFERS
inline constexpr unsigned PIPE_DEF_BUFFERS = 16;
// Linux: fs/pipe.c pipe_max_size (sysctl fs.pipe-max-size default)
inline constexpr unsigned PIPE_MAX_SIZE = 1048576;
// pipefs's anonymous superblock (st_dev 0:15 on the reference machine).
inline constexpr unsigned PIPEFS_DEV = 0xf;

// Linux: include/linux/pipe_fs_i.h PIPE_BUF_FLAG_*
inline constexpr unsigned PIPE_BUF_FLAG_PACKET = 0x08;		// O_DIRECT writer
inline constexpr unsigned PIPE_BUF_FLAG_CAN_MERGE = 0x10;	// later writes may append

// One slot of the ring (struct pipe_buffer).  Protected by the pipe mutex.
struct pipe_buffer {
	std::unique_ptr<char[]> page;	// PIPE_PAGE_SIZE bytes while occupied, else null
	unsigned offset;		// first unread byte in page
	unsigned len;			// unread bytes from offset
	unsigned flags;			// PIPE_BUF_FLAG_*
};

// struct pipe_inode_info.  The kernel guards it with pipe->mutex; the model
// runs one task at a time and switches only when a task sleeps, and
// pipe_read/pipe_write sleep exactly where the kernel drops the mutex, so
// every field below is "protected by pipe->mutex" without a lock object.
struct pipe_inode_info {
	kern::kernel_state *k;		// immutable
	unsigned head;			// next slot to fill (free-running)
	unsigned tail;			// oldest occupied slot (free-running)
	unsigned max_usage;		// slots a writer may fill
	unsigned ring_size;		// bufs.size(), a power of two
	unsigned readers;		// open read ends
	unsigned writers;		// open write ends
	unsigned files;			// open ends of any kind; frees at 0
	bool poll_usage;		// sticky: ->poll has been called once
	size_t nr_bytes;		// unread bytes (FIONREAD), kept for P3
	kern::wait_queue_head rd_wait;	// readers and IN pollers
	kern::wait_queue_head wr_wait;	// writers and OUT pollers
	std::vector<pipe_buffer> bufs;	// the ring, indexed by slot & (ring_size - 1)
};

// Creates the read end *rd and the write end *wr of a new pipe sharing one
// pipefs inode.  flags may hold O_NONBLOCK (both ends), O_DIRECT (packet
// mode, write end) and O_CLOEXEC (the caller's business; ignored here).
// Returns 0, -EINVAL for any other flag, or -ENOPKG for
// O_NOTIFICATION_PIPE (this kernel has no CONFIG_WATCH_QUEUE).
// Linux: fs/pipe.c __do_pipe_flags, create_pipe_files, get_pipe_inode
int create_pipe_files(kern::kernel_state *k, int flags, kern::file **rd, kern::file **wr);

// F_GETPIPE_SZ / F_SETPIPE_SZ on either end.  Returns the pipe size in
// bytes or a negative errno: -EBADF for a file that is not a pipe, -EINVAL
// for other commands or a size above 2^31, -EPERM when growing past
// fs.pipe-max-size, -EBUSY when shrinking below the occupied slots.
// Linux: fs/pipe.c pipe_fcntl
long pipe_fcntl(kern::file *f, unsigned cmd, unsigned long arg);

// The pipe behind f, or nullptr if f is not a pipe end.
// Linux: fs/pipe.c get_pipe_info
pipe_inode_info *get_pipe_info(const kern::file *f);

} // namespace epsim::sim
