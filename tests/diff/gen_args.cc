// SPDX-License-Identifier: GPL-2.0-only
//
// Argument generators (gen_args.h).
#include "tests/diff/gen_args.h"

#include <poll.h>
#include <sys/epoll.h>

#include <rapidcheck.h>

namespace epsim::diff {

static FdArg gen_raw_fd(const ProgState &s)
{
	return FdArg{FdArg::raw, *rc::gen::element(s.lim.dead_fd, -1, s.lim.huge_fd)};
}

FdArg gen_fd(const ProgState &s, bool allow_stale)
{
	const std::vector<int> open = s.open_handles();
	const std::vector<int> closed = s.closed_handles();
	const int c = *rc::gen::inRange(0, 100);

	if (c < 84 && !open.empty())
		return FdArg{FdArg::live, *rc::gen::elementOf(open)};
	if (c < 90 && !closed.empty())
		return FdArg{FdArg::live, *rc::gen::elementOf(closed)};
	if (c < 96 && !closed.empty() && allow_stale)
		return FdArg{FdArg::stale, *rc::gen::elementOf(closed)};
	return gen_raw_fd(s);
}

FdArg gen_fd_prefer(const ProgState &s, std::initializer_list<Kind> kinds, int pct,
		    bool allow_stale)
{
	std::vector<int> match;

	for (Kind k : kinds)
		for (int h : s.open_of_kind(k))
			match.push_back(h);
	if (!match.empty() && *rc::gen::inRange(0, 100) < pct)
		return FdArg{FdArg::live, *rc::gen::elementOf(match)};
	return gen_fd(s, allow_stale);
}

FdArg gen_open_fd(const ProgState &s)
{
	const std::vector<int> open = s.open_handles();

	if (open.empty())
		return gen_raw_fd(s);
	return FdArg{FdArg::live, *rc::gen::elementOf(open)};
}

bool fdarg_valid(const ProgState &s, const FdArg &a)
{
	return a.mode == FdArg::raw || s.exists(a.v);
}

uint32_t gen_epoll_mask()
{
	uint32_t interest = *rc::gen::element<uint32_t>(
		EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLOUT, EPOLLIN | EPOLLRDHUP, 0u, EPOLLPRI,
		EPOLLIN | EPOLLPRI | EPOLLRDHUP, EPOLLOUT | EPOLLWRNORM, EPOLLRDNORM | EPOLLRDBAND,
		EPOLLERR | EPOLLHUP, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI);
	uint32_t flags = *rc::gen::weightedElement<uint32_t>({{6, 0u},
							       {4, EPOLLET},
							       {5, EPOLLONESHOT},
							       {3, EPOLLET | EPOLLONESHOT},
							       {1, EPOLLEXCLUSIVE},
							       {1, EPOLLEXCLUSIVE | EPOLLET},
							       {1, EPOLLWAKEUP},
							       {1, EPOLLWAKEUP | EPOLLONESHOT}});

	if (*rc::gen::inRange(0, 12) == 0)
		interest |= *rc::gen::arbitrary<uint32_t>();
	return interest | flags;
}

short gen_poll_mask()
{
	short m = *rc::gen::element<short>(POLLIN, POLLOUT, POLLIN | POLLOUT, POLLPRI, 0,
					   POLLIN | POLLRDHUP, POLLRDNORM | POLLWRNORM,
					   POLLRDBAND | POLLWRBAND, POLLIN | POLLOUT | POLLPRI | POLLRDHUP);

	if (*rc::gen::inRange(0, 8) == 0)
		m = static_cast<short>(m | *rc::gen::arbitrary<short>());
	return m;
}

size_t gen_io_size()
{
	// A quarter of the sizes are arbitrary, so the socket buffer
	// accounting (skb truesize) is met at sizes nobody picked by hand.
	switch (*rc::gen::inRange(0, 8)) {
	case 0:
		return *rc::gen::inRange<size_t>(1, 9000);
	case 1:
		return *rc::gen::inRange<size_t>(1, 300001);
	default:
		break;
	}
	return *rc::gen::element<size_t>(1, 100, 4096, 7, 4095, 4097, 10000, 0, 65535, 65536, 65537,
					  70000, 140000, 200000, 300000, 8);
}

uint64_t gen_eventfd_value()
{
	return *rc::gen::element<uint64_t>(1, 2, 3, 0, 1000, 0xfffffffffffffffeull,
					    0xffffffffffffffffull, 0x7fffffffffffffffull,
					    0xfffffffffffffffdull);
}

} // namespace epsim::diff
