import Foundation

/// The floor a benchmark compares with: SQL run by the `sqlite3` command line with `.timer on`, each
/// statement's CPU time (user + system, which the shell shows in microseconds; its wall clock shows whole
/// milliseconds only).
enum SQLiteFloor {
    static func statementTimes(sqlite3: String, db: String, script: String, step: String) throws -> [Double] {
        runTimes(try output(sqlite3: sqlite3, db: db, script: script, step: step))
    }

    /// What sqlite3 prints for the script.
    static func output(sqlite3: String, db: String, script: String, step: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sqlite3)
        process.arguments = [db]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let deadline = StepDeadline(process, seconds: 900, step: step)
        let writer = Thread {
            input.fileHandleForWriting.write(Data(script.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try deadline.check()
        return text
    }

    /// Each "Run Time:" line's CPU time in milliseconds.
    static func runTimes(_ text: String) -> [Double] {
        text.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasPrefix("Run Time:") else { return nil }
            let parts = line.split(separator: " ")
            guard let userIndex = parts.firstIndex(of: "user"), let sysIndex = parts.firstIndex(of: "sys"),
                  let user = Double(parts[userIndex + 1]), let sys = Double(parts[sysIndex + 1]) else { return nil }
            return (user + sys) * 1000
        }
    }
}
