#ifndef AROGYA_BUILD_INFO_H
#define AROGYA_BUILD_INFO_H

/* The compiler's __DATE__ ("Nov 22 2026") for this build: the clock must not be earlier than it. */
const char *arogya_build_date(void);

#endif
