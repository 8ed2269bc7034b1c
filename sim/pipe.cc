// SPDX-License-Identifier: GPL-2.0-only
//
// Models fs/pipe.c (Linux 6.18) for anonymous pipes: alloc_pipe_info,
// get_pipe_inode, create_pipe_files and __do_pipe_flags' flag check,
// anon_pipe_read, anon_pipe_write, pipe_poll, pipe_release, pipe_fcntl,
// pipe_set_size, round_pipe_size and pipe_resize_ring.  See pipe.h for the
// rules and the invariants.
//
// Blocking: a read on an empty pipe with writers, or a write to a full
// pipe with readers, sleeps through wait_event_interruptible as an
// exclusive waiter, exactly where the kernel drops pipe->mutex; with one
// task and nothing else to run the scheduler raises deadlock_error.
//
// Divergence: no signals.  A write with no readers fails with EPIPE but
// SIGPIPE is not sent; a sleep interrupted by a signal returns EINTR
// instead of ERESTARTSYS (types.h, "restart codes").
// Divergence: no FIFOs.  pipe_poll's "this file has seen a writer" test
// (filp->f_pipe != pipe->w_counter) always holds for anonymous pipes, so
// the model leaves the counters out.
// Divergence: the per-user pipe page accounting (pipe-user-pages-soft and
// -hard) is not modelled; every pipe gets PIPE_DEF_BUFFERS slots.
#include "sim/pipe.h"

#include <fcntl.h>

#include <cstring>
#include <string>

#include "kernel_model/invariant.h"

namespace epsim::sim {

using namespace epsim::kern;

// Linux: include/uapi/linux/watch_queue.h O_NOTIFICATION_PIPE (== O_EXCL)
static constexpr int O_NOTIFICATION_PIPE = O_EXCL;

static __poll_t pipe_poll(file *filp, poll_table *wait);
static ssize_t anon_pipe_read(file *filp, void *buf, size_t count);
static ssize_t anon_pipe_write(file *filp, const void *buf, size_t count);
static void pipe_release(file *filp);
static void pipe_verify(const file *filp);

// Linux: fs/pipe.c pipeanon_fops
static const file_operations pipeanon_fops = {
	.name = "pipe",
	.poll = pipe_poll,
	.read = anon_pipe_read,
	.write = anon_pipe_write,
	.release = pipe_release,
	.show_fdinfo = nullptr,
	.shutdown = nullptr,
	.verify = pipe_verify,
};

// ---- ring arithmetic (include/linux/pipe_fs_i.h) ----

static unsigned pipe_occupancy(unsigned head, unsigned tail) { return head - tail; }
static bool pipe_empty(unsigned head, unsigned tail) { return head == tail; }

static bool pipe_full(unsigned head, unsigned tail, unsigned limit)
{
	return pipe_occupancy(head, tail) >= limit;
}

static bool pipe_is_empty(const pipe_inode_info *pipe)
{
	return pipe_empty(pipe->head, pipe->tail);
}

static bool pipe_is_full(const pipe_inode_info *pipe)
{
	return pipe_full(pipe->head, pipe->tail, pipe->max_usage);
}

static pipe_buffer *pipe_buf(pipe_inode_info *pipe, unsigned slot)
{
	return &pipe->bufs[slot & (pipe->ring_size - 1)];
}

// Linux: fs/pipe.c pipe_readable (the condition a sleeping reader waits for)
static bool pipe_readable(const pipe_inode_info *pipe)
{
	return !pipe_is_empty(pipe) || !pipe->writers;
}

// Linux: fs/pipe.c pipe_writable
static bool pipe_writable(const pipe_inode_info *pipe)
{
	return !pipe_is_full(pipe) || !pipe->readers;
}

pipe_inode_info *get_pipe_info(const file *f)
{
	if (f->f_op != &pipeanon_fops)
		return nullptr;
	return static_cast<pipe_inode_info *>(f->private_data);
}

// Sleeping needs a scheduler; a kernel_state without one can only run
// non-blocking calls, and a blocking one could never be woken.
static void pipe_may_sleep(const pipe_inode_info *pipe, const char *what)
{
	if (!pipe->k->sched)
		throw deadlock_error(std::string(what) +
				     ": would sleep, and there is no scheduler");
}

// ---- creation and release ----

// Linux: fs/pipe.c alloc_pipe_info
static pipe_inode_info *alloc_pipe_info(kernel_state *k)
{
	auto *pipe = new pipe_inode_info{};

	pipe->k = k;
	pipe->max_usage = PIPE_DEF_BUFFERS;
	pipe->ring_size = PIPE_DEF_BUFFERS;
	pipe->bufs.resize(PIPE_DEF_BUFFERS);
	init_waitqueue_head(&pipe->rd_wait);
	init_waitqueue_head(&pipe->wr_wait);
	return pipe;
}

int create_pipe_files(kernel_state *k, int flags, file **rd, file **wr)
{
	// Linux: fs/pipe.c __do_pipe_flags
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE))
		return -EINVAL;
	// Linux: include/linux/watch_queue.h watch_queue_init (!CONFIG_WATCH_QUEUE)
	if (flags & O_NOTIFICATION_PIPE)
		return -ENOPKG;

	// Linux: fs/pipe.c get_pipe_inode: one inode, two files
	pipe_inode_info *pipe = alloc_pipe_info(k);
	unsigned long ino = k->next_ino++;

	pipe->files = 2;
	pipe->readers = 1;
	pipe->writers = 1;
	// The write end keeps O_DIRECT (packet mode is the writer's choice);
	// the read end only O_NONBLOCK.  O_CLOEXEC lives in the fd table.
	*wr = alloc_file(k, &pipeanon_fops, pipe, O_WRONLY | (flags & (O_NONBLOCK | O_DIRECT)),
			 FMODE_WRITE, ino, PIPEFS_DEV);
	*rd = alloc_file(k, &pipeanon_fops, pipe, O_RDONLY | (flags & O_NONBLOCK), FMODE_READ, ino,
			 PIPEFS_DEV);
	return 0;
}

// Linux: fs/pipe.c pipe_release, put_pipe_info, free_pipe_info
static void pipe_release(file *filp)
{
	auto *pipe = static_cast<pipe_inode_info *>(filp->private_data);

	if (filp->f_mode & FMODE_READ)
		pipe->readers--;
	if (filp->f_mode & FMODE_WRITE)
		pipe->writers--;

	// Was that the last reader or writer, but not the other side?
	if (!pipe->readers != !pipe->writers) {
		wake_up_interruptible_all(&pipe->rd_wait);
		wake_up_interruptible_all(&pipe->wr_wait);
	}
	if (--pipe->files == 0)
		delete pipe;
}

// ---- poll ----

// Linux: fs/pipe.c pipe_poll
static __poll_t pipe_poll(file *filp, poll_table *wait)
{
	auto *pipe = static_cast<pipe_inode_info *>(filp->private_data);
	__poll_t mask = 0;

	// Epoll's historical semantics: once polled, every write wakes readers.
	pipe->poll_usage = true;

	if (filp->f_mode & FMODE_READ)
		poll_wait(filp, &pipe->rd_wait, wait);
	if (filp->f_mode & FMODE_WRITE)
		poll_wait(filp, &pipe->wr_wait, wait);

	if (filp->f_mode & FMODE_READ) {
		if (!pipe_is_empty(pipe))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!pipe->writers)
			mask |= EPOLLHUP;
	}
	if (filp->f_mode & FMODE_WRITE) {
		if (!pipe_is_full(pipe))
			mask |= EPOLLOUT | EPOLLWRNORM;
		if (!pipe->readers)
			mask |= EPOLLERR;
	}
	if (mask & EPOLLHUP)
		pipe->k->hit(COV_HUP);
	if (mask & EPOLLERR)
		pipe->k->hit(COV_ERR);
	return mask;
}

// ---- read ----

// Copies out of the oldest slots until the request is satisfied or the
// pipe is empty.  A slot that becomes empty is freed, and *wake_writer is
// set if the pipe was full when that happened.  A packet (O_DIRECT) slot is
// consumed whole by one read, whatever its length.  Returns bytes copied;
// *total_len is what is still wanted (0 when satisfied).  Bounded by the
// occupied slots.
// Linux: fs/pipe.c anon_pipe_read (the copy loop)
static size_t pipe_read_slots(pipe_inode_info *pipe, char *to, size_t *total_len,
			      bool *wake_writer)
{
	size_t copied = 0;

	while (*total_len && !pipe_is_empty(pipe)) {
		pipe_buffer *buf = pipe_buf(pipe, pipe->tail);
		size_t chars = buf->len < *total_len ? buf->len : *total_len;

		std::memcpy(to + copied, buf->page.get() + buf->offset, chars);
		copied += chars;
		buf->offset += chars;
		buf->len -= chars;
		pipe->nr_bytes -= chars;
		if (buf->flags & PIPE_BUF_FLAG_PACKET) {
			// The rest of the packet is discarded.
			*total_len = chars;
			pipe->nr_bytes -= buf->len;
			buf->len = 0;
		}
		if (!buf->len) {
			*wake_writer |= pipe_is_full(pipe);
			buf->page.reset();
			pipe->tail++;
		}
		*total_len -= chars;
	}
	return copied;
}

// Linux: fs/pipe.c anon_pipe_read
static ssize_t anon_pipe_read(file *filp, void *buf, size_t total_len)
{
	auto *pipe = static_cast<pipe_inode_info *>(filp->private_data);
	bool wake_writer = false, wake_next_reader = false;
	ssize_t ret = 0;

	// Null read succeeds.
	if (total_len == 0)
		return 0;

	// Loops once per sleep; each wakeup either finds data or EOF, or
	// the reader sleeps again.
	for (;;) {
		ret += pipe_read_slots(pipe, static_cast<char *>(buf) + ret, &total_len,
				       &wake_writer);
		if (!total_len)
			break;	// common path: read succeeded
		if (!pipe->writers)
			break;	// EOF (or a short read before it)
		if (ret)
			break;
		if (filp->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		// Linux 6.15+ no longer wakes writers here: a write never
		// leaves a zero-length slot behind, so nothing was freed.
		pipe_may_sleep(pipe, "pipe_read");
		if (wait_event_interruptible(pipe->k->sched, &pipe->rd_wait, true, "pipe_read",
					     [pipe] { return pipe_readable(pipe); }) < 0)
			return -EINTR_NORESTART;
		wake_next_reader = true;
	}
	if (pipe_is_empty(pipe))
		wake_next_reader = false;

	if (wake_writer)
		wake_up_interruptible_sync_poll(&pipe->wr_wait, EPOLLOUT | EPOLLWRNORM);
	if (wake_next_reader)
		wake_up_interruptible_sync_poll(&pipe->rd_wait, EPOLLIN | EPOLLRDNORM);
	return ret;
}

// ---- write ----

// Tops up the last slot with the sub-page remainder of the write, if the
// pipe is non-empty and that slot may merge and has room.  Returns the
// bytes stored (0 or count % PIPE_PAGE_SIZE).
// Linux: fs/pipe.c anon_pipe_write (the merge step)
static size_t pipe_write_merge(pipe_inode_info *pipe, const char *from, size_t count)
{
	size_t chars = count & (PIPE_PAGE_SIZE - 1);

	if (!chars || pipe_is_empty(pipe))
		return 0;

	pipe_buffer *buf = pipe_buf(pipe, pipe->head - 1);
	size_t offset = buf->offset + buf->len;

	if (!(buf->flags & PIPE_BUF_FLAG_CAN_MERGE) || offset + chars > PIPE_PAGE_SIZE)
		return 0;
	std::memcpy(buf->page.get() + offset, from, chars);
	buf->len += chars;
	pipe->nr_bytes += chars;
	pipe->k->hit(COV_PIPE_MERGE);
	return chars;
}

// Fills one fresh slot at head with up to a page of data.  The caller has
// checked that the pipe is not full.  Returns the bytes stored.
// Linux: fs/pipe.c anon_pipe_write (the new-slot step)
static size_t pipe_write_slot(pipe_inode_info *pipe, const file *filp, const char *from,
			      size_t count)
{
	size_t copied = count < PIPE_PAGE_SIZE ? count : PIPE_PAGE_SIZE;
	pipe_buffer *buf = pipe_buf(pipe, pipe->head);

	buf->page.reset(new char[PIPE_PAGE_SIZE]);
	std::memcpy(buf->page.get(), from, copied);
	buf->offset = 0;
	buf->len = copied;
	buf->flags = (filp->f_flags & O_DIRECT) ? PIPE_BUF_FLAG_PACKET : PIPE_BUF_FLAG_CAN_MERGE;
	pipe->head++;
	pipe->nr_bytes += copied;
	return copied;
}

// The wakeups every write ends with, whatever it stored.  Epoll wants a
// reader wakeup on every write once the pipe has been polled, even one
// that stored nothing because the pipe was full (EAGAIN).
// Linux: fs/pipe.c anon_pipe_write (after out:)
static void pipe_write_wakeups(pipe_inode_info *pipe, bool was_empty, bool wake_next_writer)
{
	if (pipe_is_full(pipe))
		wake_next_writer = false;
	if (was_empty || pipe->poll_usage)
		wake_up_interruptible_sync_poll(&pipe->rd_wait, EPOLLIN | EPOLLRDNORM);
	if (wake_next_writer)
		wake_up_interruptible_sync_poll(&pipe->wr_wait, EPOLLOUT | EPOLLWRNORM);
}

// Linux: fs/pipe.c anon_pipe_write
static ssize_t anon_pipe_write(file *filp, const void *buf, size_t total_len)
{
	auto *pipe = static_cast<pipe_inode_info *>(filp->private_data);
	const char *from = static_cast<const char *>(buf);
	bool was_empty = false, wake_next_writer = false;
	ssize_t ret = 0;

	// Null write succeeds, and wakes nobody.
	if (total_len == 0)
		return 0;

	if (!pipe->readers) {
		pipe_write_wakeups(pipe, was_empty, wake_next_writer);
		return -EPIPE;	// Divergence: no SIGPIPE
	}
	was_empty = pipe_is_empty(pipe);
	ret = pipe_write_merge(pipe, from, total_len);

	// Loops once per slot filled or per sleep; it ends when everything is
	// stored, the readers are gone, or the pipe is full and we may not
	// sleep.
	while (static_cast<size_t>(ret) < total_len) {
		if (!pipe->readers) {
			if (!ret)
				ret = -EPIPE;	// Divergence: no SIGPIPE
			break;
		}
		if (!pipe_is_full(pipe)) {
			ret += pipe_write_slot(pipe, filp, from + ret, total_len - ret);
			continue;
		}
		// Wait for buffer space to become available.
		if (filp->f_flags & O_NONBLOCK) {
			pipe->k->hit(COV_PIPE_FULL);
			if (!ret)
				ret = -EAGAIN;
			break;
		}
		pipe_may_sleep(pipe, "pipe_write");
		if (signal_pending(get_current(pipe->k->sched))) {
			if (!ret)
				ret = -EINTR_NORESTART;
			break;
		}
		if (was_empty)
			wake_up_interruptible_sync_poll(&pipe->rd_wait, EPOLLIN | EPOLLRDNORM);
		wait_event_interruptible(pipe->k->sched, &pipe->wr_wait, true, "pipe_write",
					 [pipe] { return pipe_writable(pipe); });
		was_empty = pipe_is_empty(pipe);
		wake_next_writer = true;
	}
	pipe_write_wakeups(pipe, was_empty, wake_next_writer);
	return ret;
}

// ---- fcntl ----

// Rounds a requested size up to a power-of-two number of pages, minimum
// one page; 0 means "too large".
// Linux: fs/pipe.c round_pipe_size
static unsigned round_pipe_size(unsigned size)
{
	if (size > (1U << 31))
		return 0;
	if (size < PIPE_PAGE_SIZE)
		return PIPE_PAGE_SIZE;
	unsigned r = PIPE_PAGE_SIZE;

	while (r < size)	// at most 19 doublings from 4096 to 2^31
		r <<= 1;
	return r;
}

// Moves the occupied slots to the front of a ring of nr_slots.  The
// writers may now have room, so one of them is woken (no key).
// Linux: fs/pipe.c pipe_resize_ring
static int pipe_resize_ring(pipe_inode_info *pipe, unsigned nr_slots)
{
	unsigned n = pipe_occupancy(pipe->head, pipe->tail);

	if (nr_slots < n)
		return -EBUSY;

	std::vector<pipe_buffer> bufs(nr_slots);

	for (unsigned i = 0; i < n; i++)
		bufs[i] = std::move(*pipe_buf(pipe, pipe->tail + i));
	pipe->bufs = std::move(bufs);
	pipe->ring_size = nr_slots;
	pipe->max_usage = nr_slots;
	pipe->tail = 0;
	pipe->head = n;

	// Linux: include/linux/wait.h wake_up_interruptible (nr 1, no key)
	__wake_up(&pipe->wr_wait, TASK_INTERRUPTIBLE, 1, 0);
	return 0;
}

// Linux: fs/pipe.c pipe_set_size.  The simulated process is unprivileged
// for this purpose: the reference machine runs without CAP_SYS_RESOURCE.
static long pipe_set_size(pipe_inode_info *pipe, unsigned arg)
{
	unsigned size = round_pipe_size(arg);
	unsigned nr_slots = size / PIPE_PAGE_SIZE;

	if (!nr_slots)
		return -EINVAL;
	if (nr_slots > pipe->max_usage && size > PIPE_MAX_SIZE)
		return -EPERM;
	int ret = pipe_resize_ring(pipe, nr_slots);

	if (ret < 0)
		return ret;
	return static_cast<long>(pipe->max_usage) * PIPE_PAGE_SIZE;
}

long pipe_fcntl(file *f, unsigned cmd, unsigned long arg)
{
	pipe_inode_info *pipe = get_pipe_info(f);

	if (!pipe)
		return -EBADF;
	switch (cmd) {
	case F_SETPIPE_SZ:
		// Linux: fs/fcntl.c do_fcntl passes the argument as unsigned int.
		return pipe_set_size(pipe, static_cast<unsigned>(arg));
	case F_GETPIPE_SZ:
		return static_cast<long>(pipe->max_usage) * PIPE_PAGE_SIZE;
	default:
		return -EINVAL;
	}
}

// ---- verify ----

static void pipe_verify_slots(const pipe_inode_info *pipe)
{
	unsigned n = pipe_occupancy(pipe->head, pipe->tail);
	size_t sum = 0;

	for (unsigned i = 0; i < n; i++) {
		const pipe_buffer *buf = &pipe->bufs[(pipe->tail + i) & (pipe->ring_size - 1)];
		std::string where = "slot tail+" + std::to_string(i);

		check_invariant(buf->page && buf->len > 0 && buf->len <= PIPE_PAGE_SIZE &&
					buf->offset + buf->len <= PIPE_PAGE_SIZE,
				"P2",
				where + ": expected 1..4096 bytes within a page, found len " +
					std::to_string(buf->len) + " at offset " +
					std::to_string(buf->offset) +
					(buf->page ? "" : " with no page"));
		sum += buf->len;
	}
	check_invariant(sum == pipe->nr_bytes, "P3",
			"expected nr_bytes " + std::to_string(pipe->nr_bytes) +
				" to equal the sum of the slots, found " + std::to_string(sum));
}

// P4: the counts are unsigned, so "negative" shows up as a wrap-around
// far above the number of ends a pipe can have.
static void pipe_verify_counts(const pipe_inode_info *pipe)
{
	check_invariant(pipe->readers <= 1 && pipe->writers <= 1 && pipe->files <= 2 &&
				pipe->files == pipe->readers + pipe->writers && pipe->files >= 1,
			"P4",
			"expected 0..1 readers and writers adding up to files (1..2), "
			"found readers " +
				std::to_string(pipe->readers) + ", writers " +
				std::to_string(pipe->writers) + ", files " +
				std::to_string(pipe->files));
}

static void pipe_verify(const file *filp)
{
	const auto *pipe = static_cast<const pipe_inode_info *>(filp->private_data);
	unsigned n = pipe_occupancy(pipe->head, pipe->tail);
	bool pow2 = pipe->ring_size && !(pipe->ring_size & (pipe->ring_size - 1));

	check_invariant(pow2 && pipe->bufs.size() == pipe->ring_size &&
				pipe->max_usage <= pipe->ring_size && n <= pipe->max_usage,
			"P1",
			"expected occupied <= max_usage <= ring_size (a power of 2), found " +
				std::to_string(n) + " / " + std::to_string(pipe->max_usage) +
				" / " + std::to_string(pipe->ring_size));
	pipe_verify_slots(pipe);
	pipe_verify_counts(pipe);
	wait_verify(&pipe->rd_wait);
	wait_verify(&pipe->wr_wait);
}

} // namespace epsim::sim
