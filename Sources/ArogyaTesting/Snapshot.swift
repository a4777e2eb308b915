import Foundation
import Testing

/// Compares text with `Snapshots/<name>.txt` beside the test file.
///
/// A missing snapshot, or any snapshot when `RECORD_SNAPSHOTS=1`, is written and the test fails on
/// purpose, so a recording is always looked at before it is committed. A mismatch prints a line diff.
public func assertSnapshot(_ actual: String, named name: String, filePath: String = #filePath,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = (filePath as NSString).deletingLastPathComponent + "/Snapshots"
    let path = directory + "/" + name + ".txt"
    let recording = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    let normalized = actual.replacingOccurrences(of: "\r\n", with: "\n")
    guard !recording, let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? (normalized + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        Issue.record("Recorded snapshot \(name).txt; check it and run the tests again.", sourceLocation: sourceLocation)
        return
    }
    let wanted = expected.hasSuffix("\n") ? String(expected.dropLast()) : expected
    guard wanted != normalized else { return }
    Issue.record("Snapshot \(name) differs (– expected, + actual):\n\(lineDiff(wanted, normalized))",
                 sourceLocation: sourceLocation)
}

/// A line-by-line comparison of two texts of screen rows.
public func lineDiff(_ expected: String, _ actual: String) -> String {
    let left = expected.components(separatedBy: "\n")
    let right = actual.components(separatedBy: "\n")
    var output: [String] = []
    for index in 0..<max(left.count, right.count) {
        let l = index < left.count ? left[index] : nil
        let r = index < right.count ? right[index] : nil
        if l == r {
            output.append("  " + (l ?? ""))
        } else {
            if let l { output.append("– " + l) }
            if let r { output.append("+ " + r) }
        }
    }
    return output.joined(separator: "\n")
}
