// SPDX-License-Identifier: GPL-2.0-only
//
// Models a process's file descriptor table (fs/file.c: alloc_fd with the
// lowest-free-fd rule, fd_install, close_fd, dup, dup2 via do_dup2, fdget)
// and RLIMIT_NOFILE.  A slot holds one reference on its file; close drops
// it, and the last reference runs __fput (see file.h).
//
// Invariants (docs/invariants.md): FD1 every occupied slot's file has
// f_count >= 1; FD2 next_fd is no larger than the lowest free slot.
#pragma once

#include <vector>

#include "kernel_model/file.h"

namespace epsim::kern {

struct files_struct {
	std::vector<file *> fd;			// slot -> file, nullptr when free
	std::vector<bool> close_on_exec;	// FD_CLOEXEC per slot
	unsigned next_fd = 0;			// no free slot below this (hint)
	unsigned rlimit_nofile = 1024;		// RLIMIT_NOFILE soft limit
};

// Lowest free slot >= start, reserved by installing nullptr; -EMFILE when
// none is below rlimit_nofile.
int alloc_fd(files_struct *files, unsigned start);
// Puts f (whose reference the table takes over) in slot fd (from alloc_fd).
void fd_install(files_struct *files, int fd, file *f, bool cloexec = false);
// alloc_fd + fd_install; drops f's reference on failure.
int install_new_fd(files_struct *files, file *f, bool cloexec = false);
// Borrowed pointer to the file in slot fd, or nullptr (fdget without a ref).
// Inline: every system call starts with it.
inline file *fdget(const files_struct *files, int fd)
{
	auto slot = static_cast<size_t>(fd);	// a negative fd wraps past the end

	return slot < files->fd.size() ? files->fd[slot] : nullptr;
}
int close_fd(files_struct *files, int fd);
int do_dup(files_struct *files, int oldfd);
int do_dup2(files_struct *files, int oldfd, int newfd);
// Closes every slot (process exit).
void close_files(files_struct *files);
// Highest open fd + 1 (max_select_fd's bound).
unsigned files_max_fds(const files_struct *files);

void files_verify(const files_struct *files);

} // namespace epsim::kern
