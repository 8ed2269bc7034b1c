// SPDX-License-Identifier: GPL-2.0-only
//
// The syscall facade.  epsim::SimKernel is one simulated Linux process over
// the kernel model; epsim::HostKernel has the same member functions and
// forwards them to the real system calls.  Both report errors as libc does
// (-1 and errno) and use the types and constants of the system headers, so a
// test written once runs on both:
//
//     template <class K> void ready_list_demo() {
//         K k;
//         int ep = k.epoll_create1(0);
//         int efd = k.eventfd(0, EFD_NONBLOCK);
//         epoll_event ev{.events = EPOLLIN | EPOLLET, .data = {.u64 = 7}};
//         k.epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
//         uint64_t one = 1;
//         k.write(efd, &one, sizeof one);
//         epoll_event out[4];
//         int n = k.epoll_wait(ep, out, 4, 0);   // 1 event, data.u64 == 7
//     }
//
// Each backend object owns the fds it created and closes the ones still
// open when it is destroyed.  Threads come from spawn(); one test source
// runs with simulated tasks on SimKernel and real threads on HostKernel:
//
//     epsim::Tid t = k.spawn([&] { n = k.epoll_wait(ep, out, 1, -1); });
//     k.sleep_ms(10);        // let t block
//     k.write(efd, &one, 8); // wakes it
//     k.join(t);
//
// SimKernel specifics: a simulated process starts with fds 0, 1 and 2 open
// on "/dev/null" (a file without ->poll).  Its threads are tasks on fibers
// of the calling OS thread (sim/simulator.h), scheduled deterministically
// from SimConfig::seed and ::policy; the caller is task 1.  Time is
// virtual: when every task sleeps the clock jumps to the next deadline.  A
// call that could never be woken (every task asleep, no timer) throws
// epsim::kern::deadlock_error in task 1, naming each task and what it
// waits on.  Writes with no reader fail with EPIPE and no signal is
// delivered (HostKernel ignores SIGPIPE for the same result).
#pragma once

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/types.h>

#include <signal.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim/simulator.h"

namespace epsim {

namespace kern {
struct kernel_state;
struct files_struct;
} // namespace kern

// A simulated thread (SimKernel) or a real one (HostKernel).
struct Tid {
	int id = 0;
	friend bool operator==(Tid, Tid) = default;
};

// Historical kernel bugs the model can be switched back to, so the
// simulator's explorer can show it finds them (docs/simulator.md).
struct ModelBugs {
	// Linux 5.5-5.6 ep_poll, before commit 65759097d804 ("epoll: call final
	// ep_events_available() check under the lock"): the waiter queues itself
	// and then checks for events without ep->lock, and the end of a scan
	// wakes nobody, so a task can sleep while items sit on rdllist.
	bool lockless_final_check = false;
	// Linux 5.5-5.6, before commit 0c54a6a44bf3 ("epoll: fix missing wakeup
	// for ovflist in ep_poll_callback"): an event that arrives during a
	// harvest is chained on ovflist without waking any epoll_wait caller,
	// and the end of the harvest wakes nobody, so a second waiter sleeps
	// through it.
	bool ovflist_missing_wakeup = false;
};

struct SimConfig {
	uint64_t seed = 0;				// seeds the scheduling policy
	sim::Policy policy = sim::Policy::RoundRobin;	// RoundRobin, Random or PCT
	unsigned rlimit_nofile = 1u << 20;		// RLIMIT_NOFILE of the process
	long max_user_watches = 5491511;		// fs.epoll.max_user_watches
	int pct_depth = 3;				// PCT bug depth
	int pct_steps = 2000;				// PCT change-point range
	bool trace = false;				// keep the interleaving as text
	ModelBugs bugs = {};
};

class SimKernel {
public:
	SimKernel();
	explicit SimKernel(const SimConfig &config);
	~SimKernel();
	SimKernel(const SimKernel &) = delete;
	SimKernel &operator=(const SimKernel &) = delete;

	int epoll_create(int size);
	int epoll_create1(int flags);
	int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
	int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms);
	int pipe2(int pipefd[2], int flags);
	int eventfd(unsigned int initval, int flags);
	int socketpair(int domain, int type, int protocol, int sv[2]);
	ssize_t read(int fd, void *buf, size_t count);
	ssize_t write(int fd, const void *buf, size_t count);
	int close(int fd);
	int dup(int oldfd);
	int dup2(int oldfd, int newfd);
	int shutdown(int sockfd, int how);
	int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
	int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
		   struct timeval *timeout);
	// /proc/self/fdinfo/<fd> text; for an epoll fd it lists the watched items.
	std::string fdinfo(int fd);
	// open(2) for the paths a simulated machine has: "/dev/null" only
	// (ENOENT for anything else).
	int open(const char *path, int flags);

	// ---- threads (simulated tasks on SimKernel, real threads on HostKernel) ----
	// Starts a thread running body; it shares this process's fds.
	Tid spawn(std::function<void()> body);
	// Waits for t to end (rethrows an exception that escaped its body).
	void join(Tid t);
	void sleep_ms(int ms);
	// Sends SIGUSR1 to t; its handler does nothing and has no SA_RESTART,
	// so a blocking call of t fails with EINTR unless t blocks SIGUSR1.
	int interrupt(Tid t);
	int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms,
			const sigset_t *sigmask);

	// ---- model only ----
	static constexpr bool is_model = true;
	// Checks every invariant of every live structure; throws
	// epsim::kern::invariant_violation on the first failure.
	void verify() const;
	// Readable state of an epoll fd: rbtree items, rdllist, ovflist, wait queues.
	std::string describe(int epfd) const;
	// Virtual time in nanoseconds.
	uint64_t now_ns() const;
	// The run's interleaving: a hash of every switch, wakeup and timer jump,
	// and (with SimConfig::trace) the events as text.
	uint64_t trace_hash() const;
	const std::vector<std::string> &trace() const;
	sim::Simulator &simulator();
	kern::kernel_state &kernel();
	kern::files_struct &files();

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

class HostKernel {
public:
	HostKernel();
	~HostKernel();
	HostKernel(const HostKernel &) = delete;
	HostKernel &operator=(const HostKernel &) = delete;

	int epoll_create(int size);
	int epoll_create1(int flags);
	int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
	int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms);
	int pipe2(int pipefd[2], int flags);
	int eventfd(unsigned int initval, int flags);
	int socketpair(int domain, int type, int protocol, int sv[2]);
	ssize_t read(int fd, void *buf, size_t count);
	ssize_t write(int fd, const void *buf, size_t count);
	int close(int fd);
	int dup(int oldfd);
	int dup2(int oldfd, int newfd);
	int shutdown(int sockfd, int how);
	int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
	int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
		   struct timeval *timeout);
	std::string fdinfo(int fd);
	int open(const char *path, int flags);

	// ---- threads (simulated tasks on SimKernel, real threads on HostKernel) ----
	// Starts a thread running body; it shares this process's fds.
	Tid spawn(std::function<void()> body);
	// Waits for t to end (rethrows an exception that escaped its body).
	void join(Tid t);
	void sleep_ms(int ms);
	// Sends SIGUSR1 to t; its handler does nothing and has no SA_RESTART,
	// so a blocking call of t fails with EINTR unless t blocks SIGUSR1.
	int interrupt(Tid t);
	int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms,
			const sigset_t *sigmask);

	static constexpr bool is_model = false;

private:
	void own(int fd);
	void disown(int fd);
	std::mutex mu_;			// protects owned_ and threads_
	std::vector<int> owned_;	// fds this object created, ascending
	std::vector<std::thread> threads_;	// index = Tid::id - 2
};

} // namespace epsim
