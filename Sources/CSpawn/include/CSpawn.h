#ifndef AROGYA_SPAWN_H
#define AROGYA_SPAWN_H

#include <sys/types.h>

/* Starts `path` (searched in PATH when it has no slash) with the given standard descriptors and nothing
 * else open: every descriptor above 2 is closed in the child. Foundation's Process leaves one of its own
 * sockets open in the child, and a program that daemonizes (tmux's server) then holds it for ever, so
 * that waiting for the program never ends. Returns 0 and the child's pid, or an errno value. */
int arogya_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                 int standard_input, int standard_output, int standard_error);

/* A pipe whose ends close on exec, so that no other program started meanwhile inherits them. */
int arogya_pipe(int ends[2]);

#endif
