// SPDX-License-Identifier: GPL-2.0-only
//
// Walks the model's structures to check the invariants of
// model_invariants.h.  Every walk is bounded by the sizes the counters
// claim (plus one), so a corrupted list ends the walk instead of looping.
#include "tests/diff/model_invariants.h"

#include <fmt/format.h>

#include <set>

#include "kernel_model/eventpoll.h"
#include "kernel_model/fdtable.h"
#include "kernel_model/kernel_state.h"

namespace epsim::diff {

using namespace epsim::kern;

namespace {

struct Totals {
	long items = 0;
	long hooks = 0;
};

// The items of ep's interest set, and their hooks.
std::string walk_rbr(const eventpoll *ep, std::set<const epitem *> *items, Totals *t)
{
	for (rb_node *rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		const epitem *epi = ep_rb_entry(rbp);

		if (epi->ep != ep)
			return fmt::format("epoll #{}: item fd {} belongs to another epoll", ep->id,
					   epi->ffd.fd);
		if (epi->next != EP_UNACTIVE_PTR)
			return fmt::format("epoll #{}: item fd {} chained on ovflist between calls",
					   ep->id, epi->ffd.fd);
		items->insert(epi);
		for (const eppoll_entry *pwq = epi->pwqlist; pwq; pwq = pwq->next)
			++t->hooks;
	}
	t->items += static_cast<long>(items->size());
	return {};
}

// Each rdllist entry is one of ep's items, at most once.
std::string walk_rdllist(const eventpoll *ep, const std::set<const epitem *> &items)
{
	std::set<const epitem *> seen;
	size_t steps = 0;

	for (const list_head *p = ep->rdllist.next; p != &ep->rdllist; p = p->next) {
		const epitem *epi = list_entry(const_cast<list_head *>(p), epitem, rdllink);

		if (++steps > items.size())
			return fmt::format("epoll #{}: rdllist longer than its {} items", ep->id,
					   items.size());
		if (!items.count(epi))
			return fmt::format("epoll #{}: rdllist holds a foreign item", ep->id);
		if (!seen.insert(epi).second)
			return fmt::format("epoll #{}: item fd {} twice on rdllist", ep->id,
					   epi->ffd.fd);
	}
	return {};
}

std::string check_epoll(const eventpoll *ep, Totals *t)
{
	std::set<const epitem *> items;
	std::string err;

	if (ep->ovflist != EP_UNACTIVE_PTR)
		return fmt::format("epoll #{}: ovflist active between calls", ep->id);
	err = walk_rbr(ep, &items, t);
	if (err.empty())
		err = walk_rdllist(ep, items);
	if (err.empty() && ep->refcount != static_cast<long>(items.size()) + 1)
		err = fmt::format("epoll #{}: refcount {} but {} items", ep->id, ep->refcount,
				  items.size());
	return err;
}

// Every f_ep entry of f is an item (of a live epoll) that watches f.
std::string check_f_ep(const file *f, const std::set<const eventpoll *> &eps, long bound)
{
	long steps = 0;

	if (!f->f_ep)
		return {};
	for (const hlist_node *n = f->f_ep->first; n; n = n->next) {
		const epitem *epi = hlist_entry(const_cast<hlist_node *>(n), epitem, fllink);

		if (++steps > bound)
			return fmt::format("file {}: f_ep list longer than all items", f->f_id);
		if (epi->ffd.file != f || !eps.count(epi->ep))
			return fmt::format("file {}: f_ep holds an item of another file or a dead epoll",
					   f->f_id);
	}
	return {};
}

std::string check_counts(const kernel_state &k, const Totals &t, size_t nr_eps, size_t nr_files)
{
	if (t.items != k.nr_epitems || t.items != k.user.epoll_watches)
		return fmt::format("{} items reachable, nr_epitems {}, watches charged {}", t.items,
				   k.nr_epitems, k.user.epoll_watches);
	if (t.hooks != k.nr_pwqs)
		return fmt::format("{} hooks reachable, nr_pwqs {}", t.hooks, k.nr_pwqs);
	if (static_cast<long>(nr_eps) != k.nr_eventpolls)
		return fmt::format("{} epolls reachable, nr_eventpolls {}", nr_eps, k.nr_eventpolls);
	if (static_cast<long>(nr_files) != k.nr_files)
		return fmt::format("{} files in the fd table, nr_files {}", nr_files, k.nr_files);
	return {};
}

} // namespace

std::string model_invariant_problem(SimKernel &sk)
{
	const files_struct &files = sk.files();
	std::set<const file *> live;
	std::set<const eventpoll *> eps;
	Totals t;

	for (file *f : files.fd) {
		if (f && live.insert(f).second && is_file_epoll(f))
			eps.insert(static_cast<const eventpoll *>(f->private_data));
	}
	for (const eventpoll *ep : eps) {
		std::string err = check_epoll(ep, &t);

		if (!err.empty())
			return err;
	}
	for (const file *f : live) {
		std::string err = check_f_ep(f, eps, t.items);

		if (!err.empty())
			return err;
	}
	return check_counts(sk.kernel(), t, eps.size(), live.size());
}

std::string model_leak_problem(SimKernel &sk)
{
	const kernel_state &k = sk.kernel();
	std::string err = model_invariant_problem(sk);

	if (!err.empty())
		return err;
	if (k.nr_eventpolls || k.nr_epitems || k.nr_pwqs || k.user.epoll_watches)
		return fmt::format("after the last close: {} epolls, {} items, {} hooks, {} watches",
				   k.nr_eventpolls, k.nr_epitems, k.nr_pwqs, k.user.epoll_watches);
	if (k.eventfd_free_ids.size() != static_cast<size_t>(k.eventfd_next_id))
		return fmt::format("after the last close: {} of {} eventfd ids still taken",
				   static_cast<size_t>(k.eventfd_next_id) - k.eventfd_free_ids.size(),
				   k.eventfd_next_id);
	return {};
}

} // namespace epsim::diff
