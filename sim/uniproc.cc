// SPDX-License-Identifier: GPL-2.0-only
//
// UniprocScheduler: one task, one CPU, a virtual clock (see uniproc.h).
#include "sim/uniproc.h"

#include <fmt/format.h>

namespace epsim::sim {

UniprocScheduler::UniprocScheduler()
{
	task_ = kern::task_struct{};
	task_.pid = 1;
	task_.__state = kern::TASK_RUNNING;
	task_.sched = this;
}

bool UniprocScheduler::schedule_until(uint64_t deadline_ns)
{
	if (task_.__state == kern::TASK_RUNNING)
		return true;
	if (deadline_ns == kern::KTIME_MAX) {
		task_.__state = kern::TASK_RUNNING;
		throw kern::deadlock_error(fmt::format(
			"epsim: deadlock: task {} would sleep forever in {} (no timeout, nothing "
			"ready, and no other task exists to wake it)",
			task_.pid, task_.wchan ? task_.wchan : "the kernel"));
	}
	if (deadline_ns > now_ns_)
		now_ns_ = deadline_ns;
	task_.__state = kern::TASK_RUNNING;
	return false;
}

int UniprocScheduler::wake_up_process(kern::task_struct *t)
{
	if (t->__state == kern::TASK_RUNNING)
		return 0;
	t->__state = kern::TASK_RUNNING;
	return 1;
}

} // namespace epsim::sim
