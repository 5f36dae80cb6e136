/* SPDX-License-Identifier: Apache-2.0 */
/* task_procs.c - the master's children that are not workers: task
 * runners (task_procs.h). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "task_procs.h"

/* The parent pid in /proc/PID/stat: "pid (comm) state ppid ...", where
 * comm may hold spaces and parentheses, so parse after the last ')'. */
static pid_t parent_of(const char *pid)
{
	char path[300], line[512];
	const char *close;
	long ppid;
	FILE *stat;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	stat = fopen(path, "r");
	if (!stat)
		return -1;
	if (!fgets(line, sizeof(line), stat)) {
		fclose(stat);
		return -1;
	}
	fclose(stat);
	close = strrchr(line, ')');
	if (!close || sscanf(close + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

/* Is the process's name (/proc/PID/comm) name? */
static int named(const char *pid, const char *name)
{
	char path[300], comm[32] = "";
	FILE *file;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	file = fopen(path, "r");
	if (!file)
		return 0;
	if (!fgets(comm, sizeof(comm), file))
		comm[0] = '\0';
	fclose(file);
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, name) == 0;
}

int task_procs_signal(const char *name, int sig)
{
	pid_t self = getpid();
	struct dirent *entry;
	int count = 0;
	DIR *proc = opendir("/proc");

	if (!proc)
		return -errno;
	while ((entry = readdir(proc)) != NULL) {
		if (!isdigit((unsigned char)entry->d_name[0]))
			continue;
		if (parent_of(entry->d_name) == self && named(entry->d_name, name) &&
		    kill((pid_t)atol(entry->d_name), sig) == 0)
			count++;
	}
	closedir(proc);
	return count;
}

int task_procs_count(pid_t parent, const char *name)
{
	struct dirent *entry;
	int count = 0;
	DIR *proc = opendir("/proc");

	if (!proc)
		return -errno;
	while ((entry = readdir(proc)) != NULL)
		if (isdigit((unsigned char)entry->d_name[0]) && parent_of(entry->d_name) == parent &&
		    named(entry->d_name, name))
			count++;
	closedir(proc);
	return count;
}

int task_procs_remain(void)
{
	/* WNOWAIT: look, but leave the reaping to the master's SIGCHLD path. */
	siginfo_t info = {0};

	return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}
