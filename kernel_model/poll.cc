// SPDX-License-Identifier: GPL-2.0-only
//
// Checks that the model's EPOLL* bits are the ones of <sys/epoll.h>
// (include/uapi/linux/eventpoll.h), so events cross the facade unchanged.
#include "kernel_model/poll.h"

#include <poll.h>
#include <sys/epoll.h>

namespace epsim::kern {

static_assert(EPOLLIN == ::EPOLLIN && EPOLLPRI == ::EPOLLPRI && EPOLLOUT == ::EPOLLOUT);
static_assert(EPOLLERR == ::EPOLLERR && EPOLLHUP == ::EPOLLHUP && EPOLLNVAL == POLLNVAL);
static_assert(EPOLLRDNORM == ::EPOLLRDNORM && EPOLLRDBAND == ::EPOLLRDBAND);
static_assert(EPOLLWRNORM == ::EPOLLWRNORM && EPOLLWRBAND == ::EPOLLWRBAND);
static_assert(EPOLLMSG == ::EPOLLMSG && EPOLLRDHUP == ::EPOLLRDHUP);
static_assert(EPOLLEXCLUSIVE == ::EPOLLEXCLUSIVE && EPOLLWAKEUP == ::EPOLLWAKEUP);
static_assert(EPOLLONESHOT == ::EPOLLONESHOT && EPOLLET == static_cast<__poll_t>(::EPOLLET));
static_assert(EPOLLIN == POLLIN && EPOLLOUT == POLLOUT && EPOLLPRI == POLLPRI);
static_assert(EPOLLERR == POLLERR && EPOLLHUP == POLLHUP && EPOLLRDHUP == POLLRDHUP);

} // namespace epsim::kern
