// SPDX-License-Identifier: GPL-2.0-only
//
// The `epsim demo` walk-through (see demo.h).  Three epolls watch the read
// end of one pipe: one level-triggered, one edge-triggered, one one-shot.
// Each step does one system call and shows what changed inside the model.
#include "sim/demo.h"

#include <fcntl.h>
#include <sys/epoll.h>

#include <fmt/format.h>

#include <string>

#include "kernel_model/eventpoll.h"
#include "kernel_model/fdtable.h"
#include "sim/kernel.h"
#include "sim/pipe.h"

namespace epsim {

namespace {

struct Demo {
	std::ostream &out;
	SimKernel k;
	int pipefd[2] = {-1, -1};
	int ep[3] = {-1, -1, -1};
	const char *mode[3] = {"LT", "ET", "ONESHOT"};

	void say(const std::string &s) { out << s; }

	void show_all()
	{
		kern::file *rd = kern::fdget(&k.files(), pipefd[0]);

		if (rd)
			say(fmt::format("  pipe rd_wait (walked head to tail by a wakeup): {}\n",
					kern::ep_describe_wait_queue(&sim::get_pipe_info(rd)->rd_wait)));
		for (int i = 0; i < 3; ++i)
			say(fmt::format("  [{} epoll, fd {}] {}", mode[i], ep[i],
					indent(k.describe(ep[i]))));
		k.verify();
	}

	static std::string indent(const std::string &s)
	{
		std::string r;

		for (char c : s) {
			r += c;
			if (c == '\n')
				r += "    ";
		}
		return r.substr(0, r.size() - 4);
	}

	void step(const std::string &title, const std::string &why)
	{
		say(fmt::format("\n== {}\n   {}\n", title, why));
	}

	void wait_all()
	{
		for (int i = 0; i < 3; ++i) {
			epoll_event evs[4];
			int n = k.epoll_wait(ep[i], evs, 4, 0);
			std::string got;

			for (int j = 0; j < n; ++j)
				got += fmt::format(" {{events={} data={}}}",
						   kern::epoll_events_str(evs[j].events),
						   static_cast<uint64_t>(evs[j].data.u64));
			say(fmt::format("  epoll_wait({} epoll) = {}{}\n", mode[i], n, got));
		}
	}

	void setup()
	{
		static const uint32_t flags[3] = {0, EPOLLET, EPOLLONESHOT};

		step("pipe2(O_NONBLOCK) and three epolls",
		     "Each epoll ADDs the read end with EPOLLIN: plain (LT), EPOLLET, EPOLLONESHOT.\n"
		     "   ep_insert hooks one eppoll_entry on the pipe's rd_wait queue per epoll.");
		k.pipe2(pipefd, O_NONBLOCK);
		for (int i = 0; i < 3; ++i) {
			epoll_event ev{};
			ev.events = EPOLLIN | flags[i];
			ev.data.u64 = static_cast<uint64_t>(i);
			ep[i] = k.epoll_create1(0);
			k.epoll_ctl(ep[i], EPOLL_CTL_ADD, pipefd[0], &ev);
		}
		say(fmt::format("  pipe: read end fd {}, write end fd {}\n", pipefd[0], pipefd[1]));
		show_all();
	}

	void run()
	{
		setup();
		step("write(pipe, \"hello\", 5)",
		     "The write wakes rd_wait with key EPOLLIN; ep_poll_callback queues each item\n"
		     "   on its epoll's rdllist (the ready list).");
		k.write(pipefd[1], "hello", 5);
		show_all();

		step("epoll_wait on each epoll",
		     "ep_send_events re-polls each ready item.  LT puts it back at the tail of\n"
		     "   rdllist; ET does not; ONESHOT disarms the item (only private bits remain).");
		wait_all();
		show_all();

		step("epoll_wait again, no new write", "Only the level-triggered epoll reports again.");
		wait_all();

		step("write(pipe, \"!\", 1)",
		     "The pipe has been polled (poll_usage), so every write wakes readers again:\n"
		     "   the ET item is re-queued although the pipe was already readable.\n"
		     "   The disarmed ONESHOT item ignores the wakeup.");
		k.write(pipefd[1], "!", 1);
		wait_all();

		step("read(pipe) everything, then epoll_wait",
		     "LT finds its queued item stale at harvest (re-poll says not ready) and drops it.");
		char buf[64];
		k.read(pipefd[0], buf, sizeof buf);
		wait_all();
		show_all();

		step("EPOLL_CTL_MOD re-arms the ONESHOT item; close(write end)",
		     "The last writer's release wakes rd_wait with no key: every hooked item,\n"
		     "   whatever its mask, is queued; the harvest reports EPOLLHUP.");
		epoll_event ev{};
		ev.events = EPOLLIN | EPOLLONESHOT;
		ev.data.u64 = 2;
		k.epoll_ctl(ep[2], EPOLL_CTL_MOD, pipefd[0], &ev);
		k.close(pipefd[1]);
		show_all();
		wait_all();
		say("\nDone.  `epsim demo` runs the model only; see docs/ for each structure.\n");
	}
};

} // namespace

void run_demo(std::ostream &out)
{
	Demo d{out, {}};

	d.run();
}

} // namespace epsim
