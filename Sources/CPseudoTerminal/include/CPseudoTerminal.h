#ifndef AROGYA_PSEUDO_TERMINAL_H
#define AROGYA_PSEUDO_TERMINAL_H

#include <stddef.h>

/* Opens a pseudo-terminal pair sized rows×columns: returns the master descriptor and writes the slave's
 * path into `name`, or returns -1 (errno set). For the benchmark, which drives arogya as a terminal would. */
int arogya_open_pty(char *name, size_t name_length, unsigned short rows, unsigned short columns);

#endif
