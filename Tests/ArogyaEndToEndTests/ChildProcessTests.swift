import ArogyaTesting
import Foundation
import Testing

/// The runner every end-to-end test starts programs with: it must never hang the test run.
@Suite("Running other programs")
struct ChildProcessTests {
    @Test("Given input, when a program reads it and prints to both streams, then each stream and the status come back")
    func streamsAndStatus() throws {
        let result = try ChildProcess.run("sh", ["-c", "cat; echo oops >&2; exit 3"], stdin: "प्रिया\n")
        #expect(result.stdout == "प्रिया\n")
        #expect(result.stderr == "oops\n")
        #expect(result.status == 3)
    }

    @Test("Given a program that leaves a daemon behind with its streams closed, when run, then the wait ends with the program")
    func daemonDoesNotHoldTheWait() throws {
        // tmux starts its server this way; a descriptor of ours left in the daemon would hold us for 30 s.
        let result = try ChildProcess.run("sh", ["-c", "(exec 0<&- 1>&- 2>&-; sleep 30) & echo started"], timeout: 10)
        #expect(result.stdout == "started\n")
        #expect(result.status == 0)
    }

    @Test("Given a program that never ends, when its time runs out, then it is killed and the error says what it printed")
    func timeout() throws {
        #expect {
            try ChildProcess.run("sh", ["-c", "echo waiting; exec sleep 30"], timeout: 0.5)
        } throws: { error in
            guard case ChildProcess.SpawnError.timedOut(_, _, let output) = error else { return false }
            return output == "waiting\n"
        }
    }

    @Test("Given a program killed by a signal, when waited for, then the status is 128 plus the signal, as a shell says")
    func killedBySignal() throws {
        let result = try ChildProcess.run("sh", ["-c", "kill -9 $$"])
        #expect(result.status == 128 + 9)
    }

    @Test("Given a program that does not exist, when run, then it cannot start and says which")
    func missingProgram() {
        #expect(throws: ChildProcess.SpawnError.self) {
            try ChildProcess.run("/nonexistent/arogya-nothing", [])
        }
    }
}
