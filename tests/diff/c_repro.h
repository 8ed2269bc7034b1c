// SPDX-License-Identifier: GPL-2.0-only
//
// Writes a program that failed as a standalone C file: the same system
// calls, in the same order, on the real kernel, each result printed in the
// format of outcome.h next to what SimKernel returned, and the first line
// where they differ marked.  Anyone can build and run it on Linux:
//
//     cc -o repro epsim-counterexample.c && ./repro
//
// The file recreates the fd table the program started with (the fds the
// test process had open, and its fd table size), so fd numbers, fdinfo
// "tfd:" values and select() sets come out identical.
#pragma once

#include <string>
#include <vector>

namespace epsim::diff {

// One system call as run by Sut::step.
struct TranscriptEntry {
	std::string label;	// "epoll_ctl(h2, ADD, h0, {IN|ET, 0x0})"
	std::string c_code;	// C statements: the call, then a put_*() that renders `out`
	std::string model;	// SimKernel's line
	std::string kernel;	// HostKernel's line ("" when only the model ran)
};

struct ReproHeader {
	std::string what;		// the failure, one paragraph
	std::string program;		// the shrunk program, one command per line
	std::string rc_params;		// RC_PARAMS value that replays it in the test
	std::string test_command;	// how the test binary was run
	std::vector<int> busy_fds;	// fds >= 3 open before the program started
	int grow_fd_table_to;		// dup2 to this fd and close it first; 0 for none
	unsigned long rlimit_nofile;	// RLIMIT_NOFILE the program ran with
	int nr_handles;			// size of h[]
	bool host;			// the kernel's lines were observed too
};

std::string c_reproducer(const ReproHeader &hdr, const std::vector<TranscriptEntry> &steps);

// s as a C string literal, quotes included.
std::string c_string(const std::string &s);

} // namespace epsim::diff
