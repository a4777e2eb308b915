/// How a `Style` looks on a terminal, without curses: the colour pair and attributes where the terminal
/// has colours, and attributes alone where it has not (or `NO_COLOR` is set). The curses palette is
/// made from this, and the styled snapshots print it, so that both read one table.
public struct StyleLook: Equatable, Sendable {
    public enum Color: String, Sendable {
        case black, red, green, yellow, blue, cyan, white
        /// The terminal's own foreground or background.
        case terminal
    }

    public var foreground: Color = .terminal
    public var background: Color = .terminal
    public var bold = false
    public var underline = false
    public var reverse = false
    public var dim = false

    public enum Mode: Sendable { case color, monochrome }

    public static func of(_ style: Style, mode: Mode) -> StyleLook {
        mode == .color ? color(style) : monochrome(style)
    }

    /// With colours: a pair for the styles that mean something, the terminal's own colours for the rest.
    static func color(_ style: Style) -> StyleLook {
        switch style {
        case .title: return StyleLook(foreground: .white, background: .blue, bold: true)
        case .status: return StyleLook(foreground: .white, background: .blue)
        case .footerKey, .selected: return StyleLook(foreground: .black, background: .cyan)
        case .heading: return StyleLook(foreground: .cyan, bold: true)
        case .warning: return StyleLook(foreground: .black, background: .yellow)
        case .error: return StyleLook(foreground: .red, bold: true)
        case .success: return StyleLook(foreground: .green, bold: true)
        case .fieldFocused, .code: return StyleLook(foreground: .black, background: .white)
        case .border: return StyleLook(foreground: .blue)
        case .disabled, .hint: return StyleLook(dim: true)
        case .field: return StyleLook(underline: true)
        case .labelFocused: return StyleLook(bold: true)
        case .normal, .footerLabel: return StyleLook()
        }
    }

    /// Without colour: every style that means something stays visible as an attribute.
    static func monochrome(_ style: Style) -> StyleLook {
        switch style {
        case .title: return StyleLook(bold: true, reverse: true)
        // A QR code reversed: dark glyphs on a light ground on the usual light-on-dark terminal.
        case .status, .footerKey, .selected, .warning, .fieldFocused, .code: return StyleLook(reverse: true)
        case .heading: return StyleLook(bold: true, underline: true)
        case .error, .labelFocused, .success: return StyleLook(bold: true)
        case .field: return StyleLook(underline: true)
        case .disabled, .hint: return StyleLook(dim: true)
        case .normal, .footerLabel, .border: return StyleLook()
        }
    }

    /// "white on blue, bold", "reverse", "plain": for the styled snapshots.
    public var description: String {
        var parts: [String] = []
        if foreground != .terminal || background != .terminal {
            parts.append(foreground.rawValue + (background == .terminal ? "" : " on " + background.rawValue))
        }
        if reverse { parts.append("reverse") }
        if bold { parts.append("bold") }
        if underline { parts.append("underline") }
        if dim { parts.append("dim") }
        return parts.isEmpty ? "plain" : parts.joined(separator: ", ")
    }
}

extension Canvas {
    /// Each row's runs of one look, as "0-79 white on blue, bold", leaving out plain runs: what a
    /// terminal in `mode` shows besides the text, for snapshots.
    public func styleRuns(_ mode: StyleLook.Mode) -> String {
        var lines: [String] = []
        for y in 0..<size.height {
            var runs: [String] = []
            var start = 0
            var current = StyleLook.of(self[0, y].style, mode: mode)
            for x in 1...size.width {
                let look = x < size.width ? StyleLook.of(self[x, y].style, mode: mode) : nil
                if look != current {
                    if current != StyleLook() { runs.append("\(start)-\(x - 1) \(current.description)") }
                    if let look { current = look }
                    start = x
                }
            }
            if !runs.isEmpty { lines.append((y < 10 ? "0" : "") + String(y) + ": " + runs.joined(separator: " | ")) }
        }
        return lines.joined(separator: "\n")
    }
}
