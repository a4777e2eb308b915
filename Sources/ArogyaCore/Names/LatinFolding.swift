/// Latin letters with diacritics folded to plain a–z, without ICU: the letters of IAST (ā, ṣ, ṭ, ṇ…),
/// Latin-1 and Latin Extended-A, which is what Indian names in Latin carry.
enum LatinFolding {
    static let table: [Unicode.Scalar: String] = {
        var table: [Unicode.Scalar: String] = [:]
        let groups: [(String, String)] = [
            ("a", "àáâãäåāăąǎȧạả"), ("c", "çćĉċč"), ("d", "ďđḍḏ"), ("e", "èéêëēĕėęěẹẽ"), ("g", "ĝğġģ"),
            ("h", "ĥħḥḫ"), ("i", "ìíîïĩīĭįıǐị"), ("j", "ĵ"), ("k", "ķḳ"), ("l", "ĺļľŀłḷḹ"), ("m", "ṁṃ"),
            ("n", "ñńņňṅṇṉ"), ("o", "òóôõöøōŏőǒọ"), ("r", "ŕŗřṛṝṟ"), ("s", "śŝşšṣ"), ("t", "ţťŧṭṯ"),
            ("u", "ùúûüũūŭůűųǔụ"), ("w", "ŵ"), ("y", "ýÿŷẏ"), ("z", "źżžẓ"), ("ss", "ß"), ("ae", "æ"), ("oe", "œ"),
        ]
        for (plain, marked) in groups {
            for scalar in marked.unicodeScalars { table[scalar] = plain }
            for scalar in marked.uppercased().unicodeScalars where table[scalar] == nil { table[scalar] = plain }
        }
        return table
    }()

    /// Lower-case a–z only: diacritics folded, combining marks and everything else dropped.
    static func fold(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (0x61...0x7A).contains(value) {
                result.unicodeScalars.append(scalar)
            } else if (0x41...0x5A).contains(value) {
                result.unicodeScalars.append(Unicode.Scalar(value + 32)!)
            } else if let plain = table[scalar] {
                result += plain
            }
        }
        return result
    }
}
