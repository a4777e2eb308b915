/// Terminal column widths of text, measured per grapheme as the sum of its scalars' widths.
///
/// Terminals and ncurses advance the cursor by `wcwidth` of each code point, so a Devanagari conjunct
/// such as "क्ष" (क + virama + ष) takes 1 + 0 + 1 = 2 columns and "ते" takes 1. Measuring per grapheme
/// keeps a cluster whole when text is cut to fit. The table is generated from glibc (see
/// `scripts/gen-width-table.py`), so the answer does not depend on the process locale.
public enum DisplayWidth {
    /// Columns taken by one scalar: 0 for combining marks and joiners, 2 for wide glyphs, else 1.
    /// Control characters count 0: they are never drawn (see `TextSanitizer`).
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if value < 0x300 { return 1 }
        if contains(WidthTable.zeroWidth, value) { return 0 }
        if contains(WidthTable.doubleWidth, value) { return 2 }
        return 1
    }

    /// Columns taken by one grapheme cluster.
    public static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii < 0x20 || ascii == 0x7F ? 0 : 1 }
        var total = 0
        for scalar in character.unicodeScalars { total += of(scalar) }
        return total
    }

    /// Columns taken by a string.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// The longest prefix of `text` that fits in `columns`, never splitting a grapheme.
    public static func prefix(_ text: String, fitting columns: Int) -> Substring {
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let width = of(text[index])
            if used + width > columns { break }
            used += width
            end = text.index(after: index)
        }
        return text[..<end]
    }

    /// `text` cut to `columns`, ending in "…" when something had to be dropped.
    public static func truncate(_ text: String, to columns: Int, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        let room = columns - of(ellipsis)
        guard room > 0 else { return String(prefix(text, fitting: columns)) }
        return prefix(text, fitting: room) + ellipsis
    }

    /// `text` padded with spaces (or cut) to exactly `columns`.
    public static func pad(_ text: String, to columns: Int) -> String {
        let fitted = truncate(text, to: columns)
        let width = of(fitted)
        return width < columns ? fitted + String(repeating: " ", count: columns - width) : fitted
    }

    private static func contains(_ ranges: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
