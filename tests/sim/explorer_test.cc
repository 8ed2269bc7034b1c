// SPDX-License-Identifier: GPL-2.0-only
//
// The simulator's promises: the same seed gives the same run, the explorer
// finds a historical epoll race put back behind a model switch and prints
// its interleaving, and the fixed model passes the same exploration.
#include <gtest/gtest.h>

#include <sys/eventfd.h>

#include <cstdio>

#include "sim/explorer.h"

namespace epsim {
namespace {

// A small multi-task program whose interleaving depends on the policy.
static uint64_t run_once(const SimConfig &c)
{
	SimKernel k(c);
	int ep = k.epoll_create1(0), efd = k.eventfd(0, EFD_NONBLOCK);
	epoll_event ev{};

	ev.events = EPOLLIN;
	k.epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
	std::vector<Tid> ts;
	for (int i = 0; i < 3; ++i)
		ts.push_back(k.spawn([&] {
			epoll_event out[1];
			uint64_t v, one = 1;
			k.write(efd, &one, 8);
			k.epoll_wait(ep, out, 1, 5);
			k.read(efd, &v, 8);
		}));
	for (Tid t : ts)
		k.join(t);
	return k.trace_hash();
}

TEST(Simulator, SameSeedAndPolicyGiveTheSameTrace)
{
	for (sim::Policy p : {sim::Policy::RoundRobin, sim::Policy::Random, sim::Policy::PCT}) {
		SimConfig c;
		c.policy = p;
		c.seed = 77;
		std::printf("policy %s seed %llu\n", sim::policy_name(p),
			    static_cast<unsigned long long>(c.seed));
		EXPECT_EQ(run_once(c), run_once(c)) << sim::policy_name(p);
	}
}

TEST(Simulator, RandomSeedsExploreDifferentInterleavings)
{
	std::set<uint64_t> hashes;
	SimConfig c;

	c.policy = sim::Policy::Random;
	for (uint64_t seed = 1; seed <= 20; ++seed) {
		c.seed = seed;
		hashes.insert(run_once(c));
	}
	EXPECT_GT(hashes.size(), 5u);
}

// Issue "done when": the explorer finds the reintroduced race (Linux 5.5-5.6,
// fixed by "epoll: fix missing wakeup for ovflist in ep_poll_callback") and
// prints the interleaving, within a bounded number of runs.
TEST(Explorer, FindsTheOvflistMissingWakeupRace)
{
	ExploreOptions opt;

	opt.policies = {sim::Policy::Random};
	opt.runs_per_policy = 200;
	opt.bugs.ovflist_missing_wakeup = true;
	ExploreReport r = explore(opt, scenario("ovflist-wakeup"));
	std::string s = r.summary("ovflist-wakeup");

	std::printf("%s", s.c_str());
	ASSERT_GT(r.failures, 0);
	EXPECT_LE(r.first->run, 50);
	EXPECT_NE(s.find("ep_poll_callback: chained on ovflist"), std::string::npos);
	EXPECT_NE(s.find("--bug ovflist-missing-wakeup"), std::string::npos);
	// The printed reproduction replays the same failure.
	SimConfig c;
	c.policy = r.shortest->policy;
	c.seed = r.shortest->seed;
	c.bugs = opt.bugs;
	EXPECT_FALSE(run_scenario(scenario("ovflist-wakeup"), c).empty());
}

TEST(Explorer, FixedModelPassesEveryScenario)
{
	ExploreOptions opt;

	opt.runs_per_policy = 60;
	for (const auto &[name, what] : scenario_list()) {
		ExploreReport r = explore(opt, scenario(name));
		EXPECT_EQ(r.failures, 0) << r.summary(name);
		EXPECT_EQ(r.runs, 180);
	}
}

TEST(Explorer, DeadlockIsReportedWithEveryTaskAndItsWaitChannel)
{
	SimKernel k;
	int p[2];

	ASSERT_EQ(k.pipe2(p, 0), 0);
	Tid a = k.spawn([&] {
		char c;
		k.read(p[0], &c, 1);
	});
	int ep = k.epoll_create1(0);
	Tid b = k.spawn([&] {
		epoll_event out[1];
		k.epoll_wait(ep, out, 1, -1);
	});
	try {
		k.join(a);
		FAIL() << "join returned although every task sleeps forever";
	} catch (const kern::deadlock_error &e) {
		std::string m = e.what();
		EXPECT_NE(m.find("task 1: sleeping in join"), std::string::npos) << m;
		EXPECT_NE(m.find("task 2: sleeping in pipe_read"), std::string::npos) << m;
		EXPECT_NE(m.find("task 3: sleeping in ep_poll"), std::string::npos) << m;
	}
	(void)b;
}

} // namespace
} // namespace epsim
