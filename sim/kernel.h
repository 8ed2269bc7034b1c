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
// open when it is destroyed.  Calls are single-threaded for now.
//
// SimKernel specifics: a simulated process starts with fds 0, 1 and 2 open
// on "/dev/null" (a file without ->poll).  A wait with a positive timeout
// and nothing ready advances virtual time and returns 0; a call that could
// never be woken (timeout -1, nothing ready, no other task) throws
// epsim::kern::deadlock_error naming what it waited for.  Writes with no
// reader fail with EPIPE and no signal is delivered (HostKernel ignores
// SIGPIPE for the same result).
#pragma once

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace epsim {

namespace kern {
struct kernel_state;
struct files_struct;
} // namespace kern

struct SimConfig {
	uint64_t seed = 0;			// for randomized scheduling (later)
	unsigned rlimit_nofile = 1u << 20;	// RLIMIT_NOFILE of the simulated process
	long max_user_watches = 5491511;	// fs.epoll.max_user_watches
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

	// ---- model only ----
	static constexpr bool is_model = true;
	// Checks every invariant of every live structure; throws
	// epsim::kern::invariant_violation on the first failure.
	void verify() const;
	// Readable state of an epoll fd: rbtree items, rdllist, ovflist, wait queues.
	std::string describe(int epfd) const;
	// Virtual time in nanoseconds.
	uint64_t now_ns() const;
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

	static constexpr bool is_model = false;

private:
	void own(int fd);
	void disown(int fd);
	std::vector<int> owned_;	// fds this object created, ascending
};

} // namespace epsim
