// SPDX-License-Identifier: GPL-2.0-only
//
// The model below the syscall facade, with the facade's member names, so
// one benchmark template runs on ModelKernel (kern:: calls, no facade),
// epsim::SimKernel (the facade over the simulator) and epsim::HostKernel
// (the real kernel).  Models nothing in Linux.
//
//     bench::ModelKernel k;
//     int ep = k.epoll_create1(0);
//     int efd = k.eventfd(0, EFD_NONBLOCK);
//     epoll_event ev{EPOLLIN, {.u64 = 7}};
//     k.epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
//
// Unlike the facade, errors come back as a negative errno (no errno
// variable), no user pointer is checked, and the scheduler is
// TrivialScheduler: one task whose preempt points do nothing, so a
// measurement contains the model's own work and nothing of the
// simulator's tracing.  A call that would sleep forever throws
// kern::deadlock_error.
#pragma once

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include <type_traits>

#include "kernel_model/eventpoll.h"
#include "kernel_model/fdtable.h"
#include "kernel_model/kernel_state.h"
#include "kernel_model/select.h"
#include "sim/kernel.h"

namespace epsim::bench {

// One task on one CPU; sleeping with a deadline jumps the clock to it.
class TrivialScheduler final : public kern::scheduler {
public:
	TrivialScheduler();
	kern::task_struct *current() override { return &task_; }
	uint64_t ktime_get_ns() const override { return now_ns_; }
	bool schedule_until(uint64_t deadline_ns) override;
	int wake_up_process(kern::task_struct *t) override;
	void preempt_point(const char *) override {}
	void cpu_relax(const char *, kern::task_struct *) override {}

private:
	kern::task_struct task_;
	uint64_t now_ns_ = 0;
};

class ModelKernel {
public:
	ModelKernel();
	~ModelKernel();
	ModelKernel(const ModelKernel &) = delete;
	ModelKernel &operator=(const ModelKernel &) = delete;

	static constexpr bool is_model = true;

	int epoll_create1(int flags) { return kern::do_epoll_create(&k_, &files_, flags); }
	int epoll_ctl(int epfd, int op, int fd, ::epoll_event *event)
	{
		kern::epoll_event epds{event ? event->events : 0, event ? event->data.u64 : 0};

		return kern::do_epoll_ctl(&k_, &files_, epfd, op, fd, event ? &epds : nullptr);
	}
	int epoll_wait(int epfd, ::epoll_event *events, int maxevents, int timeout_ms)
	{
		kern::epoll_user_buffer ubuf{reinterpret_cast<kern::epoll_event *>(events), true};

		return kern::do_epoll_wait(&k_, &files_, epfd, ubuf, maxevents, timeout_ns(timeout_ms));
	}
	int poll(::pollfd *fds, nfds_t nfds, int timeout_ms)
	{
		return kern::do_sys_poll(&k_, &files_, fds, static_cast<unsigned>(nfds),
					 timeout_ns(timeout_ms));
	}
	// Only readfds is supported; timeout nullptr waits forever.
	int select(int nfds, fd_set *readfds, fd_set *, fd_set *, struct timeval *timeout);
	int eventfd(unsigned int initval, int flags);
	int pipe2(int pipefd[2], int flags);
	int socketpair(int domain, int type, int protocol, int sv[2]);
	ssize_t read(int fd, void *buf, size_t count)
	{
		kern::file *f = kern::fdget(&files_, fd);

		return f ? f->f_op->read(f, buf, count) : -EBADF;
	}
	ssize_t write(int fd, const void *buf, size_t count)
	{
		kern::file *f = kern::fdget(&files_, fd);

		return f ? f->f_op->write(f, buf, count) : -EBADF;
	}
	int close(int fd) { return kern::close_fd(&files_, fd); }

	kern::kernel_state &kernel() { return k_; }
	kern::files_struct &files() { return files_; }

private:
	static long long timeout_ns(int ms) { return ms < 0 ? -1 : ms * 1000000LL; }
	int install_pair(kern::file *a, kern::file *b, int out[2]);

	TrivialScheduler sched_;
	kern::kernel_state k_;
	kern::files_struct files_;
};

// The backend part of a benchmark name: Model, SimKernel or Host.
template <class K> const char *backend_name()
{
	if constexpr (std::is_same_v<K, ModelKernel>)
		return "Model";
	else if constexpr (std::is_same_v<K, SimKernel>)
		return "SimKernel";
	else
		return "Host";
}

} // namespace epsim::bench
