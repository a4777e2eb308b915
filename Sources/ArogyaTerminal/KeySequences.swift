import ArogyaUI
import CNcursesw

/// The escape sequences terminals send for Home, End, the function keys, the cursor and editing keys and
/// the keypad, taught to curses beyond what the terminal type's terminfo lists.
///
/// A worker at a PuTTY or tmux session has `TERM` set to whatever the machine chose, and the sequences her
/// keys send are often another terminal's: tmux and screen send `ESC[1~` for Home where xterm's terminfo says
/// `ESC[H`, PuTTY sends `ESC[11~` for F1, the Linux console `ESC[[A`, and `TERM=vt100` knows no F5 at all.
/// Curses, not knowing the sequence, hands it over as Esc followed by its characters, which would then be
/// typed into a field. Each sequence here is defined to the key code curses uses for that key, so it arrives
/// as the key whatever the terminal type; one still unknown is dropped whole by `KeyDecoder`.
enum KeySequences {
    /// Key codes of our own, above curses' range, for keypad keys that stand for characters.
    static let keypadBase: Int32 = 0x7F10

    /// The characters the keypad sends in application mode (`ESC O p` … `ESC O y`, and the operators).
    static let keypadCharacters: [(final: Character, character: Character)] = [
        ("p", "0"), ("q", "1"), ("r", "2"), ("s", "3"), ("t", "4"), ("u", "5"), ("v", "6"), ("w", "7"), ("x", "8"), ("y", "9"),
        ("n", "."), ("j", "*"), ("k", "+"), ("m", "-"), ("o", "/"), ("X", "="),
    ]

    /// Every sequence and the key it is, as a table the decoder and the tests share.
    static let table: [(sequence: String, key: Key)] = {
        let escape = "\u{1B}"
        var table: [(String, Key)] = []
        func add(_ sequence: String, _ key: Key) { table.append((escape + sequence, key)) }
        // Home and End: xterm's normal and application forms, the VT220 and rxvt forms, tmux and screen.
        for home in ["[H", "OH", "[1~", "[7~"] { add(home, .home) }
        for end in ["[F", "OF", "[4~", "[8~"] { add(end, .end) }
        add("[2~", .insert); add("[3~", .delete); add("[5~", .pageUp); add("[6~", .pageDown)
        for (final, key) in [("A", Key.up), ("B", .down), ("C", .right), ("D", .left)] {
            add("[" + final, key)
            add("O" + final, key)
        }
        // F1–F4: VT100 and xterm (ESC O P…S), VT220, rxvt and PuTTY (ESC [11~…14~), and the Linux console
        // (ESC [[A…E, which also covers F5).
        for (index, final) in ["P", "Q", "R", "S"].enumerated() { add("O" + final, .function(index + 1)) }
        for (index, number) in [11, 12, 13, 14, 15].enumerated() { add("[\(number)~", .function(index + 1)) }
        for (index, final) in ["A", "B", "C", "D", "E"].enumerated() { add("[[" + final, .function(index + 1)) }
        // F6–F12 (F5 above): the same in every family.
        for (number, code) in [(6, 17), (7, 18), (8, 19), (9, 20), (10, 21), (11, 23), (12, 24)] { add("[\(code)~", .function(number)) }
        // With Shift, Ctrl or Alt held (xterm's ";2" to ";8"): still the key, which is what a worker meant.
        for modifier in 2...8 {
            for (final, key) in [("A", Key.up), ("B", .down), ("C", .right), ("D", .left), ("H", .home), ("F", .end)] {
                add("[1;\(modifier)" + final, key)
            }
            for (index, final) in ["P", "Q", "R", "S"].enumerated() { add("[1;\(modifier)" + final, .function(index + 1)) }
            for (code, key) in [(2, Key.insert), (3, .delete), (5, .pageUp), (6, .pageDown)] { add("[\(code);\(modifier)~", key) }
            for (number, code) in [(5, 15), (6, 17), (7, 18), (8, 19), (9, 20), (10, 21), (11, 23), (12, 24)] {
                add("[\(code);\(modifier)~", .function(number))
            }
        }
        // The keypad in application mode: Enter, and the digits and operators as the characters they are.
        add("OM", .enter)
        for (final, character) in keypadCharacters { add("O" + String(final), .char(character)) }
        return table
    }()

    /// Teaches curses every sequence of the table, each to the code curses gives its key.
    static func defineAll() {
        for (sequence, key) in table {
            guard let code = code(for: key) else { continue }
            define_key(sequence, code)
        }
    }

    /// The curses key code for a key of the table; keypad characters get codes of our own.
    static func code(for key: Key) -> Int32? {
        switch key {
        case .up: return KEY_UP
        case .down: return KEY_DOWN
        case .left: return KEY_LEFT
        case .right: return KEY_RIGHT
        case .home: return KEY_HOME
        case .end: return KEY_END
        case .pageUp: return KEY_PPAGE
        case .pageDown: return KEY_NPAGE
        case .insert: return KEY_IC
        case .delete: return KEY_DC
        case .enter: return KEY_ENTER
        case .function(let number): return nc_key_f(Int32(number))
        case .char(let character):
            guard let index = keypadCharacters.firstIndex(where: { $0.character == character }) else { return nil }
            return keypadBase + Int32(index)
        default: return nil
        }
    }

    /// The keypad character of one of our own codes.
    static func keypadCharacter(_ code: Int32) -> Character? {
        let index = Int(code - keypadBase)
        guard index >= 0, index < keypadCharacters.count else { return nil }
        return keypadCharacters[index].character
    }
}
