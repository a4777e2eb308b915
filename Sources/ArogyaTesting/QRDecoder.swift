import Foundation
import Testing

/// Reads a QR code back as a phone camera would: zbarimg (Debian's zbar-tools) on a black-on-white picture
/// of the modules, 4 pixels each, with the standard's quiet zone of 4 modules.
public enum QRDecoder {
    public static var zbarimg: String? {
        ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Where zbarimg is installed, and always under CI (which installs it), so that there a missing decoder
    /// fails the tests instead of skipping them.
    public static var testsRun: Bool { zbarimg != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    public static func decode(_ modules: [[Bool]]) throws -> String {
        let folder = try TemporaryFolder()
        let scale = 4, quiet = 4
        let side = (modules.count + 2 * quiet) * scale
        var picture = "P1\n\(side) \(side)\n"
        for y in 0..<side {
            let row = y / scale - quiet
            picture += (0..<side).map { x -> String in
                let column = x / scale - quiet
                let dark = row >= 0 && row < modules.count && column >= 0 && column < modules[row].count && modules[row][column]
                return dark ? "1" : "0"
            }.joined(separator: " ") + "\n"
        }
        try picture.write(toFile: folder.file("code.pbm"), atomically: true, encoding: .ascii)
        let result = try ChildProcess.run(try #require(zbarimg), ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", folder.file("code.pbm")], timeout: 30)
        #expect(result.status == 0, "zbarimg found no code: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    /// The modules of half-block text (▀ ▄ █, two module rows per line, one column each), blank rows and
    /// columns around them trimmed.
    public static func modules(halfBlocks lines: [String]) -> [[Bool]] {
        var rows: [[Bool]] = []
        for line in lines {
            let characters = Array(line)
            rows.append(characters.map { $0 == "█" || $0 == "▀" })
            rows.append(characters.map { $0 == "█" || $0 == "▄" })
        }
        return trimmed(rows)
    }

    /// The modules of `#` text, two columns per module, blank rows and columns around them trimmed.
    public static func modules(hashes lines: [String]) -> [[Bool]] {
        trimmed(lines.map { line in
            let characters = Array(line)
            return stride(from: 0, to: characters.count - 1, by: 2).map { characters[$0] == "#" }
        })
    }

    static func trimmed(_ rows: [[Bool]]) -> [[Bool]] {
        let kept = rows.filter { $0.contains(true) }
        guard let first = kept.compactMap({ $0.firstIndex(of: true) }).min(),
              let last = kept.compactMap({ $0.lastIndex(of: true) }).max() else { return [] }
        return kept.map { row in (first...last).map { $0 < row.count && row[$0] } }
    }
}
