/// What a cell means, not what colour it is. The terminal maps each style to a colour pair, or to
/// reverse, bold and underline on a monochrome terminal; every style that carries meaning also has a
/// text marker in the screen itself (">", "!", brackets), so colour is never the only signal.
public enum Style: UInt8, CaseIterable, Sendable {
    case normal
    /// The top bar.
    case title
    /// The status line at the bottom.
    case status
    /// A key name in the footer ("F2").
    case footerKey
    /// What the key does, in the footer ("Save").
    case footerLabel
    /// A section heading inside a screen.
    case heading
    /// The selected row of a list.
    case selected
    /// A menu item or action not available (yet, or to this role).
    case disabled
    case warning
    case error
    case success
    /// A text field that does not have the focus.
    case field
    /// The text field being typed into.
    case fieldFocused
    /// The label of the focused field.
    case labelFocused
    /// Borders and rules.
    case border
    /// Hints beside a field.
    case hint
    /// A QR code: dark glyphs on a light ground, whatever the terminal's own colours, for a phone's camera.
    case code
}
