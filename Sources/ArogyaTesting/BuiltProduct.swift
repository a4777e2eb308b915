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
        var variables = ProcessInfo.processInfo.environment
        // Messages in English whatever the locale of whoever runs the tests, unless a test asks for another.
        variables["AROGYA_LANG"] = "en"
        variables.merge(environment) { _, new in new }
        variables["AROGYA_DB"] = environment["AROGYA_DB"]
        let result = try ChildProcess.run(arogya, arguments, environment: variables, stdin: stdin)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}
