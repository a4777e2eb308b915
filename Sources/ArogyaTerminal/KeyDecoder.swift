import ArogyaUI
import CNcursesw

/// Turns what `wget_wch` returns into `Key`s and pasted text, in one place.
///
/// Esc followed by a character is two keys, never Alt: over a slow SSH link a quick Esc-then-letter
/// arrives in one packet, and a worker who pressed Esc and then a letter meant both.
///
/// Bracketed paste is switched on at start, and its start and end sequences are taught to curses as
/// two extra key codes, so that a paste arrives as one `.paste(text)` whose newlines and control
/// characters cannot act as Enter or Ctrl keys.
struct KeyDecoder {
    /// Key codes above curses' own for the bracketed-paste markers (ESC [200~ and ESC [201~).
    static let pasteStartCode = 0x7F00
    static let pasteEndCode = 0x7F01

    private var pasteBuffer: String?
    /// An Esc read last: a key of its own, unless what follows it in the same read makes it the start of a
    /// control sequence that curses did not know (which is then dropped whole, never typed).
    private var pendingEscape = false
    /// Inside such a sequence, until its final character.
    private var inUnknownSequence = false
    /// In a locale that is not UTF-8, bytes above ASCII are not characters anyone typed: dropped.
    let acceptsNonASCII: Bool

    init(acceptsNonASCII: Bool) {
        self.acceptsNonASCII = acceptsNonASCII
    }

    enum Raw {
        case character(UInt32)
        case keyCode(Int32)
    }

    /// Feeds one raw read; returns the events it completes. Call `flush()` once everything waiting was read.
    mutating func feed(_ raw: Raw) -> [TerminalEvent] {
        if inUnknownSequence {
            // Parameters and intermediates (0x20–0x3F) until the final character (0x40–0x7E).
            if case .character(let value) = raw {
                if (0x40...0x7E).contains(value) { inUnknownSequence = false }
                if (0x20...0x7E).contains(value) { return [] }
            }
            inUnknownSequence = false
        }
        if pendingEscape, pasteBuffer == nil {
            pendingEscape = false
            if case .character(let value) = raw, value == UInt32(UInt8(ascii: "[")) {
                inUnknownSequence = true
                return []
            }
            return [.input(.key(.escape))] + feed(raw)
        }
        if case .character(0x1B) = raw, pasteBuffer == nil {
            pendingEscape = true
            return []
        }
        switch raw {
        case .keyCode(let code) where Int(code) == Self.pasteStartCode:
            pasteBuffer = ""
            return []
        case .keyCode(let code) where Int(code) == Self.pasteEndCode:
            let text = pasteBuffer ?? ""
            pasteBuffer = nil
            return text.isEmpty ? [] : [.input(.paste(text))]
        case .character(let value) where value >= 0x80 && !acceptsNonASCII:
            return []
        case .character(let value) where pasteBuffer != nil:
            if let scalar = Unicode.Scalar(value) { pasteBuffer?.unicodeScalars.append(scalar) }
            return []
        case .keyCode(let code) where code == nc_key_resize():
            return [.resize(Size(width: Int(nc_cols()), height: Int(nc_lines())))]
        case .keyCode(let code):
            return Self.functionKey(code).map { [.input(.key($0))] } ?? []
        case .character(let value):
            return Self.characterKey(value).map { [.input(.key($0))] } ?? []
        }
    }

    /// The end of what was waiting: an Esc with nothing after it is the Esc key.
    mutating func flush() -> [TerminalEvent] {
        inUnknownSequence = false
        guard pendingEscape else { return [] }
        pendingEscape = false
        return [.input(.key(.escape))]
    }

    static func characterKey(_ value: UInt32) -> Key? {
        switch value {
        case 0x1B: return .escape
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x08, 0x7F: return .backspace
        case 0x01...0x1A: return .ctrl(Character(Unicode.Scalar(value + 0x60)!))
        case 0x00, 0x1C...0x1F, 0x80..<0xA0: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .char(Character(scalar))
        }
    }

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME, KEY_FIND, KEY_A1: return .home
        case KEY_END, KEY_SELECT, KEY_C1: return .end
        case KEY_PPAGE, KEY_A3: return .pageUp
        case KEY_NPAGE, KEY_C3: return .pageDown
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        default:
            if let character = KeySequences.keypadCharacter(code) { return .char(character) }
            for number in 1...24 where code == nc_key_f(Int32(number)) { return .function(number) }
            return nil
        }
    }
}
