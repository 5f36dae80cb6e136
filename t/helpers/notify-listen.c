/* SPDX-License-Identifier: Apache-2.0 */
/* notify-listen - stands in for systemd's notify socket in tests.
 *
 *   notify-listen PATH SECONDS
 *
 * Binds a datagram socket at PATH and prints every message it receives on
 * one line (newlines inside a message become ';'), until SECONDS pass. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char buf[4096];
	time_t until;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: notify-listen PATH SECONDS\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("notify-listen");
		return 1;
	}
	until = time(NULL) + atoi(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (time(NULL) < until) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			continue;
		buf[n] = '\0';
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = ';';
		printf("%s\n", buf);
	}
	unlink(argv[1]);
	return 0;
}
