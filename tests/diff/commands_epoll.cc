// SPDX-License-Identifier: GPL-2.0-only
//
// epoll commands: epoll_ctl with random ops, masks and fds (epoll fds
// included, so nesting, cycles and depth come up), epoll_wait with timeout
// 0 and maxevents from invalid to large, and two plans ("watch
// everything", layered epoll graphs) whose calls follow as commands of
// their own.  The user data of every item is the target's handle id in
// the low 32 bits (and a small tag above), so the events a wait returns
// name handles, not fd numbers.
#include <sys/epoll.h>

#include <fmt/format.h>

#include "tests/diff/commands.h"
#include "tests/diff/gen_args.h"

namespace epsim::diff {

namespace {

// One epoll_ctl call as a step.
struct CtlCall {
	FdArg ep;
	int op;
	FdArg fd;
	uint32_t events;
	uint64_t data;
	bool null_event;
};

std::string ctl_show(const CtlCall &c)
{
	std::string ev = c.null_event ? "NULL"
				      : fmt::format("{{{}, {:#x}}}", epoll_mask_name(c.events), c.data);

	return fmt::format("epoll_ctl({}, {}, {}, {})", fdarg_name(c.ep), epoll_op_name(c.op),
			   fdarg_name(c.fd), ev);
}

void ctl_step(Sut &sut, const CtlCall &c, bool verify = true, const std::string &note = "")
{
	const int epfd = sut.fd(c.ep), tfd = sut.fd(c.fd);
	const std::string ev = c.null_event ? "NULL"
					    : fmt::format("ev({:#x}u, {:#x}ull)", c.events, c.data);

	sut.step(ctl_show(c) + note,
		 fmt::format("r = epoll_ctl({}, {}, {}, {}); e = errno; put_ret(r, e);", sut.c_fd(c.ep),
			     c.op, sut.c_fd(c.fd), ev),
		 [&](auto &k) {
			 epoll_event e{};
			 e.events = c.events;
			 e.data.u64 = c.data;
			 errno = 0;
			 long r = k.epoll_ctl(epfd, c.op, tfd, c.null_event ? nullptr : &e);
			 return ret_outcome(r, errno);
		 },
		 verify);
}

// The data of an item watching a: its handle id, plus a tag in the high bits.
uint64_t item_data(const FdArg &a, uint64_t tag)
{
	return (tag << 32) | static_cast<uint32_t>(a.mode == FdArg::raw ? -1 : a.v);
}

class EpollCtl : public DiffCommand {
public:
	explicit EpollCtl(const ProgState &s)
	{
		c_.ep = gen_fd_prefer(s, {Kind::epoll}, 90, true);
		c_.op = *rc::gen::weightedElement<int>({{45, EPOLL_CTL_ADD},
							{25, EPOLL_CTL_MOD},
							{22, EPOLL_CTL_DEL},
							{2, 0},
							{2, 4}});
		c_.fd = gen_fd_prefer(s, {Kind::epoll}, 30, true);
		c_.events = gen_epoll_mask();
		c_.data = item_data(c_.fd, *rc::gen::inRange<uint64_t>(0, 4));
		c_.null_event = *rc::gen::inRange(0, 40) == 0;
	}
	void checkPreconditions(const ProgState &s) const override
	{
		RC_PRE(fdarg_valid(s, c_.ep) && fdarg_valid(s, c_.fd));
	}
	void apply(ProgState &) const override {}
	void show(std::ostream &os) const override { os << ctl_show(c_); }

protected:
	void exec(const ProgState &, Sut &sut) const override { ctl_step(sut, c_); }

private:
	CtlCall c_;
};

class EpollWait : public DiffCommand {
public:
	explicit EpollWait(const ProgState &s)
		: ep_(gen_fd_prefer(s, {Kind::epoll}, 90, true)),
		  maxevents_(*rc::gen::weightedElement<int>(
			  {{15, 1}, {15, 2}, {8, 3}, {20, 8}, {20, 64}, {5, 256}, {3, 0}, {3, -1}})),
		  null_buf_(*rc::gen::inRange(0, 40) == 0)
	{
	}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(fdarg_valid(s, ep_)); }
	void apply(ProgState &) const override {}
	void show(std::ostream &os) const override
	{
		os << fmt::format("epoll_wait({}, {}, {}, 0)", fdarg_name(ep_), buf(), maxevents_);
	}

protected:
	void exec(const ProgState &, Sut &sut) const override
	{
		const int epfd = sut.fd(ep_);

		sut.step(fmt::format("epoll_wait({}, {}, {}, 0)", fdarg_name(ep_), buf(), maxevents_),
			 fmt::format("r = epoll_wait({}, {}, {}, 0); e = errno; put_events(r, e);",
				     sut.c_fd(ep_), buf(), maxevents_),
			 [&](auto &k) {
				 std::vector<epoll_event> evs(256);
				 errno = 0;
				 epoll_event *buf = null_buf_ ? nullptr : evs.data();
				 long r = k.epoll_wait(epfd, buf, maxevents_, 0);
				 int e = errno;
				 return Outcome{r, e, fmt_events(r, e, evs.data())};
			 });
	}

private:
	const char *buf() const { return null_buf_ ? "NULL" : "evbuf"; }
	FdArg ep_;
	int maxevents_;
	bool null_buf_;
};

// Drops the plan step a planned command was generated from.
void pop_plan(ProgState &s)
{
	if (!s.plan.empty())
		s.plan.erase(s.plan.begin());
}

// A planned epoll_create1(0).
class PlannedCreate : public DiffCommand {
public:
	explicit PlannedCreate(const PlanStep &p) : note_(p.note) {}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(s.room(1)); }
	void apply(ProgState &s) const override
	{
		s.add_handle(Kind::epoll, false);
		pop_plan(s);
	}
	void show(std::ostream &os) const override { os << "epoll_create1(0)  [" << note_ << "]"; }

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		const int h = static_cast<int>(s.handles.size());
		Outcome o = sut.step(
			fmt::format("h{} = epoll_create1(0)  [{}]", h, note_),
			fmt::format("r = epoll_create1(0); e = errno; h[{}] = r; put_ret(r, e);", h),
			[](auto &k) {
				errno = 0;
				long r = k.epoll_create1(0);
				return ret_outcome(r, errno);
			});
		sut.set_handle(h, o.ret >= 0 ? static_cast<int>(o.ret) : -1);
	}

private:
	const char *note_;
};

// A planned epoll_ctl ADD.
class PlannedAdd : public DiffCommand {
public:
	explicit PlannedAdd(const PlanStep &p)
		: c_{p.ep, EPOLL_CTL_ADD, p.fd, p.events, item_data(p.fd, 0), false}, note_(p.note)
	{
	}
	void checkPreconditions(const ProgState &s) const override
	{
		RC_PRE(fdarg_valid(s, c_.ep) && fdarg_valid(s, c_.fd));
	}
	void apply(ProgState &s) const override { pop_plan(s); }
	void show(std::ostream &os) const override { os << ctl_show(c_) << "  [" << note_ << "]"; }

protected:
	void exec(const ProgState &, Sut &sut) const override
	{
		ctl_step(sut, c_, true, fmt::format("  [{}]", note_));
	}

private:
	CtlCall c_;
	const char *note_;
};

// Plan: ADD of every open handle to one epoll -- large interest sets, and
// EEXIST, EPERM and ELOOP for the handles that cannot be added.  In the
// model-only suite, with thousands of handles, the ADDs run inside this
// command instead (one check of the model at the end, not one per ADD).
class PlanWatchAll : public DiffCommand {
public:
	explicit PlanWatchAll(const ProgState &s)
		: inline_(!s.lim.host), ep_(gen_fd_prefer(s, {Kind::epoll}, 95, false)),
		  events_(*rc::gen::element<uint32_t>(
			  EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLOUT, EPOLLIN | EPOLLET,
			  EPOLLIN | EPOLLOUT | EPOLLET, EPOLLIN | EPOLLONESHOT, EPOLLIN | EPOLLRDHUP,
			  EPOLLIN | EPOLLEXCLUSIVE, EPOLLOUT | EPOLLEXCLUSIVE | EPOLLET, gen_epoll_mask()))
	{
	}
	void checkPreconditions(const ProgState &s) const override
	{
		RC_PRE(fdarg_valid(s, ep_) && s.plan.empty());
	}
	void apply(ProgState &s) const override
	{
		if (inline_)
			return;
		for (int h : s.open_handles())
			s.plan.push_back(PlanStep{false, ep_, FdArg{FdArg::live, h}, events_, "watch all"});
	}
	void show(std::ostream &os) const override
	{
		os << fmt::format("{}for each open h, epoll_ctl({}, ADD, h, {{{}, h}})",
				  inline_ ? "" : "plan: ", fdarg_name(ep_), epoll_mask_name(events_));
	}

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		const std::vector<int> open = inline_ ? s.open_handles() : std::vector<int>{};

		for (size_t i = 0; i < open.size(); ++i) {
			FdArg fd{FdArg::live, open[i]};

			ctl_step(sut, CtlCall{ep_, EPOLL_CTL_ADD, fd, events_, item_data(fd, 0), false},
				 false, fmt::format("  [watch all {}/{}]", i + 1, open.size()));
		}
	}

private:
	bool inline_;
	FdArg ep_;
	uint32_t events_;
};

// Plan: a layered graph of new epolls over one file.  Layer 0 watches the
// file, every epoll of layer i watches every epoll of layer i - 1.  Paths
// from the file to the top multiply with the widths, which is what
// reverse_path_check limits (more than 10 paths of 4 links, 50 of 3, 100
// of 2), and six layers pass EP_MAX_NESTS.  Random single ADDs almost
// never build such graphs.  The edges go in bottom-up or top-down, so the
// limits are met both when an epoll is added (ep_loop_check lists the
// files below it) and when the file itself is added to an epoll that is
// already watched.
class PlanGraph : public DiffCommand {
public:
	explicit PlanGraph(const ProgState &s)
		: target_(gen_fd_prefer(s, {Kind::eventfd, Kind::pipe_r, Kind::pipe_w, Kind::sock}, 90,
					false)),
		  top_down_(*rc::gen::inRange(0, 2) == 1), widths_(gen_widths())
	{
		for (size_t l = 0; l < widths_.size(); ++l)
			masks_.push_back(*rc::gen::element<uint32_t>(EPOLLIN, EPOLLIN | EPOLLET,
								     EPOLLIN | EPOLLOUT));
	}
	void checkPreconditions(const ProgState &s) const override
	{
		RC_PRE(fdarg_valid(s, target_) && s.room(total()) && s.plan.empty());
	}
	void apply(ProgState &s) const override
	{
		const int base = static_cast<int>(s.handles.size());
		const int layers = static_cast<int>(widths_.size());

		for (int i = 0; i < total(); ++i)
			s.plan.push_back(PlanStep{true, {}, {}, 0, "graph"});
		for (int n = 0; n < layers; ++n)
			plan_layer(s, base, top_down_ ? layers - 1 - n : n);
	}
	void show(std::ostream &os) const override
	{
		os << "plan: epoll graph over " << fdarg_name(target_) << ", layer widths";
		for (int w : widths_)
			os << " " << w;
		os << (top_down_ ? ", edges added top-down" : ", edges added bottom-up");
	}

protected:
	void exec(const ProgState &, Sut &) const override {}

private:
	// Layer widths, bottom first.  Besides random shapes, shapes that land
	// on either side of a limit within a short program: 4 links with 16 or
	// 8..12 paths (the limit is 10), 4..6 links (EP_MAX_NESTS is 4), and
	// 3 links with 48..64 paths (the limit is 50; long programs only).
	static std::vector<int> gen_widths()
	{
		const int shape = *rc::gen::weightedElement<int>({{3, 0}, {3, 1}, {2, 2}, {2, 3}, {1, 4}});
		std::vector<int> w;

		if (shape == 1)
			return {2, 2, 2, 2, 1};
		if (shape == 2)
			return {1, 1, 1, 1, *rc::gen::inRange(8, 13)};
		if (shape == 3)
			return std::vector<int>(static_cast<size_t>(*rc::gen::inRange(5, 8)), 1);
		if (shape == 4)
			return {4, *rc::gen::inRange(3, 5), 4, 1};
		for (int l = *rc::gen::inRange(2, 7); l > 0; --l)
			w.push_back(*rc::gen::inRange(1, 4));
		return w;
	}
	int total() const
	{
		int n = 0;

		for (int w : widths_)
			n += w;
		return n;
	}
	// Handle of the i-th epoll of layer l.
	int member(int base, int l, int i) const
	{
		for (int j = 0; j < l; ++j)
			base += widths_[static_cast<size_t>(j)];
		return base + i;
	}
	// The edges into layer l: each of its epolls watches all of layer l-1
	// (or the target for layer 0).
	void plan_layer(ProgState &s, int base, int l) const
	{
		const size_t ul = static_cast<size_t>(l);
		const int below = l == 0 ? 1 : widths_[ul - 1];

		for (int i = 0; i < widths_[ul]; ++i) {
			for (int j = 0; j < below; ++j) {
				FdArg fd = l == 0 ? target_ : FdArg{FdArg::live, member(base, l - 1, j)};

				s.plan.push_back(PlanStep{false, FdArg{FdArg::live, member(base, l, i)}, fd,
							  masks_[ul], "graph"});
			}
		}
	}
	FdArg target_;
	bool top_down_;
	std::vector<int> widths_;
	std::vector<uint32_t> masks_;	// interest of the items in layer l's epolls
};

} // namespace

rc::Gen<CommandPtr> gen_epoll_ctl(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<EpollCtl>()(s);
}

rc::Gen<CommandPtr> gen_epoll_wait(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<EpollWait>()(s);
}

rc::Gen<CommandPtr> gen_watch_all(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<PlanWatchAll>()(s);
}

rc::Gen<CommandPtr> gen_build_paths(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<PlanGraph>()(s);
}

bool plan_pending(const ProgState &s)
{
	if (s.plan.empty())
		return false;
	const PlanStep &p = s.plan.front();
	return p.create ? s.room(1) : fdarg_valid(s, p.ep) && fdarg_valid(s, p.fd);
}

rc::Gen<CommandPtr> gen_planned(const ProgState &s)
{
	const PlanStep &p = s.plan.front();

	if (p.create)
		return rc::gen::just<CommandPtr>(std::make_shared<const PlannedCreate>(p));
	return rc::gen::just<CommandPtr>(std::make_shared<const PlannedAdd>(p));
}

} // namespace epsim::diff
