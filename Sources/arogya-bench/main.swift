import ArgumentParser
import CPseudoTerminal

// A line at a time, so that figures already printed survive a run that is stopped.
arogya_line_buffered_stdout()
ArogyaBench.main()
