// SPDX-License-Identifier: GPL-2.0-only
//
// epsim::SimKernel: one simulated Linux process over the kernel model.
// Each member is the system call's entry (the SYSCALL_DEFINE part): it
// checks and copies user arguments the way the kernel does, calls the
// model, and turns a negative errno into -1 and errno as libc does.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <set>

#include "kernel_model/eventpoll.h"
#include "kernel_model/fdtable.h"
#include "kernel_model/invariant.h"
#include "kernel_model/select.h"
#include "sim/af_unix.h"
#include "sim/devnull.h"
#include "sim/eventfd.h"
#include "sim/kernel.h"
#include "sim/pipe.h"
#include "sim/simulator.h"

namespace epsim {

using namespace epsim::kern;

// The model's picture of user memory: everything below the x86-64
// TASK_SIZE_MAX is user space (access_ok()), and only a null pointer is
// unmapped.  Divergence: a non-NULL unmapped pointer crashes the caller
// where Linux returns EFAULT, and read/write with a NULL buffer fail with
// EFAULT before the file is asked (docs/divergences.md, "User memory").
static constexpr uintptr_t TASK_SIZE_MAX = 0x00007ffffffff000ULL;

static bool access_ok(const void *p, size_t size)
{
	uintptr_t a = reinterpret_cast<uintptr_t>(p);

	return size <= TASK_SIZE_MAX && a <= TASK_SIZE_MAX - size;
}

// The libc convention: a negative errno becomes -1 with errno set.
template <class T> static T sys_ret(T r)
{
	if (r < 0) {
		errno = static_cast<int>(-r);
		return -1;
	}
	return r;
}

static_assert(sizeof(kern::epoll_event) == sizeof(::epoll_event));

static sim::SimOptions sim_options(const SimConfig &c)
{
	sim::SimOptions o;

	o.seed = c.seed;
	o.policy = c.policy;
	o.pct_depth = c.pct_depth;
	o.pct_steps = c.pct_steps;
	o.trace = c.trace;
	return o;
}

struct SimKernel::Impl {
	SimConfig config;
	sim::Simulator sched;
	kernel_state k;
	files_struct files;

	explicit Impl(const SimConfig &c) : config(c), sched(sim_options(c))
	{
		k.sched = &sched;
		k.max_user_watches = c.max_user_watches;
		k.bugs.lockless_final_check = c.bugs.lockless_final_check;
		k.bugs.ovflist_missing_wakeup = c.bugs.ovflist_missing_wakeup;
		files.rlimit_nofile = c.rlimit_nofile;
		// A process starts with stdin, stdout and stderr open.
		for (int fd = 0; fd < 3; ++fd)
			install_new_fd(&files, sim::devnull_open(&k, O_RDWR));
	}

	~Impl()
	{
		sched.shutdown();
		close_files(&files);
	}

	// Installs two new files in the two lowest free slots, or none.
	int install_pair(file *a, file *b, bool cloexec, int out[2])
	{
		int fd0 = alloc_fd(&files, 0);
		int fd1 = fd0 < 0 ? fd0 : alloc_fd(&files, static_cast<unsigned>(fd0) + 1);

		if (fd1 < 0) {
			if (fd0 >= 0)
				files.next_fd = std::min(files.next_fd, static_cast<unsigned>(fd0));
			fput(a);
			fput(b);
			return fd1;
		}
		fd_install(&files, fd0, a, cloexec);
		fd_install(&files, fd1, b, cloexec);
		out[0] = fd0;
		out[1] = fd1;
		return 0;
	}
};

SimKernel::SimKernel() : SimKernel(SimConfig{}) {}
SimKernel::SimKernel(const SimConfig &config) : impl_(new Impl(config)) {}
SimKernel::~SimKernel() = default;

kern::kernel_state &SimKernel::kernel() { return impl_->k; }
kern::files_struct &SimKernel::files() { return impl_->files; }
uint64_t SimKernel::now_ns() const { return impl_->sched.ktime_get_ns(); }
uint64_t SimKernel::trace_hash() const { return impl_->sched.trace_hash(); }
const std::vector<std::string> &SimKernel::trace() const { return impl_->sched.trace(); }
sim::Simulator &SimKernel::simulator() { return impl_->sched; }

// The entry and exit of a system call.  Signals sent while a task runs in
// user space are handled at once (the handler does nothing): before and
// after the call.  The entry is also a preempt point named after the call,
// which makes traces readable.
struct SyscallScope {
	sim::Simulator &s;
	SyscallScope(sim::Simulator &sim, const char *name) : s(sim)
	{
		s.handle_signals();
		s.preempt_point(name);
	}
	~SyscallScope() { s.handle_signals(); }
};

// ---- epoll ----

int SimKernel::epoll_create(int size)
{
	if (size <= 0)
		return sys_ret(-EINVAL);
	return sys_ret(do_epoll_create(&impl_->k, &impl_->files, 0));
}

int SimKernel::epoll_create1(int flags)
{
	return sys_ret(do_epoll_create(&impl_->k, &impl_->files, flags));
}

// Linux: fs/eventpoll.c SYSCALL_DEFINE4(epoll_ctl): the event is copied
// from user space before any fd is looked up, for every op but DEL.
int SimKernel::epoll_ctl(int epfd, int op, int fd, ::epoll_event *event)
{
	SyscallScope sc(impl_->sched, "sys_epoll_ctl");
	kern::epoll_event epds{0, 0};

	if (op != EPOLL_CTL_DEL) {
		if (!event)
			return sys_ret(-EFAULT);
		epds.events = event->events;
		epds.data = event->data.u64;
	}
	return sys_ret(do_epoll_ctl(&impl_->k, &impl_->files, epfd, op, fd,
				    op != EPOLL_CTL_DEL ? &epds : nullptr));
}

int SimKernel::epoll_wait(int epfd, ::epoll_event *events, int maxevents, int timeout_ms)
{
	SyscallScope sc(impl_->sched, "sys_epoll_wait");
	epoll_user_buffer ubuf;
	size_t bytes = maxevents > 0 ? static_cast<size_t>(maxevents) * sizeof(::epoll_event) : 0;

	ubuf.base = reinterpret_cast<kern::epoll_event *>(events);
	ubuf.range_ok = access_ok(events, bytes);
	return sys_ret(do_epoll_wait(&impl_->k, &impl_->files, epfd, ubuf, maxevents,
				     timeout_ms < 0 ? -1 : timeout_ms * 1000000LL));
}

// ---- devices ----

int SimKernel::pipe2(int pipefd[2], int flags)
{
	file *rd, *wr;
	int ret = sim::create_pipe_files(&impl_->k, flags, &rd, &wr);

	if (ret < 0)
		return sys_ret(ret);
	if (!pipefd) {
		fput(rd);
		fput(wr);
		return sys_ret(-EFAULT);
	}
	return sys_ret(impl_->install_pair(rd, wr, flags & O_CLOEXEC, pipefd));
}

int SimKernel::eventfd(unsigned int initval, int flags)
{
	file *f;
	int ret = sim::eventfd_create(&impl_->k, initval, flags, &f);

	if (ret < 0)
		return sys_ret(ret);
	return sys_ret(install_new_fd(&impl_->files, f, flags & EFD_CLOEXEC));
}

int SimKernel::socketpair(int domain, int type, int protocol, int sv[2])
{
	file *socks[2];
	int ret = sim::unix_socketpair(&impl_->k, domain, type, protocol, socks);

	if (ret < 0)
		return sys_ret(ret);
	if (!sv) {
		fput(socks[0]);
		fput(socks[1]);
		return sys_ret(-EFAULT);
	}
	return sys_ret(impl_->install_pair(socks[0], socks[1], type & SOCK_CLOEXEC, sv));
}

int SimKernel::open(const char *path, int flags)
{
	if (!path)
		return sys_ret(-EFAULT);
	if (std::string(path) != "/dev/null")
		return sys_ret(-ENOENT);
	return sys_ret(install_new_fd(&impl_->files, sim::devnull_open(&impl_->k, flags),
				      flags & O_CLOEXEC));
}

// ---- read / write ----

// Linux: fs/read_write.c MAX_RW_COUNT
static constexpr size_t MAX_RW_COUNT = INT_MAX & ~size_t{4095};

// Linux: fs/read_write.c vfs_read.  The call holds a file reference while
// it runs, so a concurrent close cannot free the file under it.
ssize_t SimKernel::read(int fd, void *buf, size_t count)
{
	SyscallScope sc(impl_->sched, "sys_read");
	file *f = fdget(&impl_->files, fd);
	ssize_t ret;

	if (!f || !(f->f_mode & FMODE_READ))
		return sys_ret<ssize_t>(-EBADF);
	if (!f->f_op->read)
		return sys_ret<ssize_t>(-EINVAL);
	if (count && (!buf || !access_ok(buf, count)))
		return sys_ret<ssize_t>(-EFAULT);
	get_file(f);
	try {
		ret = f->f_op->read(f, buf, std::min(count, MAX_RW_COUNT));
	} catch (...) {
		fput(f);
		throw;
	}
	fput(f);
	return sys_ret(ret);
}

// Linux: fs/read_write.c vfs_write
ssize_t SimKernel::write(int fd, const void *buf, size_t count)
{
	SyscallScope sc(impl_->sched, "sys_write");
	file *f = fdget(&impl_->files, fd);
	ssize_t ret;

	if (!f || !(f->f_mode & FMODE_WRITE))
		return sys_ret<ssize_t>(-EBADF);
	if (!f->f_op->write)
		return sys_ret<ssize_t>(-EINVAL);
	if (count && (!buf || !access_ok(buf, count)))
		return sys_ret<ssize_t>(-EFAULT);
	get_file(f);
	try {
		ret = f->f_op->write(f, buf, std::min(count, MAX_RW_COUNT));
	} catch (...) {
		fput(f);
		throw;
	}
	fput(f);
	return sys_ret(ret);
}

// ---- the fd table ----

int SimKernel::close(int fd) { return sys_ret(close_fd(&impl_->files, fd)); }
int SimKernel::dup(int oldfd) { return sys_ret(do_dup(&impl_->files, oldfd)); }
int SimKernel::dup2(int oldfd, int newfd) { return sys_ret(do_dup2(&impl_->files, oldfd, newfd)); }

// Linux: net/socket.c __sys_shutdown_sock
int SimKernel::shutdown(int sockfd, int how)
{
	file *f = fdget(&impl_->files, sockfd);

	if (!f)
		return sys_ret(-EBADF);
	if (!f->f_op->shutdown)
		return sys_ret(-ENOTSOCK);
	return sys_ret(f->f_op->shutdown(f, how));
}

// ---- select / poll ----

int SimKernel::poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	SyscallScope sc(impl_->sched, "sys_poll");

	if (nfds > UINT_MAX)
		return sys_ret(-EINVAL);
	return sys_ret(do_sys_poll(&impl_->k, &impl_->files, fds, static_cast<unsigned>(nfds),
				   timeout_ms < 0 ? -1 : timeout_ms * 1000000LL));
}

// Linux: fs/select.c kern_select + poll_select_set_timeout +
// poll_select_finish (the remaining time is written back).
int SimKernel::select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
		      struct timeval *timeout)
{
	SyscallScope sc(impl_->sched, "sys_select");
	long long timeout_ns = -1;
	int ret;

	if (timeout) {
		long long sec = timeout->tv_sec + timeout->tv_usec / 1000000;
		long long usec = timeout->tv_usec % 1000000;

		if (sec < 0 || usec < 0)
			return sys_ret(-EINVAL);
		timeout_ns = sec * 1000000000LL + usec * 1000;
	}
	auto bits = [](fd_set *s) {
		return s ? reinterpret_cast<unsigned long *>(s->fds_bits) : nullptr;
	};
	ret = core_sys_select(&impl_->k, &impl_->files, nfds,
			      {bits(readfds), bits(writefds), bits(exceptfds)}, &timeout_ns);
	if (timeout && ret != -EINVAL && ret != -EBADF) {
		timeout->tv_sec = timeout_ns / 1000000000LL;
		timeout->tv_usec = (timeout_ns % 1000000000LL) / 1000;
	}
	return sys_ret(ret);
}

// ---- threads ----

Tid SimKernel::spawn(std::function<void()> body)
{
	return Tid{impl_->sched.spawn(std::move(body))};
}

void SimKernel::join(Tid t)
{
	int ret = impl_->sched.join(t.id);

	if (ret < 0)
		throw std::invalid_argument(fmt::format("join({}): {}", t.id, strerror(-ret)));
}

void SimKernel::sleep_ms(int ms)
{
	impl_->sched.sleep_ns(ms > 0 ? static_cast<uint64_t>(ms) * 1000000 : 0);
}

int SimKernel::interrupt(Tid t) { return sys_ret(impl_->sched.send_signal(t.id, SIGUSR1)); }

// Linux: fs/eventpoll.c do_epoll_pwait: the mask is installed for the
// duration of the wait; a signal it blocks stays pending and does not end
// the wait.
int SimKernel::epoll_pwait(int epfd, ::epoll_event *events, int maxevents, int timeout_ms,
			   const sigset_t *sigmask)
{
	task_struct *t = impl_->sched.current();
	uint64_t saved = t->blocked_sigmask;
	int ret;

	if (!sigmask)
		return epoll_wait(epfd, events, maxevents, timeout_ms);
	impl_->sched.handle_signals();
	t->blocked_sigmask = 0;
	for (int sig = 1; sig <= 64; ++sig)
		if (sig != SIGKILL && sig != SIGSTOP && sigismember(sigmask, sig) == 1)
			t->blocked_sigmask |= 1ULL << (sig - 1);
	t->sigpending = (t->pending_sigmask & ~t->blocked_sigmask) != 0;
	try {
		ret = epoll_wait(epfd, events, maxevents, timeout_ms);
	} catch (...) {
		t->blocked_sigmask = saved;
		throw;
	}
	t->blocked_sigmask = saved;
	impl_->sched.handle_signals();
	return ret;
}

// ---- /proc ----

// Linux: fs/proc/fd.c seq_show: the generic header, then ->show_fdinfo.
std::string SimKernel::fdinfo(int fd)
{
	file *f = fdget(&impl_->files, fd);
	unsigned flags;
	std::string out;

	if (!f) {
		errno = EBADF;
		return {};
	}
	flags = f->f_flags | (impl_->files.close_on_exec[static_cast<size_t>(fd)] ? O_CLOEXEC : 0);
	// Divergence: mnt_id is a constant; Linux prints the mount id of the
	// file's filesystem (docs/divergences.md, "fdinfo header").
	out = fmt::format("pos:\t{}\nflags:\t0{:o}\nmnt_id:\t{}\nino:\t{}\n", f->f_pos, flags, 15,
			  f->i_ino);
	if (f->f_op->show_fdinfo)
		f->f_op->show_fdinfo(f, &out);
	return out;
}

// ---- model only ----

void SimKernel::verify() const
{
	const files_struct &files = impl_->files;
	const kernel_state &k = impl_->k;
	std::set<const eventpoll *> eps;
	long items = 0;

	impl_->sched.verify();
	files_verify(&files);
	for (file *f : files.fd) {
		if (!f)
			continue;
		if (f->f_op->verify)
			f->f_op->verify(f);
		if (is_file_epoll(f))
			eps.insert(static_cast<const eventpoll *>(f->private_data));
	}
	// Between calls every live epoll has an fd (nothing else pins one).
	for (const eventpoll *ep : eps)
		items += ep->refcount - 1;
	check_invariant(items == k.user.epoll_watches && items == k.nr_epitems, "EP10",
			fmt::format("{} items in live epolls, {} watches charged, {} epitems allocated",
				    items, k.user.epoll_watches, k.nr_epitems));
	check_invariant(k.nr_eventpolls == static_cast<long>(eps.size()), "EP10",
			fmt::format("{} eventpolls allocated, {} reachable", k.nr_eventpolls,
				    eps.size()));
}

std::string SimKernel::describe(int epfd) const
{
	file *f = fdget(&impl_->files, epfd);

	if (!f || !is_file_epoll(f))
		return fmt::format("fd {} is not an epoll\n", epfd);
	return ep_describe(static_cast<eventpoll *>(f->private_data));
}

} // namespace epsim
