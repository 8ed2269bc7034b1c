// SPDX-License-Identifier: GPL-2.0-only
//
// Models fs/eventfd.c (Linux 6.18): do_eventfd, eventfd_poll,
// eventfd_ctx_do_read, eventfd_read, eventfd_write, eventfd_release and
// eventfd_show_fdinfo, with the eventfd_ida numbering of eventfd-id.  See
// eventfd.h for the rules and the invariant.
//
// The blocking paths sleep like wait_event_interruptible_locked_irq: the
// sleeper is queued at the TAIL of wqh, behind every epoll hook.
// Divergence: a signal during a sleep gives EINTR, not ERESTARTSYS.
// Divergence: eventfd-id numbers are per simulated machine, starting at 0;
// the kernel's eventfd_ida is system-wide, so a real process usually sees
// higher numbers.
#include "sim/eventfd.h"

#include <fcntl.h>
#include <sys/eventfd.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include "kernel_model/invariant.h"

namespace epsim::sim {

using namespace epsim::kern;

// Linux: include/linux/eventfd.h EFD_SHARED_FCNTL_FLAGS, EFD_FLAGS_SET
static constexpr int EFD_SHARED_FCNTL_FLAGS = O_CLOEXEC | O_NONBLOCK;
static constexpr int EFD_FLAGS_SET = EFD_SHARED_FCNTL_FLAGS | EFD_SEMAPHORE;

static __poll_t eventfd_poll(file *filp, poll_table *wait);
static ssize_t eventfd_read(file *filp, void *buf, size_t count);
static ssize_t eventfd_write(file *filp, const void *buf, size_t count);
static void eventfd_release(file *filp);
static void eventfd_show_fdinfo(file *filp, std::string *out);
static void eventfd_verify(const file *filp);

// Linux: fs/eventfd.c eventfd_fops
static const file_operations eventfd_fops = {
	.name = "eventfd",
	.poll = eventfd_poll,
	.read = eventfd_read,
	.write = eventfd_write,
	.release = eventfd_release,
	.show_fdinfo = eventfd_show_fdinfo,
	.shutdown = nullptr,
	.verify = eventfd_verify,
};

// ---- eventfd_ida: the lowest free id, per simulated machine ----

// Linux: lib/idr.c ida_alloc (lowest free id >= 0).  O(log n).
static int eventfd_ida_alloc(kernel_state *k)
{
	if (k->eventfd_free_ids.empty())
		return k->eventfd_next_id++;
	int id = *k->eventfd_free_ids.begin();
	k->eventfd_free_ids.erase(k->eventfd_free_ids.begin());
	return id;
}

// Linux: lib/idr.c ida_free
static void eventfd_ida_free(kernel_state *k, int id)
{
	k->eventfd_free_ids.insert(id);
}

// ---- creation and release ----

eventfd_ctx *eventfd_ctx_fileget(const file *f)
{
	if (f->f_op != &eventfd_fops)
		return nullptr;
	return static_cast<eventfd_ctx *>(f->private_data);
}

// Linux: fs/eventfd.c do_eventfd
int eventfd_create(kernel_state *k, unsigned int count, int flags, file **out)
{
	if (flags & ~EFD_FLAGS_SET)
		return -EINVAL;

	auto *ctx = new eventfd_ctx{};

	ctx->k = k;
	init_waitqueue_head(&ctx->wqh);
	ctx->count = count;
	ctx->flags = flags;
	ctx->id = eventfd_ida_alloc(k);
	// Linux: fs/anon_inodes.c __anon_inode_getfile keeps only the access
	// mode and O_NONBLOCK in f_flags.
	*out = alloc_file(k, &eventfd_fops, ctx, O_RDWR | (flags & O_NONBLOCK),
			  FMODE_READ | FMODE_WRITE, ANON_INODE_INO, ANON_INODE_SDEV);
	return 0;
}

// Epolls watching this very file were unhooked by __fput before this
// runs, so the HUP reaches only other waiters (§4.5).
// Linux: fs/eventfd.c eventfd_release, eventfd_free_ctx
static void eventfd_release(file *filp)
{
	auto *ctx = static_cast<eventfd_ctx *>(filp->private_data);

	wake_up_poll(&ctx->wqh, EPOLLHUP);
	eventfd_ida_free(ctx->k, ctx->id);
	delete ctx;
}

// ---- poll, read, write ----

// Linux: fs/eventfd.c eventfd_poll
static __poll_t eventfd_poll(file *filp, poll_table *wait)
{
	auto *ctx = static_cast<eventfd_ctx *>(filp->private_data);
	__poll_t events = 0;

	poll_wait(filp, &ctx->wqh, wait);

	u64 count = ctx->count;

	if (count > 0)
		events |= EPOLLIN;
	if (count == ULLONG_MAX) {
		events |= EPOLLERR;
		ctx->k->hit(COV_ERR);
	}
	if (ULLONG_MAX - 1 > count)
		events |= EPOLLOUT;
	return events;
}

// Sleeping needs a scheduler; without one a blocking call can never be
// woken.
static void eventfd_may_sleep(const eventfd_ctx *ctx, const char *what)
{
	if (!ctx->k->sched)
		throw deadlock_error(std::string(what) +
				     ": would sleep, and there is no scheduler");
}

// Linux: fs/eventfd.c eventfd_ctx_do_read
static u64 eventfd_ctx_do_read(eventfd_ctx *ctx)
{
	u64 cnt = (ctx->flags & EFD_SEMAPHORE) ? 1 : ctx->count;

	ctx->count -= cnt;
	return cnt;
}

// Linux: fs/eventfd.c eventfd_read
static ssize_t eventfd_read(file *filp, void *buf, size_t count)
{
	auto *ctx = static_cast<eventfd_ctx *>(filp->private_data);
	u64 ucnt;

	if (count < sizeof(ucnt))
		return -EINVAL;
	if (!ctx->count) {
		if (filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		eventfd_may_sleep(ctx, "eventfd_read");
		if (wait_event_interruptible(ctx->k->sched, &ctx->wqh, false, "eventfd_read",
					     [ctx] { return ctx->count != 0; }, true) < 0)
			return -EINTR_NORESTART;
	}
	ucnt = eventfd_ctx_do_read(ctx);
	if (waitqueue_active(&ctx->wqh))
		wake_up_poll(&ctx->wqh, EPOLLOUT);	// Linux: wake_up_locked_poll
	std::memcpy(buf, &ucnt, sizeof(ucnt));
	return sizeof(ucnt);
}

// Linux: fs/eventfd.c eventfd_write
static ssize_t eventfd_write(file *filp, const void *buf, size_t count)
{
	auto *ctx = static_cast<eventfd_ctx *>(filp->private_data);
	u64 ucnt;

	// Reads take any buffer of 8 bytes or more; writes exactly 8 (6.18).
	if (count != sizeof(ucnt))
		return -EINVAL;
	std::memcpy(&ucnt, buf, sizeof(ucnt));
	if (ucnt == ULLONG_MAX)
		return -EINVAL;
	if (!(ULLONG_MAX - ctx->count > ucnt)) {
		ctx->k->hit(COV_EVENTFD_LIMIT);
		if (filp->f_flags & O_NONBLOCK)
			return -EAGAIN;
		eventfd_may_sleep(ctx, "eventfd_write");
		auto room = [ctx, ucnt] { return ULLONG_MAX - ctx->count > ucnt; };

		if (wait_event_interruptible(ctx->k->sched, &ctx->wqh, false, "eventfd_write",
					     room, true) < 0)
			return -EINTR_NORESTART;
	}
	ctx->count += ucnt;
	if (waitqueue_active(&ctx->wqh))
		wake_up_poll(&ctx->wqh, EPOLLIN);	// Linux: wake_up_locked_poll
	return sizeof(ucnt);
}

// ---- fdinfo and verify ----

// Linux: fs/eventfd.c eventfd_show_fdinfo
static void eventfd_show_fdinfo(file *filp, std::string *out)
{
	const auto *ctx = static_cast<const eventfd_ctx *>(filp->private_data);
	char line[128];

	std::snprintf(line, sizeof(line),
		      "eventfd-count: %16llx\neventfd-id: %d\neventfd-semaphore: %d\n",
		      static_cast<unsigned long long>(ctx->count), ctx->id,
		      (ctx->flags & EFD_SEMAPHORE) ? 1 : 0);
	*out += line;
}

static void eventfd_verify(const file *filp)
{
	const auto *ctx = static_cast<const eventfd_ctx *>(filp->private_data);

	check_invariant(ctx->count <= ULLONG_MAX - 1, "E1",
			"expected count <= ULLONG_MAX - 1, found " + std::to_string(ctx->count));
	wait_verify(&ctx->wqh);
}

} // namespace epsim::sim
