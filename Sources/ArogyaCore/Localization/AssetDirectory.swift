import Foundation

/// The folder of data files the program reads at run time: string tables now, protocol files later.
///
/// Looked for, in order: `$AROGYA_ASSETS`; `share/arogya` beside the binary's `bin` folder (an installed
/// or unpacked release); `assets` in the source tree this binary was built from (development and tests).
public struct AssetDirectory: Sendable, Equatable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func path(for relativePath: String) -> String {
        root + "/" + relativePath
    }

    /// The file every asset folder must have; its presence tells a real asset folder from a stray one.
    static let marker = "strings/en.json"

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              executablePath: String? = AssetDirectory.currentExecutablePath(),
                              sourceFile: String = AssetDirectory.thisSourceFile) -> AssetDirectory? {
        candidates(environment: environment, executablePath: executablePath, sourceFile: sourceFile)
            .first { FileManager.default.fileExists(atPath: $0 + "/" + marker) }
            .map(AssetDirectory.init(root:))
    }

    /// This file's path when it was compiled (a default argument of `#filePath` would give the caller's).
    public static let thisSourceFile: String = #filePath

    static func candidates(environment: [String: String], executablePath: String?, sourceFile: String) -> [String] {
        var result: [String] = []
        if let explicit = environment["AROGYA_ASSETS"], !explicit.isEmpty { result.append(explicit) }
        if let executablePath {
            let binDirectory = (executablePath as NSString).deletingLastPathComponent
            result.append(((binDirectory as NSString).appendingPathComponent("../share/arogya") as NSString).standardizingPath)
        }
        // Sources/ArogyaCore/Localization/AssetDirectory.swift → the package root is four levels up.
        var packageRoot = sourceFile
        for _ in 0..<4 { packageRoot = (packageRoot as NSString).deletingLastPathComponent }
        result.append(packageRoot + "/assets")
        return result
    }

    /// The running binary's real path, through `/proc/self/exe` so that a symlink in PATH is followed.
    public static func currentExecutablePath() -> String? {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return CommandLine.arguments.first.map { ($0 as NSString).standardizingPath }
    }
}
