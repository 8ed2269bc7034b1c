// SPDX-License-Identifier: GPL-2.0-only
//
// ModelKernel and TrivialScheduler (see model_kernel.h).
#include "bench/model_kernel.h"

#include <sys/eventfd.h>
#include <sys/socket.h>

#include <climits>

#include "sim/af_unix.h"
#include "sim/eventfd.h"
#include "sim/pipe.h"

namespace epsim::bench {

TrivialScheduler::TrivialScheduler()
{
	task_ = kern::task_struct{};
	task_.pid = 1;
	task_.__state = kern::TASK_RUNNING;
	task_.sched = this;
}

bool TrivialScheduler::schedule_until(uint64_t deadline_ns)
{
	if (task_.__state == kern::TASK_RUNNING)
		return true;
	task_.__state = kern::TASK_RUNNING;
	if (deadline_ns == kern::KTIME_MAX)
		throw kern::deadlock_error("bench: the only task would sleep forever");
	now_ns_ = deadline_ns;
	return false;
}

int TrivialScheduler::wake_up_process(kern::task_struct *t)
{
	if (t->__state == kern::TASK_RUNNING)
		return 0;
	t->__state = kern::TASK_RUNNING;
	return 1;
}

ModelKernel::ModelKernel()
{
	k_.sched = &sched_;
	k_.max_user_watches = LONG_MAX;
	files_.rlimit_nofile = 1u << 24;
}

ModelKernel::~ModelKernel() { kern::close_files(&files_); }

int ModelKernel::select(int nfds, fd_set *readfds, fd_set *, fd_set *, struct timeval *timeout)
{
	long long timeout_ns = timeout ? timeout->tv_sec * 1000000000LL + timeout->tv_usec * 1000
				       : -1;
	auto *in = readfds ? reinterpret_cast<unsigned long *>(readfds->fds_bits) : nullptr;

	return kern::core_sys_select(&k_, &files_, nfds, {in, nullptr, nullptr}, &timeout_ns);
}

int ModelKernel::eventfd(unsigned int initval, int flags)
{
	kern::file *f;
	int ret = sim::eventfd_create(&k_, initval, flags, &f);

	return ret < 0 ? ret : kern::install_new_fd(&files_, f, flags & EFD_CLOEXEC);
}

int ModelKernel::install_pair(kern::file *a, kern::file *b, int out[2])
{
	out[0] = kern::install_new_fd(&files_, a);
	if (out[0] < 0) {
		kern::fput(b);
		return out[0];
	}
	out[1] = kern::install_new_fd(&files_, b);
	if (out[1] < 0) {
		kern::close_fd(&files_, out[0]);
		return out[1];
	}
	return 0;
}

int ModelKernel::pipe2(int pipefd[2], int flags)
{
	kern::file *rd, *wr;
	int ret = sim::create_pipe_files(&k_, flags, &rd, &wr);

	return ret < 0 ? ret : install_pair(rd, wr, pipefd);
}

int ModelKernel::socketpair(int domain, int type, int protocol, int sv[2])
{
	kern::file *socks[2];
	int ret = sim::unix_socketpair(&k_, domain, type, protocol, socks);

	return ret < 0 ? ret : install_pair(socks[0], socks[1], sv);
}

} // namespace epsim::bench
