// SPDX-License-Identifier: GPL-2.0-only
//
// A bare model for unit tests that drive fs/eventpoll.c directly: one
// kernel_state, one fd table, and a scheduler with one task whose
// preempt points can run a test's code (to make a "second CPU" act in the
// middle of a harvest, say).
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "kernel_model/eventpoll.h"
#include "kernel_model/fdtable.h"
#include "kernel_model/kernel_state.h"

namespace epsim::test {

class HookScheduler final : public kern::scheduler {
public:
	HookScheduler()
	{
		task_.pid = 1;
		task_.sched = this;
	}
	kern::task_struct *current() override { return &task_; }
	uint64_t ktime_get_ns() const override { return now_ns_; }
	bool schedule_until(uint64_t deadline_ns) override
	{
		if (task_.__state == kern::TASK_RUNNING)
			return true;
		if (deadline_ns == kern::KTIME_MAX)
			throw kern::deadlock_error("test task would sleep forever");
		now_ns_ = deadline_ns;
		task_.__state = kern::TASK_RUNNING;
		return false;
	}
	int wake_up_process(kern::task_struct *t) override
	{
		if (t->__state == kern::TASK_RUNNING)
			return 0;
		t->__state = kern::TASK_RUNNING;
		return 1;
	}
	void preempt_point(const char *where) override
	{
		if (on_preempt && !in_hook_) {
			in_hook_ = true;
			on_preempt(where);
			in_hook_ = false;
		}
	}

	// Runs at every preempt point (not re-entered from inside itself).
	std::function<void(const std::string &)> on_preempt;

private:
	kern::task_struct task_{};
	uint64_t now_ns_ = 0;
	bool in_hook_ = false;
};

struct Model {
	HookScheduler sched;
	kern::kernel_state k;
	kern::files_struct files;

	Model() { k.sched = &sched; }
	~Model() { kern::close_files(&files); }

	kern::file *file_of(int fd) { return kern::fdget(&files, fd); }
	kern::eventpoll *ep_of(int fd)
	{
		return static_cast<kern::eventpoll *>(file_of(fd)->private_data);
	}
	int epoll_create() { return kern::do_epoll_create(&k, &files, 0); }
	int ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
	{
		kern::epoll_event ev{events, data};
		return kern::do_epoll_ctl(&k, &files, ep, op, fd, &ev);
	}
	// Harvest with timeout 0 into a vector of data values.
	std::vector<uint64_t> wait(int ep, int maxevents = 64)
	{
		std::vector<kern::epoll_event> evs(static_cast<size_t>(maxevents));
		int n = kern::do_epoll_wait(&k, &files, ep, {evs.data(), true}, maxevents, 0);
		std::vector<uint64_t> out;
		for (int i = 0; i < n; ++i)
			out.push_back(evs[static_cast<size_t>(i)].data);
		return out;
	}
};

} // namespace epsim::test
