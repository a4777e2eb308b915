#define _GNU_SOURCE
#include "CSpawn.h"

#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

int arogya_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                 int standard_input, int standard_output, int standard_error) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    posix_spawn_file_actions_adddup2(&actions, standard_input, 0);
    posix_spawn_file_actions_adddup2(&actions, standard_output, 1);
    posix_spawn_file_actions_adddup2(&actions, standard_error, 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    /* The child starts with default signal handling and nothing blocked, whatever the parent did. */
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    /* A session of its own: no controlling terminal, as under cron or a CI runner, so a program that would
       ask at the terminal (a PIN for --as) must take what it was given instead of waiting for a person. */
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    int result = posix_spawnp(pid, path, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return result;
}

int arogya_pipe(int ends[2]) { return pipe2(ends, O_CLOEXEC); }
