import ArogyaUI
import CNcursesw

/// How each `Style` looks: a colour pair with attributes where the terminal has colours (and `NO_COLOR`
/// is not set), reverse, bold, underline and dim where it has not.
struct StylePalette {
    enum Mode: Equatable { case color, monochrome }

    let mode: Mode
    private var attributes: [UInt32] = []
    private var pairs: [Int32] = []

    init(colorAllowed: Bool) {
        let useColor = colorAllowed && has_colors()
        mode = useColor ? .color : .monochrome
        if useColor {
            start_color()
            use_default_colors()
        }
        for style in Style.allCases {
            let pair = Int32(style.rawValue) + 1
            if useColor, let (foreground, background, extra) = Self.colors(for: style) {
                init_pair(Int16(pair), Int16(foreground), Int16(background))
                pairs.append(pair)
                attributes.append(extra)
            } else {
                pairs.append(0)
                attributes.append(useColor ? Self.colorAttributes(for: style) : Self.monochrome(for: style))
            }
        }
    }

    func attributes(for style: Style) -> (attributes: UInt32, pair: Int32) {
        (attributes[Int(style.rawValue)], pairs[Int(style.rawValue)])
    }

    /// Foreground, background (-1 for the terminal's own) and extra attributes of the coloured styles.
    private static func colors(for style: Style) -> (Int32, Int32, UInt32)? {
        let look = StyleLook.of(style, mode: .color)
        guard look.foreground != .terminal || look.background != .terminal else { return nil }
        return (color(look.foreground), color(look.background), attributes(of: look))
    }

    /// Attributes of the styles that keep the terminal's own colours.
    private static func colorAttributes(for style: Style) -> UInt32 {
        attributes(of: StyleLook.of(style, mode: .color))
    }

    /// Without colour: every style that means something stays visible as an attribute.
    private static func monochrome(for style: Style) -> UInt32 {
        attributes(of: StyleLook.of(style, mode: .monochrome))
    }

    private static func attributes(of look: StyleLook) -> UInt32 {
        var value = nc_a_normal()
        if look.bold { value |= nc_a_bold() }
        if look.underline { value |= nc_a_underline() }
        if look.reverse { value |= nc_a_reverse() }
        if look.dim { value |= nc_a_dim() }
        return value
    }

    private static func color(_ color: StyleLook.Color) -> Int32 {
        switch color {
        case .black: return COLOR_BLACK
        case .red: return COLOR_RED
        case .green: return COLOR_GREEN
        case .yellow: return COLOR_YELLOW
        case .blue: return COLOR_BLUE
        case .cyan: return COLOR_CYAN
        case .white: return COLOR_WHITE
        case .terminal: return -1
        }
    }
}
