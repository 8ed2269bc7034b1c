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

#include <algorithm>
#include <csignal>
#include <fstream>
#include <sstream>

#include "sim/kernel.h"

namespace epsim {

HostKernel::HostKernel() { ::signal(SIGPIPE, SIG_IGN); }

HostKernel::~HostKernel()
{
	for (int fd : owned_)
		::close(fd);
}

void HostKernel::own(int fd)
{
	if (fd < 0)
		return;
	auto it = std::lower_bound(owned_.begin(), owned_.end(), fd);
	if (it == owned_.end() || *it != fd)
		owned_.insert(it, fd);
}

void HostKernel::disown(int fd)
{
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

int HostKernel::open(const char *path, int flags)
{
	int fd = ::open(path, flags);
	own(fd);
	return fd;
}

} // namespace epsim
