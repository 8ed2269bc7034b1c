// SPDX-License-Identifier: GPL-2.0-only
//
// Models the harvesting half of fs/eventpoll.c (Linux 6.18): ep_item_poll,
// ep_events_available, ep_start_scan, ep_done_scan, ep_send_events with
// epoll_put_uevent, ep_autoremove_wake_function, ep_poll, do_epoll_wait,
// and __ep_eventpoll_poll (an epoll file polled by an outer epoll or by
// select/poll).
//
// A scan splices rdllist onto a private txlist and activates ovflist, then
// works with ep->mtx held and ep->lock dropped; ep_done_scan puts back, in
// this order, at the head of rdllist: the undelivered txlist leftovers, then
// the items that fired during the scan (ovflist, in arrival order), followed
// by the LT items re-queued during the scan (docs/eventpoll.md, "ordering").
#include "kernel_model/eventpoll.h"

#include "kernel_model/invariant.h"
#include "kernel_model/stats.h"

namespace epsim::kern {

// Linux: fs/eventpoll.c ep_item_poll.  Polls the target masked by the
// item's interest (ERR/HUP are always in it).  For a nested epoll the
// depth bounds the recursion (the loop check keeps it <= EP_MAX_NESTS).
__poll_t ep_item_poll(const epitem *epi, poll_table *pt, int depth)
{
	file *f = epi->ffd.file;
	__poll_t res;

	pt->_key = epi->event.events;
	if (!is_file_epoll(f))
		res = vfs_poll(f, pt);
	else
		res = __ep_eventpoll_poll(f, pt, depth);
	return res & epi->event.events;
}

// Linux: fs/eventpoll.c ep_events_available.  A running scan counts as
// "available": its leftovers and ovflist items will come back.
bool ep_events_available(const eventpoll *ep)
{
	if (!list_empty(&ep->rdllist))
		return true;
	// Two separate loads in the kernel: without ep->lock another CPU can
	// finish a whole scan between them.
	ep->k->sched->preempt_point("ep_events_available:ovflist");
	return ep->ovflist != EP_UNACTIVE_PTR;
}

// Linux: fs/eventpoll.c ep_start_scan.  Caller holds ep->mtx.
void ep_start_scan(eventpoll *ep, list_head *txlist)
{
	spin_lock(ep->k->sched, &ep->lock);
	list_splice_init(&ep->rdllist, txlist);
	ep->ovflist = nullptr;
	spin_unlock(ep->k->sched, &ep->lock);
}

// Moves the items that fired during the scan to the head of rdllist.
// ovflist is LIFO; inserting each at the head while walking newest to
// oldest leaves them in arrival order.  Linked items keep their place.
static void ep_requeue_ovflist(eventpoll *ep)
{
	epitem *epi = ep->ovflist;

	while (epi != nullptr) {
		epitem *nepi = epi->next;

		epi->next = EP_UNACTIVE_PTR;
		if (!ep_is_linked(epi)) {
			list_add(&epi->rdllink, &ep->rdllist);
			ep->k->hit(COV_OVFLIST_REQUEUE);
		}
		epi = nepi;
	}
}

// Linux: fs/eventpoll.c ep_done_scan.  Caller holds ep->mtx.
void ep_done_scan(eventpoll *ep, list_head *txlist)
{
	spin_lock(ep->k->sched, &ep->lock);
	ep_requeue_ovflist(ep);
	ep->ovflist = EP_UNACTIVE_PTR;
	if (!list_empty(txlist))
		ep->k->hit(COV_LEFTOVERS);
	list_splice(txlist, &ep->rdllist);
	INIT_LIST_HEAD(txlist);
	// One more epoll_wait caller may now find work.  Since 5.5 pollers of
	// this epoll (outer epolls) are not woken here.  (The model switches
	// for the 5.5-5.6 races bring back those kernels, which woke nobody.)
	if (!list_empty(&ep->rdllist) && waitqueue_active(&ep->wq) &&
	    !ep->k->bugs.lockless_final_check && !ep->k->bugs.ovflist_missing_wakeup)
		wake_up(&ep->wq);
	spin_unlock(ep->k->sched, &ep->lock);
}

// Linux: include/linux/eventpoll.h epoll_put_uevent.  Returns false on a
// fault (the model's unmapped buffer is a null base).
static bool epoll_put_uevent(__poll_t revents, u64 data, epoll_user_buffer *ubuf, int idx)
{
	if (!ubuf->base)
		return false;
	ubuf->base[idx].events = revents;
	ubuf->base[idx].data = data;
	kstats.copy_to_user += sizeof(epoll_event);
	return true;
}

// What ep_send_events does with an item it delivered.
static void ep_after_delivery(eventpoll *ep, epitem *epi)
{
	if (epi->event.events & EPOLLONESHOT) {
		// Disarm: only the private bits remain; callbacks ignore it now.
		epi->event.events &= EP_PRIVATE_BITS;
		ep->k->hit(COV_ONESHOT_DISARM);
	} else if (!(epi->event.events & EPOLLET)) {
		// Level-triggered: back at the tail of the live ready list.  Safe
		// without ep->lock: callbacks are diverted to ovflist, and ctl is
		// held off by ep->mtx.
		list_add_tail(&epi->rdllink, &ep->rdllist);
		ep->k->hit(COV_LT_REQUEUE);
	}
}

// Linux: fs/eventpoll.c ep_send_events.  Bound: at most maxevents
// deliveries, and each txlist item is visited once.
static int ep_send_events(eventpoll *ep, epoll_user_buffer *ubuf, int maxevents)
{
	scheduler *s = ep->k->sched;
	list_head txlist;
	poll_table pt;
	int res = 0;

	init_poll_funcptr(&pt, nullptr);
	INIT_LIST_HEAD(&txlist);
	mutex_lock(s, &ep->mtx);
	ep_start_scan(ep, &txlist);
	while (!list_empty(&txlist) && res < maxevents) {
		epitem *epi = list_first_entry(&txlist, epitem, rdllink);
		__poll_t revents;

		list_del_init(&epi->rdllink);
		revents = ep_item_poll(epi, &pt, 1);
		if (!revents) {
			// Stale: queued once, not ready now.  Dropped without
			// counting, and ONESHOT stays armed.
			ep->k->hit(COV_STALE_DROP);
			continue;
		}
		if (!epoll_put_uevent(revents, epi->event.data, ubuf, res)) {
			list_add(&epi->rdllink, &txlist);
			if (!res)
				res = -EFAULT;
			break;
		}
		++res;
		ep_after_delivery(ep, epi);
		s->preempt_point("ep_send_events:item");
	}
	ep_done_scan(ep, &txlist);
	mutex_unlock(s, &ep->mtx);
	ep_verify_always(ep);
	return res;
}

// Linux: fs/eventpoll.c ep_autoremove_wake_function.  Wakes the sleeper and
// always unlinks the entry, so each wakeup of ep->wq reaches a different
// (the next most recent) epoll_wait caller.
static int ep_autoremove_wake_function(wait_queue_entry *wq_entry, unsigned mode, int sync,
				       __poll_t key)
{
	int ret = default_wake_function(wq_entry, mode, sync, key);

	list_del_init(&wq_entry->entry);
	++kstats.wq_unlinked;
	return ret;
}

// The model switch kernel_state::bugs.lockless_final_check: ep_poll as in
// Linux 5.5-5.6, before commit 65759097d804 ("epoll: call final
// ep_events_available() check under the lock").  The waiter queues itself,
// then checks for events without ep->lock.  A scan by another task can run
// between the check's two loads: the check sees rdllist empty (spliced onto
// the scan's txlist) and then ovflist inactive (the scan has finished and
// put the items back), so the task sleeps with items on rdllist, and since
// the end of a scan wakes nobody in those kernels, it sleeps until its
// timeout: a lost wakeup.  Returns whether events may be available; the
// entry is queued either way.
static bool ep_poll_prepare_buggy(eventpoll *ep, wait_queue_entry *wait)
{
	scheduler *s = ep->k->sched;

	spin_lock(s, &ep->lock);
	__add_wait_queue_exclusive(&ep->wq, wait);
	spin_unlock(s, &ep->lock);
	set_current_state(s, TASK_INTERRUPTIBLE);
	return ep_events_available(ep);
}

// One sleep of ep_poll: queue on ep->wq unless events arrived meanwhile,
// sleep, and unqueue.  Returns whether events may be available; sets
// *timed_out when the deadline passed.
static bool ep_poll_sleep(eventpoll *ep, uint64_t deadline_ns, bool *timed_out)
{
	scheduler *s = ep->k->sched;
	task_struct *t = s->current();
	wait_queue_entry wait;
	bool eavail;

	init_wait_entry(&wait, t, ep_autoremove_wake_function);
	if (ep->k->bugs.lockless_final_check) {
		eavail = ep_poll_prepare_buggy(ep, &wait);
	} else {
		spin_lock(s, &ep->lock);
		set_current_state(s, TASK_INTERRUPTIBLE);
		// The final check under ep->lock: a callback or scan that ran
		// after the check in ep_poll either left events (seen here) or
		// will see our entry and wake us.
		eavail = ep_events_available(ep);
		if (!eavail)
			__add_wait_queue_exclusive(&ep->wq, &wait);
		spin_unlock(s, &ep->lock);
	}

	if (!eavail) {
		t->wchan = "ep_poll";
		try {
			*timed_out = !s->schedule_until(deadline_ns);
		} catch (...) {
			list_del_init(&wait.entry);
			set_current_state(s, TASK_RUNNING);
			t->wchan = nullptr;
			throw;
		}
		t->wchan = nullptr;
	}
	set_current_state(s, TASK_RUNNING);
	eavail = true;
	if (!list_empty(&wait.entry)) {
		spin_lock(s, &ep->lock);
		// Not woken: if the deadline passed, a wakeup may still have
		// raced in before we took the lock.
		if (*timed_out)
			eavail = list_empty(&wait.entry);
		if (!list_empty(&wait.entry))
			++kstats.wq_unlinked;
		list_del_init(&wait.entry);
		spin_unlock(s, &ep->lock);
	}
	return eavail;
}

// Linux: fs/eventpoll.c ep_poll.  Returns the number of events, 0 on
// timeout, -EINTR when a signal is pending and nothing was delivered, or
// -EFAULT.  A scan that finds only stale items does not end the call.
static int ep_poll(eventpoll *ep, epoll_user_buffer *ubuf, int maxevents, long long timeout_ns)
{
	scheduler *s = ep->k->sched;
	bool timed_out = timeout_ns == 0;
	uint64_t deadline_ns = KTIME_MAX;
	bool eavail;

	if (timeout_ns > 0)
		deadline_ns = s->ktime_get_ns() + static_cast<uint64_t>(timeout_ns);
	s->preempt_point("ep_poll:ep_events_available");
	eavail = ep_events_available(ep);
	for (;;) {
		if (eavail) {
			int res = ep_send_events(ep, ubuf, maxevents);

			if (res)
				return res;
		}
		if (timed_out)
			return 0;
		if (signal_pending(s->current()))
			return -EINTR;
		eavail = ep_poll_sleep(ep, deadline_ns, &timed_out);
	}
}

// Linux: fs/eventpoll.c do_epoll_wait (6.x argument order: EBADF first).
// The call holds its own reference on the epoll file, so closing the epfd
// while a task sleeps here does not destroy the epoll.
int do_epoll_wait(kernel_state *, files_struct *files, int epfd, epoll_user_buffer events,
		  int maxevents, long long timeout_ns)
{
	file *f = fdget(files, epfd);
	int res;

	if (!f)
		return -EBADF;
	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	if (!events.range_ok)
		return -EFAULT;
	if (!is_file_epoll(f))
		return -EINVAL;
	get_file(f);
	try {
		res = ep_poll(static_cast<eventpoll *>(f->private_data), &events, maxevents,
			      timeout_ns);
	} catch (...) {
		fput(f);
		throw;
	}
	fput(f);
	return res;
}

// Linux: fs/eventpoll.c __ep_eventpoll_poll.  An epoll is readable iff
// some queued item re-polls as ready for its own interest; the walk stops
// at the first one and drops stale items it passes.  Never OUT/ERR/HUP.
__poll_t __ep_eventpoll_poll(file *f, poll_table *wait, int depth)
{
	eventpoll *ep = static_cast<eventpoll *>(f->private_data);
	scheduler *s = ep->k->sched;
	list_head txlist;
	poll_table pt;
	__poll_t res = 0;

	poll_wait(f, &ep->poll_wait, wait);
	init_poll_funcptr(&pt, nullptr);
	INIT_LIST_HEAD(&txlist);
	mutex_lock(s, &ep->mtx);
	ep_start_scan(ep, &txlist);
	for (list_head *pos = txlist.next, *n = pos->next; pos != &txlist; pos = n, n = pos->next) {
		epitem *epi = list_entry(pos, epitem, rdllink);

		if (ep_item_poll(epi, &pt, depth + 1)) {
			res = EPOLLIN | EPOLLRDNORM;
			break;
		}
		list_del_init(&epi->rdllink);
	}
	ep_done_scan(ep, &txlist);
	mutex_unlock(s, &ep->mtx);
	ep_verify_always(ep);
	return res;
}

} // namespace epsim::kern
