// SPDX-License-Identifier: GPL-2.0-only
//
// Models the nesting checks of fs/eventpoll.c (Linux 6.18, with the 2025
// "Fix semi-unbounded recursion" change): ep_loop_check_proc,
// ep_get_upwards_depth_proc, ep_loop_check, list_file, unlist_file,
// clear_tfile_check_list, path_count_inc, reverse_path_check_proc and
// reverse_path_check.
//
// ep_loop_check refuses an epoll->epoll edge that closes a cycle or makes a
// chain longer than EP_MAX_NESTS links (counting links above the inserting
// epoll too).  reverse_path_check bounds how many wakeup paths of each
// length lead from one plain file to top-level epolls (path_limits).  Both
// are memoised per check generation (loop_check_gen), so each epoll is
// visited once per check: the walks are bounded by the number of epolls.
#include <algorithm>

#include "kernel_model/eventpoll.h"

namespace epsim::kern {

// Linux: fs/eventpoll.c list_file: queue f's epitems_head for the path check.
void list_file(kernel_state *k, file *f)
{
	epitems_head *head = list_entry(f->f_ep, epitems_head, epitems);

	if (!head->next) {
		head->next = k->tfile_check_list;
		k->tfile_check_list = head;
	}
}

// Linux: fs/eventpoll.c unlist_file: a head whose last watcher went away
// while it was listed is freed here instead of in __ep_remove.
static void unlist_file(kernel_state *k, epitems_head *head)
{
	head->next = nullptr;
	if (hlist_empty(&head->epitems))
		free_ephead(k, head);
}

// Linux: fs/eventpoll.c clear_tfile_check_list
void clear_tfile_check_list(kernel_state *k)
{
	while (k->tfile_check_list != EP_UNACTIVE_HEAD) {
		epitems_head *head = k->tfile_check_list;

		k->tfile_check_list = head->next;
		unlist_file(k, head);
	}
}

// Linux: fs/eventpoll.c ep_loop_check_proc.  Returns the number of
// epoll->epoll links below ep, or EP_MAX_NESTS + 1 for a cycle or a chain
// that is too deep.  Plain files met on the way are listed for
// reverse_path_check.
static int ep_loop_check_proc(kernel_state *k, eventpoll *ep, int depth)
{
	int result = 0;

	if (ep->gen == k->loop_check_gen)
		return ep->loop_check_depth;
	mutex_lock(k->sched, &ep->mtx);
	ep->gen = k->loop_check_gen;
	for (rb_node *rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		epitem *epi = ep_rb_entry(rbp);
		file *f = epi->ffd.file;

		if (!is_file_epoll(f)) {
			list_file(k, f);
			continue;
		}
		eventpoll *ep_tovisit = static_cast<eventpoll *>(f->private_data);
		if (ep_tovisit == k->inserting_into)
			k->loop_check_cycle = true;
		if (ep_tovisit == k->inserting_into || depth > EP_MAX_NESTS)
			result = EP_MAX_NESTS + 1;
		else
			result = std::max(result, ep_loop_check_proc(k, ep_tovisit, depth + 1) + 1);
		if (result > EP_MAX_NESTS)
			break;
	}
	ep->loop_check_depth = static_cast<uint8_t>(result);
	mutex_unlock(k->sched, &ep->mtx);
	return result;
}

// Linux: fs/eventpoll.c ep_get_upwards_depth_proc: the longest chain of
// epolls watching ep.
static int ep_get_upwards_depth_proc(kernel_state *k, eventpoll *ep, int depth)
{
	int result = 0;

	if (ep->gen == k->loop_check_gen)
		return ep->loop_check_depth;
	for (hlist_node *n = ep->refs.first; n; n = n->next) {
		epitem *epi = hlist_entry(n, epitem, fllink);

		result = std::max(result, ep_get_upwards_depth_proc(k, epi->ep, depth + 1) + 1);
	}
	ep->gen = k->loop_check_gen;
	ep->loop_check_depth = static_cast<uint8_t>(std::min(result, 255));
	return result;
}

// Linux: fs/eventpoll.c ep_loop_check.  Returns 0 when adding `to` into
// `ep` keeps the graph acyclic with at most EP_MAX_NESTS links per chain.
int ep_loop_check(kernel_state *k, eventpoll *ep, eventpoll *to)
{
	int depth, upwards_depth;

	k->inserting_into = ep;
	k->loop_check_cycle = false;
	depth = ep_loop_check_proc(k, to, 0);
	if (depth > EP_MAX_NESTS) {
		if (!k->loop_check_cycle)
			k->hit(COV_EP_MAX_NESTS);
		return -1;
	}
	upwards_depth = ep_get_upwards_depth_proc(k, ep, 0);
	if (depth + 1 + upwards_depth > EP_MAX_NESTS) {
		k->hit(COV_EP_MAX_NESTS);
		return -1;
	}
	return 0;
}

// Linux: fs/eventpoll.c path_count_inc.  Paths of length 0 (the file is
// watched by a top-level epoll directly) are unlimited.
static int path_count_inc(kernel_state *k, int nests)
{
	if (nests == 0)
		return 0;
	if (++k->path_count[nests] > path_limits[nests])
		return -1;
	return 0;
}

// Linux: fs/eventpoll.c reverse_path_check_proc.  Bound: depth <= EP_MAX_NESTS.
static int reverse_path_check_proc(kernel_state *k, hlist_head *refs, int depth)
{
	int error = 0;

	if (depth > EP_MAX_NESTS)
		return -1;
	for (hlist_node *n = refs->first; n && !error; n = n->next) {
		epitem *epi = hlist_entry(n, epitem, fllink);
		hlist_head *up = &epi->ep->refs;

		if (hlist_empty(up))
			error = path_count_inc(k, depth);
		else
			error = reverse_path_check_proc(k, up, depth + 1);
	}
	return error;
}

// Linux: fs/eventpoll.c reverse_path_check
int reverse_path_check(kernel_state *k)
{
	for (epitems_head *p = k->tfile_check_list; p != EP_UNACTIVE_HEAD; p = p->next) {
		std::fill(std::begin(k->path_count), std::end(k->path_count), 0);
		if (reverse_path_check_proc(k, &p->epitems, 0)) {
			k->hit(COV_REVERSE_PATH_LIMIT);
			return -1;
		}
	}
	return 0;
}

} // namespace epsim::kern
