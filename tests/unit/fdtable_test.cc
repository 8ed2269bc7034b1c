// SPDX-License-Identifier: GPL-2.0-only
//
// Unit tests of the fd table model (fs/file.c): lowest free fd, dup, dup2,
// close, RLIMIT_NOFILE, and files_verify.
#include <gtest/gtest.h>

#include <fcntl.h>

#include "kernel_model/invariant.h"
#include "sim/devnull.h"
#include "tests/unit/model_fixture.h"

namespace epsim::test {
namespace {

using namespace epsim::kern;

class FdTable : public ::testing::Test {
protected:
	Model m;

	int open_null() { return install_new_fd(&m.files, sim::devnull_open(&m.k, O_RDWR)); }
	void TearDown() override { files_verify(&m.files); }
};

TEST_F(FdTable, AllocatesTheLowestFreeDescriptor)
{
	EXPECT_EQ(open_null(), 0);
	EXPECT_EQ(open_null(), 1);
	EXPECT_EQ(open_null(), 2);
	EXPECT_EQ(close_fd(&m.files, 1), 0);
	EXPECT_EQ(open_null(), 1);
	EXPECT_EQ(open_null(), 3);
}

TEST_F(FdTable, CloseOfAFreeSlotIsEbadf)
{
	EXPECT_EQ(close_fd(&m.files, 0), -EBADF);
	EXPECT_EQ(close_fd(&m.files, -1), -EBADF);
	int fd = open_null();
	EXPECT_EQ(close_fd(&m.files, fd), 0);
	EXPECT_EQ(close_fd(&m.files, fd), -EBADF);
}

TEST_F(FdTable, DupSharesTheFileAndCountsReferences)
{
	int a = open_null();
	int b = do_dup(&m.files, a);

	EXPECT_EQ(b, 1);
	EXPECT_EQ(m.file_of(a), m.file_of(b));
	EXPECT_EQ(m.file_of(a)->f_count, 2);
	EXPECT_EQ(close_fd(&m.files, a), 0);
	EXPECT_EQ(m.file_of(b)->f_count, 1);
	EXPECT_EQ(do_dup(&m.files, 7), -EBADF);
}

TEST_F(FdTable, Dup2ReplacesTheTargetAndKeepsTheSameFdCase)
{
	int a = open_null(), b = open_null();

	EXPECT_EQ(do_dup2(&m.files, a, a), a);
	EXPECT_EQ(m.file_of(a)->f_count, 1);
	EXPECT_EQ(do_dup2(&m.files, a, b), b);
	EXPECT_EQ(m.file_of(a), m.file_of(b));
	EXPECT_EQ(m.k.nr_files, 1);
	EXPECT_EQ(do_dup2(&m.files, a, 10), 10);
	EXPECT_EQ(open_null(), 2);
	EXPECT_EQ(do_dup2(&m.files, 5, 6), -EBADF);
	EXPECT_EQ(do_dup2(&m.files, a, -1), -EBADF);
}

TEST_F(FdTable, RlimitNofileBoundsAllocationWithEmfile)
{
	m.files.rlimit_nofile = 3;
	EXPECT_EQ(open_null(), 0);
	EXPECT_EQ(open_null(), 1);
	EXPECT_EQ(open_null(), 2);
	EXPECT_EQ(open_null(), -EMFILE);
	EXPECT_EQ(m.k.nr_files, 3);
	EXPECT_EQ(do_dup2(&m.files, 0, 3), -EBADF);
}

TEST_F(FdTable, FilesVerifyDetectsAStaleNextFdHint)
{
	open_null();
	open_null();
	close_fd(&m.files, 0);
	m.files.next_fd = 2;
	try {
		files_verify(&m.files);
		FAIL() << "files_verify accepted a free slot below next_fd";
	} catch (const invariant_violation &e) {
		EXPECT_EQ(e.id(), "FD2");
	}
	m.files.next_fd = 0;
}

} // namespace
} // namespace epsim::test
