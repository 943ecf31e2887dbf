/*
 * glibc threads on kage: pthread_create and join, a mutex under
 * contention, a condition variable with a timeout, pthread_kill to one
 * thread, a thread's exit against exit_group, and tids; and what belongs
 * to the process rather than to one thread: the umask, the children any
 * thread may reap, the session a thread's setsid makes.
 * Each check prints "threads: NAME ok" or "threads: NAME FAILED".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static pid_t tids[THREADS];
static volatile pid_t handler_tid;
static int ready;

static void check(const char *name, int ok)
{
	printf("threads: %s %s\n", name, ok ? "ok" : "FAILED");
	fflush(stdout);
}

static void *adder(void *arg)
{
	long i = (long)arg;

	tids[i] = gettid();
	for (int r = 0; r < ROUNDS; r++) {
		pthread_mutex_lock(&lock);
		long v = counter;
		if (r % 64 == 0)
			sched_yield();	/* hold the lock across a switch now and then */
		counter = v + 1;
		pthread_mutex_unlock(&lock);
	}
	return (void *)(i + 100);
}

static void *waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!ready)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
	handler_tid = gettid();
}

static void *sleeper(void *arg)
{
	*(pid_t *)arg = gettid();
	for (int i = 0; i < 200 && !handler_tid; i++)
		usleep(5000);
	return NULL;
}

static void *exiting(void *arg)
{
	(void)arg;
	pthread_exit((void *)7);
}

static void *ender(void *arg)
{
	(void)arg;
	usleep(20000);
	exit(3);	/* exit_group: the whole process ends */
}

static void check_mutex_and_join(void)
{
	pthread_t t[THREADS];
	int joined = 0, distinct = 1;

	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, adder, (void *)i);
	for (long i = 0; i < THREADS; i++) {
		void *ret;

		if (pthread_join(t[i], &ret) == 0 && ret == (void *)(i + 100))
			joined++;
	}
	for (int i = 0; i < THREADS; i++)
		distinct &= tids[i] != getpid() && tids[i] > 0 && (i == 0 || tids[i] != tids[i - 1]);
	check("join returns each thread's value", joined == THREADS);
	check("every thread has its own tid", distinct);
	check("mutex: no increment lost", counter == (long)THREADS * ROUNDS);
}

static void check_condvar(void)
{
	pthread_t t;
	struct timespec ts;
	int r;

	pthread_create(&t, NULL, waiter, NULL);
	usleep(20000);
	pthread_mutex_lock(&lock);
	ready = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	check("condition variable wakes a waiter", pthread_join(t, NULL) == 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50000000;
	if (ts.tv_nsec >= 1000000000)
		ts.tv_sec++, ts.tv_nsec -= 1000000000;
	pthread_mutex_lock(&lock);
	r = pthread_cond_timedwait(&cond, &lock, &ts);
	pthread_mutex_unlock(&lock);
	check("timed wait times out", r == ETIMEDOUT);
}

static void check_signal_and_exit(void)
{
	pthread_t t;
	pid_t tid = 0, pid;
	void *ret;
	int status;

	signal(SIGUSR1, on_usr1);
	pthread_create(&t, NULL, sleeper, &tid);
	while (!tid)
		usleep(1000);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	check("pthread_kill runs the handler in that thread", handler_tid == tid);
	pthread_create(&t, NULL, exiting, NULL);
	check("pthread_exit ends only its thread", pthread_join(t, &ret) == 0 && ret == (void *)7);
	pid = fork();
	if (pid == 0) {
		pthread_create(&t, NULL, ender, NULL);
		for (;;)
			pause();
	}
	check("exit in a thread ends the whole process",
	      waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 3);
}

static void *set_umask(void *arg)
{
	umask((mode_t)(long)arg);
	return NULL;
}

static void *reap(void *arg)
{
	int status;
	pid_t pid = waitpid((pid_t)(long)arg, &status, 0);

	return (void *)(long)(pid == (pid_t)(long)arg && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void *new_session(void *arg)
{
	*(pid_t *)arg = setsid();
	return NULL;
}

/* The mode a new file and directory get under the umask another thread set. */
static int umask_applies(void)
{
	struct stat f, d;
	int ok;

	close(open("/tmp-umask-file", O_CREAT | O_WRONLY, 0666));
	mkdir("/tmp-umask-dir", 0777);
	ok = stat("/tmp-umask-file", &f) == 0 && (f.st_mode & 07777) == 0640 && stat("/tmp-umask-dir", &d) == 0 &&
	     (d.st_mode & 07777) == 0750;
	unlink("/tmp-umask-file");
	rmdir("/tmp-umask-dir");
	return ok;
}

static volatile pid_t usr2_tid;

static void on_usr2(int sig)
{
	(void)sig;
	usr2_tid = gettid();
}

/* Blocks SIGUSR2 and waits to be told to unblock it; its tid goes to *arg. */
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void *unblocker(void *arg)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	*(pid_t *)arg = gettid();
	pthread_mutex_lock(&gate);	/* held by main until the signal is pending */
	pthread_mutex_unlock(&gate);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	return NULL;
}

/*
 * A signal sent to the process while every thread blocks it waits for
 * the process; the first thread to unblock it takes it.
 */
static void check_shared_pending(void)
{
	pthread_t t;
	pid_t tid = 0;
	sigset_t set, pending;

	signal(SIGUSR2, on_usr2);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* the new thread inherits the mask */
	pthread_mutex_lock(&gate);
	pthread_create(&t, NULL, unblocker, &tid);
	kill(getpid(), SIGUSR2);
	sigpending(&pending);
	check("a process's signal every thread blocks is pending", sigismember(&pending, SIGUSR2) && !usr2_tid);
	pthread_mutex_unlock(&gate);
	pthread_join(t, NULL);
	check("the thread that unblocks it takes it", usr2_tid == tid && tid != gettid());
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static void *exec_exit0(void *arg)
{
	char *const args[] = { "exit0", NULL };

	(void)arg;
	execv("/bin/exit0", args);
	return NULL;
}

/* execve in a second thread: the other threads end, and the process runs on with its pid. */
static int exec_in_thread(void)
{
	pid_t pid = fork();
	pthread_t t;
	int status = -1;

	if (pid == 0) {
		pthread_create(&t, NULL, exec_exit0, NULL);
		for (;;)
			pause();	/* ended by the execve */
	}
	for (int i = 0; i < 500 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(10000);
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void check_process_state(void)
{
	pthread_t t;
	pid_t pid, sid = 0;
	void *ret;
	int status;

	pthread_create(&t, NULL, set_umask, (void *)027l);
	pthread_join(t, NULL);
	check("a thread sees the umask another thread set", umask(027) == 027);
	check("umask applies to new files and directories", umask_applies());
	umask(022);
	pid = fork();
	if (pid == 0)
		_exit(5);
	pthread_create(&t, NULL, reap, (void *)(long)pid);
	check("a thread reaps a child another thread forked", pthread_join(t, &ret) == 0 && ret == (void *)5l);
	pid = fork();
	if (pid == 0) {
		pthread_create(&t, NULL, new_session, &sid);
		pthread_join(t, NULL);
		_exit(sid == getpid() && getsid(0) == getpid() && getpgid(0) == getpid() ? 0 : 1);
	}
	check("setsid in a second thread: the session is the pid",
	      waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	check_mutex_and_join();
	check_condvar();
	check_signal_and_exit();
	check_process_state();
	check_shared_pending();
	check("execve in a second thread: the process runs the program with its pid", exec_in_thread());
	printf("threads: done\n");
	return 0;
}
