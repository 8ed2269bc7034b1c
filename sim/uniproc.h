// SPDX-License-Identifier: GPL-2.0-only
//
// The simplest implementation of the model's scheduler interface: one
// simulated process with one task on one CPU, and a virtual clock in
// integer nanoseconds.  A sleep with a deadline jumps the clock to the
// deadline (nothing else can happen meanwhile); a sleep with no deadline
// could never end, so it throws kern::deadlock_error naming the task and
// what it waits on.  The multi-task simulator replaces it.
#pragma once

#include "kernel_model/sched.h"

namespace epsim::sim {

class UniprocScheduler final : public kern::scheduler {
public:
	UniprocScheduler();

	kern::task_struct *current() override { return &task_; }
	uint64_t ktime_get_ns() const override { return now_ns_; }
	bool schedule_until(uint64_t deadline_ns) override;
	int wake_up_process(kern::task_struct *t) override;

private:
	kern::task_struct task_;	// the only task
	uint64_t now_ns_ = 0;		// virtual CLOCK_MONOTONIC
};

} // namespace epsim::sim
