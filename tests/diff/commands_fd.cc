// SPDX-License-Identifier: GPL-2.0-only
//
// fd-table commands (close, dup, dup2 onto open handles, fixed slots,
// itself or past RLIMIT_NOFILE) and the commands that only look: poll and
// select over random fd sets with timeout 0, and /proc/self/fdinfo.
#include <poll.h>
#include <sys/select.h>

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "tests/diff/commands.h"
#include "tests/diff/gen_args.h"

namespace epsim::diff {

namespace {

class Close : public DiffCommand {
public:
	explicit Close(const ProgState &s) : fd_(gen_fd(s, false)) {}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(fdarg_valid(s, fd_)); }
	void apply(ProgState &s) const override
	{
		if (fd_.mode == FdArg::live)
			s.close(fd_.v);
	}
	void show(std::ostream &os) const override { os << "close(" << fdarg_name(fd_) << ")"; }

protected:
	void exec(const ProgState &, Sut &sut) const override
	{
		const int fd = sut.fd(fd_);
		Outcome o = sut.step(fmt::format("close({})", fdarg_name(fd_)),
				     fmt::format("r = close({}); e = errno; put_ret(r, e);", sut.c_fd(fd_)),
				     [&](auto &k) {
					     errno = 0;
					     long r = k.close(fd);
					     return ret_outcome(r, errno);
				     });
		if (o.ret == 0 && fd_.mode == FdArg::live)
			sut.handle_closed(fd_.v);
	}

private:
	FdArg fd_;
};

class Dup : public DiffCommand {
public:
	explicit Dup(const ProgState &s) : fd_(gen_fd(s, false)) {}
	void checkPreconditions(const ProgState &s) const override
	{
		RC_PRE(fdarg_valid(s, fd_) && s.room(1));
	}
	void apply(ProgState &s) const override
	{
		if (creates(s))
			s.add_dup(s.handles[static_cast<size_t>(fd_.v)].ofd);
	}
	void show(std::ostream &os) const override { os << "dup(" << fdarg_name(fd_) << ")"; }

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		const int fd = sut.fd(fd_), h = static_cast<int>(s.handles.size());
		const bool c = creates(s);
		Outcome o = sut.step(
			c ? fmt::format("h{} = dup({})", h, fdarg_name(fd_))
			  : fmt::format("dup({})", fdarg_name(fd_)),
			fmt::format("r = dup({}); e = errno; {}put_ret(r, e);", sut.c_fd(fd_),
				    c ? fmt::format("h[{}] = r; ", h) : std::string()),
			[&](auto &k) {
				errno = 0;
				long r = k.dup(fd);
				return ret_outcome(r, errno);
			});
		if (c)
			sut.set_handle(h, o.ret >= 0 ? static_cast<int>(o.ret) : -1);
	}

private:
	bool creates(const ProgState &s) const { return fd_.mode == FdArg::live && s.is_open(fd_.v); }
	FdArg fd_;
};

// dup2(old, target): target is another open handle (which then refers to
// old's file), one of the fixed slots, old itself, or a number past
// RLIMIT_NOFILE (EBADF).
class Dup2 : public DiffCommand {
public:
	enum Target : uint8_t { handle, slot, same, huge };

	explicit Dup2(const ProgState &s) : old_(gen_fd(s, false))
	{
		const std::vector<int> open = s.open_handles();

		target_ = *rc::gen::weightedElement<Target>({{40, slot}, {35, handle}, {15, same}, {10, huge}});
		if (target_ == handle && open.empty())
			target_ = slot;
		t_ = target_ == handle ? *rc::gen::elementOf(open)
				       : target_ == slot ? *rc::gen::inRange(0, NR_SLOTS) : 0;
	}
	void checkPreconditions(const ProgState &s) const override
	{
		RC_PRE(fdarg_valid(s, old_) && s.room(1));
		RC_PRE(target_ != handle || s.is_open(t_));
	}
	void apply(ProgState &s) const override
	{
		if (old_.mode != FdArg::live || !s.is_open(old_.v))
			return;
		const int ofd = s.handles[static_cast<size_t>(old_.v)].ofd;
		if (target_ == handle)
			s.handles[static_cast<size_t>(t_)].ofd = ofd;
		else if (target_ == slot && s.open_in_slot(t_) >= 0)
			s.handles[static_cast<size_t>(s.open_in_slot(t_))].ofd = ofd;
		else if (target_ == slot)
			s.add_dup(ofd, t_);
	}
	void show(std::ostream &os) const override
	{
		os << "dup2(" << fdarg_name(old_) << ", " << target_name() << ")";
	}

protected:
	void exec(const ProgState &s, Sut &sut) const override
	{
		// A target whose creation failed would make dup2 open the dead fd.
		if (target_ == handle && sut.handle_fd(t_) < 0)
			return;
		const bool creates = target_ == slot && old_.mode == FdArg::live && s.is_open(old_.v) &&
				     s.open_in_slot(t_) < 0;
		const int h = static_cast<int>(s.handles.size());
		const int oldfd = sut.fd(old_), newfd = new_fd(sut);
		Outcome o = sut.step(
			fmt::format("{}dup2({}, {})", creates ? fmt::format("h{} = ", h) : "",
				    fdarg_name(old_), target_name()),
			fmt::format("r = dup2({}, {}); e = errno; {}put_ret(r, e);", sut.c_fd(old_),
				    new_c(sut), creates ? fmt::format("h[{}] = r; ", h) : std::string()),
			[&](auto &k) {
				errno = 0;
				long r = k.dup2(oldfd, newfd);
				return ret_outcome(r, errno);
			});
		if (creates)
			sut.set_handle(h, o.ret >= 0 ? static_cast<int>(o.ret) : -1);
	}

private:
	int new_fd(const Sut &sut) const
	{
		switch (target_) {
		case handle:
			return sut.fd(FdArg{FdArg::live, t_});
		case slot:
			return sut.limits().slot_base + t_;
		case same:
			return sut.fd(old_);
		case huge:
			break;
		}
		return sut.limits().huge_fd;
	}
	std::string new_c(const Sut &sut) const
	{
		if (target_ == handle)
			return sut.c_fd(FdArg{FdArg::live, t_});
		if (target_ == same)
			return sut.c_fd(old_);
		return std::to_string(new_fd(sut));
	}
	std::string target_name() const
	{
		switch (target_) {
		case handle:
			return fmt::format("h{}", t_);
		case slot:
			return fmt::format("slot {}", t_);
		case same:
			return fdarg_name(old_);
		case huge:
			break;
		}
		return "RLIMIT_NOFILE+";
	}
	FdArg old_;
	Target target_;
	int t_;
};

class Poll : public DiffCommand {
public:
	explicit Poll(const ProgState &s)
	{
		const int n = *rc::gen::inRange(1, 7);

		for (int i = 0; i < n; ++i)
			fds_.push_back({gen_fd(s, true), gen_poll_mask()});
	}
	void checkPreconditions(const ProgState &s) const override
	{
		for (const auto &[a, ev] : fds_)
			RC_PRE(fdarg_valid(s, a));
	}
	void apply(ProgState &) const override {}
	void show(std::ostream &os) const override { os << label(); }

protected:
	void exec(const ProgState &, Sut &sut) const override
	{
		std::vector<pollfd> proto;
		std::string c;

		for (size_t i = 0; i < fds_.size(); ++i) {
			const auto &[a, ev] = fds_[i];

			proto.push_back(pollfd{sut.fd(a), ev, 0});
			c += fmt::format("pf[{}].fd = {}; pf[{}].events = (short){:#x}; pf[{}].revents = 0; ",
					 i, sut.c_fd(a), i, static_cast<unsigned short>(ev), i);
		}
		c += fmt::format("r = poll(pf, {}, 0); e = errno; put_poll(r, e, pf, {});", fds_.size(),
				 fds_.size());
		sut.step(label(), c, [&](auto &k) {
			std::vector<pollfd> p = proto;
			errno = 0;
			long r = k.poll(p.data(), p.size(), 0);
			int e = errno;
			return Outcome{r, e, fmt_poll(r, e, p.data(), p.size())};
		});
	}

private:
	std::string label() const
	{
		std::string s = "poll([";

		for (size_t i = 0; i < fds_.size(); ++i)
			s += fmt::format("{}{{{}, {}}}", i ? ", " : "", fdarg_name(fds_[i].first),
					 poll_mask_name(fds_[i].second));
		return s + fmt::format("], {}, 0)", fds_.size());
	}
	std::vector<std::pair<FdArg, short>> fds_;
};

// select() over three random sets; an empty set is passed as NULL or as an
// empty set.  nfds is one past the highest fd plus a random extra, or -1.
class Select : public DiffCommand {
public:
	explicit Select(const ProgState &s)
	{
		for (auto *set : {&r_, &w_, &e_}) {
			const int n = *rc::gen::weightedElement<int>({{3, 0}, {4, 1}, {3, 2}, {2, 4}});

			for (int i = 0; i < n; ++i)
				set->push_back(gen_fd(s, true));
		}
		null_empty_ = *rc::gen::inRange(0, 2) == 1;
		extra_ = *rc::gen::weightedElement<int>({{12, 0}, {3, 1}, {2, 7}, {1, -1000}});
	}
	void checkPreconditions(const ProgState &s) const override
	{
		for (const auto *set : {&r_, &w_, &e_})
			for (const FdArg &a : *set)
				RC_PRE(fdarg_valid(s, a));
	}
	void apply(ProgState &) const override {}
	void show(std::ostream &os) const override
	{
		os << "select(" << set_name(r_) << ", " << set_name(w_) << ", " << set_name(e_)
		   << (extra_ < 0 ? ", nfds -1" : "") << ")";
	}

protected:
	void exec(const ProgState &, Sut &sut) const override;

private:
	// The fds of a set that select can name (0 <= fd < FD_SETSIZE).
	static std::vector<int> fds_of(const Sut &sut, const std::vector<FdArg> &set)
	{
		std::vector<int> out;

		for (const FdArg &a : set)
			if (sut.fd(a) >= 0 && sut.fd(a) < FD_SETSIZE)
				out.push_back(sut.fd(a));
		return out;
	}
	static std::string set_name(const std::vector<FdArg> &set)
	{
		std::string s = "{";

		for (size_t i = 0; i < set.size(); ++i)
			s += (i ? "," : "") + fdarg_name(set[i]);
		return s + "}";
	}
	std::string c_set(const Sut &sut, const char *name, const std::vector<FdArg> &set) const
	{
		std::string s = fmt::format("FD_ZERO(&{}); ", name);

		for (const FdArg &a : set)
			if (sut.fd(a) >= 0 && sut.fd(a) < FD_SETSIZE)
				s += fmt::format("FD_SET({}, &{}); ", sut.c_fd(a), name);
		return s;
	}
	std::vector<FdArg> r_, w_, e_;
	bool null_empty_;
	int extra_;
};

void Select::exec(const ProgState &, Sut &sut) const
{
	const std::vector<int> r = fds_of(sut, r_), w = fds_of(sut, w_), e = fds_of(sut, e_);
	int nfds = 0;

	for (const auto *set : {&r, &w, &e})
		for (int fd : *set)
			nfds = std::max(nfds, fd + 1);
	nfds = extra_ < 0 ? -1 : std::min(nfds + extra_, FD_SETSIZE);
	const bool nr = null_empty_ && r.empty(), nw = null_empty_ && w.empty(),
		   ne = null_empty_ && e.empty();
	std::string c = c_set(sut, "rs", r_) + c_set(sut, "ws", w_) + c_set(sut, "es", e_);
	c += fmt::format("tv.tv_sec = 0; tv.tv_usec = 0; r = select({}, {}, {}, {}, &tv); e = errno; "
			 "put_select(r, e, {}, {}, {}, {}, &tv);",
			 nfds, nr ? "NULL" : "&rs", nw ? "NULL" : "&ws", ne ? "NULL" : "&es", nfds,
			 nr ? "NULL" : "&rs", nw ? "NULL" : "&ws", ne ? "NULL" : "&es");
	std::ostringstream os;
	show(os);
	sut.step(os.str(), c, [&](auto &k) {
		fd_set sets[3];
		const std::vector<int> *src[3] = {&r, &w, &e};
		for (int i = 0; i < 3; ++i) {
			FD_ZERO(&sets[i]);
			for (int fd : *src[i])
				FD_SET(fd, &sets[i]);
		}
		fd_set *rs = nr ? nullptr : &sets[0], *ws = nw ? nullptr : &sets[1],
		       *es = ne ? nullptr : &sets[2];
		timeval tv{0, 0};
		errno = 0;
		long ret = k.select(nfds, rs, ws, es, &tv);
		int err = errno;
		return Outcome{ret, err, fmt_select(ret, err, nfds, rs, ws, es, &tv)};
	});
}

class Fdinfo : public DiffCommand {
public:
	explicit Fdinfo(const ProgState &s) : fd_(gen_fd_prefer(s, {Kind::epoll}, 60, true)) {}
	void checkPreconditions(const ProgState &s) const override { RC_PRE(fdarg_valid(s, fd_)); }
	void apply(ProgState &) const override {}
	void show(std::ostream &os) const override { os << "fdinfo(" << fdarg_name(fd_) << ")"; }

protected:
	void exec(const ProgState &, Sut &sut) const override
	{
		const int fd = sut.fd(fd_);

		sut.step(fmt::format("fdinfo({})", fdarg_name(fd_)),
			 fmt::format("put_fdinfo({});", sut.c_fd(fd_)), [&](auto &k) {
				 errno = 0;
				 std::string text = k.fdinfo(fd);
				 int e = errno;
				 return Outcome{text.empty() ? -1 : 0, e, fmt_fdinfo(text, e)};
			 });
	}

private:
	FdArg fd_;
};

} // namespace

rc::Gen<CommandPtr> gen_close(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<Close>()(s);
}

rc::Gen<CommandPtr> gen_dup(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<Dup>()(s);
}

rc::Gen<CommandPtr> gen_dup2(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<Dup2>()(s);
}

rc::Gen<CommandPtr> gen_poll(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<Poll>()(s);
}

rc::Gen<CommandPtr> gen_select(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<Select>()(s);
}

rc::Gen<CommandPtr> gen_fdinfo(const ProgState &s)
{
	return rc::state::gen::execOneOfWithArgs<Fdinfo>()(s);
}

} // namespace epsim::diff
