// SPDX-License-Identifier: GPL-2.0-only
//
// Facade tests for divergences the differential suite (tests/diff/) found
// between SimKernel and Linux, one test per fix, each the shrunk
// counterexample written out by hand.
#include "tests/facade/backends.h"

#include <fcntl.h>

namespace epsim::test {
namespace {

template <class K> class DiffRegression : public Facade<K> {
protected:
	// The "flags:" line of /proc/self/fdinfo/<fd>.
	std::string flags_line(int fd)
	{
		std::string text = this->k.fdinfo(fd);
		size_t at = text.find("flags:");

		return at == std::string::npos ? "" : text.substr(at, text.find('\n', at) - at);
	}
};
TYPED_TEST_SUITE(DiffRegression, Backends, BackendNames);

// Counterexample: epoll_create1(EPOLL_CLOEXEC); dup(h0); fdinfo(h1).  The
// close-on-exec flag belongs to the fd, not to the file (anon_inode_getfile
// keeps only O_ACCMODE and O_NONBLOCK), so the dup shows plain O_RDWR while
// the original fd shows O_CLOEXEC.  The model used to store O_CLOEXEC in
// the epoll file's f_flags.
TYPED_TEST(DiffRegression, DupOfCloexecEpollShowsNoCloexecInFdinfo)
{
	int ep = this->k.epoll_create1(EPOLL_CLOEXEC);
	int dup = this->k.dup(ep);

	ASSERT_GE(dup, 0);
	EXPECT_EQ(this->flags_line(ep), "flags:\t02000002");
	EXPECT_EQ(this->flags_line(dup), "flags:\t02");
}

// The same rule for every other file with a close-on-exec creation flag.
TYPED_TEST(DiffRegression, DupOfCloexecDevicesShowsNoCloexecInFdinfo)
{
	int p[2], sv[2];
	int efd = this->k.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ASSERT_EQ(this->k.pipe2(p, O_CLOEXEC), 0);
	ASSERT_EQ(this->k.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	EXPECT_EQ(this->flags_line(this->k.dup(efd)), "flags:\t04002");
	EXPECT_EQ(this->flags_line(this->k.dup(p[0])), "flags:\t00");
	EXPECT_EQ(this->flags_line(this->k.dup(p[1])), "flags:\t01");
	EXPECT_EQ(this->flags_line(this->k.dup(sv[0])), "flags:\t02");
}

} // namespace
} // namespace epsim::test
