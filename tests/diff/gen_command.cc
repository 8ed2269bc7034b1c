// SPDX-License-Identifier: GPL-2.0-only
//
// The weighted choice of the next command (commands.h).  epoll_ctl and
// epoll_wait dominate; creation keeps a supply of every kind of file;
// the composite commands are rare in the differential suite and common in
// the model-only suite, whose programs are about size.
#include "tests/diff/commands.h"

namespace epsim::diff {

rc::Gen<CommandPtr> gen_command(const ProgState &s)
{
	const size_t big = s.lim.host ? 2 : 4;
	// A program with few files creates some first; one without an epoll
	// creates one, so epoll_ctl and epoll_wait have something to work on.
	const size_t create = s.open_handles().size() < 4 ? 3 : 1;
	const size_t epoll = s.open_of_kind(Kind::epoll).empty() ? 4 : 1;

	if (plan_pending(s))
		return gen_planned(s);

	return rc::gen::weightedOneOf<CommandPtr>({
		{6 * create, gen_create_pipe(s)},
		{6 * create, gen_create_eventfd(s)},
		{5 * create, gen_create_socketpair(s)},
		{8 * epoll, gen_create_epoll(s)},
		{1, gen_open_devnull(s)},
		{big, gen_create_batch(s)},
		{30, gen_epoll_ctl(s)},
		{18, gen_epoll_wait(s)},
		{big, gen_watch_all(s)},
		{3, gen_build_paths(s)},
		{14, gen_write(s)},
		{12, gen_read(s)},
		{3, gen_shutdown(s)},
		{5, gen_close(s)},
		{2, gen_dup(s)},
		{3, gen_dup2(s)},
		{5, gen_poll(s)},
		{4, gen_select(s)},
		{5, gen_fdinfo(s)},
	});
}

} // namespace epsim::diff
