// SPDX-License-Identifier: GPL-2.0-only
//
// epsim::HostKernel: the facade over the real system calls of the machine,
// so that one test source runs against the model and against Linux.  It
// remembers the fds it created and closes those still open when destroyed,
// and ignores SIGPIPE so that a write with no reader fails with EPIPE as it
// does in the model.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>

#include "sim/kernel.h"

namespace epsim {

static void sigusr1_handler(int) {}

HostKernel::HostKernel()
{
	struct sigaction sa = {};

	::signal(SIGPIPE, SIG_IGN);
	// interrupt(): a handler that does nothing, without SA_RESTART, so a
	// blocking call fails with EINTR.
	sa.sa_handler = sigusr1_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	::sigaction(SIGUSR1, &sa, nullptr);
}

HostKernel::~HostKernel()
{
	for (std::thread &t : threads_)
		if (t.joinable())
			t.join();
	for (int fd : owned_)
		::close(fd);
}

void HostKernel::own(int fd)
{
	if (fd < 0)
		return;
	std::lock_guard<std::mutex> guard(mu_);
	auto it = std::lower_bound(owned_.begin(), owned_.end(), fd);
	if (it == owned_.end() || *it != fd)
		owned_.insert(it, fd);
}

void HostKernel::disown(int fd)
{
	std::lock_guard<std::mutex> guard(mu_);
	auto it = std::lower_bound(owned_.begin(), owned_.end(), fd);
	if (it != owned_.end() && *it == fd)
		owned_.erase(it);
}

int HostKernel::epoll_create(int size)
{
	int fd = ::epoll_create(size);
	own(fd);
	return fd;
}

int HostKernel::epoll_create1(int flags)
{
	int fd = ::epoll_create1(flags);
	own(fd);
	return fd;
}

int HostKernel::epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	return ::epoll_ctl(epfd, op, fd, event);
}

int HostKernel::epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms)
{
	return ::epoll_wait(epfd, events, maxevents, timeout_ms);
}

int HostKernel::pipe2(int pipefd[2], int flags)
{
	int rc = ::pipe2(pipefd, flags);
	if (rc == 0) {
		own(pipefd[0]);
		own(pipefd[1]);
	}
	return rc;
}

int HostKernel::eventfd(unsigned int initval, int flags)
{
	int fd = ::eventfd(initval, flags);
	own(fd);
	return fd;
}

int HostKernel::socketpair(int domain, int type, int protocol, int sv[2])
{
	int rc = ::socketpair(domain, type, protocol, sv);
	if (rc == 0) {
		own(sv[0]);
		own(sv[1]);
	}
	return rc;
}

ssize_t HostKernel::read(int fd, void *buf, size_t count) { return ::read(fd, buf, count); }

ssize_t HostKernel::write(int fd, const void *buf, size_t count)
{
	return ::write(fd, buf, count);
}

int HostKernel::close(int fd)
{
	int rc = ::close(fd);
	if (rc == 0)
		disown(fd);
	return rc;
}

int HostKernel::dup(int oldfd)
{
	int fd = ::dup(oldfd);
	own(fd);
	return fd;
}

int HostKernel::dup2(int oldfd, int newfd)
{
	int fd = ::dup2(oldfd, newfd);
	own(fd);
	return fd;
}

int HostKernel::shutdown(int sockfd, int how) { return ::shutdown(sockfd, how); }

int HostKernel::poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	return ::poll(fds, nfds, timeout_ms);
}

int HostKernel::select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
		       struct timeval *timeout)
{
	return ::select(nfds, readfds, writefds, exceptfds, timeout);
}

std::string HostKernel::fdinfo(int fd)
{
	std::ifstream in("/proc/self/fdinfo/" + std::to_string(fd));
	std::ostringstream out;

	if (!in) {
		errno = EBADF;
		return {};
	}
	out << in.rdbuf();
	return out.str();
}

Tid HostKernel::spawn(std::function<void()> body)
{
	std::lock_guard<std::mutex> guard(mu_);

	threads_.emplace_back(std::move(body));
	return Tid{static_cast<int>(threads_.size()) + 1};
}

void HostKernel::join(Tid t)
{
	std::thread *th;
	{
		std::lock_guard<std::mutex> guard(mu_);
		th = &threads_.at(static_cast<size_t>(t.id - 2));
	}
	th->join();
}

void HostKernel::sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

int HostKernel::interrupt(Tid t)
{
	pthread_t native;
	{
		std::lock_guard<std::mutex> guard(mu_);
		std::thread &th = threads_.at(static_cast<size_t>(t.id - 2));
		if (!th.joinable()) {
			errno = ESRCH;
			return -1;
		}
		native = th.native_handle();
	}
	int err = pthread_kill(native, SIGUSR1);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int HostKernel::epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms,
			    const sigset_t *sigmask)
{
	return ::epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask);
}

int HostKernel::open(const char *path, int flags)
{
	int fd = ::open(path, flags);
	own(fd);
	return fd;
}

} // namespace epsim
