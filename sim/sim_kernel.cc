// SPDX-License-Identifier: GPL-2.0-only
// TEMPORARY: SimKernel under construction; every call fails with ENOSYS.
#include "sim/kernel.h"

#include <cerrno>

namespace epsim {

struct SimKernel::Impl {};

SimKernel::SimKernel() : impl_(new Impl) {}
SimKernel::SimKernel(const SimConfig &) : impl_(new Impl) {}
SimKernel::~SimKernel() = default;

static int nosys() { errno = ENOSYS; return -1; }

int SimKernel::epoll_create(int) { return nosys(); }
int SimKernel::epoll_create1(int) { return nosys(); }
int SimKernel::epoll_ctl(int, int, int, struct epoll_event *) { return nosys(); }
int SimKernel::epoll_wait(int, struct epoll_event *, int, int) { return nosys(); }
int SimKernel::pipe2(int[2], int) { return nosys(); }
int SimKernel::eventfd(unsigned int, int) { return nosys(); }
int SimKernel::socketpair(int, int, int, int[2]) { return nosys(); }
ssize_t SimKernel::read(int, void *, size_t) { return nosys(); }
ssize_t SimKernel::write(int, const void *, size_t) { return nosys(); }
int SimKernel::close(int) { return nosys(); }
int SimKernel::dup(int) { return nosys(); }
int SimKernel::dup2(int, int) { return nosys(); }
int SimKernel::shutdown(int, int) { return nosys(); }
int SimKernel::poll(struct pollfd *, nfds_t, int) { return nosys(); }
int SimKernel::select(int, fd_set *, fd_set *, fd_set *, struct timeval *) { return nosys(); }
std::string SimKernel::fdinfo(int) { nosys(); return {}; }
int SimKernel::open(const char *, int) { return nosys(); }
void SimKernel::verify() const {}
std::string SimKernel::describe(int) const { return {}; }
uint64_t SimKernel::now_ns() const { return 0; }

} // namespace epsim
