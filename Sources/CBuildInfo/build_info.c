#include "CBuildInfo.h"

const char *arogya_build_date(void) { return __DATE__; }
