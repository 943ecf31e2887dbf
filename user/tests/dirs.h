/*
 * Small directory helpers shared by kage's Linux test programs.  Each test
 * is one static binary built from one .c file, so the helpers are static
 * functions in a header rather than a library.
 */
#ifndef KAGE_USER_TESTS_DIRS_H
#define KAGE_USER_TESTS_DIRS_H

#include <dirent.h>
#include <string.h>

/* 1 if the directory `dir` lists an entry called `name`, 0 if not or if
 * the directory cannot be opened. */
static inline int has_entry(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	for (e = readdir(d); e; e = readdir(d))
		found |= strcmp(e->d_name, name) == 0;
	closedir(d);
	return found;
}

/* The d_type readdir gives `name` in `dir`, or -1. */
static inline int entry_type(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int type = -1;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, name) == 0)
			type = e->d_type;
	if (d)
		closedir(d);
	return type;
}

#endif
