// SPDX-License-Identifier: GPL-2.0-only
//
// What the Linux kernel keeps in global variables, gathered in one object
// per simulated machine so several models can live in one process:
// the scheduler (`current`, the clock), the file and inode numbering, the
// user's epoll watch counter and max_user_watches (fs/eventpoll.c
// eventpoll_init, ep_insert), and the nesting-check state of fs/eventpoll.c
// (loop_check_gen, inserting_into, tfile_check_list, path_count).
//
// It also keeps coverage counters: how often the model went down each of
// the interesting paths of fs/eventpoll.c and the devices, for tests that
// must prove they explored them.
#pragma once

#include <array>
#include <cstdint>
#include <set>

#include "kernel_model/sched.h"
#include "kernel_model/slab.h"

namespace epsim::kern {

struct eventpoll;
struct epitems_head;

// Linux: fs/eventpoll.c EP_MAX_NESTS, PATH_ARR_SIZE, path_limits
inline constexpr int EP_MAX_NESTS = 4;
inline constexpr int PATH_ARR_SIZE = 5;
inline constexpr int path_limits[PATH_ARR_SIZE] = {1000, 500, 100, 50, 10};

// The inode all anonymous-inode files share (anon_inode_getfile): epoll
// and eventfd files report it in fdinfo.
inline constexpr unsigned long ANON_INODE_INO = 1038;
inline constexpr unsigned ANON_INODE_SDEV = 0x10;	// anon_inodefs

// The per-user accounting record (include/linux/sched/user.h).
struct user_struct {
	long epoll_watches;	// watches charged to this user (ep->user)
};

enum coverage_point : unsigned {
	COV_OVFLIST_DIVERT,	// ep_poll_callback chained an item on ovflist
	COV_OVFLIST_REQUEUE,	// ep_done_scan moved an ovflist item to rdllist
	COV_ONESHOT_DISARM,	// ep_send_events disabled a ONESHOT item
	COV_CALLBACK_DISABLED,	// ep_poll_callback ignored a disarmed item
	COV_CALLBACK_KEY_FILTERED, // ep_poll_callback ignored a non-matching key
	COV_ELOOP,		// ep_loop_check refused a cycle or depth
	COV_EP_MAX_NESTS,	// a depth limit (not a cycle) caused ELOOP
	COV_REVERSE_PATH_LIMIT,	// reverse_path_check refused a path count
	COV_EPERM,		// epoll_ctl on a file without ->poll
	COV_EEXIST,
	COV_ENOENT,
	COV_ENOSPC,
	COV_ET_REARM,		// a callback re-queued an ET item
	COV_LT_REQUEUE,		// ep_send_events re-queued an LT item at the tail
	COV_LEFTOVERS,		// ep_done_scan spliced undelivered items back
	COV_STALE_DROP,		// a queued item re-polled as not ready
	COV_AUTO_REMOVE,	// eventpoll_release_file removed an item on last close
	COV_NESTED_WAKE,	// ep_poll_safewake woke an outer epoll
	COV_PIPE_MERGE,		// a pipe write merged into the last page
	COV_PIPE_FULL,		// a pipe write found no room (EAGAIN)
	COV_EVENTFD_LIMIT,	// an eventfd write would pass ULLONG_MAX-1
	COV_RDHUP,		// a unix socket reported RDHUP
	COV_HUP,		// a device reported HUP
	COV_ERR,		// a device reported ERR
	COV_EXCLUSIVE_WAKE,	// an exclusive hook consumed a wakeup
	COV_NR
};

const char *coverage_name(coverage_point p);

struct kernel_state {
	scheduler *sched = nullptr;		// immutable once set
	uint64_t next_file_id = 1;			// f_id of the next file
	uint64_t next_ep_id = 1;			// eventpoll::id of the next epoll
	unsigned long next_ino = 1000;		// i_ino of the next anonymous inode

	// Linux: fs/eventpoll.c max_user_watches (sysctl fs.epoll.max_user_watches)
	long max_user_watches = 5491511;
	user_struct user = {0};			// the simulated process's user

	// Linux: fs/eventpoll.c epnested_mutex: serialises the full checks of
	// EPOLL_CTL_ADD (loop check, path check) and protects the fields below.
	mutex epnested_mutex = {nullptr, "epnested_mutex", "mutex_lock:epnested_mutex",
				"mutex_unlock:epnested_mutex"};
	uint64_t loop_check_gen = 0;
	eventpoll *inserting_into = nullptr;
	bool loop_check_cycle = false;	// this check met inserting_into (coverage only)
	// Files to run reverse_path_check on; terminated by EP_UNACTIVE_PTR.
	epitems_head *tfile_check_list = reinterpret_cast<epitems_head *>(~uintptr_t{0});
	int path_count[PATH_ARR_SIZE] = {0};

	// eventfd_ida (fs/eventfd.c): ids below eventfd_next_id that are free
	// again.  The lowest free id is the smallest of them, else next_id.
	std::set<int> eventfd_free_ids;
	int eventfd_next_id = 0;

	// Linux: fs/eventpoll.c epi_cache, pwq_cache, ephead_cache (eventpoll_init)
	kmem_cache epi_cache{"eventpoll_epi"};
	kmem_cache pwq_cache{"eventpoll_pwq"};
	kmem_cache ephead_cache{"ep_head"};

	// Live objects, for leak checks (nothing in Linux keeps these).
	long nr_files = 0;
	long nr_eventpolls = 0;
	long nr_epitems = 0;
	long nr_pwqs = 0;

	// Historical bugs the model can be switched back to (explorer demos).
	struct {
		// ep_poll before "epoll: call final ep_events_available() check
		// under the lock" (5.7): lockless final check, no wakeup at the
		// end of a scan.
		bool lockless_final_check = false;
		// Linux 5.5-5.6, before commit 0c54a6a44bf3 ("epoll: fix missing
		// wakeup for ovflist in ep_poll_callback"): a callback that chains
		// an item on ovflist wakes nobody, and (since 339ddb53d373) the end
		// of a scan wakes nobody either.
		bool ovflist_missing_wakeup = false;
	} bugs;

	std::array<uint64_t, COV_NR> cov{};	// coverage counters

	void hit(coverage_point p) { ++cov[p]; }
};

} // namespace epsim::kern

