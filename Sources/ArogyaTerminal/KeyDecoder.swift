import ArogyaUI
import CNcursesw

/// Turns what `wget_wch` returns into `Key`s and pasted text, in one place.
///
/// Bracketed paste is switched on at start, and its start and end sequences are taught to curses as
/// two extra key codes, so that a paste arrives as one `.paste(text)` whose newlines and control
/// characters cannot act as Enter or Ctrl keys.
struct KeyDecoder {
    /// Key codes above curses' own for the bracketed-paste markers (ESC [200~ and ESC [201~).
    static let pasteStartCode = 0x7F00
    static let pasteEndCode = 0x7F01

    private var pasteBuffer: String?
    /// An Esc waiting to see whether the next character makes it Alt-something.
    private var pendingEscape = false

    enum Raw {
        case character(UInt32)
        case keyCode(Int32)
    }

    /// Feeds one raw read; returns the events it completes.
    mutating func feed(_ raw: Raw) -> [TerminalEvent] {
        switch raw {
        case .keyCode(let code) where Int(code) == Self.pasteStartCode:
            pasteBuffer = ""
            return flushEscape()
        case .keyCode(let code) where Int(code) == Self.pasteEndCode:
            let text = pasteBuffer ?? ""
            pasteBuffer = nil
            return text.isEmpty ? [] : [.input(.paste(text))]
        case .character(let value) where pasteBuffer != nil:
            if let scalar = Unicode.Scalar(value) { pasteBuffer?.unicodeScalars.append(scalar) }
            return []
        case .keyCode(let code) where code == nc_key_resize():
            return flushEscape() + [.resize(Size(width: Int(nc_cols()), height: Int(nc_lines())))]
        case .keyCode(let code):
            return flushEscape() + (Self.functionKey(code).map { [.input(.key($0))] } ?? [])
        case .character(0x1B):
            let flushed = flushEscape()
            pendingEscape = true
            return flushed
        case .character(let value):
            guard let key = Self.characterKey(value) else { return flushEscape() }
            if pendingEscape, case .char(let character) = key {
                pendingEscape = false
                return [.input(.key(.alt(character)))]
            }
            return flushEscape() + [.input(.key(key))]
        }
    }

    /// Called when no more input is waiting: a lone Esc is just Esc.
    mutating func endOfInput() -> [TerminalEvent] {
        flushEscape()
    }

    private mutating func flushEscape() -> [TerminalEvent] {
        guard pendingEscape else { return [] }
        pendingEscape = false
        return [.input(.key(.escape))]
    }

    static func characterKey(_ value: UInt32) -> Key? {
        switch value {
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
            for number in 1...24 where code == nc_key_f(Int32(number)) { return .function(number) }
            return nil
        }
    }
}
