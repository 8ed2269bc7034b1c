// SPDX-License-Identifier: GPL-2.0-only
//
// The explorer: runs one multi-task scenario on fresh SimKernels under many
// seeds and scheduling policies and checks a property after each run, the
// way FoundationDB's simulator or TigerBeetle's VOPR hunt races.  A failing
// run is replayed with tracing on, so the report shows the interleaving;
// among the failures it keeps the one with the shortest trace.
//
//     epsim::ExploreOptions opt;
//     opt.bugs.lockless_final_check = true;         // a historical race
//     auto report = epsim::explore(opt, epsim::scenario("lost-wakeup"));
//     std::cout << report.summary();                 // runs, failures, trace
//
// Built-in scenarios (scenario(name)) return "" when their property holds
// and a description of the violation otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kernel_model/invariant.h"
#include "sim/kernel.h"

namespace epsim {

using Scenario = std::function<std::string(SimKernel &)>;

struct ExploreOptions {
	std::vector<sim::Policy> policies = {sim::Policy::RoundRobin, sim::Policy::Random,
					     sim::Policy::PCT};
	int runs_per_policy = 300;	// seeds first_seed .. first_seed + runs - 1
	uint64_t first_seed = 1;
	ModelBugs bugs = {};		// historical bugs to switch on
	int pct_depth = 3;		// PCT bug depth
	bool stop_at_first = false;	// stop after the first failure
};

struct ExploreFailure {
	sim::Policy policy;
	uint64_t seed;
	int run;			// 1-based index of the run among all runs
	std::string what;		// the property's complaint
	std::vector<std::string> trace;	// the replayed interleaving
};

struct ExploreReport {
	int runs = 0;
	int failures = 0;
	std::optional<ExploreFailure> first;	// the first failing run
	std::optional<ExploreFailure> shortest;	// the failing run with the shortest trace
	ModelBugs bugs;				// the switches the runs used
	// Runs, failures, the shortest failing interleaving and a reproduction line.
	std::string summary(const std::string &scenario_name) const;
};

ExploreReport explore(const ExploreOptions &opt, const Scenario &scenario);

// A built-in scenario by name; throws std::invalid_argument for unknown names.
Scenario scenario(const std::string &name);
// Names of the built-in scenarios, with one line each on what they check.
std::vector<std::pair<std::string, std::string>> scenario_list();

// Runs a scenario once; returns its verdict ("" = property holds).
std::string run_scenario(const Scenario &s, const SimConfig &config,
			 std::vector<std::string> *trace = nullptr);

} // namespace epsim
