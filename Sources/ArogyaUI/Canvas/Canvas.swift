import ArogyaCore

/// One terminal cell: a grapheme cluster and its style. A glyph wider than one column (a CJK character,
/// or a Devanagari cluster such as "प्रि", 3 columns) is followed by continuation cells with an empty
/// grapheme and width 0, so that column arithmetic stays exact.
public struct Cell: Equatable, Sendable {
    public var grapheme: String
    public var width: UInt8
    public var style: Style

    public static let blank = Cell(grapheme: " ", width: 1, style: .normal)

    var isContinuation: Bool { width == 0 }
}

/// A screen's worth of cells that screens draw into and the terminal copies to curses.
///
/// Text is placed grapheme by grapheme with its display width (see `DisplayWidth`): a glyph never
/// straddles the right edge (spaces take its place), control characters are not drawn, and writing
/// over part of a wide glyph blanks the rest of it.
public struct Canvas: Equatable, Sendable {
    public let size: Size
    public let glyphs: Glyphs
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should show (the insertion point of the focused field), or nil.
    public var cursor: Point?
    /// Text that `put` had to cut at its width or the screen's edge. A line that carries meaning is wrapped
    /// or shortened on purpose (`truncate`, which ends in the ellipsis) instead; the screen tests fail on a cut.
    public private(set) var cuts: [String] = []

    /// Two canvases are the same picture whatever was cut on the way.
    public static func == (lhs: Canvas, rhs: Canvas) -> Bool {
        lhs.size == rhs.size && lhs.glyphs == rhs.glyphs && lhs.cells == rhs.cells && lhs.cursor == rhs.cursor
    }

    public init(size: Size, glyphs: Glyphs = .unicode) {
        self.size = size
        self.glyphs = glyphs
        self.cells = Array(repeating: .blank, count: max(0, size.width * size.height))
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: size.width, height: size.height) }

    /// Text as this canvas will show it: read in Latin and ASCII on a terminal that is not UTF-8.
    public func shown(_ text: String) -> String {
        glyphs == .ascii ? AsciiFallback.transliterate(text) : text
    }

    /// `text` padded or cut to exactly `columns` as it will be shown, so that columns line up in either mode.
    public func pad(_ text: String, to columns: Int) -> String {
        DisplayWidth.pad(shown(text), to: columns)
    }

    /// `text` cut to `columns` as it will be shown, ending in the ellipsis when something was dropped.
    public func truncate(_ text: String, to columns: Int) -> String {
        DisplayWidth.truncate(shown(text), to: columns, ellipsis: glyphs.ellipsis)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * size.width + x]
    }

    /// Writes `text` from `point`, clipped to `maxWidth` columns (and to the canvas). Returns the number
    /// of columns written.
    @discardableResult
    public mutating func put(_ text: String, at point: Point, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard point.y >= 0, point.y < size.height, point.x < size.width else { return 0 }
        let limit = min(size.width, point.x + (maxWidth ?? size.width))
        var x = max(0, point.x)
        let laidOut = text
        var text = shown(laidOut)
        // A screen lays its text out by the widths it has in Unicode. Read in Latin, Devanagari takes more
        // columns ("क्ष" is 2, "ksh" 3): where the Unicode text fitted, its reading is shortened by rule to
        // the same room, ending in the ellipsis, rather than cut.
        if glyphs == .ascii, DisplayWidth.of(text) > limit - x, DisplayWidth.of(laidOut) <= limit - x {
            text = DisplayWidth.truncate(text, to: limit - x, ellipsis: glyphs.ellipsis)
        }
        for index in text.indices {
            let character = text[index]
            let width = DisplayWidth.of(character)
            // Controls and lone combining marks have no column of their own: they are not drawn.
            guard width > 0 else { continue }
            if x + width > limit {
                // No room for the whole glyph: pad the remaining columns instead of splitting it.
                while x < limit { setCell(x, point.y, Cell(grapheme: " ", width: 1, style: style)); x += 1 }
                if text[index...].contains(where: { !$0.isWhitespace }) { cuts.append(text) }
                break
            }
            setCell(x, point.y, Cell(grapheme: String(character), width: UInt8(min(width, 255)), style: style))
            x += width
        }
        return x - max(0, point.x)
    }

    /// Fills a rectangle with spaces of one style.
    public mutating func fill(_ rect: Rect, style: Style = .normal) {
        let clipped = clip(rect)
        guard !clipped.isEmpty else { return }
        for y in clipped.y..<clipped.maxY {
            for x in clipped.x..<clipped.maxX { setCell(x, y, Cell(grapheme: " ", width: 1, style: style)) }
        }
    }

    /// Restyles a rectangle without changing its text (to highlight a row).
    public mutating func restyle(_ rect: Rect, style: Style) {
        let clipped = clip(rect)
        guard !clipped.isEmpty else { return }
        for y in clipped.y..<clipped.maxY {
            for x in clipped.x..<clipped.maxX { cells[y * size.width + x].style = style }
        }
    }

    /// A horizontal rule.
    public mutating func horizontalLine(y: Int, x: Int, width: Int, style: Style = .border) {
        put(String(repeating: glyphs.horizontal, count: max(0, width)), at: Point(x: x, y: y), style: style, maxWidth: width)
    }

    /// A box around `rect`, with an optional title in its top edge.
    public mutating func box(_ rect: Rect, title: String? = nil, style: Style = .border) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let inner = rect.width - 2
        put(String(glyphs.topLeft) + String(repeating: glyphs.horizontal, count: inner) + String(glyphs.topRight),
            at: Point(x: rect.x, y: rect.y), style: style)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            put(String(glyphs.vertical), at: Point(x: rect.x, y: y), style: style)
            put(String(glyphs.vertical), at: Point(x: rect.maxX - 1, y: y), style: style)
        }
        put(String(glyphs.bottomLeft) + String(repeating: glyphs.horizontal, count: inner) + String(glyphs.bottomRight),
            at: Point(x: rect.x, y: rect.maxY - 1), style: style)
        if let title, inner > 4 {
            put(" " + DisplayWidth.truncate(title, to: inner - 4, ellipsis: glyphs.ellipsis) + " ",
                at: Point(x: rect.x + 2, y: rect.y), style: .heading)
        }
    }

    /// The text of one row, wide glyphs once each.
    public func rowText(_ y: Int) -> String {
        var text = ""
        for x in 0..<size.width where !self[x, y].isContinuation {
            text += self[x, y].grapheme
        }
        return text
    }

    /// Every row as text with trailing spaces removed: what a snapshot compares.
    public var lines: [String] {
        (0..<size.height).map { y in
            var line = rowText(y)
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    public var text: String { lines.joined(separator: "\n") }

    private func clip(_ rect: Rect) -> Rect {
        let x0 = max(0, rect.x), y0 = max(0, rect.y)
        let x1 = min(size.width, rect.maxX), y1 = min(size.height, rect.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Places a cell (and the continuation cells of a wide one), blanking any glyph it partly covers.
    private mutating func setCell(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, x < size.width, y >= 0, y < size.height else { return }
        let width = max(1, Int(cell.width))
        for column in x..<min(size.width, x + width) { blankGlyph(covering: column, row: y) }
        cells[y * size.width + x] = cell
        for column in (x + 1)..<min(size.width, x + width) {
            cells[y * size.width + column] = Cell(grapheme: "", width: 0, style: cell.style)
        }
    }

    /// If the column belongs to a glyph wider than one column, turns the whole glyph into spaces.
    private mutating func blankGlyph(covering column: Int, row y: Int) {
        var head = column
        while head > 0, cells[y * size.width + head].isContinuation { head -= 1 }
        let width = Int(cells[y * size.width + head].width)
        guard width != 1 else { return }
        for x in head..<min(size.width, head + max(1, width)) {
            cells[y * size.width + x] = Cell(grapheme: " ", width: 1, style: cells[y * size.width + x].style)
        }
    }
}
