/*
 * The console as a terminal, driven by tests/system/test_terminal.py:
 * Linux's termios defaults, the foreground process group (and /dev/tty,
 * which needs one), poll on the
 * console, raw mode (a key without Enter and without echo), canonical
 * mode again, a line typed with echo off, and a reader killed while it
 * waits, which must leave the next line to the next reader. Each prompt
 * says what the test types next.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#define CHECK_NAME "terminal"
#include "user/tests/check.h"

/* One read of the console, without its newline. */
static long line(char *buf, size_t max)
{
	long n = read(0, buf, max - 1);

	buf[n > 0 ? n : 0] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return n;
}

static void check_defaults(const struct termios *t)
{
	say("defaults are a serial console's",
	    (t->c_lflag & (ICANON | ECHO | ECHOE | ISIG | IEXTEN)) == (ICANON | ECHO | ECHOE | ISIG | IEXTEN) &&
		    (t->c_iflag & ICRNL) && (t->c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR) &&
		    (t->c_cflag & CSIZE) == CS8 && cfgetospeed(t) == B115200 && t->c_cc[VINTR] == 3 &&
		    t->c_cc[VERASE] == 127 && t->c_cc[VEOF] == 4 && t->c_cc[VMIN] == 1);
}

static void check_groups(void)
{
	int fd[2], pgrp = 0;

	int tty;

	errno = 0;
	say("no foreground group at first (ENOTTY)", tcgetpgrp(0) == -1 && errno == ENOTTY);
	errno = 0;
	say("without a controlling terminal /dev/tty is ENXIO", open("/dev/tty", O_RDWR) == -1 && errno == ENXIO);
	say("TIOCSPGRP then TIOCGPGRP gives the group back",
	    tcsetpgrp(0, getpid()) == 0 && ioctl(0, TIOCGPGRP, &pgrp) == 0 && pgrp == getpid());
	tty = open("/dev/tty", O_RDWR);
	say("then /dev/tty is the console", tty >= 0 && isatty(tty) && tcgetpgrp(tty) == getpid() &&
						     write(tty, "", 0) == 0);
	close(tty);
	pipe(fd);
	errno = 0;
	say("a pipe is no terminal", !isatty(fd[0]) && errno == ENOTTY && ioctl(fd[0], TIOCGPGRP, &pgrp) == -1);
	close(fd[0]);
	close(fd[1]);
}

static void check_poll(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN | POLLOUT };
	char buf[64];
	int ok = poll(&p, 1, 0) == 1 && p.revents == POLLOUT;

	p.events = POLLIN;
	say("an idle console is writable, not readable", ok && poll(&p, 1, 300) == 0);
	printf("terminal: poll: type a line\n");
	p.revents = 0;
	ok = poll(&p, 1, -1) == 1 && p.revents == POLLIN;
	line(buf, sizeof(buf));
	printf("terminal: poll saw [%s] %s\n", buf, ok ? "ok" : "FAILED");
}

static void check_raw(struct termios t)
{
	int fl = fcntl(0, F_GETFL);
	char c = 0;

	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(0, TCSANOW, &t);
	say("a raw read with VMIN 0 returns at once", read(0, &c, 1) == 0);
	t.c_cc[VMIN] = 1;
	tcsetattr(0, TCSANOW, &t);
	fcntl(0, F_SETFL, fl | O_NONBLOCK);
	errno = 0;
	say("a non-blocking read of an empty console is EAGAIN", read(0, &c, 1) == -1 && errno == EAGAIN);
	fcntl(0, F_SETFL, fl);
	printf("terminal: raw: press a key\n");
	read(0, &c, 1);
	printf("terminal: raw read [%c]\n", c);
}

static void check_killed_reader(void)
{
	struct timespec t = { 0, 100000000 }, typed = { 1, 0 };
	char buf[64];
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		line(buf, sizeof(buf));
		printf("terminal: the killed reader read [%s]\n", buf);
		_exit(0);
	}
	nanosleep(&t, 0);	/* the child waits in its read by now */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	printf("terminal: orphaned: type a line\n");
	nanosleep(&typed, 0);	/* the line comes while nobody reads */
	line(buf, sizeof(buf));
	printf("terminal: the line after a killed reader is [%s] %s\n", buf,
	       WIFSIGNALED(status) && strcmp(buf, "left") == 0 ? "ok" : "FAILED");
}

int main(void)
{
	struct termios saved, t;
	char buf[64];

	setvbuf(stdout, NULL, _IONBF, 0);
	say("the console is a terminal", isatty(0) && tcgetattr(0, &saved) == 0);
	check_defaults(&saved);
	check_groups();
	check_poll();
	check_raw(saved);
	tcsetattr(0, TCSAFLUSH, &saved);
	printf("terminal: canonical: type a line\n");
	line(buf, sizeof(buf));
	printf("terminal: canonical read [%s]\n", buf);
	t = saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(0, TCSANOW, &t);
	printf("terminal: no echo: type a line\n");
	line(buf, sizeof(buf));
	tcsetattr(0, TCSANOW, &saved);
	printf("terminal: unechoed read [%s]\n", buf);
	check_killed_reader();
	return 0;
}
