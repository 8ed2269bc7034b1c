// SPDX-License-Identifier: GPL-2.0-only
//
// Models fs/file.c: alloc_fd (lowest free descriptor at or above a start,
// bounded by RLIMIT_NOFILE), fd_install, close_fd, dup (ksys_dup), dup2
// (do_dup2: EBADF for a bad oldfd, same fd returns it unchanged, the old
// file in newfd is closed after the new one is installed) and the per-fd
// close-on-exec bit.
#include "kernel_model/fdtable.h"

#include <string>

#include "kernel_model/invariant.h"

namespace epsim::kern {

// Linux: fs/file.c alloc_fd.  The bound is the number of slots ever used
// plus one, so the scan is O(1) amortised for sequential allocation.
int alloc_fd(files_struct *files, unsigned start)
{
	unsigned fd = start < files->next_fd ? files->next_fd : start;

	while (fd < files->fd.size() && files->fd[fd] != nullptr)
		++fd;
	if (fd >= files->rlimit_nofile)
		return -EMFILE;
	if (fd >= files->fd.size()) {
		files->fd.resize(fd + 1, nullptr);
		files->close_on_exec.resize(fd + 1, false);
	}
	if (start <= files->next_fd)
		files->next_fd = fd + 1;
	return static_cast<int>(fd);
}

void fd_install(files_struct *files, int fd, file *f, bool cloexec)
{
	files->fd[static_cast<size_t>(fd)] = f;
	files->close_on_exec[static_cast<size_t>(fd)] = cloexec;
}

int install_new_fd(files_struct *files, file *f, bool cloexec)
{
	int fd = alloc_fd(files, 0);

	if (fd < 0) {
		fput(f);
		return fd;
	}
	fd_install(files, fd, f, cloexec);
	return fd;
}

// Empties slot fd and returns its file (still referenced), or nullptr.
static file *pick_file(files_struct *files, int fd)
{
	file *f = fdget(files, fd);

	if (!f)
		return nullptr;
	files->fd[static_cast<size_t>(fd)] = nullptr;
	files->close_on_exec[static_cast<size_t>(fd)] = false;
	if (static_cast<unsigned>(fd) < files->next_fd)
		files->next_fd = static_cast<unsigned>(fd);
	return f;
}

// Linux: fs/file.c close_fd
int close_fd(files_struct *files, int fd)
{
	file *f = pick_file(files, fd);

	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

// Linux: fs/file.c ksys_dup
int do_dup(files_struct *files, int oldfd)
{
	file *f = fdget(files, oldfd);
	int fd;

	if (!f)
		return -EBADF;
	fd = alloc_fd(files, 0);
	if (fd < 0)
		return fd;
	get_file(f);
	fd_install(files, fd, f);
	return fd;
}

// Linux: fs/file.c ksys_dup3 / do_dup2 (dup2 semantics: oldfd == newfd is a
// validity check only; the new slot never has close-on-exec).
int do_dup2(files_struct *files, int oldfd, int newfd)
{
	file *f = fdget(files, oldfd);
	file *old;

	if (!f)
		return -EBADF;
	if (newfd < 0 || static_cast<unsigned>(newfd) >= files->rlimit_nofile)
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	if (static_cast<size_t>(newfd) >= files->fd.size()) {
		files->fd.resize(static_cast<size_t>(newfd) + 1, nullptr);
		files->close_on_exec.resize(static_cast<size_t>(newfd) + 1, false);
	}
	old = files->fd[static_cast<size_t>(newfd)];
	get_file(f);
	fd_install(files, newfd, f);
	if (old)
		fput(old);
	if (files->next_fd == static_cast<unsigned>(newfd))
		files->next_fd = static_cast<unsigned>(newfd) + 1;
	return newfd;
}

void close_files(files_struct *files)
{
	for (size_t fd = files->fd.size(); fd-- > 0;)
		close_fd(files, static_cast<int>(fd));
}

unsigned files_max_fds(const files_struct *files)
{
	size_t n = files->fd.size();

	while (n > 0 && files->fd[n - 1] == nullptr)
		--n;
	return static_cast<unsigned>(n);
}

void files_verify(const files_struct *files)
{
	for (size_t fd = 0; fd < files->fd.size(); ++fd) {
		const file *f = files->fd[fd];

		if (f)
			check_invariant(f->f_count >= 1, "FD1", [&] {
				return "fd " + std::to_string(fd) + " has f_count " +
				       std::to_string(f->f_count) + ", expected >= 1";
			});
		else
			check_invariant(fd >= files->next_fd, "FD2", [&] {
				return "next_fd is " + std::to_string(files->next_fd) + " but fd " +
				       std::to_string(fd) + " is free";
			});
	}
}

} // namespace epsim::kern
