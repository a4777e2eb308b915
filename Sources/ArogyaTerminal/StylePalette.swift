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
        switch style {
        case .title: return (COLOR_WHITE, COLOR_BLUE, nc_a_bold())
        case .status: return (COLOR_WHITE, COLOR_BLUE, 0)
        case .footerKey: return (COLOR_BLACK, COLOR_CYAN, 0)
        case .heading: return (COLOR_CYAN, -1, nc_a_bold())
        case .selected: return (COLOR_BLACK, COLOR_CYAN, 0)
        case .warning: return (COLOR_BLACK, COLOR_YELLOW, 0)
        case .error: return (COLOR_RED, -1, nc_a_bold())
        case .success: return (COLOR_GREEN, -1, nc_a_bold())
        case .fieldFocused: return (COLOR_BLACK, COLOR_WHITE, 0)
        case .border: return (COLOR_BLUE, -1, 0)
        case .code: return (COLOR_BLACK, COLOR_WHITE, 0)
        case .normal, .footerLabel, .disabled, .field, .labelFocused, .hint: return nil
        }
    }

    /// Attributes of the styles that keep the terminal's own colours.
    private static func colorAttributes(for style: Style) -> UInt32 {
        switch style {
        case .disabled, .hint: return nc_a_dim()
        case .field: return nc_a_underline()
        case .labelFocused: return nc_a_bold()
        default: return nc_a_normal()
        }
    }

    /// Without colour: every style that means something stays visible as an attribute.
    private static func monochrome(for style: Style) -> UInt32 {
        switch style {
        case .title: return nc_a_reverse() | nc_a_bold()
        // A QR code reversed: dark glyphs on a light ground on the usual light-on-dark terminal.
        case .status, .footerKey, .selected, .warning, .fieldFocused, .code: return nc_a_reverse()
        case .heading: return nc_a_bold() | nc_a_underline()
        case .error, .labelFocused, .success: return nc_a_bold()
        case .field: return nc_a_underline()
        case .disabled, .hint: return nc_a_dim()
        case .normal, .footerLabel, .border: return nc_a_normal()
        }
    }
}
