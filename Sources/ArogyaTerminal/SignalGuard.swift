#if canImport(Glibc)
import Glibc
#endif

/// Signals, handled the way a terminal program must.
///
/// SIGTERM, SIGHUP, SIGINT and SIGQUIT only set a flag and wake the event loop through a pipe, so the
/// program leaves through its normal path: screens closed, database closed, terminal restored. A crash
/// (SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE) cannot take that path, so its handler restores the
/// terminal with async-signal-safe calls only (the saved termios and pre-computed reset bytes), prints
/// one line, and lets the signal end the process.
enum SignalGuard {
    nonisolated(unsafe) private static var wakeDescriptor: Int32 = -1
    nonisolated(unsafe) private static var receivedSignal: Int32 = 0
    nonisolated(unsafe) private static var savedTermios = termios()
    nonisolated(unsafe) private static var haveTermios = false
    /// Bytes that leave the alternate screen, show the cursor, reset attributes and stop bracketed paste.
    nonisolated(unsafe) private static var resetBytes: UnsafeMutablePointer<UInt8>?
    nonisolated(unsafe) private static var resetLength = 0

    static let terminating: [Int32] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT]
    static let crashes: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    /// The signal that asked the program to end, if any.
    static var pendingSignal: Int32? { receivedSignal == 0 ? nil : receivedSignal }

    /// Remembers the terminal's mode as the shell left it. Call before curses changes it.
    static func saveTerminalMode(descriptor: Int32) {
        haveTermios = tcgetattr(descriptor, &savedTermios) == 0
    }

    static func install(wakeDescriptor descriptor: Int32, resetSequence: [UInt8]) {
        wakeDescriptor = descriptor
        resetBytes?.deallocate()
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, resetSequence.count))
        bytes.initialize(from: resetSequence, count: resetSequence.count)
        resetBytes = bytes
        resetLength = resetSequence.count
        for signal in terminating { setHandler(signal, handleTermination) }
        for signal in crashes { setHandler(signal, handleCrash) }
        // A write to a terminal that has gone away must not kill us before we restore and exit.
        Glibc.signal(SIGPIPE, SIG_IGN)
    }

    /// Puts back the default handlers (after the terminal is restored).
    static func uninstall() {
        for signal in terminating + crashes { Glibc.signal(signal, SIG_DFL) }
        wakeDescriptor = -1
    }

    private static func setHandler(_ signal: Int32, _ handler: @escaping @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(signal, &action, nil)
    }

    private static let handleTermination: @convention(c) (Int32) -> Void = { signal in
        SignalGuard.receivedSignal = signal
        var byte: UInt8 = 1
        if SignalGuard.wakeDescriptor >= 0 { _ = write(SignalGuard.wakeDescriptor, &byte, 1) }
    }

    private static let handleCrash: @convention(c) (Int32) -> Void = { signal in
        if SignalGuard.haveTermios { tcsetattr(STDIN_FILENO, TCSANOW, &SignalGuard.savedTermios) }
        if let bytes = SignalGuard.resetBytes { _ = write(STDOUT_FILENO, bytes, SignalGuard.resetLength) }
        let message: StaticString = "arogya: internal error; the terminal was restored. Nothing saved before this moment is lost.\n"
        _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
        Glibc.signal(signal, SIG_DFL)
        raise(signal)
    }
}
