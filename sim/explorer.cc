// SPDX-License-Identifier: GPL-2.0-only
//
// The explorer and its built-in scenarios (see explorer.h).
#include "sim/explorer.h"

#include <sys/eventfd.h>

#include <fmt/format.h>

#include <stdexcept>

namespace epsim {

std::string run_scenario(const Scenario &s, const SimConfig &config,
			 std::vector<std::string> *trace)
{
	std::string verdict;
	{
		SimKernel k(config);

		try {
			verdict = s(k);
			k.verify();
		} catch (const kern::deadlock_error &e) {
			verdict = std::string("deadlock: ") + e.what();
		} catch (const kern::invariant_violation &e) {
			verdict = std::string("invariant: ") + e.what();
		}
		if (trace)
			*trace = k.trace();
	}
	return verdict;
}

static SimConfig config_for(const ExploreOptions &opt, sim::Policy p, uint64_t seed, bool trace)
{
	SimConfig c;

	c.seed = seed;
	c.policy = p;
	c.trace = trace;
	c.bugs = opt.bugs;
	c.pct_depth = opt.pct_depth;
	return c;
}

ExploreReport explore(const ExploreOptions &opt, const Scenario &scenario)
{
	ExploreReport r;

	r.bugs = opt.bugs;
	for (sim::Policy p : opt.policies) {
		for (int i = 0; i < opt.runs_per_policy; ++i) {
			uint64_t seed = opt.first_seed + static_cast<uint64_t>(i);
			std::string what = run_scenario(scenario, config_for(opt, p, seed, false));

			++r.runs;
			if (what.empty())
				continue;
			++r.failures;
			ExploreFailure f{p, seed, r.runs, what, {}};
			run_scenario(scenario, config_for(opt, p, seed, true), &f.trace);
			if (!r.first)
				r.first = f;
			if (!r.shortest || f.trace.size() < r.shortest->trace.size())
				r.shortest = f;
			if (opt.stop_at_first)
				return r;
		}
	}
	return r;
}

std::string ExploreReport::summary(const std::string &name) const
{
	std::string s = fmt::format("explored '{}': {} runs, {} failing\n", name, runs, failures);

	if (!first)
		return s + "property held in every run\n";
	s += fmt::format("first failure: run {} (policy {}, seed {}): {}\n", first->run,
			 sim::policy_name(first->policy), first->seed, first->what);
	s += fmt::format("shortest failing interleaving: policy {}, seed {} ({} events):\n",
			 sim::policy_name(shortest->policy), shortest->seed,
			 shortest->trace.size());
	for (const std::string &line : shortest->trace)
		s += "  " + line + "\n";
	s += fmt::format("reproduce: epsim explore --scenario {} --policy {} --seed {} --runs 1{}{}\n",
			 name, sim::policy_name(shortest->policy), shortest->seed,
			 bugs.ovflist_missing_wakeup ? " --bug ovflist-missing-wakeup" : "",
			 bugs.lockless_final_check ? " --bug lockless-final-check" : "");
	return s;
}

// ---- built-in scenarios ----

static void set_ev(epoll_event *ev, uint32_t events, uint64_t data)
{
	ev->events = events;
	ev->data.u64 = data;
}

// An LT item is ready for the whole run (an eventfd nobody reads).  Task A
// waits on the epoll a few times with a timeout while task B harvests the
// same epoll without waiting.  Every wait of A must get the item: a wait
// that returns 0 slept through events that were available all along (the
// race fixed in Linux 5.7 by "epoll: call final ep_events_available() check
// under the lock").
static std::string lost_wakeup(SimKernel &k)
{
	epoll_event ev;
	int ep = k.epoll_create1(0), efd = k.eventfd(1, EFD_NONBLOCK);
	std::string verdict;

	set_ev(&ev, EPOLLIN, 1);
	k.epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
	Tid a = k.spawn([&] {
		for (int i = 0; i < 4 && verdict.empty(); ++i) {
			epoll_event out[1];
			uint64_t start = k.now_ns();
			int n = k.epoll_wait(ep, out, 1, 100);
			if (n != 1)
				verdict = fmt::format(
					"task 2's epoll_wait #{} (timeout 100 ms) returned {} after {} ns "
					"although an LT item was ready throughout: lost wakeup",
					i + 1, n, k.now_ns() - start);
		}
	});
	Tid b = k.spawn([&] {
		for (int i = 0; i < 12; ++i) {
			epoll_event mine[1];
			k.epoll_wait(ep, mine, 1, 0);
		}
	});
	k.join(a);
	k.join(b);
	return verdict;
}

// Two waiters sleep in epoll_wait(maxevents 1) on an epoll of two ET
// eventfds; a writer writes both.  Each write is one event and each must
// reach a waiter before its timeout.  If the second write lands while the
// first woken waiter is harvesting, its callback finds ovflist active:
// Linux 5.5-5.6 chained the item there and woke nobody (fixed by "epoll:
// fix missing wakeup for ovflist in ep_poll_callback"), so the other waiter
// slept through the event.
static std::string ovflist_wakeup(SimKernel &k)
{
	int ep = k.epoll_create1(0);
	int x = k.eventfd(0, EFD_NONBLOCK), y = k.eventfd(0, EFD_NONBLOCK);
	std::vector<uint64_t> got;
	epoll_event ev;

	set_ev(&ev, EPOLLIN | EPOLLET, 1);
	k.epoll_ctl(ep, EPOLL_CTL_ADD, x, &ev);
	set_ev(&ev, EPOLLIN | EPOLLET, 2);
	k.epoll_ctl(ep, EPOLL_CTL_ADD, y, &ev);
	auto waiter = [&] {
		epoll_event out[1];
		if (k.epoll_wait(ep, out, 1, 100) == 1)
			got.push_back(out[0].data.u64);
	};
	Tid a = k.spawn(waiter), b = k.spawn(waiter);
	k.sleep_ms(1);
	Tid w = k.spawn([&] {
		uint64_t one = 1;
		k.write(x, &one, 8);
		k.write(y, &one, 8);
	});
	k.join(a);
	k.join(b);
	k.join(w);
	if (got.size() != 2)
		return fmt::format("two ET events were written but the two waiters got {} of them "
				   "(one slept {} ns until its timeout): lost wakeup",
				   got.size(), k.now_ns() - 1000000);
	return {};
}

// One eventfd in EPOLLET in one epoll; three tasks wait on it; one write.
// Exactly one event must be delivered, to exactly one task.
static std::string et_single_delivery(SimKernel &k)
{
	epoll_event ev;
	int ep = k.epoll_create1(0), efd = k.eventfd(0, EFD_NONBLOCK);
	int delivered = 0, returned = 0;

	set_ev(&ev, EPOLLIN | EPOLLET, 7);
	k.epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
	std::vector<Tid> waiters;
	for (int i = 0; i < 3; ++i)
		waiters.push_back(k.spawn([&] {
			epoll_event out[4];
			int n = k.epoll_wait(ep, out, 4, 50);
			delivered += n > 0 ? n : 0;
			++returned;
		}));
	Tid w = k.spawn([&] {
		uint64_t one = 1;
		k.write(efd, &one, 8);
	});
	for (Tid t : waiters)
		k.join(t);
	k.join(w);
	if (delivered != 1)
		return fmt::format("one ET wakeup was delivered {} times across {} waiters", delivered,
				   returned);
	return {};
}

// Three epolls each hold an EPOLLEXCLUSIVE registration of one eventfd and
// have one waiter; one write must wake exactly one waiter, and no waiter
// may get the event twice.
static std::string exclusive_one_wakeup(SimKernel &k)
{
	int efd = k.eventfd(0, EFD_NONBLOCK);
	int woke = 0;
	std::vector<Tid> waiters;

	for (int i = 0; i < 3; ++i) {
		int ep = k.epoll_create1(0);
		epoll_event ev;
		set_ev(&ev, EPOLLIN | EPOLLEXCLUSIVE | EPOLLET, static_cast<uint64_t>(i));
		k.epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
		waiters.push_back(k.spawn([&k, &woke, ep] {
			epoll_event out[2];
			if (k.epoll_wait(ep, out, 2, 30) > 0)
				++woke;
		}));
	}
	k.sleep_ms(10);
	uint64_t one = 1;
	k.write(efd, &one, 8);
	for (Tid t : waiters)
		k.join(t);
	if (woke != 1)
		return fmt::format("EPOLLEXCLUSIVE: {} waiters got the event, expected exactly 1", woke);
	return {};
}

// Every LT-ready item is reported: two tasks harvest an epoll of four
// always-ready eventfds with maxevents 1 while a third adds and deletes a
// fifth; the four stable items must each be seen at least once in 8 waits.
static std::string lt_all_reported(SimKernel &k)
{
	int ep = k.epoll_create1(0);
	std::vector<int> seen(4, 0);
	epoll_event ev;

	for (int i = 0; i < 4; ++i) {
		set_ev(&ev, EPOLLIN, static_cast<uint64_t>(i));
		k.epoll_ctl(ep, EPOLL_CTL_ADD, k.eventfd(1, EFD_NONBLOCK), &ev);
	}
	auto harvest = [&] {
		for (int i = 0; i < 4; ++i) {
			epoll_event out[1];
			if (k.epoll_wait(ep, out, 1, 10) == 1 && out[0].data.u64 < 4)
				++seen[out[0].data.u64];
		}
	};
	int extra = k.eventfd(1, EFD_NONBLOCK);
	Tid a = k.spawn(harvest), b = k.spawn(harvest);
	Tid c = k.spawn([&] {
		epoll_event e2;
		set_ev(&e2, EPOLLIN, 99);
		k.epoll_ctl(ep, EPOLL_CTL_ADD, extra, &e2);
		k.epoll_ctl(ep, EPOLL_CTL_DEL, extra, nullptr);
	});
	k.join(a);
	k.join(b);
	k.join(c);
	for (int i = 0; i < 4; ++i)
		if (!seen[static_cast<size_t>(i)])
			return fmt::format("LT item {} was never reported in 8 harvests", i);
	return {};
}

static const struct {
	const char *name;
	std::string (*fn)(SimKernel &);
	const char *what;
} scenarios[] = {
	{"lost-wakeup", lost_wakeup,
	 "an LT item ready throughout must end a timed epoll_wait (Linux 5.7 race)"},
	{"ovflist-wakeup", ovflist_wakeup,
	 "an event arriving during another waiter's harvest still wakes a sleeper (Linux 5.7 fix)"},
	{"et-single-delivery", et_single_delivery,
	 "one EPOLLET wakeup is delivered once, to one of three waiters"},
	{"exclusive-one-wakeup", exclusive_one_wakeup,
	 "one write wakes exactly one of three EPOLLEXCLUSIVE epolls' waiters"},
	{"lt-all-reported", lt_all_reported,
	 "every LT-ready item is reported while two tasks harvest and one edits"},
};

Scenario scenario(const std::string &name)
{
	for (const auto &s : scenarios)
		if (name == s.name)
			return s.fn;
	throw std::invalid_argument("unknown scenario '" + name + "'");
}

std::vector<std::pair<std::string, std::string>> scenario_list()
{
	std::vector<std::pair<std::string, std::string>> v;

	for (const auto &s : scenarios)
		v.emplace_back(s.name, s.what);
	return v;
}

} // namespace epsim
