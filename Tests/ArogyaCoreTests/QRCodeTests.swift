import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

/// The QR codes of ABHA cards, read back by a real decoder (zbarimg, from Debian's zbar-tools) from a
/// picture drawn module by module, and from the text the screen and the printer draw.
@Suite("QR codes")
struct QRCodeTests {
    static var zbarimg: String? {
        ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Where zbarimg is installed, and always under CI (which installs it), so that there a missing decoder
    /// fails the tests instead of skipping them.
    static var decoderTestsRun: Bool { zbarimg != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    /// What a phone camera would read: the modules as a black-on-white picture, 4 pixels each, with the
    /// standard's quiet zone of 4 modules.
    static func decode(_ modules: [[Bool]]) throws -> String {
        let folder = try TemporaryFolder()
        let scale = 4, quiet = 4
        let side = (modules.count + 2 * quiet) * scale
        var picture = "P1\n\(side) \(side)\n"
        for y in 0..<side {
            let row = y / scale - quiet
            picture += (0..<side).map { x -> String in
                let column = x / scale - quiet
                let dark = row >= 0 && row < modules.count && column >= 0 && column < modules.count && modules[row][column]
                return dark ? "1" : "0"
            }.joined(separator: " ") + "\n"
        }
        try picture.write(toFile: folder.file("code.pbm"), atomically: true, encoding: .ascii)
        let result = try ChildProcess.run(try #require(zbarimg), ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", folder.file("code.pbm")], timeout: 30)
        #expect(result.status == 0, "zbarimg found no code: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    @Test("Given an ABHA number, its hyphenated form, an ABHA address and the longest text a card allows, when encoded, then a decoder reads each back",
          .enabled(if: decoderTestsRun), arguments: [
              "91720987654320", "91-7209-8765-4320", "lakshmi.bai@sbx",
              String(repeating: "abcdefghij", count: 10) + "klmnop",
          ])
    func decodes(text: String) throws {
        let code = try QRCode(text)
        #expect(code.size == 17 + 4 * code.version)
        #expect(try Self.decode(code.modules) == text)
    }

    @Test("Given the 14 digits of an ABHA number, when encoded, then the smallest code holds them, and a longer text takes a larger one")
    func sizes() throws {
        #expect(try QRCode("91720987654320").version == 1)
        #expect(try QRCode("91-7209-8765-4320").version == 2)
        #expect(throws: QRCode.Failure.tooLong(bytes: 107, limit: 106)) { try QRCode(String(repeating: "x", count: 107)) }
    }

    @Test("Given each of the eight masks forced, when the code is drawn, then each reads back: the format bits name the mask truly",
          .enabled(if: decoderTestsRun))
    func everyMaskReads() throws {
        for mask in 0..<8 {
            let code = try QRCode("91720987654320", mask: mask)
            #expect(code.mask == mask)
            #expect(try Self.decode(code.modules) == "91720987654320", "mask \(mask)")
        }
    }

    /// The modules back out of the half-block text: each character is two module rows of one column.
    static func modules(halfBlocks lines: [String], quiet: Int) -> [[Bool]] {
        var rows: [[Bool]] = []
        for line in lines {
            let characters = Array(line)
            rows.append(characters.map { $0 == "█" || $0 == "▀" })
            rows.append(characters.map { $0 == "█" || $0 == "▄" })
        }
        let side = characters(lines)
        return Array(rows[quiet..<quiet + side - 2 * quiet]).map { Array($0[quiet..<side - quiet]) }
    }

    static func characters(_ lines: [String]) -> Int { lines.first.map { Array($0).count } ?? 0 }

    @Test("Given a card's code, when drawn in half blocks and in '#', then the text holds exactly the code's modules, fits 80×24 with room for the card, and reads back",
          .enabled(if: decoderTestsRun))
    func textRenderings() throws {
        let code = try QRCode("91720987654320")
        let half = QRText.halfBlocks(code, quiet: 2)
        #expect(half.count == 13 && Self.characters(half) == 25, "21 modules and a quiet zone of 2: 25 columns, 13 lines")
        #expect(Self.modules(halfBlocks: half, quiet: 2) == code.modules)
        #expect(try Self.decode(Self.modules(halfBlocks: half, quiet: 2)) == "91720987654320")

        let ascii = QRText.ascii(code, quiet: 1)
        #expect(ascii.count == 23 && ascii.allSatisfy { $0.count == 46 }, "one line per module row, two columns per module")
        let fromAscii = ascii[1..<22].map { line in stride(from: 2, to: 44, by: 2).map { Array(line)[$0] == "#" } }
        #expect(fromAscii == code.modules)
    }
}
