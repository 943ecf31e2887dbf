/* Shared by servers/fs's files: constants of the Linux ABI and internal helpers. */
#ifndef KAGE_SERVERS_FS_FS_IMPL_H
#define KAGE_SERVERS_FS_FS_IMPL_H

#include "servers/fs/fs.h"

#define FS_S_IFMT 0170000
#define FS_S_IFDIR 0040000
#define FS_S_IFREG 0100000
#define FS_S_IFCHR 0020000
#define FS_S_IFLNK 0120000

#define FS_O_ACCMODE 3
#define FS_O_RDONLY 0
#define FS_O_WRONLY 1
#define FS_O_RDWR 2
#define FS_O_CREAT 0100
#define FS_O_TRUNC 01000
#define FS_O_APPEND 02000
#define FS_O_DIRECTORY 0200000
#define FS_O_CLOEXEC 02000000

extern struct fs_file fs_files[FS_FILES];
extern struct fs_node *fs_root, *fs_console;

/* Resolves path from `at` (absolute paths from the root); create_dirs makes missing parents. */
struct fs_node *fs_walk(struct fs_node *at, const char *path, int create_dirs);
struct fs_file *fs_file_new(struct fs_node *n, uint32_t flags);
int fs_fd_close(struct fs_fdtable *t, uint64_t fd);

#endif
