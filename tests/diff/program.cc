// SPDX-License-Identifier: GPL-2.0-only
//
// ProgState: the handle and open-file-description bookkeeping of a random
// program (see program.h).
#include "tests/diff/program.h"

#include <fmt/format.h>

namespace epsim::diff {

// The differential programs stay far below FD_SETSIZE: the slots and the
// dead fd are numbers select() can name, and the host's and the model's fd
// tables are both grown to 1024 slots before a program starts (sut.cc).
Limits differential_limits()
{
	return Limits{
		.host = true,
		.max_handles = 160,
		.max_batch = 6,
		.slot_base = 700,
		.dead_fd = 999,
		.huge_fd = 25000,
		.verify_each_step = true,
		.max_user_watches = 0,
	};
}

// The model-only programs may use thousands of fds; RLIMIT_NOFILE is 2^20.
// With that many files the model is checked once per command (a full
// verify() walks every file).  A low max_user_watches makes big programs
// meet ENOSPC, which the host's limit (millions) keeps out of reach.
Limits property_limits()
{
	return Limits{
		.host = false,
		.max_handles = 3000,
		.max_batch = 400,
		.slot_base = 60000,
		.dead_fd = 999999,
		.huge_fd = 2000000,
		.verify_each_step = false,
		.max_user_watches = 6000,
	};
}

const char *kind_name(Kind k)
{
	switch (k) {
	case Kind::pipe_r:
		return "pipe_r";
	case Kind::pipe_w:
		return "pipe_w";
	case Kind::eventfd:
		return "eventfd";
	case Kind::sock:
		return "sock";
	case Kind::epoll:
		return "epoll";
	case Kind::devnull:
		return "devnull";
	}
	return "?";
}

const Ofd *ProgState::ofd_of(int h) const
{
	if (!is_open(h))
		return nullptr;
	return &ofds[static_cast<size_t>(handles[static_cast<size_t>(h)].ofd)];
}

bool ProgState::is_kind(int h, Kind k) const
{
	const Ofd *o = ofd_of(h);

	return o && o->kind == k;
}

bool ProgState::room(int n) const
{
	return static_cast<int>(handles.size()) + n <= lim.max_handles;
}

int ProgState::add_handle(Kind k, bool nonblock)
{
	ofds.push_back(Ofd{k, nonblock});
	return add_dup(static_cast<int>(ofds.size()) - 1);
}

int ProgState::add_dup(int ofd, int slot)
{
	handles.push_back(Handle{ofd, slot});
	return static_cast<int>(handles.size()) - 1;
}

void ProgState::close(int h)
{
	if (exists(h))
		handles[static_cast<size_t>(h)].ofd = -1;
}

int ProgState::open_in_slot(int k) const
{
	for (size_t h = 0; h < handles.size(); ++h)
		if (handles[h].slot == k && handles[h].ofd >= 0)
			return static_cast<int>(h);
	return -1;
}

std::vector<int> ProgState::open_handles() const
{
	std::vector<int> out;

	for (size_t h = 0; h < handles.size(); ++h)
		if (handles[h].ofd >= 0)
			out.push_back(static_cast<int>(h));
	return out;
}

std::vector<int> ProgState::open_of_kind(Kind k) const
{
	std::vector<int> out;

	for (int h : open_handles())
		if (is_kind(h, k))
			out.push_back(h);
	return out;
}

std::vector<int> ProgState::closed_handles() const
{
	std::vector<int> out;

	for (size_t h = 0; h < handles.size(); ++h)
		if (handles[h].ofd < 0)
			out.push_back(static_cast<int>(h));
	return out;
}

std::string fdarg_name(const FdArg &a)
{
	switch (a.mode) {
	case FdArg::live:
		return fmt::format("h{}", a.v);
	case FdArg::stale:
		return fmt::format("h{}~", a.v);
	case FdArg::raw:
		break;
	}
	return std::to_string(a.v);
}

} // namespace epsim::diff
