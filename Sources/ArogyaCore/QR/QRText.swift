/// A QR code as lines of text, dark modules drawn in the glyphs' colour: dark on light paper when printed,
/// and on a screen whatever colours the caller sets (the ABHA card sets black on white).
public enum QRText {
    /// Two module rows per line with Unicode half blocks (▀ ▄ █), one column per module: a terminal cell is
    /// about twice as tall as it is wide, so each module comes out square. `quiet` light modules surround it.
    public static func halfBlocks(_ code: QRCode, quiet: Int = 2) -> [String] {
        let side = code.size + 2 * quiet
        func dark(_ row: Int, _ column: Int) -> Bool {
            let r = row - quiet, c = column - quiet
            return r >= 0 && r < code.size && c >= 0 && c < code.size && code.modules[r][c]
        }
        return stride(from: 0, to: side, by: 2).map { row in
            String((0..<side).map { column -> Character in
                switch (dark(row, column), dark(row + 1, column)) {
                case (true, true): "█"
                case (true, false): "▀"
                case (false, true): "▄"
                case (false, false): " "
                }
            })
        }
    }

    /// One module row per line, two `#` per dark module, for terminals and printers without UTF-8.
    public static func ascii(_ code: QRCode, quiet: Int = 1) -> [String] {
        let side = code.size + 2 * quiet
        return (0..<side).map { row in
            (0..<side).map { column in
                let r = row - quiet, c = column - quiet
                return r >= 0 && r < code.size && c >= 0 && c < code.size && code.modules[r][c] ? "##" : "  "
            }.joined()
        }
    }
}
