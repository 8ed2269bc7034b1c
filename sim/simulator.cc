// SPDX-License-Identifier: GPL-2.0-only
//
// The deterministic simulator (see simulator.h): tasks on fibers, a virtual
// clock, seeded scheduling policies, deadlock reports and a trace hash.
#include "sim/simulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <exception>

#include "kernel_model/invariant.h"

namespace epsim::sim {

static constexpr size_t TASK_STACK_BYTES = 512 * 1024;
// Preemptive switches without any task sleeping or ending before the
// scheduler stops preempting (see preempt_point).
static constexpr uint64_t LIVELOCK_SWITCHES = 10000;

const char *policy_name(Policy p)
{
	switch (p) {
	case Policy::RoundRobin:
		return "rr";
	case Policy::Random:
		return "random";
	case Policy::PCT:
		return "pct";
	}
	return "?";
}

// ---- PRNG ----

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

Prng::Prng(uint64_t seed)
{
	for (uint64_t &s : s_)
		s = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t Prng::next()
{
	uint64_t result = rotl(s_[1] * 5, 7) * 9;
	uint64_t t = s_[1] << 17;

	s_[2] ^= s_[0];
	s_[3] ^= s_[1];
	s_[1] ^= s_[2];
	s_[0] ^= s_[3];
	s_[2] ^= t;
	s_[3] = rotl(s_[3], 45);
	return result;
}

// ---- tasks ----

struct Simulator::Task {
	kern::task_struct ts{};			// what the model sees
	std::unique_ptr<Fiber> fiber;		// its execution context
	std::function<void()> body;		// nullptr for the main task
	State state = State::Runnable;
	uint64_t deadline = kern::KTIME_MAX;	// wake-up time while sleeping
	bool timed_out = false;			// the last sleep ended by its deadline
	bool killed = false;			// shutdown() is unwinding it
	uint64_t priority = 0;			// PCT priority (higher runs first)
	std::vector<int> joiners;		// tasks sleeping in join() on this one
	std::exception_ptr error;		// escaped from body, rethrown by join()
};

Simulator::Simulator(const SimOptions &opt) : opt_(opt), rng_(opt.seed)
{
	auto main = std::make_unique<Task>();

	main->ts.pid = 1;
	main->ts.__state = kern::TASK_RUNNING;
	main->ts.sched = this;
	main->ts.sched_private = main.get();
	main->fiber = std::make_unique<Fiber>();
	main->state = State::Running;
	if (opt_.policy == Policy::PCT) {
		for (int i = 1; i < opt_.pct_depth; ++i)
			pct_change_points_.push_back(
				1 + rng_.below(static_cast<uint64_t>(std::max(opt_.pct_steps, 1))));
		std::sort(pct_change_points_.begin(), pct_change_points_.end());
		pct_assign_priority(*main);
	}
	tasks_.push_back(std::move(main));
	record("start", 1);
}

Simulator::~Simulator() = default;

kern::task_struct *Simulator::current() { return &cur().ts; }

Simulator::Task *Simulator::find(int tid)
{
	if (tid < 1 || static_cast<size_t>(tid) > tasks_.size())
		return nullptr;
	return tasks_[static_cast<size_t>(tid - 1)].get();
}

void Simulator::pct_assign_priority(Task &t)
{
	// Initial priorities lie above every lowered one (< pct_depth); the
	// random part makes them distinct with overwhelming probability and
	// the tid breaks the remaining ties.
	t.priority = (static_cast<uint64_t>(opt_.pct_depth) + rng_.below(1ULL << 40)) << 16 |
		     static_cast<uint64_t>(t.ts.pid & 0xffff);
}

// FNV-1a over the event and, with tracing on, a line of text.
void Simulator::record(const char *what, int a, int b)
{
	auto mix = [this](const void *p, size_t n) {
		const unsigned char *c = static_cast<const unsigned char *>(p);
		for (size_t i = 0; i < n; ++i) {
			hash_ ^= c[i];
			hash_ *= 0x100000001b3ULL;
		}
	};

	mix(what, std::strlen(what));
	mix(&a, sizeof a);
	mix(&b, sizeof b);
	mix(&now_ns_, sizeof now_ns_);
	if (opt_.trace)
		trace_.push_back(fmt::format("{:>12} ns  task {}  {}{}", now_ns_, cur().ts.pid, what,
					     b ? fmt::format(" {} -> {}", a, b)
					       : (a ? fmt::format(" {}", a) : std::string())));
}

void Simulator::trace_text(const char *what)
{
	trace_.push_back(fmt::format("{:>12} ns  task {}  {}", now_ns_, cur().ts.pid, what));
}

void Simulator::make_runnable(Task &t)
{
	t.state = State::Runnable;
	t.deadline = kern::KTIME_MAX;
	runq_.push_back(t.ts.pid - 1);
}

int Simulator::pick_next()
{
	if (runq_.empty())
		return -1;
	if (shutting_down_ || opt_.policy == Policy::RoundRobin)
		return runq_.front();
	if (opt_.policy == Policy::Random)
		return runq_[rng_.below(runq_.size())];
	int best = runq_.front();
	for (int idx : runq_)
		if (tasks_[static_cast<size_t>(idx)]->priority >
		    tasks_[static_cast<size_t>(best)]->priority)
			best = idx;
	return best;
}

void Simulator::switch_to(int idx, const char *why)
{
	Task &to = *tasks_[static_cast<size_t>(idx)];

	runq_.erase(std::find(runq_.begin(), runq_.end(), idx));
	if (idx == current_) {
		to.state = State::Running;
		return;
	}
	Task &from = cur();
	record(why, from.ts.pid, to.ts.pid);
	current_ = idx;
	to.state = State::Running;
	Fiber::switch_to(*from.fiber, *to.fiber);
}

// Wakes the sleepers with the earliest deadline, moving the clock there.
bool Simulator::fire_timers()
{
	uint64_t when = kern::KTIME_MAX;

	for (const auto &t : tasks_)
		if (t->state == State::Sleeping)
			when = std::min(when, t->deadline);
	if (when == kern::KTIME_MAX)
		return false;
	now_ns_ = std::max(now_ns_, when);
	record("timer");
	for (auto &t : tasks_) {
		if (t->state == State::Sleeping && t->deadline <= now_ns_) {
			t->timed_out = true;
			t->ts.__state = kern::TASK_RUNNING;
			make_runnable(*t);
		}
	}
	return true;
}

std::string Simulator::deadlock_report() const
{
	std::string s = fmt::format(
		"epsim: deadlock at {} ns: every task sleeps and no timer is pending\n", now_ns_);


	return s + describe_tasks();
}

std::string Simulator::describe_tasks() const
{
	static const char *const names[] = {"running", "runnable", "sleeping", "done"};
	std::string s;

	for (const auto &t : tasks_)
		s += fmt::format("  task {}: {}{}{}\n", t->ts.pid, names[static_cast<int>(t->state)],
				 t->ts.wchan ? fmt::format(" in {}", t->ts.wchan) : std::string(),
				 t->deadline != kern::KTIME_MAX
					 ? fmt::format(" until {} ns", t->deadline)
					 : std::string());
	return s;
}

// The current task has given up the CPU (it sleeps, ended, or yielded and
// is queued): run someone.  Returns when the current task runs again.
void Simulator::run_next(const char *why)
{
	int next = pick_next();

	if (next < 0 && !shutting_down_ && fire_timers())
		next = pick_next();
	if (next < 0) {
		std::string report = deadlock_report();
		Task &main = *tasks_[0];

		if (current_ == 0) {
			main.state = State::Running;
			main.ts.__state = kern::TASK_RUNNING;
			throw kern::deadlock_error(report);
		}
		// The main task hears of it; this task stays asleep until
		// shutdown() unwinds it.
		pending_deadlock_ = report;
		main.ts.__state = kern::TASK_RUNNING;
		make_runnable(main);
		next = 0;
	}
	switch_to(next, why);
}

bool Simulator::schedule_until(uint64_t deadline_ns)
{
	Task &t = cur();

	if (t.killed)
		throw task_killed{};
	if (t.ts.__state == kern::TASK_RUNNING)
		return true;
	t.state = State::Sleeping;
	t.deadline = deadline_ns;
	t.timed_out = false;
	switches_since_progress_ = 0;
	record(t.ts.wchan ? t.ts.wchan : "sleep", t.ts.pid);
	run_next("sleep");
	if (t.killed)
		throw task_killed{};
	if (current_ == 0 && !pending_deadlock_.empty()) {
		std::string report = std::move(pending_deadlock_);
		pending_deadlock_.clear();
		throw kern::deadlock_error(report);
	}
	return !t.timed_out;
}

int Simulator::wake_up_process(kern::task_struct *ts)
{
	Task &t = *static_cast<Task *>(ts->sched_private);

	if (ts->__state == kern::TASK_RUNNING)
		return 0;
	ts->__state = kern::TASK_RUNNING;
	if (t.state == State::Sleeping)
		make_runnable(t);
	record("wake", ts->pid);
	return 1;
}

void Simulator::preempt_point(const char *where)
{
	if (shutting_down_)
		return;
	++steps_;
	// A preempt point that switches nothing does not change the run, so
	// only the text trace sees it; switches are hashed in switch_to.
	if (opt_.trace)
		trace_text(where);
	if (runq_.empty())
		return;
	// Livelock escape: tasks that keep preempting each other without any
	// of them sleeping or ending (e.g. two epoll_wait callers each seeing
	// the other's scan in progress, forever) run undisturbed to their next
	// sleep once the run has gone this long without progress.
	if (switches_since_progress_ >= LIVELOCK_SWITCHES) {
		if (switches_since_progress_++ == LIVELOCK_SWITCHES)
			record("livelock_escape");
		return;
	}
	switch (opt_.policy) {
	case Policy::RoundRobin:
		break;
	case Policy::Random:
		if (rng_.below(2))
			return;
		break;
	case Policy::PCT:
		if (static_cast<size_t>(pct_next_low_) < pct_change_points_.size() &&
		    steps_ >= pct_change_points_[static_cast<size_t>(pct_next_low_)]) {
			cur().priority = static_cast<uint64_t>(opt_.pct_depth - 1 - pct_next_low_);
			++pct_next_low_;
			record("pct_change_point");
		}
		if (tasks_[static_cast<size_t>(pick_next())]->priority < cur().priority)
			return;
		break;
	}
	make_runnable(cur());
	++switches_since_progress_;
	run_next(where);
}

// A directed yield: run the lock's owner if it can run, else anyone.
void Simulator::cpu_relax(const char *where, kern::task_struct *owner)
{
	Task *o = owner ? static_cast<Task *>(owner->sched_private) : nullptr;
	int next;

	if (runq_.empty() && !fire_timers())
		throw kern::deadlock_error(fmt::format(
			"epsim: task {} spins in {} but no other task can run\n{}", cur().ts.pid,
			where, describe_tasks()));
	record(where);
	next = o && o->state == State::Runnable ? o->ts.pid - 1 : pick_next();
	make_runnable(cur());
	switch_to(next, "cpu_relax");
}

void Simulator::verify() const
{
	size_t runnable = 0;

	for (size_t i = 0; i < tasks_.size(); ++i) {
		const Task &t = *tasks_[i];
		bool queued = std::count(runq_.begin(), runq_.end(), static_cast<int>(i)) == 1;

		kern::check_invariant((t.state == State::Running) == (i == static_cast<size_t>(current_)),
				      "S1", [&] {
					      return fmt::format("task {} is {} but current is task {}",
								 t.ts.pid, static_cast<int>(t.state),
								 current_ + 1);
				      });
		kern::check_invariant((t.state == State::Runnable) == queued, "S2", [&] {
			return fmt::format("task {}: runnable {} but queued {}", t.ts.pid,
					   t.state == State::Runnable, queued);
		});
		kern::check_invariant(t.state != State::Sleeping ||
					      t.ts.__state != kern::TASK_RUNNING,
				      "S3", [&] {
					      return fmt::format("task {} sleeps in TASK_RUNNING",
								 t.ts.pid);
				      });
		kern::check_invariant(t.state != State::Done || t.joiners.empty(), "S4", [&] {
			return fmt::format("task {} ended with joiners left", t.ts.pid);
		});
		runnable += t.state == State::Runnable;
	}
	kern::check_invariant(runq_.size() == runnable, "S2", [&] {
		return fmt::format("run queue has {} entries for {} runnable tasks", runq_.size(),
				   runnable);
	});
}

// ---- the task API ----

void Simulator::task_entry(int idx)
{
	Task &t = *tasks_[static_cast<size_t>(idx)];

	try {
		t.body();
	} catch (const task_killed &) {
	} catch (...) {
		t.error = std::current_exception();
	}
	t.state = State::Done;
	t.ts.__state = kern::TASK_RUNNING;
	switches_since_progress_ = 0;
	record("exit", t.ts.pid);
	for (int j : t.joiners)
		wake_up_process(&tasks_[static_cast<size_t>(j)]->ts);
	t.joiners.clear();
	t.fiber->mark_finished();
	run_next("exit");
}

int Simulator::spawn(std::function<void()> body)
{
	int idx = static_cast<int>(tasks_.size());
	auto t = std::make_unique<Task>();

	t->ts.pid = idx + 1;
	t->ts.__state = kern::TASK_RUNNING;
	t->ts.sched = this;
	t->ts.sched_private = t.get();
	t->body = std::move(body);
	t->fiber = std::make_unique<Fiber>([this, idx] { task_entry(idx); }, TASK_STACK_BYTES);
	if (opt_.policy == Policy::PCT)
		pct_assign_priority(*t);
	tasks_.push_back(std::move(t));
	make_runnable(*tasks_.back());
	record("spawn", idx + 1);
	return idx + 1;
}

int Simulator::join(int tid)
{
	Task *t = find(tid);

	if (!t)
		return -ESRCH;
	if (t == &cur())
		return -EDEADLK;
	while (t->state != State::Done) {
		cur().ts.__state = kern::TASK_UNINTERRUPTIBLE;
		cur().ts.wchan = "join";
		t->joiners.push_back(current_);
		try {
			schedule_until(kern::KTIME_MAX);
		} catch (...) {
			cur().ts.wchan = nullptr;
			throw;
		}
		cur().ts.wchan = nullptr;
	}
	if (t->error) {
		std::exception_ptr e = t->error;
		t->error = nullptr;
		std::rethrow_exception(e);
	}
	return 0;
}

void Simulator::sleep_ns(uint64_t ns)
{
	uint64_t deadline = now_ns_ + ns;

	while (now_ns_ < deadline) {
		cur().ts.__state = kern::TASK_UNINTERRUPTIBLE;
		cur().ts.wchan = "sleep";
		schedule_until(deadline);
		cur().ts.wchan = nullptr;
	}
	preempt_point("sleep:done");
}

int Simulator::send_signal(int tid, int sig)
{
	Task *t = find(tid);
	uint64_t bit = 1ULL << (sig - 1);

	if (!t || t->state == State::Done)
		return -ESRCH;
	t->ts.pending_sigmask |= bit;
	t->ts.sigpending = (t->ts.pending_sigmask & ~t->ts.blocked_sigmask) != 0;
	record("signal", tid, sig);
	if (t->ts.sigpending && t->ts.__state == kern::TASK_INTERRUPTIBLE)
		wake_up_process(&t->ts);
	return 0;
}

void Simulator::handle_signals()
{
	kern::task_struct &ts = cur().ts;

	ts.pending_sigmask &= ts.blocked_sigmask;
	ts.sigpending = false;
}

void Simulator::shutdown()
{
	if (current_ != 0)
		throw std::logic_error("Simulator::shutdown must run on the main task");
	shutting_down_ = true;
	// Let every runnable task go on until it ends or sleeps.
	while (!runq_.empty()) {
		make_runnable(cur());
		run_next("shutdown");
	}
	// Unwind the sleepers: their schedule_until throws task_killed.
	for (auto &t : tasks_) {
		if (t->state != State::Sleeping)
			continue;
		t->killed = true;
		t->ts.__state = kern::TASK_RUNNING;
		make_runnable(*t);
		make_runnable(cur());
		switch_to(t->ts.pid - 1, "kill");
	}
	runq_.clear();
}

} // namespace epsim::sim
