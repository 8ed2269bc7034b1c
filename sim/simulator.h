// SPDX-License-Identifier: GPL-2.0-only
//
// The deterministic simulator: the model's scheduler interface
// (kernel_model/sched.h) implemented with simulated tasks running on
// fibers, one virtual clock in integer nanoseconds, and one seeded PRNG.
//
// Only one task runs at a time.  The running task keeps the CPU until it
// sleeps (schedule_until), ends, or reaches a preempt point where the
// policy decides to switch:
//
//   RoundRobin  switch to the next runnable task (FIFO) at every preempt
//               point: deterministic, maximal interleaving
//   Random      at each preempt point switch with probability 1/2 to a
//               uniformly chosen runnable task (seeded)
//   PCT         probabilistic concurrency testing (Burckhardt et al.,
//               ASPLOS 2010): random distinct task priorities, `depth - 1`
//               random change points among the first `pct_steps` preempt
//               points where the running task drops below every other;
//               the highest-priority runnable task always runs
//
// After 10,000 preemptive switches in a row without any task sleeping or
// ending, preemption pauses until one does (a livelock escape: strict
// alternation can keep two epoll_wait callers each seeing the other's scan
// forever, which real timing would not sustain).
//
// When every task sleeps the clock jumps to the earliest deadline (ties by
// task id) and those tasks wake timed out.  When every task sleeps with no
// deadline, the run is deadlocked: the main task (tid 1, the caller's own
// thread) gets a kern::deadlock_error naming each sleeping task and its
// wait channel.
//
// Every event that can change the run (switches, wakeups, timer jumps,
// preempt points) is folded into a 64-bit trace hash; with tracing on the
// events are also kept as text.  Same seed and policy, same program: same
// hash.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/sched.h"
#include "sim/fiber.h"

namespace epsim::sim {

enum class Policy { RoundRobin, Random, PCT };

const char *policy_name(Policy p);

// xoshiro256** seeded through splitmix64: small, fast and the same on every
// platform (no std::*_distribution).
class Prng {
public:
	explicit Prng(uint64_t seed);
	uint64_t next();
	// Uniform in [0, n) (n > 0); the modulo bias is below 2^-40 for the
	// small n the simulator uses.
	uint64_t below(uint64_t n) { return next() % n; }

private:
	uint64_t s_[4];
};

struct SimOptions {
	uint64_t seed = 0;
	Policy policy = Policy::RoundRobin;
	int pct_depth = 3;		// PCT: bug depth d (d - 1 change points)
	int pct_steps = 2000;		// PCT: preempt points over which change points fall
	bool trace = false;		// keep the trace as text (the hash is always kept)
};

class Simulator final : public kern::scheduler {
public:
	explicit Simulator(const SimOptions &opt);
	~Simulator() override;

	// ---- kern::scheduler ----
	kern::task_struct *current() override;
	uint64_t ktime_get_ns() const override { return now_ns_; }
	bool schedule_until(uint64_t deadline_ns) override;
	int wake_up_process(kern::task_struct *t) override;
	void preempt_point(const char *where) override;
	void cpu_relax(const char *where, kern::task_struct *owner) override;
	void trace_event(const char *what) override
	{
		if (opt_.trace)
			trace_text(what);
	}

	// ---- tasks ----
	// Starts a task running body; returns its tid (2, 3, ...).  The caller
	// keeps running.
	int spawn(std::function<void()> body);
	// Sleeps until task tid has ended; rethrows an exception that escaped
	// its body.  Returns -ESRCH for an unknown tid, -EINVAL for self.
	int join(int tid);
	// Sleeps for ns of virtual time (uninterruptible).
	void sleep_ns(uint64_t ns);
	// Marks signal sig (1..64) pending for tid and wakes it if it sleeps
	// interruptibly and does not block sig.  -ESRCH if tid is unknown/ended.
	int send_signal(int tid, int sig);
	// Runs the signal handlers of the current task for every pending
	// signal it does not block (the handlers do nothing).
	void handle_signals();
	// Ends every task but the main one: runnable tasks run until they end
	// or sleep, sleeping tasks are unwound.  Called before the model is
	// torn down.
	void shutdown();

	// S1 exactly one task runs and it is current; S2 the run queue holds
	// exactly the runnable tasks, once each; S3 a sleeping task's state is
	// not TASK_RUNNING unless a wakeup is pending for it; S4 a done task
	// has no joiners left.  Throws kern::invariant_violation.
	void verify() const;

	uint64_t trace_hash() const { return hash_; }
	const std::vector<std::string> &trace() const { return trace_; }
	// One line per task: tid, state, wait channel.
	std::string describe_tasks() const;
	const SimOptions &options() const { return opt_; }

private:
	struct Task;
	enum class State { Running, Runnable, Sleeping, Done };

	Task &cur() { return *tasks_[static_cast<size_t>(current_)]; }
	Task *find(int tid);
	void record(const char *what, int a = 0, int b = 0);
	// Text-only trace line (with tracing on): never changes the hash.
	void trace_text(const char *what);
	void make_runnable(Task &t);
	int pick_next();
	void switch_to(int idx, const char *why);
	void run_next(const char *why);
	bool fire_timers();
	std::string deadlock_report() const;
	void task_entry(int idx);
	void pct_assign_priority(Task &t);

	SimOptions opt_;
	Prng rng_;
	std::vector<std::unique_ptr<Task>> tasks_;	// index = tid - 1
	std::deque<int> runq_;				// runnable task indexes, FIFO
	int current_ = 0;				// index of the running task
	uint64_t now_ns_ = 0;				// virtual CLOCK_MONOTONIC
	uint64_t steps_ = 0;				// preempt points passed (PCT)
	uint64_t switches_since_progress_ = 0;		// preemptions since a sleep or exit
	std::vector<uint64_t> pct_change_points_;	// sorted step numbers
	int pct_next_low_ = 0;				// next lowered priority
	std::string pending_deadlock_;			// report for the main task
	bool shutting_down_ = false;
	uint64_t hash_ = 0xcbf29ce484222325ULL;		// FNV-1a over the events
	std::vector<std::string> trace_;
};

// Thrown inside a sleeping task that shutdown() unwinds; caught by the
// task's fiber entry.  Not a std::exception, so user code that catches
// std::exception does not swallow it.
struct task_killed {};

} // namespace epsim::sim
