import ArogyaCore

/// Text for a terminal whose locale is not UTF-8: Devanagari is read in Latin letters ("लक्ष्मी" →
/// "Lakshmi", as the name search reads it), punctuation and arrows become their ASCII look-alikes, and any
/// other character that ASCII cannot show becomes "?" (one per column).
enum AsciiFallback {
    static let replacements: [Character: String] = [
        "…": "...", "–": "-", "—": "-", "·": "*", "•": "*", "←": "<", "→": ">", "↑": "^", "↓": "v",
        "‘": "'", "’": "'", "“": "\"", "”": "\"", "₹": "Rs", "×": "x", "✓": "v", "✗": "x",
    ]

    static func transliterate(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        let readable = Devanagari.contains(text) ? latinDevanagari(text) : text
        var result = ""
        for character in readable {
            if character.isASCII {
                result.append(character)
            } else if let replacement = replacements[character] {
                result += replacement
            } else {
                result += String(repeating: "?", count: max(1, DisplayWidth.of(character)))
            }
        }
        return result
    }

    /// Each Devanagari word read in Latin, the rest as it was.
    static func latinDevanagari(_ text: String) -> String {
        var result = ""
        var word = ""
        func flush() {
            if !word.isEmpty { result += Devanagari.contains(word) ? Devanagari.toLatin(word) : word }
            word = ""
        }
        for character in text {
            if character.unicodeScalars.allSatisfy({ (0x0900...0x097F).contains($0.value) || $0 == "\u{200C}" || $0 == "\u{200D}" }) {
                word.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }
}
