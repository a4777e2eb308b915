/// Cleans text that came from a keyboard, a paste or a script before it is validated or stored.
///
/// Pasted text carries tabs, newlines, terminal escape sequences and invisible formatting characters;
/// none of them belongs in a name or an identifier. Zero-width joiner and non-joiner stay, because
/// Devanagari spelling uses them (क्‍ष).
public enum TextSanitizer {
    /// Whether a scalar may be kept in single-line text.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200C, 0x200D: return true                    // ZWNJ, ZWJ
        case 0x00..<0x20, 0x7F..<0xA0: return false         // C0 and C1 controls
        case 0x2028, 0x2029: return false                   // line and paragraph separators
        case 0xFFF9...0xFFFB, 0xFEFF: return false          // interlinear annotations, BOM
        default: break
        }
        switch scalar.properties.generalCategory {
        case .format, .control, .surrogate, .privateUse, .unassigned: return false
        default: return true
        }
    }

    /// Whether a grapheme is an emoji picture (not a digit or a symbol that merely has an emoji form).
    public static func isEmoji(_ character: Character) -> Bool {
        character.unicodeScalars.contains { scalar in
            scalar.properties.isEmojiPresentation
                || (scalar.properties.isEmoji && scalar.value > 0x2000 && character.unicodeScalars.count > 1)
        }
    }

    /// One line of text: controls removed, runs of white space (tabs and newlines included) folded to
    /// one space, ends trimmed.
    public static func singleLine(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        var inEscape = false
        for scalar in text.unicodeScalars {
            // A pasted terminal escape sequence (ESC [ ... letter) is dropped whole.
            if inEscape {
                if (0x40...0x7E).contains(scalar.value) && scalar != "[" { inEscape = false }
                continue
            }
            if scalar.value == 0x1B { inEscape = true; continue }
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            guard isAllowed(scalar) else { continue }
            if pendingSpace { result.unicodeScalars.append(" "); pendingSpace = false }
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}
