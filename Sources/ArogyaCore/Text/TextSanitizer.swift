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
    /// one space, ends trimmed. Terminal escape sequences are dropped whole, with what they carry: a control
    /// sequence (ESC [ or CSI, up to its final letter), a string (ESC ] for a window title, ESC P, ESC _,
    /// ESC ^, ESC X, or their C1 forms, up to BEL or ESC \), and any other ESC with the character after it.
    public static func singleLine(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        var state = EscapeState.text
        for scalar in text.unicodeScalars {
            switch state {
            case .text:
                break
            case .escape:
                switch scalar {
                case "[": state = .controlSequence
                case "]", "P", "_", "^", "X": state = .string
                default: state = .text
                }
                continue
            case .controlSequence:
                if (0x40...0x7E).contains(scalar.value) { state = .text }
                continue
            case .string:
                if scalar.value == 0x07 || scalar.value == 0x9C { state = .text } else if scalar.value == 0x1B { state = .stringEscape }
                continue
            case .stringEscape:
                state = scalar == "\\" ? .text : .string
                continue
            }
            switch scalar.value {
            case 0x1B: state = .escape; continue
            case 0x9B: state = .controlSequence; continue
            case 0x90, 0x9D, 0x9E, 0x9F, 0x98: state = .string; continue
            default: break
            }
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

    private enum EscapeState {
        case text, escape, controlSequence, string, stringEscape
    }
}
