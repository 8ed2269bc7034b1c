// SPDX-License-Identifier: GPL-2.0-only
//
// The abstract state of a random program, as rapidcheck's stateful testing
// sees it (the "model" of rc::state::check; not to be confused with the
// kernel model under test).  A program names files through logical
// handles: handle i is the i-th fd the program created, whatever number the
// backend gave it.  The state knows which handles are open and what kind of
// open file description each refers to, which is all the command
// generators need: enough to avoid calls that could block, never the
// readiness of anything (that is what the backends are compared on).
//
//     ProgState s(differential_limits());
//     int h = s.add_handle(Kind::eventfd, true);   // h == 0
//     s.close(h);                                  // s.is_open(0) == false
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace epsim::diff {

// dup2 targets are NR_SLOTS fixed fd numbers (Limits::slot_base + k).
inline constexpr int NR_SLOTS = 8;

// What a program may create and which fd numbers it may name.  Immutable.
struct Limits {
	bool host;		// lockstep on HostKernel (differential) or SimKernel alone
	int max_handles;	// handles one program may create
	int max_batch;		// files one CreateBatch command creates
	int slot_base;		// first dup2 slot fd
	int dead_fd;		// an fd number that is never open (EBADF)
	int huge_fd;		// an fd number at or above RLIMIT_NOFILE
	bool verify_each_step;	// check the model after every call, not every command
	long max_user_watches;	// the model's fs.epoll.max_user_watches; 0: its default
};

// Programs run on SimKernel and HostKernel: few fds, all below FD_SETSIZE.
Limits differential_limits();
// Programs run on SimKernel alone: thousands of fds.
Limits property_limits();

enum class Kind : uint8_t { pipe_r, pipe_w, eventfd, sock, epoll, devnull };

const char *kind_name(Kind k);

// An open file description (what dup shares).
struct Ofd {
	Kind kind;
	bool nonblock;	// O_NONBLOCK: reads and writes never sleep
};

struct Handle {
	int ofd;	// index in ProgState::ofds; -1 once closed
	int slot;	// dup2 slot it was created in, or -1
};

// An fd argument of a system call.
struct FdArg {
	enum Mode : uint8_t {
		live,	// handle v's fd while open, Limits::dead_fd once closed
		stale,	// handle v's fd, or the number it had when it was closed
		raw,	// the number v itself
	};
	Mode mode;
	int v;
};

// One call queued by a plan (a composite command such as "build a layered
// epoll graph"): the generator emits it as a command of its own, so that
// shrinking can drop the calls of a plan one by one.
struct PlanStep {
	bool create;		// epoll_create1(0); else epoll_ctl(ep, ADD, fd, events)
	FdArg ep, fd;
	uint32_t events;
	const char *note;	// "graph", "watch all"
};

struct ProgState {
	Limits lim;
	std::vector<Handle> handles;
	std::vector<Ofd> ofds;
	std::vector<PlanStep> plan;	// calls a plan still has to make, next first

	explicit ProgState(const Limits &l) : lim(l) {}

	bool exists(int h) const { return h >= 0 && h < static_cast<int>(handles.size()); }
	bool is_open(int h) const { return exists(h) && handles[static_cast<size_t>(h)].ofd >= 0; }
	// The description behind an open handle, else nullptr.
	const Ofd *ofd_of(int h) const;
	bool is_kind(int h, Kind k) const;
	// Room for n more handles.
	bool room(int n) const;

	// A new open file description and a handle on it; returns the handle.
	int add_handle(Kind k, bool nonblock);
	// A new handle on an existing description (dup, dup2 to a free slot).
	int add_dup(int ofd, int slot = -1);
	void close(int h);
	// The open handle created in dup2 slot k, or -1.
	int open_in_slot(int k) const;

	std::vector<int> open_handles() const;
	std::vector<int> open_of_kind(Kind k) const;
	std::vector<int> closed_handles() const;
};

// "h3", "h3~" (stale) or "999" (raw): how show() names an argument.
std::string fdarg_name(const FdArg &a);

} // namespace epsim::diff
