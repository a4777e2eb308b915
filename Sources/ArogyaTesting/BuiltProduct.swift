import ArogyaCore
import Foundation

/// Finds and runs the built `arogya` binary, as an admin's script would.
public enum BuiltProduct {
    /// The `arogya` built beside the running test bundle.
    public static var arogya: String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (testBinary as NSString).deletingLastPathComponent + "/arogya"
    }

    /// The `assets` folder of the source tree the tests run from.
    public static var assets: String { AssetDirectory.locate()!.root }

    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `arogya` with arguments and standard input; waits for it.
    public static func run(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arogya)
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        variables["AROGYA_DB"] = environment["AROGYA_DB"]
        process.environment = variables
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }
}
