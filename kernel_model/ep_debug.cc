// SPDX-License-Identifier: GPL-2.0-only
//
// Models fs/eventpoll.c ep_show_fdinfo (the "tfd:" lines of
// /proc/PID/fdinfo/<epfd>), and adds what the kernel keeps in debug
// options and our tools: ep_verify, the EP* invariants of
// docs/invariants.md, and ep_describe, a readable dump of one epoll's
// structures for `epsim demo`.
#include <fmt/format.h>

#include <set>

#include "kernel_model/eventpoll.h"
#include "kernel_model/invariant.h"

namespace epsim::kern {

// Linux: fs/eventpoll.c ep_show_fdinfo.  Items in rbtree order.
void ep_show_fdinfo(file *f, std::string *out)
{
	eventpoll *ep = static_cast<eventpoll *>(f->private_data);

	mutex_lock(ep->k->sched, &ep->mtx);
	for (rb_node *rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		const epitem *epi = ep_rb_entry(rbp);
		const file *tf = epi->ffd.file;

		*out += fmt::format("tfd: {:8d} events: {:8x} data: {:16x}  pos:{} ino:{:x} sdev:{:x}\n",
				    epi->ffd.fd, static_cast<unsigned>(epi->event.events),
				    static_cast<u64>(epi->event.data), tf->f_pos, tf->i_ino,
				    tf->s_dev);
	}
	mutex_unlock(ep->k->sched, &ep->mtx);
}

// ---- verify ----

static bool ep_ffd_less(const rb_node *a, const rb_node *b)
{
	const epoll_filefd &x = ep_rb_entry(a)->ffd, &y = ep_rb_entry(b)->ffd;

	return x.f_id != y.f_id ? x.f_id < y.f_id : x.fd < y.fd;
}

static bool hlist_contains(const hlist_head *h, const hlist_node *n)
{
	for (const hlist_node *p = h ? h->first : nullptr; p; p = p->next)
		if (p == n)
			return true;
	return false;
}

// EP2, EP4, EP6, EP7: one item's mask, back-links and hooks.
static void ep_verify_item(const eventpoll *ep, const epitem *epi)
{
	const __poll_t ev = epi->event.events;
	auto who = [&](const char *what) {
		return fmt::format("epitem fd {} of eventpoll #{}: {}", epi->ffd.fd, ep->id, what);
	};

	check_invariant(epi->ep == ep, "EP2", [&] { return who("epi->ep is another eventpoll"); });
	check_invariant(epi->ffd.file->f_count >= 1, "EP2", [&] { return who("watched file is dead"); });
	check_invariant(epi->ffd.f_id == epi->ffd.file->f_id, "EP2",
			[&] { return who("the key's f_id is not its file's"); });
	check_invariant(hlist_contains(epi->ffd.file->f_ep, &epi->fllink), "EP2",
			[&] { return who("not on its file's f_ep list"); });
	check_invariant(epi->next == EP_UNACTIVE_PTR, "EP4",
			[&] { return who("chained on ovflist outside a scan"); });
	check_invariant((ev & (EPOLLERR | EPOLLHUP)) == (EPOLLERR | EPOLLHUP) ||
				(ev & ~EP_PRIVATE_BITS) == 0,
			"EP6", [&] { return who("events lack ERR|HUP but are not disarmed"); });
	for (const eppoll_entry *pwq = epi->pwqlist; pwq; pwq = pwq->next) {
		check_invariant(pwq->base == epi, "EP7", [&] { return who("hook's base is another item"); });
		check_invariant(pwq->wait.func == ep_poll_callback, "EP7",
				[&] { return who("hook's func is not ep_poll_callback"); });
		check_invariant(!pwq->whead || !list_empty(&pwq->wait.entry), "EP7",
				[&] { return who("hook is not on its wait queue"); });
		check_invariant(((pwq->wait.flags & WQ_FLAG_EXCLUSIVE) != 0) ==
					((ev & EPOLLEXCLUSIVE) != 0),
				"EP7", [&] { return who("hook exclusiveness differs from EPOLLEXCLUSIVE"); });
	}
}

// EP3: rdllist holds only this epoll's items, each once.
static void ep_verify_rdllist(const eventpoll *ep, const std::set<const epitem *> &items)
{
	std::set<const epitem *> seen;
	size_t n = list_verify(&ep->rdllist, items.size() + 1);

	check_invariant(n <= items.size(), "EP3", "rdllist longer than the interest set");
	for (const list_head *p = ep->rdllist.next; p != &ep->rdllist; p = p->next) {
		const epitem *epi = list_entry(const_cast<list_head *>(p), epitem, rdllink);

		check_invariant(items.count(epi) == 1, "EP3", [&] {
			return fmt::format("rdllist of eventpoll #{} holds a foreign item", ep->id);
		});
		check_invariant(seen.insert(epi).second, "EP3", "item twice on rdllist");
	}
}

void ep_verify(const eventpoll *ep)
{
	std::set<const epitem *> items;
	size_t n = rb_verify(&ep->rbr, ep_ffd_less);

	check_invariant(!mutex_is_locked(&ep->mtx) && !ep->lock.owner, "EP8", [&] {
		return fmt::format("eventpoll #{} lock held between system calls", ep->id);
	});
	check_invariant(ep->ovflist == EP_UNACTIVE_PTR, "EP4", [&] {
		return fmt::format("eventpoll #{}: ovflist active outside a scan", ep->id);
	});
	for (rb_node *rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		const epitem *epi = ep_rb_entry(rbp);

		ep_verify_item(ep, epi);
		items.insert(epi);
	}
	check_invariant(ep->refcount == static_cast<long>(n) + 1, "EP5", [&] {
		return fmt::format("eventpoll #{}: refcount {} expected {} (1 + items)", ep->id,
				   ep->refcount, n + 1);
	});
	ep_verify_rdllist(ep, items);
	wait_verify(&ep->wq);
	wait_verify(&ep->poll_wait);
	hlist_verify(&ep->refs, static_cast<size_t>(ep->k->nr_epitems) + 1);
	for (const hlist_node *p = ep->refs.first; p; p = p->next) {
		const epitem *epi = hlist_entry(const_cast<hlist_node *>(p), epitem, fllink);

		check_invariant(epi->ffd.file == ep->file, "EP9",
				"an item on ep->refs watches another file");
	}
}

void ep_verify_always(const eventpoll *ep)
{
#ifdef EPSIM_VERIFY_ALWAYS
	if (!mutex_is_locked(&ep->mtx) && !ep->lock.owner && ep->ovflist == EP_UNACTIVE_PTR)
		ep_verify(ep);
#else
	(void)ep;
#endif
}

// ---- describe ----

// "IN|OUT|ET" for a mask; unknown bits in hex.
std::string epoll_events_str(__poll_t ev)
{
	static const struct {
		__poll_t bit;
		const char *name;
	} names[] = {
		{EPOLLIN, "IN"},	 {EPOLLPRI, "PRI"},	    {EPOLLOUT, "OUT"},
		{EPOLLERR, "ERR"},	 {EPOLLHUP, "HUP"},	    {EPOLLNVAL, "NVAL"},
		{EPOLLRDNORM, "RDNORM"}, {EPOLLRDBAND, "RDBAND"},   {EPOLLWRNORM, "WRNORM"},
		{EPOLLWRBAND, "WRBAND"}, {EPOLLMSG, "MSG"},	    {EPOLLRDHUP, "RDHUP"},
		{EPOLLEXCLUSIVE, "EXCLUSIVE"}, {EPOLLWAKEUP, "WAKEUP"}, {EPOLLONESHOT, "ONESHOT"},
		{EPOLLET, "ET"},
	};
	std::string s;

	for (const auto &n : names) {
		if (ev & n.bit) {
			s += s.empty() ? "" : "|";
			s += n.name;
			ev &= ~n.bit;
		}
	}
	if (ev)
		s += fmt::format("{}{:#x}", s.empty() ? "" : "|", ev);
	return s.empty() ? "0" : s;
}

static std::string ep_item_name(const epitem *epi)
{
	return fmt::format("fd {} ({})", epi->ffd.fd, epi->ffd.file->f_op->name);
}

static std::string ep_describe_items(const eventpoll *ep)
{
	std::string s = "  rbr (interest set, tree order):\n";

	for (rb_node *rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		const epitem *epi = ep_rb_entry(rbp);
		int hooks = 0;

		for (const eppoll_entry *pwq = epi->pwqlist; pwq; pwq = pwq->next)
			++hooks;
		s += fmt::format("    {:<16} events={} data={:#x} hooks={}{}\n", ep_item_name(epi),
				 epoll_events_str(epi->event.events),
				 static_cast<u64>(epi->event.data), hooks,
				 ep_is_linked(epi) ? " [ready]" : "");
	}
	if (RB_EMPTY_ROOT(&ep->rbr.rb_root))
		s += "    (empty)\n";
	return s;
}

static std::string ep_describe_waiters(const char *name, const wait_queue_head *wq)
{
	std::string s = fmt::format("  {}:", name);
	int n = 0;

	for (const list_head *p = wq->head.next; p != &wq->head; p = p->next) {
		const wait_queue_entry *w = list_entry(const_cast<list_head *>(p),
						       wait_queue_entry, entry);
		const task_struct *t = static_cast<const task_struct *>(w->priv);

		s += t && w->func != ep_poll_callback ? fmt::format(" task {}", t->pid)
						      : std::string(" hook");
		s += (w->flags & WQ_FLAG_EXCLUSIVE) ? "(excl)" : "";
		++n;
	}
	return s + (n ? "\n" : " empty\n");
}

std::string ep_describe_wait_queue(const wait_queue_head *wq)
{
	std::string s;

	for (const list_head *p = wq->head.next; p != &wq->head; p = p->next) {
		const wait_queue_entry *w =
			list_entry(const_cast<list_head *>(p), wait_queue_entry, entry);

		s += s.empty() ? "" : " -> ";
		if (w->func == ep_poll_callback) {
			const eppoll_entry *pwq =
				list_entry(const_cast<wait_queue_entry *>(w), eppoll_entry, wait);
			s += fmt::format("hook(eventpoll #{} fd {})", pwq->base->ep->id,
					 pwq->base->ffd.fd);
		} else if (w->priv) {
			s += fmt::format("task {}", static_cast<const task_struct *>(w->priv)->pid);
		} else {
			s += "entry";
		}
		s += (w->flags & WQ_FLAG_EXCLUSIVE) ? "(excl)" : "";
	}
	return s.empty() ? "empty" : s;
}

std::string ep_describe(const eventpoll *ep)
{
	std::string s = fmt::format("eventpoll #{}: refcount {}, ovflist {}", ep->id, ep->refcount,
				    ep->ovflist == EP_UNACTIVE_PTR ? "inactive" : "ACTIVE:");

	if (ep->ovflist != EP_UNACTIVE_PTR)
		for (const epitem *epi = ep->ovflist; epi; epi = epi->next)
			s += " " + ep_item_name(epi);
	s += "\n";

	s += ep_describe_items(ep);
	s += "  rdllist (ready list, head first):";
	for (const list_head *p = ep->rdllist.next; p != &ep->rdllist; p = p->next)
		s += " " + ep_item_name(list_entry(const_cast<list_head *>(p), epitem, rdllink));
	s += list_empty(&ep->rdllist) ? " empty\n" : "\n";
	s += ep_describe_waiters("wq (epoll_wait sleepers)", &ep->wq);
	s += ep_describe_waiters("poll_wait (pollers of this epoll)", &ep->poll_wait);
	return s;
}

} // namespace epsim::kern
