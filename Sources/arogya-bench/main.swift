import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

// A line at a time, so that figures already printed survive a run that is stopped.
setvbuf(stdout, nil, _IOLBF, 0)
ArogyaBench.main()
