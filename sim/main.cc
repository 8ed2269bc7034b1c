// SPDX-License-Identifier: GPL-2.0-only
//
// The epsim command line.  Subcommands:
//   epsim demo    walk through LT, ET and ONESHOT epoll on the model
#include <CLI/CLI.hpp>

#include <iostream>

#include "sim/demo.h"

int main(int argc, char **argv)
{
	CLI::App app{"epsim: a user-space model and simulator of Linux epoll"};
	app.require_subcommand(1);

	CLI::App *demo = app.add_subcommand(
		"demo", "Walk through LT vs ET vs ONESHOT on a pipe, printing the model's state");
	demo->callback([] { epsim::run_demo(std::cout); });

	CLI11_PARSE(app, argc, argv);
	return 0;
}
