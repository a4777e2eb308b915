import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

/// The QR codes of ABHA cards, read back by a real decoder (zbarimg, from Debian's zbar-tools) from a
/// picture drawn module by module, and from the text the screen and the printer draw.
@Suite("QR codes")
struct QRCodeTests {
    static var decoderTestsRun: Bool { QRDecoder.testsRun }
    static func decode(_ modules: [[Bool]]) throws -> String { try QRDecoder.decode(modules) }

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

    @Test("Given a card's code, when drawn in half blocks and in '#', then the text holds exactly the code's modules, fits 80×24 with room for the card, and reads back",
          .enabled(if: decoderTestsRun))
    func textRenderings() throws {
        let code = try QRCode("91720987654320")
        let half = QRText.halfBlocks(code, quiet: 2)
        #expect(half.count == 13 && half.allSatisfy { Array($0).count == 25 }, "21 modules and a quiet zone of 2: 25 columns, 13 lines")
        #expect(QRDecoder.modules(halfBlocks: half) == code.modules)
        #expect(try Self.decode(QRDecoder.modules(halfBlocks: half)) == "91720987654320")

        let ascii = QRText.ascii(code, quiet: 1)
        #expect(ascii.count == 23 && ascii.allSatisfy { $0.count == 46 }, "one line per module row, two columns per module")
        #expect(QRDecoder.modules(hashes: ascii) == code.modules)
    }
}
