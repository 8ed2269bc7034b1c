// SPDX-License-Identifier: GPL-2.0-only
//
// The epsim command line.  Subcommands:
//   epsim demo      walk through LT, ET and ONESHOT epoll on the model
//   epsim explore   run multi-task scenarios under many seeds and policies
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

#include "sim/demo.h"
#include "sim/explorer.h"

namespace {

struct ExploreArgs {
	std::string scenario = "all";
	std::string policy = "all";
	int runs = 300;
	uint64_t seed = 1;
	std::vector<std::string> bugs;
	bool stop_at_first = false;
	int pct_depth = 3;
};

std::vector<epsim::sim::Policy> parse_policies(const std::string &name)
{
	static const std::map<std::string, epsim::sim::Policy> names = {
		{"rr", epsim::sim::Policy::RoundRobin},
		{"random", epsim::sim::Policy::Random},
		{"pct", epsim::sim::Policy::PCT},
	};
	if (name == "all")
		return {epsim::sim::Policy::RoundRobin, epsim::sim::Policy::Random,
			epsim::sim::Policy::PCT};
	return {names.at(name)};
}

int run_explore(const ExploreArgs &a)
{
	epsim::ExploreOptions opt;
	int failing = 0;

	opt.policies = parse_policies(a.policy);
	opt.runs_per_policy = a.runs;
	opt.first_seed = a.seed;
	opt.stop_at_first = a.stop_at_first;
	opt.pct_depth = a.pct_depth;
	for (const std::string &b : a.bugs)
		if (b == "lockless-final-check")
			opt.bugs.lockless_final_check = true;
		else if (b == "ovflist-missing-wakeup")
			opt.bugs.ovflist_missing_wakeup = true;
	std::cout << "epsim explore: seeds " << a.seed << ".." << a.seed + a.runs - 1
		  << ", policy " << a.policy
		  << (a.bugs.empty() ? ", fixed model" : ", historical bug(s) switched on:");
	for (const std::string &b : a.bugs)
		std::cout << " " << b;
	std::cout
		  << "\n";
	for (const auto &[name, what] : epsim::scenario_list()) {
		if (a.scenario != "all" && a.scenario != name)
			continue;
		std::cout << "\n# " << name << ": " << what << "\n";
		epsim::ExploreReport r = epsim::explore(opt, epsim::scenario(name));
		std::cout << r.summary(name);
		failing += r.failures > 0;
	}
	return failing ? 1 : 0;
}

} // namespace

int main(int argc, char **argv)
{
	CLI::App app{"epsim: a user-space model and simulator of Linux epoll"};
	app.require_subcommand(1);

	CLI::App *demo = app.add_subcommand(
		"demo", "Walk through LT vs ET vs ONESHOT on a pipe, printing the model's state");
	demo->callback([] { epsim::run_demo(std::cout); });

	ExploreArgs ea;
	int rc = 0;
	CLI::App *ex = app.add_subcommand(
		"explore", "Run multi-task scenarios under many seeds and policies, check properties");
	ex->add_option("--scenario", ea.scenario, "scenario name or 'all'")
		->check(CLI::IsMember([] {
			std::vector<std::string> v{"all"};
			for (const auto &s : epsim::scenario_list())
				v.push_back(s.first);
			return v;
		}()));
	ex->add_option("--policy", ea.policy, "rr, random, pct or all")
		->check(CLI::IsMember({"all", "rr", "random", "pct"}));
	ex->add_option("--runs", ea.runs, "seeds per policy")->check(CLI::PositiveNumber);
	ex->add_option("--seed", ea.seed, "first seed");
	ex->add_option("--bug", ea.bugs,
		       "reintroduce a historical bug: ovflist-missing-wakeup, lockless-final-check")
		->check(CLI::IsMember({"ovflist-missing-wakeup", "lockless-final-check"}));
	ex->add_option("--pct-depth", ea.pct_depth, "PCT bug depth (change points + 1)")
		->check(CLI::Range(1, 16));
	ex->add_flag("--stop-at-first", ea.stop_at_first, "stop at the first failing run");
	ex->callback([&] { rc = run_explore(ea); });

	CLI11_PARSE(app, argc, argv);
	return rc;
}
