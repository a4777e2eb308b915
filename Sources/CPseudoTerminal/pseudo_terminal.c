#define _GNU_SOURCE
#include "CPseudoTerminal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int arogya_open_pty(char *name, size_t name_length, unsigned short rows, unsigned short columns) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0) return -1;
    if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name, name_length) != 0) {
        close(master);
        return -1;
    }
    struct winsize size = { .ws_row = rows, .ws_col = columns };
    ioctl(master, TIOCSWINSZ, &size);
    return master;
}

void arogya_line_buffered_stdout(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Set before `main` runs: the benchmark's entry is argument-parser's asynchronous one (`@main`), which has
 * no place for a first statement of ours. */
__attribute__((constructor)) static void arogya_line_buffered_at_start(void) {
    arogya_line_buffered_stdout();
}
