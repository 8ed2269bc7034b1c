// SPDX-License-Identifier: GPL-2.0-only
//
// Models struct file and struct file_operations (include/linux/fs.h), the
// reference counting of fs/file_table.c (get_file, fput, __fput) and
// vfs_poll (include/linux/poll.h).  The last fput runs eventpoll_release()
// before the file's own ->release, as __fput does, so a device's release
// wakeup never reaches epolls that watched that same file (§4.5).
//
// Divergence: a file carries a stable id (f_id) assigned at allocation.  The
// kernel orders ep->rbr by struct file address; the model orders it by
// (f_id, fd), so fdinfo lists items in file-creation order instead of
// address order (docs/divergences.md, "rbtree key").
#pragma once

#include <string>

#include "kernel_model/list.h"
#include "kernel_model/poll.h"
#include "kernel_model/stats.h"
#include "kernel_model/types.h"

namespace epsim::kern {

struct file;
struct kernel_state;

inline constexpr unsigned FMODE_READ = 0x1;
inline constexpr unsigned FMODE_WRITE = 0x2;

struct file_operations {
	const char *name;	// "pipe", "eventfd", "socket", "[eventpoll]", "null"
	// ->poll; nullptr for files that cannot be polled (epoll_ctl: EPERM).
	__poll_t (*poll)(file *filp, poll_table *pt);
	// ->read / ->write: bytes moved or a negative errno; nullptr gives EINVAL.
	ssize_t (*read)(file *filp, void *buf, size_t count);
	ssize_t (*write)(file *filp, const void *buf, size_t count);
	// ->release: the last reference is gone; frees private_data.
	void (*release)(file *filp);
	// ->show_fdinfo: appends lines to /proc/PID/fdinfo/N.
	void (*show_fdinfo)(file *filp, std::string *out);
	// Socket operations (net/socket.c dispatch); nullptr gives ENOTSOCK.
	int (*shutdown)(file *filp, int how);
	// Checks the device's own invariants; throws invariant_violation.
	void (*verify)(const file *filp);
};

struct file {
	const file_operations *f_op;	// immutable
	void *private_data;		// the device object; immutable
	kernel_state *f_kernel;		// the simulated kernel the file lives in; immutable
	u64 f_id;			// stable creation number; immutable
	long f_count;			// references: fd table slots + in-flight syscalls
	unsigned f_mode;		// FMODE_READ | FMODE_WRITE; immutable
	unsigned f_flags;		// O_* status flags (O_NONBLOCK, O_ACCMODE bits)
	loff_t f_pos;			// reported by fdinfo "pos:"
	unsigned long i_ino;		// inode number (fdinfo "ino:"); immutable
	unsigned s_dev;			// superblock device (fdinfo "sdev:"); immutable
	// Epitems watching this file: nullptr when none; for a plain file it
	// points into a lazily allocated epitems_head, for an epoll file at that
	// eventpoll's refs.  Protected by ep->mtx of the epolls involved (the
	// kernel uses file->f_lock).
	hlist_head *f_ep;
};

// Allocates a file with one reference (alloc_file_pseudo).
file *alloc_file(kernel_state *k, const file_operations *fop, void *private_data,
		 unsigned f_flags, unsigned f_mode, unsigned long ino, unsigned s_dev);

inline void get_file(file *f) { ++f->f_count; }

// Drops one reference; the last one runs __fput: eventpoll_release, then
// ->release, then frees the file.
void fput(file *f);

inline bool file_can_poll(const file *f) { return f->f_op->poll != nullptr; }

// Linux: include/linux/poll.h vfs_poll
inline __poll_t vfs_poll(file *f, poll_table *pt)
{
	if (!file_can_poll(f))
		return DEFAULT_POLLMASK;
	++kstats.f_op_poll;
	return f->f_op->poll(f, pt);
}

} // namespace epsim::kern
