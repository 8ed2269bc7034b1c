// SPDX-License-Identifier: GPL-2.0-only
//
// Models fs/eventpoll.c (Linux 6.18): struct eventpoll, struct epitem,
// struct eppoll_entry, struct epitems_head and the system calls built on
// them.  The implementation is split by phase:
//
//   eventpoll.cc  do_epoll_create, do_epoll_ctl, ep_insert, ep_modify,
//                 __ep_remove, ep_poll_callback, eventpoll_release_file,
//                 ep_clear_and_put
//   ep_scan.cc    ep_start_scan, ep_send_events, ep_done_scan, ep_poll,
//                 do_epoll_wait, ep_eventpoll_poll (an epoll watched by
//                 another epoll or by select/poll)
//   ep_nested.cc  ep_loop_check, ep_get_upwards_depth_proc,
//                 reverse_path_check, list_file / clear_tfile_check_list
//   ep_debug.cc   ep_show_fdinfo, ep_verify, ep_describe
//
// LOCKING (the kernel's rules, kept so the simulator can interleave tasks
// exactly where Linux can; docs/eventpoll.md has the long version)
//
//   ep->mtx   serialises everything that walks or changes the interest set
//             or harvests: epoll_ctl, ep_send_events, ep_eventpoll_poll,
//             fdinfo, removal on close.  It is held while events are copied
//             to user space, so it may be held across a sleep.
//   ep->lock  protects rdllist, ovflist and each epitem's rdllink/next; it is
//             taken by ep_poll_callback, which runs inside a device's wakeup
//             with that device's wait-queue lock held.
//
//   While a harvest runs it holds mtx but has dropped lock: the ready items
//   sit on a private txlist, and callbacks that fire meanwhile are diverted
//   to ovflist (ep->ovflist != EP_UNACTIVE_PTR), then put back in arrival
//   order by ep_done_scan.  That window is the only reason ovflist exists.
#pragma once

#include <sys/epoll.h>

#include <string>

#include "kernel_model/fdtable.h"
#include "kernel_model/file.h"
#include "kernel_model/kernel_state.h"
#include "kernel_model/list.h"
#include "kernel_model/poll.h"
#include "kernel_model/rbtree.h"
#include "kernel_model/sched.h"
#include "kernel_model/wait.h"

namespace epsim::kern {

struct eventpoll;
struct epitem;

// Linux: include/uapi/linux/eventpoll.h struct epoll_event.  Packed as on
// x86-64, so it is layout-compatible with <sys/epoll.h>'s epoll_event.
struct epoll_event {
	__poll_t events;
	u64 data;
} __attribute__((packed));
static_assert(sizeof(epoll_event) == 12);

// EPOLL_CTL_ADD (1), EPOLL_CTL_DEL (2) and EPOLL_CTL_MOD (3) come from
// <sys/epoll.h>, whose values are the UAPI's.

// Linux: fs/eventpoll.c EP_PRIVATE_BITS, EPOLLINOUT_BITS, EPOLLEXCLUSIVE_OK_BITS
inline constexpr __poll_t EP_PRIVATE_BITS = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;
inline constexpr __poll_t EPOLLINOUT_BITS = EPOLLIN | EPOLLOUT;
inline constexpr __poll_t EPOLLEXCLUSIVE_OK_BITS =
	EPOLLINOUT_BITS | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;

// Linux: fs/eventpoll.c EP_MAX_EVENTS = INT_MAX / sizeof(struct epoll_event)
inline constexpr int EP_MAX_EVENTS = 2147483647 / static_cast<int>(sizeof(epoll_event));

// The "not on ovflist" / "ovflist inactive" / end-of-check-list sentinel.
inline epitem *const EP_UNACTIVE_PTR = reinterpret_cast<epitem *>(~uintptr_t{0});
inline epitems_head *const EP_UNACTIVE_HEAD = reinterpret_cast<epitems_head *>(~uintptr_t{0});

// Key of the interest set.  Divergence: ordered by the file's stable f_id,
// not by its address (see file.h and docs/divergences.md).  The f_id is
// copied here so that a tree walk compares keys without reading each
// visited item's struct file (one cache line per level instead of two).
struct epoll_filefd {
	struct file *file;
	u64 f_id;	// file->f_id; immutable
	int fd;
};

// One hook of an epitem on a device wait queue: one per poll_wait() call
// the target's ->poll made during ep_insert.
struct eppoll_entry {
	eppoll_entry *next;	// next hook of the same epitem (pwqlist), newest first; ep->mtx
	epitem *base;		// the owning epitem; immutable
	wait_queue_entry wait;	// func = ep_poll_callback; on *whead
	wait_queue_head *whead;	// the queue hooked on; nullptr after a POLLFREE wakeup
};

// One registration of (file, fd) in one epoll.
struct epitem {
	rb_node rbn;		// link in ep->rbr; ep->mtx
	list_head rdllink;	// on rdllist or a txlist; self-linked when on neither; ep->lock
	epitem *next;		// ovflist chain; EP_UNACTIVE_PTR when not chained; ep->lock
	epoll_filefd ffd;	// the key; immutable
	eppoll_entry *pwqlist;	// hooks on device wait queues; ep->mtx
	eventpoll *ep;		// the owning epoll; immutable
	hlist_node fllink;	// link in ffd.file->f_ep; ep->mtx of every epoll involved
	epoll_event event;	// interest mask (always has ERR|HUP) and user data; ep->mtx
	bool dying;		// eventpoll_release_file owns the removal; ep->mtx
};

// Per watched plain file, allocated on its first watcher (file->f_ep).
struct epitems_head {
	hlist_head epitems;	// epitems watching the file, newest first
	epitems_head *next;	// tfile_check_list chain; nullptr when not on it
};

struct eventpoll {
	mutex mtx;			// see LOCKING
	wait_queue_head wq;		// tasks in epoll_wait: exclusive, newest first
	wait_queue_head poll_wait;	// whoever polls this epoll file (outer epolls, select/poll)
	list_head rdllist;		// ready items, FIFO; ep->lock
	spinlock_t lock;		// protects rdllist, ovflist, epi->rdllink/next
	rb_root_cached rbr;		// interest set keyed by (f_id, fd); ep->mtx
	epitem *ovflist;		// items that fired during a scan, LIFO; EP_UNACTIVE_PTR outside scans
	user_struct *user;		// watches are charged here; immutable
	struct file *file;			// this epoll's own file; immutable
	uint64_t gen;			// loop_check_gen stamp of the last visit; epnested_mutex
	hlist_head refs;		// epitems of other epolls that watch this one (its f_ep)
	uint8_t loop_check_depth;	// memoised depth during one loop check; epnested_mutex
	long refcount;			// 1 for the file + 1 per epitem
	kernel_state *k;		// the simulated kernel; immutable
	uint64_t id;			// creation number, for reports; immutable
};

// Linux: fs/eventpoll.c eventpoll_fops (defined in eventpoll.cc)
extern const file_operations eventpoll_fops;

inline bool is_file_epoll(const file *f) { return f->f_op == &eventpoll_fops; }

// ---- system calls (return a negative errno on failure) ----

// epoll_create1(flags); the caller checked nothing.
int do_epoll_create(kernel_state *k, files_struct *files, int flags);
// epds is the event already copied from user space, nullptr for DEL.
int do_epoll_ctl(kernel_state *k, files_struct *files, int epfd, int op, int fd,
		 const epoll_event *epds);
// Where ep_send_events writes events.  A nullptr base models an unmapped
// buffer: the first copy faults (EFAULT).
struct epoll_user_buffer {
	epoll_event *base;
	bool range_ok;	// access_ok(): the range lies in user space
};
// timeout_ns < 0: wait forever; 0: do not sleep.
int do_epoll_wait(kernel_state *k, files_struct *files, int epfd, epoll_user_buffer events,
		  int maxevents, long long timeout_ns);

// ---- hooks for the rest of the model ----

// __fput: remove every epitem watching f (its last reference is gone).
void eventpoll_release(file *f);

// ---- internals shared by the eventpoll*.cc files ----

int ep_poll_callback(wait_queue_entry *wait, unsigned mode, int sync, __poll_t key);
__poll_t ep_item_poll(const epitem *epi, poll_table *pt, int depth);
void ep_start_scan(eventpoll *ep, list_head *txlist);
void ep_done_scan(eventpoll *ep, list_head *txlist);
bool ep_events_available(const eventpoll *ep);
__poll_t __ep_eventpoll_poll(file *f, poll_table *wait, int depth);
bool ep_is_linked(const epitem *epi);
inline epitem *ep_rb_entry(const rb_node *n)
{
	return list_entry(const_cast<rb_node *>(n), epitem, rbn);
}

// Returns a file's epitems_head (nullptr is fine) to ephead_cache.
void free_ephead(kernel_state *k, epitems_head *head);

// ep_nested.cc
int ep_loop_check(kernel_state *k, eventpoll *ep, eventpoll *to);
int reverse_path_check(kernel_state *k);
void list_file(kernel_state *k, file *f);
void clear_tfile_check_list(kernel_state *k);

// ep_debug.cc
void ep_show_fdinfo(file *f, std::string *out);
void ep_verify(const eventpoll *ep);
// With the meson option verify_always (EPSIM_VERIFY_ALWAYS): ep_verify at
// the end of every mutating operation, when no other task is inside ep.
void ep_verify_always(const eventpoll *ep);
std::string ep_describe(const eventpoll *ep);
// One line per entry of a device wait queue, head first: which epitem of
// which eventpoll an eppoll_entry hooks, or which task sleeps there.
std::string ep_describe_wait_queue(const wait_queue_head *wq);
// "IN|OUT|ET" for an event mask.
std::string epoll_events_str(__poll_t ev);

} // namespace epsim::kern
