@testable import ArogyaCore
import Foundation
import Testing

@Suite("Display width")
struct DisplayWidthTests {
    @Test("Given Devanagari clusters, when measured, then each takes the columns its scalars take", arguments: [
        ("क", 1), ("क्ष", 2), ("प्रि", 3), ("ते", 1), ("स्", 1), ("नमस्ते", 4), ("लक्ष्मी", 5),
        ("प्रिया शर्मा", 10), ("आशा देवी", 7), ("ँ", 0), ("ी", 1),
    ])
    func devanagari(text: String, columns: Int) {
        #expect(DisplayWidth.of(text) == columns)
    }

    @Test("Given Latin, CJK and emoji, when measured, then narrow is 1 and wide is 2", arguments: [
        ("Asha", 4), ("日本", 4), ("😀", 2), ("é", 1), ("e\u{301}", 1), ("", 0), ("\t", 0),
    ])
    func otherScripts(text: String, columns: Int) {
        #expect(DisplayWidth.of(text) == columns)
    }

    @Test("Given text wider than the room, when cut, then no grapheme is split and the ellipsis fits")
    func truncation() {
        #expect(DisplayWidth.truncate("प्रिया शर्मा", to: 5) == "प्रि…")
        #expect(DisplayWidth.truncate("प्रिया शर्मा", to: 3) == "…")
        #expect(DisplayWidth.of(DisplayWidth.truncate("प्रिया शर्मा", to: 4)) <= 4)
        #expect(DisplayWidth.prefix("प्रिया", fitting: 2) == "")
        #expect(DisplayWidth.prefix("प्रिया", fitting: 3) == "प्रि")
        #expect(DisplayWidth.pad("日本", to: 6) == "日本  ")
        #expect(DisplayWidth.truncate("Rampur", to: 10) == "Rampur")
    }

    @Test("Given Hindi labels with conjuncts, a nukta and matras, when shortened to a column's room, then each letter is kept whole or left out whole", arguments: [
        ("कार्यकर्ता", 6, "कार्यक…"), ("क्षत्रिय", 3, "क्ष…"), ("ज़्यादा", 4, "ज़्या…"), ("श्री", 2, "…"),
    ])
    func hindiShortening(label: String, columns: Int, expected: String) {
        let cut = DisplayWidth.truncate(label, to: columns)
        #expect(cut == expected)
        #expect(DisplayWidth.of(cut) <= columns)
        // Every letter of the cut is a whole letter of the label.
        let letters = Array(label)
        #expect(Array(cut.dropLast()) == Array(letters.prefix(cut.count - 1)))
    }

    @Test("Given the generated table, when compared with glibc's wcwidth under C.UTF-8, then every code point agrees")
    func tableMatchesGlibc() throws {
        guard setlocale(LC_CTYPE, "C.UTF-8") != nil else { return }
        defer { setlocale(LC_CTYPE, "C") }
        var mismatches: [String] = []
        for value in UInt32(0x20)...0x1FFFF {
            guard let scalar = Unicode.Scalar(value), !(0x7F..<0xA0).contains(value) else { continue }
            let glibc = max(0, Int(wcwidth_c(Int32(value))))
            let ours = DisplayWidth.of(scalar)
            // glibc says -1 for unassigned code points; they take one column where they are drawn at all.
            if wcwidth_c(Int32(value)) >= 0, glibc != ours { mismatches.append(String(value, radix: 16)) }
        }
        #expect(mismatches.isEmpty, "differs at U+\(mismatches.prefix(10).joined(separator: ", U+"))")
    }
}

/// glibc's wcwidth, which Glibc's module map hides without _XOPEN_SOURCE.
@_silgen_name("wcwidth")
func wcwidth_c(_ character: Int32) -> Int32
