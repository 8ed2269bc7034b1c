// SPDX-License-Identifier: GPL-2.0-only
//
// The lockstep runner of the differential and property suites (sut.h).
#include "tests/diff/sut.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>
#include <rapidcheck.h>

#include <algorithm>

#include "tests/diff/model_invariants.h"

namespace epsim::diff {

// Fds probed for the mirror; every fd a differential program names is below.
static constexpr int MIRROR_FDS = 1024;

static unsigned long host_rlimit_nofile()
{
	rlimit rl{};

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return 1u << 20;
	return static_cast<unsigned long>(rl.rlim_cur);
}

static SimConfig sim_config(const Limits &lim)
{
	SimConfig c;

	c.rlimit_nofile = lim.host ? static_cast<unsigned>(host_rlimit_nofile()) : 1u << 20;
	if (lim.max_user_watches)
		c.max_user_watches = lim.max_user_watches;
	return c;
}

Sut::Sut(const Limits &lim)
	: lim_(lim), sim_(sim_config(lim)), rlimit_nofile_(sim_config(lim).rlimit_nofile)
{
	if (lim.host) {
		host_ = std::make_unique<HostKernel>();
		mirror_host_fd_table();
	}
}

Sut::~Sut() = default;

// Gives the model the test process's open fds (as /dev/null) and the host
// any of 0-2 it lacks, then grows both fd tables to MIRROR_FDS slots.
void Sut::mirror_host_fd_table()
{
	for (int fd = 0; fd < 3; ++fd) {
		if (::fcntl(fd, F_GETFD) != -1)
			continue;
		int x = host_->open("/dev/null", O_RDWR);
		if (x != fd) {
			host_->dup2(x, fd);
			host_->close(x);
		}
	}
	for (int fd = 3; fd < MIRROR_FDS; ++fd) {
		if (::fcntl(fd, F_GETFD) != -1) {
			busy_.push_back(fd);
			sim_.dup2(0, fd);
		}
	}
	grow_to_ = MIRROR_FDS - 1;
	if (::fcntl(grow_to_, F_GETFD) == -1) {
		host_->dup2(0, grow_to_);
		host_->close(grow_to_);
	}
	sim_.dup2(0, grow_to_);
	sim_.close(grow_to_);
}

int Sut::fd(const FdArg &a) const
{
	size_t h = static_cast<size_t>(a.v);

	switch (a.mode) {
	case FdArg::live:
		return h < fd_.size() && fd_[h] >= 0 ? fd_[h] : lim_.dead_fd;
	case FdArg::stale:
		if (h < fd_.size() && fd_[h] >= 0)
			return fd_[h];
		return h < last_fd_.size() && last_fd_[h] >= 0 ? last_fd_[h] : lim_.dead_fd;
	case FdArg::raw:
		break;
	}
	return a.v;
}

std::string Sut::c_fd(const FdArg &a) const
{
	size_t h = static_cast<size_t>(a.v);

	if (a.mode != FdArg::raw && h < fd_.size() && fd_[h] >= 0)
		return fmt::format("h[{}]", a.v);
	if (a.mode == FdArg::raw)
		return std::to_string(a.v);
	return fmt::format("{} /* {} */", fd(a), fdarg_name(a));
}

void Sut::set_handle(int h, int fd)
{
	if (h != static_cast<int>(fd_.size()))
		fail(fmt::format("handle h{} created out of order (expected h{})", h, fd_.size()));
	fd_.push_back(fd < 0 ? -1 : fd);
	last_fd_.push_back(fd < 0 ? -1 : fd);
	if (fd >= 0)
		max_open_ = std::max(max_open_, ++open_);
}

void Sut::handle_closed(int h)
{
	if (h >= 0 && h < static_cast<int>(fd_.size()) && fd_[static_cast<size_t>(h)] >= 0) {
		fd_[static_cast<size_t>(h)] = -1;
		--open_;
	}
}

int Sut::handle_fd(int h) const
{
	return h >= 0 && h < static_cast<int>(fd_.size()) ? fd_[static_cast<size_t>(h)] : -1;
}

// verify() and the independent invariant walk; "" when both hold.
std::string Sut::model_problems(bool verify)
{
	if (!verify)
		return {};
	try {
		sim_.verify();
	} catch (const std::exception &ex) {
		return std::string("SimKernel::verify() failed: ") + ex.what();
	}
	std::string err = model_invariant_problem(sim_);
	return err.empty() ? err : "model invariant broken: " + err;
}

void Sut::end_command()
{
	++commands_;
	if (lim_.verify_each_step)
		return;
	std::string problem = model_problems(true);
	if (!problem.empty())
		fail(fmt::format("after step {} ({}): {}", transcript_.size(),
				 transcript_.empty() ? "" : transcript_.back().label, problem));
}

void Sut::fail(const std::string &what)
{
	last_error_ = what;
	RC_FAIL(what);
}

void Sut::compare(const std::string &label, const std::string &c_code, const Outcome &model,
		  const std::string &problem, const Outcome *host)
{
	transcript_.push_back(TranscriptEntry{label, c_code, model.text, host ? host->text : ""});
	if (!problem.empty())
		fail(fmt::format("step {}: {}\n  {}\n  model:  {}{}", transcript_.size(), label,
				 problem, model.text,
				 host ? "\n  kernel: " + host->text : std::string()));
	if (host && host->text != model.text)
		fail(fmt::format("step {}: {}\n  kernel:    {}\n  SimKernel: {}", transcript_.size(),
				 label, host->text, model.text));
}

void Sut::finish(const ProgState &)
{
	for (size_t h = 0; h < fd_.size(); ++h) {
		int fd = fd_[h];

		if (fd < 0)
			continue;
		step(fmt::format("close(h{})  [end of program]", h),
		     fmt::format("r = close(h[{}]); e = errno; put_ret(r, e);", h), [&](auto &k) {
			     errno = 0;
			     long r = k.close(fd);
			     return ret_outcome(r, errno);
		     });
		fd_[h] = -1;
	}
	std::string leak = model_leak_problem(sim_);
	if (!leak.empty())
		fail("model leaked after every program fd was closed: " + leak);
}

ReproHeader Sut::repro_header() const
{
	ReproHeader hdr;

	hdr.busy_fds = busy_;
	hdr.grow_fd_table_to = grow_to_;
	hdr.rlimit_nofile = rlimit_nofile_;
	hdr.nr_handles = static_cast<int>(fd_.size());
	hdr.host = host_ != nullptr;
	return hdr;
}

} // namespace epsim::diff
