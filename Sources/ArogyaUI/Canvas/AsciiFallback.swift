import ArogyaCore

/// Text for a terminal whose locale is not UTF-8: punctuation and arrows become their ASCII look-alikes,
/// and any other character that ASCII cannot show becomes "?" (one per column, so layout holds).
enum AsciiFallback {
    static let replacements: [Character: String] = [
        "…": "...", "–": "-", "—": "-", "·": "*", "•": "*", "←": "<", "→": ">", "↑": "^", "↓": "v",
        "‘": "'", "’": "'", "“": "\"", "”": "\"", "₹": "Rs", "×": "x", "✓": "v", "✗": "x",
    ]

    static func transliterate(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        var result = ""
        for character in text {
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
}
