/// The characters used to draw borders and markers: Unicode box drawing where the locale is UTF-8,
/// plain ASCII where it is not (a terminal in the C locale would otherwise show garbage).
public struct Glyphs: Equatable, Sendable {
    public let horizontal: Character
    public let vertical: Character
    public let topLeft: Character
    public let topRight: Character
    public let bottomLeft: Character
    public let bottomRight: Character
    public let teeLeft: Character
    public let teeRight: Character
    public let separator: String
    public let ellipsis: String
    public let arrowUp: String
    public let arrowDown: String
    public let arrowLeft: String
    public let arrowRight: String
    public let bullet: String

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeLeft: "├", teeRight: "┤", separator: " · ", ellipsis: "…",
        arrowUp: "↑", arrowDown: "↓", arrowLeft: "←", arrowRight: "→", bullet: "·")

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeLeft: "+", teeRight: "+", separator: " | ", ellipsis: "~",
        arrowUp: "Up", arrowDown: "Dn", arrowLeft: "Lt", arrowRight: "Rt", bullet: "*")
}
