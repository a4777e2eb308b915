#ifndef AROGYA_PSEUDO_TERMINAL_H
#define AROGYA_PSEUDO_TERMINAL_H

#include <stddef.h>

/* Opens a pseudo-terminal pair sized rows×columns: returns the master descriptor and writes the slave's
 * path into `name`, or returns -1 (errno set). For the benchmark, which drives arogya as a terminal would. */
int arogya_open_pty(char *name, size_t name_length, unsigned short rows, unsigned short columns);

/* Makes standard output line-buffered, so that figures already printed survive a benchmark that is
 * stopped. In C because Swift 6 refuses to touch the global `stdout` from Swift code. */
void arogya_line_buffered_stdout(void);

#endif
