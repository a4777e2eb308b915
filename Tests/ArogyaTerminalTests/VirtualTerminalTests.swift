@testable import ArogyaTerminal
import ArogyaCore
import ArogyaTesting
import ArogyaUI
import CNcursesw
import Foundation
import Testing

/// Real ncursesw with no tty: output to /dev/null, the screen read back from curses' own memory (tig's
/// technique). Curses has one global screen, so these tests run one at a time, the key-sequence suite
/// nested here with them (`.serialized` reaches nested suites, not sibling ones).
@Suite("Real curses on a virtual terminal", .serialized)
@MainActor
struct VirtualTerminalTests {
    func withTerminal(_ term: String, size: Size = .minimum, environment: [String: String] = [:],
                      _ body: (CursesTerminal) throws -> Void) throws {
        setlocale(LC_ALL, "C.UTF-8")
        let output = fopen("/dev/null", "w+")
        let input = fopen("/dev/null", "r")
        defer { fclose(output); fclose(input) }
        let terminal = try CursesTerminal(termName: term, output: output, input: input,
                                          environment: environment.merging(["LANG": "C.UTF-8"]) { a, _ in a })
        defer { terminal.restore() }
        terminal.simulateResize(to: size)
        _ = terminal.readEvents()  // the resize itself
        try body(terminal)
    }

    @Test("Given a canvas with Devanagari and a box, when flushed to curses, then curses holds the same rows")
    func flushReadsBack() throws {
        try withTerminal("xterm-256color", size: Size(width: 30, height: 4)) { terminal in
            var canvas = Canvas(size: Size(width: 30, height: 4))
            canvas.box(Rect(x: 0, y: 0, width: 30, height: 4), title: "लक्ष्मी")
            canvas.put("प्रिया शर्मा|", at: Point(x: 2, y: 1), style: .selected)
            canvas.put("क्ष日本 ok|", at: Point(x: 2, y: 2), style: .error)
            terminal.draw(canvas)
            for y in 0..<4 {
                #expect(terminal.readRow(y) == canvas.rowText(y), "row \(y)")
            }
        }
    }

    @Test("Given keys pushed back into curses, when read, then they decode to Devanagari, Ctrl, Tab and function keys")
    func keys() throws {
        try withTerminal("xterm-256color") { terminal in
            // unget_wch is a stack: push in reverse order.
            ungetch(nc_key_f(2))
            terminal.inject(0x13)          // Ctrl-S
            terminal.inject(0x09)          // Tab
            terminal.inject(0x928)         // न
            terminal.inject(0x1B)          // Esc
            let events = terminal.readEvents()
            #expect(events == [.input(.key(.escape)), .input(.key(.char("न"))), .input(.key(.tab)),
                               .input(.key(.ctrl("s"))), .input(.key(.function(2)))])
        }
    }

    @Test("Given a resize of curses' screen, when read, then a resize event carries the new size")
    func resize() throws {
        try withTerminal("xterm-256color") { terminal in
            terminal.simulateResize(to: Size(width: 100, height: 30))
            #expect(terminal.readEvents() == [.resize(Size(width: 100, height: 30))])
            #expect(terminal.size == Size(width: 100, height: 30))
        }
    }

    @Test("Given terminal types, when started, then colour follows the terminal and NO_COLOR turns it off", arguments: [
        ("vt100", [String: String](), false), ("xterm-256color", [:], true), ("xterm", [:], true),
        ("xterm-256color", ["NO_COLOR": "1"], false),
    ])
    func colourTiers(term: String, environment: [String: String], expectsColour: Bool) throws {
        try withTerminal(term, environment: environment) { terminal in
            #expect(terminal.usesColor == expectsColour)
        }
    }

    /// Devanagari typed through real curses into a real field, the frame drawn back through curses: the
    /// cursor moves and deletes by whole letters (a consonant with its halant, matra or nukta), and curses
    /// holds at the cursor's column the letter the field's cursor is before.
    @Test("Given क्ष, श्र and ज़ typed as UTF-8 bytes, when moved over and deleted with the terminal's keys, then each goes by whole letters and curses draws the cursor before the letter it is before")
    func editing() async throws {
        let harness = try AppHarness(store: try Fixtures.setUpStore())
        await harness.start()
        await harness.type(Fixtures.supervisorPin)
        await harness.press(.enter, .char("1"))
        #expect(harness.topScreenName == "PatientsScreen")
        let piped = try PipedTerminal("xterm-256color")
        defer { piped.close() }
        let terminal = piped.terminal
        terminal.simulateResize(to: .minimum)
        _ = terminal.readEvents()

        /// Sends bytes as the terminal would, gives curses' events to the application, draws its frame
        /// through curses, and returns what curses holds at its cursor.
        func send(_ bytes: String) async -> (point: Point, text: String) {
            piped.send(bytes)
            for event in terminal.readEvents() { await harness.send(event) }
            let canvas = harness.canvas
            terminal.draw(canvas)
            let atCursor = terminal.cursorAndTextAfter()
            #expect(canvas.cursor == atCursor.point, "the field's cursor is where curses put it")
            return atCursor
        }

        let typed = await send("क्षमा श्रीज़")     // ज़ as ज and the nukta, two scalars
        let fieldStart = typed.point.x - DisplayWidth.of("क्षमा श्रीज़")
        #expect(typed.text.hasPrefix(" "), "after the text: \(typed.text)")
        var here = await send("\u{1B}[D")          // Left
        #expect(here.text.hasPrefix("ज़"), "\(here.text)")
        here = await send("\u{1B}[D")
        #expect(here.text.hasPrefix("श्रीज़"), "\(here.text)")
        #expect(here.point.x == fieldStart + DisplayWidth.of("क्षमा "))
        here = await send("\u{7F}\u{7F}")        // Backspace twice: the space, then मा whole
        #expect(here.text.hasPrefix("श्रीज़"), "\(here.text)")
        #expect(here.point.x == fieldStart + DisplayWidth.of("क्ष"))
        here = await send("\u{1B}[H\u{1B}[3~")    // Home, Delete: क्ष whole
        #expect(here.text.hasPrefix("श्रीज़"), "\(here.text)")
        #expect(here.point.x == fieldStart)
        here = await send("\u{1B}[F")              // End
        #expect(here.point.x == fieldStart + DisplayWidth.of("श्रीज़"))
    }

    @Test("Given a whole application frame, when drawn through curses at 80×24, then every row matches the canvas")
    func applicationFrame() async throws {
        let harness = try AppHarness(store: try Fixtures.setUpStore())
        await harness.start()
        let canvas = harness.canvas
        try withTerminal("xterm-256color") { terminal in
            terminal.draw(canvas)
            #expect((0..<24).map { terminal.readRow($0) } == (0..<24).map { canvas.rowText($0) })
        }
    }
}

/// Real curses reading its keys from a pipe, as from a terminal: the test writes the bytes a terminal sends.
@MainActor
final class PipedTerminal {
    let terminal: CursesTerminal
    let writeEnd: Int32
    private let output: UnsafeMutablePointer<FILE>?
    private let input: UnsafeMutablePointer<FILE>?

    init(_ term: String) throws {
        setlocale(LC_ALL, "C.UTF-8")
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw CocoaError(.fileWriteUnknown) }
        output = fopen("/dev/null", "w+")
        input = fdopen(ends[0], "r")
        writeEnd = ends[1]
        terminal = try CursesTerminal(termName: term, output: output, input: input, environment: ["LANG": "C.UTF-8"])
    }

    func send(_ bytes: String) {
        _ = bytes.withCString { write(writeEnd, $0, strlen($0)) }
    }

    func close() {
        terminal.restore()
        fclose(output)
        fclose(input)
        Glibc.close(writeEnd)
    }
}

/// The bytes a terminal sends, read by real curses from a pipe under each terminal type, as from a
/// PuTTY, tmux, screen or console session whose `TERM` may be another terminal's.
extension VirtualTerminalTests {
@Suite("Key sequences under every terminal type", .serialized)
@MainActor
struct KeySequenceTests {
    nonisolated static let terminalTypes = ["xterm", "xterm-256color", "vt100", "vt220", "linux", "rxvt", "rxvt-unicode", "screen", "screen-256color",
                                "tmux", "tmux-256color"]

    /// Curses reading from a pipe that the test writes the keys into.
    func withPipeTerminal(_ term: String, _ body: (CursesTerminal, Int32) throws -> Void) throws {
        let piped = try PipedTerminal(term)
        defer { piped.close() }
        try body(piped.terminal, piped.writeEnd)
    }

    func send(_ bytes: String, to pipe: Int32) {
        _ = bytes.withCString { write(pipe, $0, strlen($0)) }
    }

    @Test("Given each sequence for Home, End, F1–F12, the cursor, editing and keypad keys, when a terminal of each type sends it, then it arrives as its key and nothing else", arguments: terminalTypes)
    func everySequence(term: String) throws {
        try withPipeTerminal(term) { terminal, pipe in
            var wrong: [String] = []
            for (sequence, key) in KeySequences.table {
                send(sequence, to: pipe)
                let events = terminal.readEvents()
                if events != [.input(.key(key))] {
                    wrong.append("\(sequence.dropFirst()) → \(events) (expected \(key))")
                }
            }
            #expect(wrong.isEmpty, "\(term): \(wrong.count) of \(KeySequences.table.count):\n\(wrong.prefix(20).joined(separator: "\n"))")
        }
    }

    @Test("Given Home from tmux on the Patients search, F5 under vt100 and a sequence no table knows, when read, then no Esc and no characters reach a field", arguments: terminalTypes)
    func nothingTyped(term: String) throws {
        try withPipeTerminal(term) { terminal, pipe in
            send("\u{1B}[1~", to: pipe)
            #expect(terminal.readEvents() == [.input(.key(.home))])
            send("\u{1B}[15~", to: pipe)
            #expect(terminal.readEvents() == [.input(.key(.function(5)))])
            send("\u{1B}[99;3~", to: pipe)
            #expect(terminal.readEvents().isEmpty)
            send("\u{1B}[200;1;2x", to: pipe)
            #expect(terminal.readEvents().isEmpty)
            // Esc alone, and Esc then a letter, are still what she pressed (Esc is never Alt).
            send("\u{1B}", to: pipe)
            #expect(terminal.readEvents() == [.input(.key(.escape))])
            send("\u{1B}q", to: pipe)
            #expect(terminal.readEvents() == [.input(.key(.escape)), .input(.key(.char("q")))])
        }
    }
}
}

@Suite("Key decoding")
struct KeyDecoderTests {
    @Test("Given a bracketed paste, when decoded, then its newline and control keys arrive as text, not keys")
    func paste() {
        var decoder = KeyDecoder(acceptsNonASCII: true)
        var events: [TerminalEvent] = []
        events += decoder.feed(.keyCode(Int32(KeyDecoder.pasteStartCode)))
        for scalar in "Asha\r\nDevi\u{3}".unicodeScalars { events += decoder.feed(.character(scalar.value)) }
        events += decoder.feed(.keyCode(Int32(KeyDecoder.pasteEndCode)))
        events += decoder.feed(.character(0x0D))
        #expect(events == [.input(.paste("Asha\r\nDevi\u{3}")), .input(.key(.enter))])
    }

    @Test("Given control bytes, when decoded, then each is its key", arguments: [
        (UInt32(0x0D), Key.enter), (0x0A, .enter), (0x09, .tab), (0x7F, .backspace), (0x08, .backspace), (0x01, .ctrl("a")),
        (0x11, .ctrl("q")), (0x1B, .escape), (0x3F, .char("?")), (0x938, .char("स")),
    ])
    func controlBytes(value: UInt32, key: Key) {
        var decoder = KeyDecoder(acceptsNonASCII: true)
        #expect(decoder.feed(.character(value)) + decoder.flush() == [.input(.key(key))])
    }

    @Test("Given a locale that is not UTF-8, when bytes above ASCII arrive, then they are dropped")
    func nonUTF8() {
        var decoder = KeyDecoder(acceptsNonASCII: false)
        #expect(decoder.feed(.character(0xE0)).isEmpty)
        #expect(decoder.feed(.character(0x61)) == [.input(.key(.char("a")))])
    }
}
