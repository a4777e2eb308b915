import ArogyaCore

/// A key press, decoded from curses by the terminal module.
public enum Key: Hashable, Sendable {
    /// A printable grapheme (letters of any script, digits, punctuation, space).
    case char(Character)
    /// Ctrl with a letter, as the lower-case letter: Ctrl-S is `.ctrl("s")`.
    case ctrl(Character)
    case function(Int)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, tab, backTab, backspace, delete, insert, escape
}

/// What reaches the application from the keyboard.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    /// Text pasted in one go (bracketed paste), delivered whole so that its newlines and control
    /// characters do not act as key presses.
    case paste(String)
}

extension Key {
    /// How the key is named in the footer and on the help screen.
    public func label(_ strings: StringTable, glyphs: Glyphs) -> String {
        switch self {
        case .char(" "): return strings[.keySpace]
        case .char(let character): return String(character)
        case .ctrl(let letter): return "^" + String(letter).uppercased()
        case .function(let number): return "F\(number)"
        case .up: return glyphs.arrowUp
        case .down: return glyphs.arrowDown
        case .left: return glyphs.arrowLeft
        case .right: return glyphs.arrowRight
        case .home: return strings[.keyHome]
        case .end: return strings[.keyEnd]
        case .pageUp: return strings[.keyPageUp]
        case .pageDown: return strings[.keyPageDown]
        case .enter: return strings[.keyEnter]
        case .tab: return strings[.keyTab]
        case .backTab: return strings[.keyBackTab]
        case .backspace: return strings[.keyBackspace]
        case .delete: return strings[.keyDelete]
        case .insert: return strings[.keyInsert]
        case .escape: return strings[.keyEscape]
        }
    }

    public var isFunctionKey: Bool {
        if case .function = self { return true }
        return false
    }
}
