import ArogyaCore

/// The text of one field and its insertion point, with the editing keys every field shares.
///
/// It refuses what its kind cannot hold at the moment it is typed, and says why, so a wrong key gets a
/// message at the field instead of a surprise at save time.
public struct TextInput: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Any single-line text in any script (no emoji, no control characters).
        case text
        /// ASCII digits only: PINs, minutes, counts.
        case digits
        /// A login name: lower-case Latin letters, digits, '.', '-', '_' (upper case is folded).
        case username
    }

    public let kind: Kind
    public let maxLength: Int
    /// Shown as bullets (PINs).
    public let isMasked: Bool
    public private(set) var text: String
    /// The insertion point, in graphemes from the start.
    public private(set) var cursor: Int

    public init(kind: Kind = .text, maxLength: Int, isMasked: Bool = false, text: String = "") {
        self.kind = kind
        self.maxLength = maxLength
        self.isMasked = isMasked
        let clipped = String(text.prefix(maxLength))
        self.text = clipped
        self.cursor = clipped.count
    }

    /// What an edit did.
    public enum Outcome: Equatable, Sendable {
        case changed
        case unchanged
        /// Refused, with the reason to show at the field.
        case refused(UserMessage)
        /// Not an editing key: the screen may use it.
        case notHandled
    }

    public var isEmpty: Bool { text.isEmpty }

    public mutating func set(_ newText: String) {
        text = String(newText.prefix(maxLength))
        cursor = text.count
    }

    public mutating func clear() { set("") }

    /// Applies an editing key.
    public mutating func apply(_ key: Key) -> Outcome {
        switch key {
        case .char(let character): return insert(character)
        case .backspace:
            guard cursor > 0 else { return .unchanged }
            let index = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: index)
            cursor -= 1
            return .changed
        case .delete, .ctrl("d"):
            guard cursor < text.count else { return .unchanged }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
            return .changed
        case .left: return move(to: cursor - 1)
        case .right: return move(to: cursor + 1)
        case .home, .ctrl("a"): return move(to: 0)
        case .end, .ctrl("e"): return move(to: text.count)
        case .ctrl("u"):
            guard cursor > 0 else { return .unchanged }
            text.removeSubrange(text.startIndex..<text.index(text.startIndex, offsetBy: cursor))
            cursor = 0
            return .changed
        default:
            return .notHandled
        }
    }

    /// Inserts pasted text: white space and control characters folded as for any single line, then
    /// each character checked; the first refusal is reported and the rest still goes in.
    public mutating func paste(_ pasted: String) -> Outcome {
        // A paste that cannot fit is refused whole: cut to the field, a name would be saved without its end
        // and nobody would notice.
        let cleaned = TextSanitizer.singleLine(pasted)
        if text.count + cleaned.count > maxLength {
            return .refused(UserMessage(.errorPasteTooLong, ["max": "\(maxLength)", "count": "\(cleaned.count)"]))
        }
        var firstRefusal: UserMessage?
        var changed = false
        for character in TextSanitizer.singleLine(pasted) {
            switch insert(character) {
            case .changed: changed = true
            case .refused(let message): if firstRefusal == nil { firstRefusal = message }
            default: break
            }
        }
        if let firstRefusal { return .refused(firstRefusal) }
        return changed ? .changed : .unchanged
    }

    private mutating func insert(_ raw: Character) -> Outcome {
        // A space at the start or after another space is ignored, as a name never has one there.
        if raw == " " && kind == .text && (cursor == 0 || Array(text)[cursor - 1] == " ") { return .unchanged }
        guard let character = accepted(raw) else {
            switch kind {
            case .digits: return .refused(UserMessage(.errorDigitsOnly))
            case .username: return .refused(UserMessage(.errorUsernameCharacters))
            case .text:
                return .refused(UserMessage(TextSanitizer.isEmoji(raw) ? .errorNoEmoji : .errorCharacterNotAllowed))
            }
        }
        guard text.count < maxLength else { return .refused(UserMessage(.errorTooLong, ["max": "\(maxLength)"])) }
        text.insert(character, at: text.index(text.startIndex, offsetBy: cursor))
        // Inserting a combining mark may merge it with the grapheme before: count again.
        let before = cursor
        cursor = min(text.count, before + 1)
        if text.count == before { cursor = before }
        return .changed
    }

    private func accepted(_ character: Character) -> Character? {
        switch kind {
        case .digits:
            return character.isASCII && character.isNumber ? character : nil
        case .username:
            let lower = Character(character.lowercased())
            guard lower.isASCII, lower.isLetter || lower.isNumber || lower == "." || lower == "-" || lower == "_" else { return nil }
            return lower
        case .text:
            guard character.unicodeScalars.allSatisfy(TextSanitizer.isAllowed), !TextSanitizer.isEmoji(character) else { return nil }
            return character
        }
    }

    private mutating func move(to position: Int) -> Outcome {
        let clamped = max(0, min(text.count, position))
        guard clamped != cursor else { return .unchanged }
        cursor = clamped
        return .changed
    }

    /// The part of the text that fits in `width` columns with the cursor visible, and the cursor's
    /// column within it.
    public func visible(width: Int, mask: Character = "•") -> (text: String, cursorColumn: Int) {
        let shown = isMasked ? String(repeating: mask, count: text.count) : text
        let beforeCursor = String(shown.prefix(cursor))
        let cursorWidth = DisplayWidth.of(beforeCursor)
        guard cursorWidth >= width else {
            return (String(DisplayWidth.prefix(shown, fitting: width)), cursorWidth)
        }
        // Scroll so that the cursor sits in the last column.
        var start = beforeCursor.startIndex
        var dropped = 0
        while cursorWidth - dropped > width - 1, start < beforeCursor.endIndex {
            dropped += DisplayWidth.of(beforeCursor[start])
            start = beforeCursor.index(after: start)
        }
        let tail = String(beforeCursor[start...]) + String(shown.dropFirst(cursor))
        return (String(DisplayWidth.prefix(tail, fitting: width)), cursorWidth - dropped)
    }
}
