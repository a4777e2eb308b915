import ArogyaCore
import ArogyaUI
import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// The terminal, through ncursesw: start, read keys, draw a `Canvas`, restore.
///
/// This is the only code that touches curses. It runs on the main thread; curses owns SIGWINCH and
/// reports a resize as KEY_RESIZE.
@MainActor
public final class CursesTerminal {
    public enum StartError: Error {
        /// Standard input or output is not a terminal (a pipe, a file, a cron job).
        case notATerminal
        /// curses does not know this terminal type.
        case cannotStart(term: String)
    }

    private var screen: OpaquePointer?
    private var window: UnsafeMutablePointer<WINDOW>?
    private let palette: StylePalette
    private var decoder: KeyDecoder
    private var lastDrawn: Canvas?
    private var isActive = false
    /// False on a virtual terminal (tests): nothing is written to the process's own output.
    private let ownsProcessTerminal: Bool
    public let glyphs: Glyphs
    public let usesColor: Bool
    /// Whether the locale can show Unicode text; when not, non-ASCII text is drawn as "?".
    public let isUnicode: Bool

    /// Starts curses on the process's terminal.
    public convenience init(environment: [String: String]) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw StartError.notATerminal }
        SignalGuard.saveTerminalMode(descriptor: STDIN_FILENO)
        try self.init(termName: nil, output: fdopen(dup(STDOUT_FILENO), "w"), input: fdopen(dup(STDIN_FILENO), "r"),
                      environment: environment, ownsProcessTerminal: true)
    }

    /// Starts curses on the given streams; tests pass /dev/null and a terminal type (tig's trick).
    public init(termName: String?, output: UnsafeMutablePointer<FILE>?, input: UnsafeMutablePointer<FILE>?,
                environment: [String: String], ownsProcessTerminal: Bool = false) throws {
        self.ownsProcessTerminal = ownsProcessTerminal
        // Without the locale, curses cannot read or draw anything beyond ASCII.
        setlocale(LC_ALL, "")
        isUnicode = nc_locale_is_utf8() != 0
        glyphs = isUnicode ? .unicode : .ascii
        decoder = KeyDecoder(acceptsNonASCII: isUnicode)
        let term = termName ?? environment["TERM"] ?? "dumb"
        guard let screen = newterm(termName, output, input) else { throw StartError.cannotStart(term: term) }
        self.screen = screen
        set_term(screen)
        window = nc_stdscr()
        // Long enough for a sequence split across packets over SSH to arrive whole; short enough that Esc feels immediate.
        nc_set_escdelay(100)
        raw()            // Ctrl-C, Ctrl-S, Ctrl-Q and Ctrl-Z reach the program as keys
        noecho()
        nonl()
        keypad(window, true)
        intrflush(window, false)
        nodelay(window, true)
        curs_set(0)
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        palette = StylePalette(colorAllowed: !noColor)
        usesColor = palette.mode == .color
        define_key("\u{1B}[200~", Int32(KeyDecoder.pasteStartCode))
        define_key("\u{1B}[201~", Int32(KeyDecoder.pasteEndCode))
        KeySequences.defineAll()
        isActive = true
        if ownsProcessTerminal && term != "dumb" { writeRaw("\u{1B}[?2004h") }
    }

    /// The escape bytes that undo what this program did to the terminal, for the crash handler.
    public var resetSequence: [UInt8] {
        var bytes: [UInt8] = Array("\u{1B}[?2004l\u{1B}[0m".utf8)
        for capability in ["rmcup", "cnorm"] {
            if let pointer = tigetstr(capability), Int(bitPattern: pointer) != -1 {
                bytes += Array(String(cString: pointer).utf8)
            }
        }
        return bytes + Array("\r\n".utf8)
    }

    public var size: Size { Size(width: Int(nc_cols()), height: Int(nc_lines())) }

    /// A terminfo string of the current terminal, or nil when it has none.
    static func capability(_ name: String) -> String? {
        guard let pointer = tigetstr(name), Int(bitPattern: pointer) != -1 else { return nil }
        return String(cString: pointer)
    }

    static func hasCapability(_ name: String) -> Bool { capability(name) != nil }

    /// A terminfo string without its delays: "\u{1B}[H\u{1B}[J$<50>" → "\u{1B}[H\u{1B}[J".
    static func withoutPadding(_ text: String) -> String {
        var result = ""
        var characters = Array(text)[...]
        while let first = characters.first {
            if first == "$", characters.dropFirst().first == "<", let close = characters.firstIndex(of: ">") {
                characters = characters[(close + 1)...]
                continue
            }
            result.append(first)
            characters = characters.dropFirst()
        }
        return result
    }

    /// Everything waiting on the keyboard, decoded.
    public func readEvents() -> [TerminalEvent] {
        var events: [TerminalEvent] = []
        var character: wint_t = 0
        while true {
            let result = wget_wch(window, &character)
            if result == OK {
                events += decoder.feed(.character(UInt32(character)))
            } else if result == nc_key_code_yes() {
                events += decoder.feed(.keyCode(Int32(character)))
            } else {
                break
            }
        }
        return events + decoder.flush()
    }

    /// Copies a canvas to the screen; curses sends only what changed.
    public func draw(_ canvas: Canvas, fullRepaint: Bool = false) {
        guard isActive else { return }
        if !fullRepaint, canvas == lastDrawn { return }
        let size = canvas.size
        for y in 0..<size.height {
            var x = 0
            while x < size.width {
                let style = canvas[x, y].style
                let start = x
                var text: [wchar_t] = []
                while x < size.width, canvas[x, y].style == style {
                    let cell = canvas[x, y]
                    if cell.width > 0 {
                        if isUnicode || cell.grapheme.unicodeScalars.allSatisfy(\.isASCII) {
                            text += cell.grapheme.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                        } else {
                            text += Array(repeating: wchar_t(UInt8(ascii: "?")), count: Int(cell.width))
                        }
                    }
                    x += 1
                }
                let (attributes, pair) = palette.attributes(for: style)
                nc_set_attr(window, attributes, pair)
                // The very last cell makes curses report an error (it cannot move past it); it is drawn anyway.
                _ = nc_put_wide(window, Int32(y), Int32(start), text, Int32(text.count))
            }
        }
        nc_set_attr(window, 0, 0)
        if let cursor = canvas.cursor {
            curs_set(1)
            nc_move(window, Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        if fullRepaint { clearok(nc_curscr(), true) }
        wnoutrefresh(window)
        doupdate()
        lastDrawn = canvas
    }

    /// Restores the terminal to how the shell left it. Safe to call more than once.
    public func restore() {
        guard isActive else { return }
        isActive = false
        if ownsProcessTerminal { writeRaw("\u{1B}[?2004l") }
        // A terminal with no alternate screen (vt100, the Linux console under some TERMs) would keep the
        // last screen, a patient's card included, under the shell's prompt: clear it first.
        if ownsProcessTerminal && !Self.hasCapability("rmcup") {
            werase(window)
            wnoutrefresh(window)
            doupdate()
            // terminfo's padding ("$<50>") is for the terminal's timing, not to be sent.
            if let clear = Self.capability("clear") {
                writeRaw(Self.withoutPadding(clear))
            }
        }
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
    }

    /// One row of curses' own screen, read back (for tests on a virtual terminal). The count is in
    /// characters, and a cell holds a letter with its combining marks, so the buffer allows several per column.
    func readRow(_ y: Int) -> String {
        let capacity = Int(nc_cols()) * 6
        var buffer = [wchar_t](repeating: 0, count: capacity + 1)
        let count = nc_read_row(window, Int32(y), &buffer, Int32(capacity))
        guard count > 0 else { return "" }
        return String(String.UnicodeScalarView(buffer.prefix(Int(count)).compactMap { Unicode.Scalar(UInt32(bitPattern: $0)) }))
    }

    /// Where curses holds the cursor, and the text of its row from there on: what the terminal shows
    /// under the cursor (for tests on a virtual terminal). Reading moves curses' cursor, so it is
    /// taken first and put back.
    func cursorAndTextAfter() -> (point: Point, text: String) {
        let point = Point(x: Int(nc_cursor_x(window)), y: Int(nc_cursor_y(window)))
        let capacity = Int(nc_cols()) * 6
        var buffer = [wchar_t](repeating: 0, count: capacity + 1)
        let count = nc_read_from(window, Int32(point.y), Int32(point.x), &buffer, Int32(capacity))
        nc_move(window, Int32(point.y), Int32(point.x))
        let text = count > 0 ? String(String.UnicodeScalarView(buffer.prefix(Int(count)).compactMap { Unicode.Scalar(UInt32(bitPattern: $0)) })) : ""
        return (point, text)
    }

    /// Pushes a character back for the next read (for tests).
    func inject(_ character: UInt32) { unget_wch(wchar_t(bitPattern: character)) }

    /// Resizes curses' screen as a SIGWINCH would (for tests).
    func simulateResize(to size: Size) { resizeterm(Int32(size.height), Int32(size.width)) }

    /// Writes a control sequence curses does not know to the terminal, in order with curses' output.
    private func writeRaw(_ text: String) {
        fflush(nil)
        _ = text.utf8CString.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count - 1) }
    }
}
