// SPDX-License-Identifier: GPL-2.0-only
//
// The model-only property suite: long random programs on SimKernel alone,
// with thousands of fds (batches of creations, "watch everything" into one
// epoll, layered epoll graphs), checking after every command SimKernel's
// verify() and the independent model-level invariants of
// model_invariants.h, and after the last close that nothing leaked.
//
//   EPSIM_PROP_RUNS      programs to run (default 120; 10 under sanitizers)
//   EPSIM_PROP_COMMANDS  commands per program, at most (default 300)
//   RC_PARAMS            as for the differential suite
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "tests/diff/runner.h"

#include <sys/eventfd.h>

#include "kernel_model/kernel_state.h"
#include "sim/kernel.h"

namespace epsim::diff {
namespace {

// Sanitizer builds (tools/test.sh runs one) are about ten times slower.
#if defined(__SANITIZE_ADDRESS__)
constexpr int default_runs = 10;
#else
constexpr int default_runs = 120;
#endif

std::string self_exe()
{
	std::error_code ec;
	auto p = std::filesystem::read_symlink("/proc/self/exe", ec);

	return ec ? std::string("property_test") : p.string();
}

TEST(ModelProperty, LongProgramsWithManyFdsKeepEveryInvariantAndLeakNothing)
{
	RunConfig cfg;

	cfg.name = "property";
	cfg.lim = property_limits();
	cfg.runs = env_int("EPSIM_PROP_RUNS", default_runs);
	cfg.max_commands = env_int("EPSIM_PROP_COMMANDS", 300);
	cfg.test_command = self_exe();
	cfg.c_file = "epsim-property-counterexample.c";
	const RunResult r = run_programs(cfg);

	std::cout << fmt::format("epsim property: {} programs, {} commands, up to {} fds open, seed {}\n"
				 "coverage (summed over programs):\n{}",
				 r.programs, r.commands, r.max_open, r.seed, coverage_table(r.cov));
	ASSERT_TRUE(r.ok) << r.message;
}

// The paths a single-task program cannot reach (a wakeup landing during a
// harvest, an exclusive hook consuming a wakeup) need several tasks: random
// multi-task programs under the Random policy, each task a random mix of
// writes, reads and waits on a few eventfds watched LT, ET and EXCLUSIVE
// by two epolls.  verify() after every program; the counters must move.
TEST(ModelProperty, MultiTaskProgramsReachTheConcurrentPaths)
{
	const uint64_t seed0 = static_cast<uint64_t>(env_int("EPSIM_PROP_SEED", 1));
	std::array<uint64_t, kern::COV_NR> cov{};

	std::cout << fmt::format("epsim property (multi-task): seeds {}..{}, policy random\n", seed0,
				 seed0 + 199);
	for (uint64_t seed = seed0; seed < seed0 + 200; ++seed) {
		SimConfig c;
		c.seed = seed;
		c.policy = sim::Policy::Random;
		SimKernel k(c);
		sim::Prng rng(seed);
		int ep[2] = {k.epoll_create1(0), k.epoll_create1(0)};
		int efd[3];
		for (int i = 0; i < 3; ++i) {
			efd[i] = k.eventfd(0, EFD_NONBLOCK);
			epoll_event ev{};
			ev.events = EPOLLIN | (i == 1 ? EPOLLET : 0u);
			ev.data.u64 = static_cast<uint64_t>(i);
			k.epoll_ctl(ep[0], EPOLL_CTL_ADD, efd[i], &ev);
			ev.events = EPOLLIN | EPOLLEXCLUSIVE;
			k.epoll_ctl(ep[1], EPOLL_CTL_ADD, efd[i], &ev);
		}
		std::vector<Tid> ts;
		for (int t = 0; t < 3; ++t) {
			uint64_t plan = rng.next();
			ts.push_back(k.spawn([&k, &ep, &efd, plan] {
				for (int step = 0; step < 8; ++step) {
					unsigned op = (plan >> (step * 4)) & 15u;
					uint64_t v = 1;
					epoll_event out[4];
					if (op < 6)
						k.write(efd[op % 3], &v, 8);
					else if (op < 8)
						k.read(efd[op % 3], &v, 8);
					else
						k.epoll_wait(ep[op % 2], out, 1 + static_cast<int>(op % 4), 2);
				}
			}));
		}
		for (Tid t : ts)
			k.join(t);
		ASSERT_NO_THROW(k.verify()) << "seed " << seed;
		for (unsigned i = 0; i < kern::COV_NR; ++i)
			cov[i] += k.kernel().cov[i];
	}
	std::cout << coverage_table(cov);
	for (auto p : {kern::COV_OVFLIST_DIVERT, kern::COV_OVFLIST_REQUEUE, kern::COV_EXCLUSIVE_WAKE})
		EXPECT_GT(cov[p], 0u) << kern::coverage_name(p) << " never reached; reproduce with "
				      << "EPSIM_PROP_SEED=" << seed0;
}

} // namespace
} // namespace epsim::diff
