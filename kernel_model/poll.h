// SPDX-License-Identifier: GPL-2.0-only
//
// Models include/linux/poll.h and include/uapi/linux/eventpoll.h: the
// EPOLL* event bits (equal to <sys/epoll.h>, checked by static_assert in
// poll.cc), poll_table with its queueing procedure, poll_wait() and the
// request key that drivers read with poll_requested_events().
#pragma once

#include "kernel_model/types.h"

namespace epsim::kern {

struct file;
struct wait_queue_head;

inline constexpr __poll_t EPOLLIN = 0x00000001;
inline constexpr __poll_t EPOLLPRI = 0x00000002;
inline constexpr __poll_t EPOLLOUT = 0x00000004;
inline constexpr __poll_t EPOLLERR = 0x00000008;
inline constexpr __poll_t EPOLLHUP = 0x00000010;
inline constexpr __poll_t EPOLLNVAL = 0x00000020;
inline constexpr __poll_t EPOLLRDNORM = 0x00000040;
inline constexpr __poll_t EPOLLRDBAND = 0x00000080;
inline constexpr __poll_t EPOLLWRNORM = 0x00000100;
inline constexpr __poll_t EPOLLWRBAND = 0x00000200;
inline constexpr __poll_t EPOLLMSG = 0x00000400;
inline constexpr __poll_t EPOLLRDHUP = 0x00002000;
inline constexpr __poll_t POLLFREE = 0x00004000;	// kernel-internal wake key
inline constexpr __poll_t EPOLL_URING_WAKE = 1u << 27;
inline constexpr __poll_t EPOLLEXCLUSIVE = 1u << 28;
inline constexpr __poll_t EPOLLWAKEUP = 1u << 29;
inline constexpr __poll_t EPOLLONESHOT = 1u << 30;
inline constexpr __poll_t EPOLLET = 1u << 31;

// Linux: include/linux/poll.h DEFAULT_POLLMASK, reported for files without ->poll.
inline constexpr __poll_t DEFAULT_POLLMASK = EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM;

struct poll_table_struct;
using poll_queue_proc = void (*)(file *, wait_queue_head *, poll_table_struct *);

// The table a ->poll implementation receives.  _qproc == nullptr means
// "report readiness only, do not hook any wait queue" (epoll's re-polls).
struct poll_table_struct {
	poll_queue_proc _qproc;
	__poll_t _key;	// the events the caller is interested in
};
using poll_table = poll_table_struct;

inline void init_poll_funcptr(poll_table *pt, poll_queue_proc qproc)
{
	pt->_qproc = qproc;
	pt->_key = ~__poll_t{0};	// all events enabled
}

inline void poll_wait(file *filp, wait_queue_head *wait_address, poll_table *p)
{
	if (p && p->_qproc && wait_address)
		p->_qproc(filp, wait_address, p);
}

inline __poll_t poll_requested_events(const poll_table *p)
{
	return p ? p->_key : ~__poll_t{0};
}

inline bool poll_does_not_wait(const poll_table *p) { return p == nullptr || p->_qproc == nullptr; }

} // namespace epsim::kern
