// SPDX-License-Identifier: GPL-2.0-only
//
// Models the interest-set half of fs/eventpoll.c (Linux 6.18): ep_alloc,
// do_epoll_create, do_epoll_ctl with its errno precedence, ep_find,
// ep_rbtree_insert, attach_epitem, ep_ptable_queue_proc, ep_insert,
// ep_modify, ep_unregister_pollwait, __ep_remove, ep_remove_safe,
// ep_poll_callback, ep_poll_safewake, eventpoll_release_file,
// ep_clear_and_put and ep_eventpoll_release.  See eventpoll.h for the
// structures and the LOCKING rules, ep_scan.cc for harvesting.
#include "kernel_model/eventpoll.h"

#include <fcntl.h>

#include <new>
#include <type_traits>

#include "kernel_model/invariant.h"

namespace epsim::kern {

static __poll_t ep_eventpoll_poll(file *f, poll_table *wait);
static void ep_eventpoll_release(file *f);
static void ep_eventpoll_verify(const file *f);

// Linux: fs/eventpoll.c eventpoll_fops.  No read/write: both fail with EINVAL.
const file_operations eventpoll_fops = {
	.name = "[eventpoll]",
	.poll = ep_eventpoll_poll,
	.read = nullptr,
	.write = nullptr,
	.release = ep_eventpoll_release,
	.show_fdinfo = ep_show_fdinfo,
	.shutdown = nullptr,
	.verify = ep_eventpoll_verify,
};

// Both come from kmem_caches (slab.h), which never run destructors.  Linux
// keeps an epitem within 128 bytes so that it fills one slab object of
// eventpoll_epi; so does the model.
static_assert(std::is_trivially_destructible_v<epitem> && sizeof(epitem) <= 128);
static_assert(std::is_trivially_destructible_v<eppoll_entry>);
static_assert(std::is_trivially_destructible_v<epitems_head>);

// An item is on rdllist (or a txlist) iff its rdllink is not self-linked.
bool ep_is_linked(const epitem *epi) { return !list_empty(&epi->rdllink); }

static eppoll_entry *ep_pwq_from_wait(wait_queue_entry *p)
{
	return list_entry(p, eppoll_entry, wait);
}

static bool ep_op_has_event(int op) { return op != EPOLL_CTL_DEL; }

// Linux: fs/eventpoll.c ep_cmp_ffd.  Divergence: files compare by f_id.
static int ep_cmp_ffd(const epoll_filefd *p1, const epoll_filefd *p2)
{
	if (p1->f_id != p2->f_id)
		return p1->f_id > p2->f_id ? 1 : -1;
	return p1->fd - p2->fd;
}

// ---- lifetime of struct eventpoll ----

static eventpoll *ep_alloc(kernel_state *k)
{
	eventpoll *ep = new eventpoll{};

	mutex_init(&ep->mtx, "ep->mtx");
	init_waitqueue_head(&ep->wq);
	init_waitqueue_head(&ep->poll_wait);
	INIT_LIST_HEAD(&ep->rdllist);
	spin_lock_init(&ep->lock);
	ep->rbr = RB_ROOT_CACHED_INIT;
	ep->ovflist = EP_UNACTIVE_PTR;
	ep->user = &k->user;
	ep->refs.first = nullptr;
	ep->refcount = 1;
	ep->k = k;
	ep->id = k->next_ep_id++;
	++k->nr_eventpolls;
	return ep;
}

static void ep_free(eventpoll *ep)
{
	--ep->k->nr_eventpolls;
	delete ep;
}

static void ep_get(eventpoll *ep) { ++ep->refcount; }

// Linux: fs/eventpoll.c ep_refcount_dec_and_test
static bool ep_refcount_dec_and_test(eventpoll *ep)
{
	check_invariant(ep->refcount > 0, "EP5", "ep refcount dropped below zero");
	return --ep->refcount == 0;
}

// Linux: fs/eventpoll.c do_epoll_create
int do_epoll_create(kernel_state *k, files_struct *files, int flags)
{
	eventpoll *ep;
	file *f;
	int fd;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	fd = alloc_fd(files, 0);
	if (fd < 0)
		return fd;
	ep = ep_alloc(k);
	// Linux: fs/anon_inodes.c anon_inode_getfile keeps only O_ACCMODE and
	// O_NONBLOCK in f_flags; EPOLL_CLOEXEC lives in the fd table, so a dup
	// of the fd does not show it in fdinfo.
	f = alloc_file(k, &eventpoll_fops, ep, O_RDWR, FMODE_READ | FMODE_WRITE, ANON_INODE_INO,
		       ANON_INODE_SDEV);
	ep->file = f;
	fd_install(files, fd, f, flags & O_CLOEXEC);
	return fd;
}

// ---- the interest set: ep->rbr, protected by ep->mtx ----

// Linux: fs/eventpoll.c ep_find
static epitem *ep_find(eventpoll *ep, file *f, int fd)
{
	epoll_filefd ffd = {f, f->f_id, fd};
	rb_node *rbp = ep->rbr.rb_root.rb_node;

	while (rbp) {
		epitem *epi = ep_rb_entry(rbp);
		int kcmp = ep_cmp_ffd(&ffd, &epi->ffd);

		if (kcmp > 0)
			rbp = rbp->rb_right;
		else if (kcmp < 0)
			rbp = rbp->rb_left;
		else
			return epi;
	}
	return nullptr;
}

// Linux: fs/eventpoll.c ep_rbtree_insert
static void ep_rbtree_insert(eventpoll *ep, epitem *epi)
{
	rb_node **p = &ep->rbr.rb_root.rb_node, *parent = nullptr;
	bool leftmost = true;

	while (*p) {
		parent = *p;
		if (ep_cmp_ffd(&epi->ffd, &ep_rb_entry(parent)->ffd) > 0) {
			p = &parent->rb_right;
			leftmost = false;
		} else {
			p = &parent->rb_left;
		}
	}
	rb_link_node(&epi->rbn, parent, p);
	rb_insert_color_cached(&epi->rbn, &ep->rbr, leftmost);
}

// Linux: fs/eventpoll.c attach_epitem.  The watched file's f_ep list gets
// the item at its head; a plain file gets its epitems_head on first use.
static void attach_epitem(file *f, epitem *epi)
{
	if (is_file_epoll(f)) {
		f->f_ep = &static_cast<eventpoll *>(f->private_data)->refs;
	} else if (!f->f_ep) {
		void *mem = kmem_cache_alloc(&f->f_kernel->ephead_cache, sizeof(epitems_head));
		epitems_head *head = new (mem) epitems_head{};

		f->f_ep = &head->epitems;
	}
	hlist_add_head(&epi->fllink, f->f_ep);
}

// ---- wait-queue hooks (eppoll_entry) ----

// The poll table handed to the target's ->poll during ep_insert.
struct ep_pqueue {
	poll_table pt;
	epitem *epi;
};

// Linux: fs/eventpoll.c ep_ptable_queue_proc.  One hook per poll_wait()
// call; exclusive registrations go to the tail, the others to the head.
static void ep_ptable_queue_proc(file *, wait_queue_head *whead, poll_table *pt)
{
	ep_pqueue *epq = list_entry(pt, ep_pqueue, pt);
	epitem *epi = epq->epi;
	eppoll_entry *pwq;

	if (!epi)
		return;
	pwq = new (kmem_cache_alloc(&epi->ep->k->pwq_cache, sizeof(eppoll_entry))) eppoll_entry{};
	init_waitqueue_func_entry(&pwq->wait, ep_poll_callback);
	pwq->whead = whead;
	pwq->base = epi;
	if (epi->event.events & EPOLLEXCLUSIVE)
		add_wait_queue_exclusive(whead, &pwq->wait);
	else
		add_wait_queue(whead, &pwq->wait);
	pwq->next = epi->pwqlist;
	epi->pwqlist = pwq;
	++epi->ep->k->nr_pwqs;
}

// Linux: fs/eventpoll.c ep_remove_wait_queue
static void ep_remove_wait_queue(eppoll_entry *pwq)
{
	if (pwq->whead)
		remove_wait_queue(pwq->whead, &pwq->wait);
}

// Linux: fs/eventpoll.c ep_unregister_pollwait
static void ep_unregister_pollwait(eventpoll *ep, epitem *epi)
{
	while (eppoll_entry *pwq = epi->pwqlist) {
		epi->pwqlist = pwq->next;
		ep_remove_wait_queue(pwq);
		kmem_cache_free(&ep->k->pwq_cache, pwq);
		--ep->k->nr_pwqs;
	}
}

// Linux: fs/eventpoll.c ep_poll_safewake: wake whoever polls this epoll
// (outer epolls, select/poll) with key EPOLLIN.
static void ep_poll_safewake(eventpoll *ep, __poll_t pollflags)
{
	ep->k->hit(COV_NESTED_WAKE);
	wake_up_poll(&ep->poll_wait, EPOLLIN | pollflags);
}

// Queues epi at the rdllist tail unless it is queued already, then wakes
// one epoll_wait caller.  Returns true if ep->poll_wait has waiters to
// wake once ep->lock is dropped.  Shared tail of ep_insert and ep_modify.
// Caller holds ep->mtx.
static bool ep_queue_ready(eventpoll *ep, epitem *epi)
{
	bool pwake = false;

	spin_lock(ep->k->sched, &ep->lock);
	if (!ep_is_linked(epi)) {
		list_add_tail(&epi->rdllink, &ep->rdllist);
		if (waitqueue_active(&ep->wq))
			wake_up(&ep->wq);
		if (waitqueue_active(&ep->poll_wait))
			pwake = true;
	}
	spin_unlock(ep->k->sched, &ep->lock);
	return pwake;
}

// ---- removal ----

// Linux: fs/eventpoll.c free_ephead
void free_ephead(kernel_state *k, epitems_head *head)
{
	if (head)
		kmem_cache_free(&k->ephead_cache, head);
}

// Unlinks epi from its file's f_ep list, dropping the file's epitems_head
// when epi was the last watcher (and the head is not on tfile_check_list).
static void ep_detach_file(epitem *epi)
{
	file *f = epi->ffd.file;
	hlist_head *head = f->f_ep;
	epitems_head *to_free = nullptr;

	if (head->first == &epi->fllink && !epi->fllink.next) {
		f->f_ep = nullptr;
		if (!is_file_epoll(f)) {
			epitems_head *v = list_entry(head, epitems_head, epitems);

			if (!v->next)
				to_free = v;
		}
	}
	hlist_del_init(&epi->fllink);
	free_ephead(f->f_kernel, to_free);
}

// Linux: fs/eventpoll.c __ep_remove.  Caller holds ep->mtx, so no scan is
// running and epi cannot be on ovflist.  Returns true when the caller must
// drop the ep reference the item held.
static bool __ep_remove(eventpoll *ep, epitem *epi, bool force)
{
	ep_unregister_pollwait(ep, epi);
	if (epi->dying && !force)
		return false;
	ep_detach_file(epi);
	rb_erase_cached(&epi->rbn, &ep->rbr);
	spin_lock(ep->k->sched, &ep->lock);
	if (ep_is_linked(epi))
		list_del_init(&epi->rdllink);
	spin_unlock(ep->k->sched, &ep->lock);
	kmem_cache_free(&ep->k->epi_cache, epi);
	--ep->k->nr_epitems;
	--ep->user->epoll_watches;
	return true;
}

// Linux: fs/eventpoll.c ep_remove_safe.  The ep still has the reference
// of its file, so dropping the item's reference never frees it.
static void ep_remove_safe(eventpoll *ep, epitem *epi)
{
	if (__ep_remove(ep, epi, false))
		check_invariant(!ep_refcount_dec_and_test(ep), "EP5",
				"ep_remove_safe dropped the last ep reference");
}

// ---- EPOLL_CTL_ADD / EPOLL_CTL_MOD ----

static epitem *ep_alloc_item(eventpoll *ep, const epoll_event *event, file *tfile, int fd)
{
	epitem *epi = new (kmem_cache_alloc(&ep->k->epi_cache, sizeof(epitem))) epitem{};

	RB_CLEAR_NODE(&epi->rbn);
	INIT_LIST_HEAD(&epi->rdllink);
	epi->next = EP_UNACTIVE_PTR;
	epi->ffd = {tfile, tfile->f_id, fd};
	epi->ep = ep;
	INIT_HLIST_NODE(&epi->fllink);
	epi->event = *event;
	++ep->k->nr_epitems;
	return epi;
}

// Links epi into the target file's f_ep list and ep->rbr.
static void ep_link_item(eventpoll *ep, epitem *epi, bool full_check)
{
	file *tfile = epi->ffd.file;
	eventpoll *tep = is_file_epoll(tfile) ? static_cast<eventpoll *>(tfile->private_data)
					      : nullptr;

	if (tep)
		mutex_lock(ep->k->sched, &tep->mtx);
	attach_epitem(tfile, epi);
	if (full_check && !tep)
		list_file(ep->k, tfile);
	ep_rbtree_insert(ep, epi);
	if (tep)
		mutex_unlock(ep->k->sched, &tep->mtx);
}

// Linux: fs/eventpoll.c ep_insert.  Caller holds ep->mtx.
static int ep_insert(eventpoll *ep, const epoll_event *event, file *tfile, int fd,
		     bool full_check)
{
	kernel_state *k = ep->k;
	ep_pqueue epq;
	__poll_t revents;
	epitem *epi;

	if (ep->user->epoll_watches >= k->max_user_watches) {
		k->hit(COV_ENOSPC);
		return -ENOSPC;
	}
	++ep->user->epoll_watches;
	epi = ep_alloc_item(ep, event, tfile, fd);
	ep_link_item(ep, epi, full_check);
	ep_get(ep);

	if (full_check && reverse_path_check(k)) {
		ep_remove_safe(ep, epi);
		return -EINVAL;
	}

	// The only poll that installs hooks: later polls pass a NULL _qproc,
	// so the set of queues and their exclusiveness are fixed here.
	epq.epi = epi;
	init_poll_funcptr(&epq.pt, ep_ptable_queue_proc);
	revents = ep_item_poll(epi, &epq.pt, 1);

	if (revents && ep_queue_ready(ep, epi))
		ep_poll_safewake(ep, 0);
	return 0;
}

// Linux: fs/eventpoll.c ep_modify.  Caller holds ep->mtx.  A queued item
// keeps its place even if the new mask no longer matches; the next scan
// drops it.
static int ep_modify(eventpoll *ep, epitem *epi, const epoll_event *event)
{
	poll_table pt;

	epi->event.events = event->events;
	epi->event.data = event->data;
	init_poll_funcptr(&pt, nullptr);
	if (ep_item_poll(epi, &pt, 1) && ep_queue_ready(ep, epi))
		ep_poll_safewake(ep, 0);
	return 0;
}

// ---- the wakeup hook ----

// Linux: fs/eventpoll.c ep_poll_callback's EXCLUSIVE rule: an exclusive
// hook consumes the device's "wake one" budget only if the key's IN/OUT
// part matches the interest.  A key with both IN and OUT never does.
static int ep_exclusive_ewake(const epitem *epi, __poll_t pollflags)
{
	switch (pollflags & EPOLLINOUT_BITS) {
	case EPOLLIN:
		return (epi->event.events & EPOLLIN) ? 1 : 0;
	case EPOLLOUT:
		return (epi->event.events & EPOLLOUT) ? 1 : 0;
	case 0:
		return 1;
	default:
		return 0;
	}
}

// Puts epi on ovflist during a scan, else on rdllist.  Caller holds ep->lock.
static void ep_chain_ready(eventpoll *ep, epitem *epi)
{
	if (ep->ovflist != EP_UNACTIVE_PTR) {
		if (epi->next == EP_UNACTIVE_PTR) {
			epi->next = ep->ovflist;
			ep->ovflist = epi;
			ep->k->hit(COV_OVFLIST_DIVERT);
			ep->k->sched->trace_event("ep_poll_callback: chained on ovflist");
		}
	} else if (!ep_is_linked(epi)) {
		ep->k->sched->trace_event("ep_poll_callback: queued on rdllist");
		list_add_tail(&epi->rdllink, &ep->rdllist);
		if (epi->event.events & EPOLLET)
			ep->k->hit(COV_ET_REARM);
	}
}

// Linux: fs/eventpoll.c ep_poll_callback.  Runs inside a device's
// __wake_up with that queue's lock held.
int ep_poll_callback(wait_queue_entry *wait, unsigned, int sync, __poll_t key)
{
	eppoll_entry *pwq = ep_pwq_from_wait(wait);
	epitem *epi = pwq->base;
	eventpoll *ep = epi->ep;
	__poll_t pollflags = key;
	bool pwake = false;
	int ewake = 0;

	spin_lock(ep->k->sched, &ep->lock);
	if (!(epi->event.events & ~EP_PRIVATE_BITS)) {
		// Disarmed by ONESHOT: not even ERR/HUP are queued.
		ep->k->hit(COV_CALLBACK_DISABLED);
		goto out_unlock;
	}
	if (pollflags && !(pollflags & epi->event.events)) {
		ep->k->hit(COV_CALLBACK_KEY_FILTERED);
		goto out_unlock;
	}
	ep_chain_ready(ep, epi);
	// Model switch: before 5.7 an item chained on ovflist woke nobody.
	if (ep->k->bugs.ovflist_missing_wakeup && ep->ovflist != EP_UNACTIVE_PTR)
		goto out_unlock;

	// Wake an epoll_wait caller even if the item was queued already.
	if (waitqueue_active(&ep->wq)) {
		if ((epi->event.events & EPOLLEXCLUSIVE) && !(pollflags & POLLFREE))
			ewake = ep_exclusive_ewake(epi, pollflags);
		if (sync)
			wake_up_sync(&ep->wq);
		else
			wake_up(&ep->wq);
	}
	if (waitqueue_active(&ep->poll_wait))
		pwake = true;

out_unlock:
	spin_unlock(ep->k->sched, &ep->lock);
	if (pwake)
		ep_poll_safewake(ep, pollflags & EPOLL_URING_WAKE);
	if (!(epi->event.events & EPOLLEXCLUSIVE))
		ewake = 1;
	else if (ewake)
		ep->k->hit(COV_EXCLUSIVE_WAKE);
	if (pollflags & POLLFREE) {
		list_del_init(&wait->entry);
		pwq->whead = nullptr;
	}
	return ewake;
}

// ---- epoll_ctl ----

// The checks of do_epoll_ctl that need no lock, in the kernel's order
// (steps 1-6 of kernel-semantics §4.2).  epds may be modified (WAKEUP).
static int ep_ctl_check(files_struct *files, int epfd, int op, int fd, epoll_event *epds,
			file **fp, file **tfp)
{
	file *f = fdget(files, epfd);
	file *tf;

	if (!f)
		return -EBADF;
	tf = fdget(files, fd);
	if (!tf)
		return -EBADF;
	if (!file_can_poll(tf)) {
		f->f_kernel->hit(COV_EPERM);
		return -EPERM;
	}
	// Linux: include/linux/eventpoll.h ep_take_care_of_epollwakeup: this
	// kernel has no CONFIG_PM_SLEEP, so EPOLLWAKEUP is always dropped.
	if (ep_op_has_event(op))
		epds->events &= ~EPOLLWAKEUP;
	if (f == tf || !is_file_epoll(f))
		return -EINVAL;
	if (ep_op_has_event(op) && (epds->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD &&
		    (is_file_epoll(tf) || (epds->events & ~EPOLLEXCLUSIVE_OK_BITS)))
			return -EINVAL;
	}
	*fp = f;
	*tfp = tf;
	return 0;
}

// The part of do_epoll_ctl that runs under ep->mtx, after the loop check.
static int ep_ctl_locked(eventpoll *ep, int op, file *tf, int fd, epoll_event *epds,
			 bool full_check)
{
	epitem *epi = ep_find(ep, tf, fd);
	kernel_state *k = ep->k;

	switch (op) {
	case EPOLL_CTL_ADD:
		if (epi) {
			k->hit(COV_EEXIST);
			return -EEXIST;
		}
		epds->events |= EPOLLERR | EPOLLHUP;
		return ep_insert(ep, epds, tf, fd, full_check);
	case EPOLL_CTL_DEL:
		if (!epi) {
			k->hit(COV_ENOENT);
			return -ENOENT;
		}
		ep_remove_safe(ep, epi);
		return 0;
	case EPOLL_CTL_MOD:
		if (!epi) {
			k->hit(COV_ENOENT);
			return -ENOENT;
		}
		if (epi->event.events & EPOLLEXCLUSIVE)
			return -EINVAL;
		epds->events |= EPOLLERR | EPOLLHUP;
		return ep_modify(ep, epi, epds);
	default:
		return -EINVAL;
	}
}

// Linux: fs/eventpoll.c do_epoll_ctl
int do_epoll_ctl(kernel_state *k, files_struct *files, int epfd, int op, int fd,
		 const epoll_event *event)
{
	epoll_event epds = event ? *event : epoll_event{0, 0};
	file *f = nullptr, *tf = nullptr;
	bool full_check = false;
	eventpoll *ep;
	int error;

	error = ep_ctl_check(files, epfd, op, fd, &epds, &f, &tf);
	if (error)
		return error;
	ep = static_cast<eventpoll *>(f->private_data);
	mutex_lock(k->sched, &ep->mtx);
	// Adding to an epoll that is itself watched, or adding an epoll,
	// needs the global loop and path checks (under epnested_mutex).
	if (op == EPOLL_CTL_ADD &&
	    (f->f_ep || ep->gen == k->loop_check_gen || is_file_epoll(tf))) {
		mutex_unlock(k->sched, &ep->mtx);
		mutex_lock(k->sched, &k->epnested_mutex);
		full_check = true;
		++k->loop_check_gen;
		if (is_file_epoll(tf) &&
		    ep_loop_check(k, ep, static_cast<eventpoll *>(tf->private_data))) {
			k->hit(COV_ELOOP);
			error = -ELOOP;
			goto out_full_check;
		}
		mutex_lock(k->sched, &ep->mtx);
	}
	error = ep_ctl_locked(ep, op, tf, fd, &epds, full_check);
	mutex_unlock(k->sched, &ep->mtx);
	ep_verify_always(ep);
out_full_check:
	if (full_check) {
		clear_tfile_check_list(k);
		++k->loop_check_gen;
		mutex_unlock(k->sched, &k->epnested_mutex);
	}
	return error;
}

// ---- close ----

// Linux: fs/eventpoll.c eventpoll_release_file.  The file's last reference
// is gone: remove every item watching it, silently.
static void eventpoll_release_file(file *f)
{
	while (f->f_ep && f->f_ep->first) {
		epitem *epi = hlist_entry(f->f_ep->first, epitem, fllink);
		eventpoll *ep = epi->ep;
		bool dispose;

		epi->dying = true;
		mutex_lock(ep->k->sched, &ep->mtx);
		dispose = __ep_remove(ep, epi, true);
		mutex_unlock(ep->k->sched, &ep->mtx);
		ep->k->hit(COV_AUTO_REMOVE);
		if (dispose && ep_refcount_dec_and_test(ep))
			ep_free(ep);
	}
}

// Linux: include/linux/eventpoll.h eventpoll_release
void eventpoll_release(file *f)
{
	if (f->f_ep)
		eventpoll_release_file(f);
}

// Linux: fs/eventpoll.c ep_clear_and_put: the epoll file's last close.
// Outer epolls' items watching this one were removed already by
// eventpoll_release (its f_ep is ep->refs), so only pollers remain.
static void ep_clear_and_put(eventpoll *ep)
{
	scheduler *s = ep->k->sched;
	bool dispose;

	if (waitqueue_active(&ep->poll_wait))
		ep_poll_safewake(ep, 0);
	mutex_lock(s, &ep->mtx);
	// Pass 1 unhooks every item, so no callback can run during pass 2.
	for (rb_node *rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp))
		ep_unregister_pollwait(ep, ep_rb_entry(rbp));
	for (rb_node *rbp = rb_first_cached(&ep->rbr), *next; rbp; rbp = next) {
		next = rb_next(rbp);
		ep_remove_safe(ep, ep_rb_entry(rbp));
	}
	dispose = ep_refcount_dec_and_test(ep);
	mutex_unlock(s, &ep->mtx);
	if (dispose)
		ep_free(ep);
}

static void ep_eventpoll_release(file *f)
{
	ep_clear_and_put(static_cast<eventpoll *>(f->private_data));
}

static __poll_t ep_eventpoll_poll(file *f, poll_table *wait)
{
	return __ep_eventpoll_poll(f, wait, 0);
}

static void ep_eventpoll_verify(const file *f)
{
	ep_verify(static_cast<const eventpoll *>(f->private_data));
}

} // namespace epsim::kern
