/// Devanagari to Latin, the way Indian names are usually written in Latin letters ("लक्ष्मी" → "Lakshmi",
/// "कमला" → "Kamla", "अमरनाथ" → "Amarnath"), and back as a suggestion.
///
/// Latin spelling of Hindi drops the inherent vowel "a" at the end of a word and in the middle where the
/// word is spoken without it (schwa deletion), so the reading applies Ohala's rule from right to left:
/// an inherent "a" between a vowel + consonant and a consonant + vowel is not written.
public enum Devanagari {
    /// Whether the text has any Devanagari letter.
    public static func contains(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x0900...0x097F).contains($0.value) }
    }

    /// A syllable-level piece of a word: a consonant (with its vowel or none), or a vowel on its own.
    struct Segment {
        var consonant: String?
        /// The vowel written after the consonant; nil is the inherent "a"; "" is none (virama).
        var vowel: String?
        /// Anusvara, candrabindu or visarga after the vowel.
        var coda = ""

        var hasInherentVowel: Bool { consonant != nil && vowel == nil }
    }

    static let consonants: [Unicode.Scalar: String] = [
        "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j", "झ": "jh", "ञ": "n",
        "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t", "थ": "th", "द": "d", "ध": "dh", "न": "n",
        "ऩ": "n", "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m", "य": "y", "र": "r", "ऱ": "r", "ल": "l",
        "ळ": "l", "ऴ": "l", "व": "v", "श": "sh", "ष": "sh", "स": "s", "ह": "h",
        // Consonants with nukta, precomposed (U+0958 to U+095F).
        "\u{0958}": "q", "\u{0959}": "kh", "\u{095A}": "gh", "\u{095B}": "z", "\u{095C}": "r", "\u{095D}": "rh",
        "\u{095E}": "f", "\u{095F}": "y",
    ]

    /// The nukta form of a consonant written as consonant + U+093C.
    static let nukta: [String: String] = ["k": "q", "j": "z", "ph": "f", "d": "r", "dh": "rh", "kh": "kh", "g": "gh"]

    static let independentVowels: [Unicode.Scalar: String] = [
        "अ": "a", "आ": "a", "इ": "i", "ई": "i", "उ": "u", "ऊ": "u", "ऋ": "ri", "ॠ": "ri", "ऌ": "li",
        "ए": "e", "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e", "ऎ": "e", "ऒ": "o",
    ]

    static let vowelSigns: [Unicode.Scalar: String] = [
        "ा": "a", "ि": "i", "ी": "i", "ु": "u", "ू": "u", "ृ": "ri", "ॄ": "ri", "े": "e", "ै": "ai", "ो": "o",
        "ौ": "au", "ॉ": "o", "ॅ": "e", "ॆ": "e", "ॊ": "o",
    ]

    static let virama: Unicode.Scalar = "्"
    static let nuktaSign: Unicode.Scalar = "़"

    /// Splits one Devanagari word into segments. Other characters are passed through as vowels of their
    /// own, lower-cased (digits, Latin letters mixed in).
    static func segments(_ word: String) -> [Segment] {
        var result: [Segment] = []
        for scalar in word.unicodeScalars {
            if let consonant = consonants[scalar] {
                result.append(Segment(consonant: consonant))
            } else if scalar == nuktaSign, let last = result.indices.last, let consonant = result[last].consonant {
                result[last].consonant = nukta[consonant] ?? consonant
            } else if scalar == virama, let last = result.indices.last, result[last].consonant != nil {
                result[last].vowel = ""
            } else if let sign = vowelSigns[scalar], let last = result.indices.last, result[last].hasInherentVowel {
                result[last].vowel = sign
            } else if let vowel = independentVowels[scalar] {
                result.append(Segment(consonant: nil, vowel: vowel))
            } else if scalar == "ं" || scalar == "ँ" || scalar == "ः", let last = result.indices.last {
                result[last].coda += scalar == "ः" ? "h" : "n"
            } else if (0x0966...0x096F).contains(scalar.value) {
                result.append(Segment(consonant: nil, vowel: String(scalar.value - 0x0966)))
            } else if !(0x0900...0x097F).contains(scalar.value) {
                result.append(Segment(consonant: nil, vowel: String(scalar).lowercased()))
            }
        }
        return result
    }

    /// One word in lower-case Latin, with schwa deletion.
    public static func latinWord(_ word: String) -> String {
        var parts = segments(word)
        guard !parts.isEmpty else { return "" }
        // Ohala's rule, right to left: V C [a] C V loses its "a"; the word-final "a" is not written (unless
        // the word is that one consonant).
        var keep = parts.map { _ in true }
        func vowelAfter(_ index: Int) -> Bool {
            index < parts.count && (parts[index].vowel.map { !$0.isEmpty } ?? true) && keep[index]
        }
        // After a cluster the final "a" is spoken (Krishna, Indra), so it stays.
        if let last = parts.indices.last, parts[last].hasInherentVowel, parts[last].coda.isEmpty, parts.count > 1,
           parts[last - 1].vowel != "" {
            keep[last] = false
        }
        var index = parts.count - 2
        while index >= 1 {
            if parts[index].hasInherentVowel, parts[index].coda.isEmpty, keep[index],
               vowelAfter(index - 1) || (parts[index - 1].consonant == nil),
               index + 1 < parts.count, parts[index + 1].consonant != nil, vowelAfter(index + 1) {
                keep[index] = false
                index -= 2
                continue
            }
            index -= 1
        }
        // ज्ञ is read "gy" (Gyan), not "jn".
        for index in parts.indices.dropLast() where parts[index].consonant == "j" && parts[index].vowel == ""
            && parts[index + 1].consonant == "n" && word.unicodeScalars.contains("ञ") {
            parts[index].consonant = "g"
            parts[index + 1].consonant = "y"
        }
        var text = ""
        for (index, part) in parts.enumerated() {
            text += part.consonant ?? ""
            if let vowel = part.vowel {
                text += vowel
            } else if keep[index] {
                text += "a"
            }
            var coda = part.coda
            // An anusvara before p, b or m sounds "m".
            if coda == "n", index + 1 < parts.count, ["p", "ph", "b", "bh", "m"].contains(parts[index + 1].consonant ?? "") {
                coda = "m"
            }
            // Before h it is written "ng": सिंह is Singh, सिंहासन Singhasan.
            if coda == "n", index + 1 < parts.count, parts[index + 1].consonant == "h" {
                coda = "ng"
            }
            text += coda
        }
        return text
    }

    /// A name in Latin letters, each word capitalised: "लक्ष्मी देवी" → "Lakshmi Devi".
    public static func toLatin(_ name: String) -> String {
        name.split(whereSeparator: { $0 == " " || $0 == "-" }).map { word in
            let latin = latinWord(String(word))
            return latin.prefix(1).uppercased() + latin.dropFirst()
        }.joined(separator: " ")
    }

    // MARK: - Latin to Devanagari (a suggestion the worker can correct)

    static let latinConsonants: [(String, String)] = [
        ("ksh", "क्ष"), ("chh", "छ"), ("shr", "श्र"), ("gy", "ज्ञ"), ("kh", "ख"), ("gh", "घ"), ("ch", "च"), ("jh", "झ"),
        ("th", "थ"), ("dh", "ध"), ("ph", "फ"), ("bh", "भ"), ("sh", "श"), ("k", "क"), ("g", "ग"), ("c", "क"), ("j", "ज"),
        ("t", "त"), ("d", "द"), ("n", "न"), ("p", "प"), ("f", "फ़"), ("b", "ब"), ("m", "म"), ("y", "य"), ("r", "र"),
        ("l", "ल"), ("v", "व"), ("w", "व"), ("s", "स"), ("h", "ह"), ("q", "क़"), ("z", "ज़"), ("x", "क्ष"),
    ]

    /// Vowels: (Latin, independent letter, sign after a consonant). The empty sign is the inherent "a".
    static let latinVowels: [(String, String, String)] = [
        ("aa", "आ", "ा"), ("ai", "ऐ", "ै"), ("au", "औ", "ौ"), ("ee", "ई", "ी"), ("oo", "ऊ", "ू"), ("ri", "ऋ", "ृ"),
        ("a", "अ", ""), ("i", "इ", "ि"), ("u", "उ", "ु"), ("e", "ए", "े"), ("o", "ओ", "ो"),
    ]

    /// "Lakshmi Devi" → "लक्ष्मी देवी". Long vowels at the end of a word ("-i", "-a" after a consonant) are
    /// written long, as in most names; the worker corrects what the rules cannot know.
    public static func fromLatin(_ name: String) -> String {
        name.lowercased().split(separator: " ").map { devanagariWord(String($0)) }.joined(separator: " ")
    }

    static func devanagariWord(_ word: String) -> String {
        let letters = Array(word.unicodeScalars.filter { ("a"..."z").contains($0) }.map(Character.init))
        var output = ""
        var index = 0
        var afterConsonant = false
        func matches(_ pattern: String, at position: Int) -> Bool {
            let pattern = Array(pattern)
            guard position + pattern.count <= letters.count else { return false }
            return Array(letters[position..<position + pattern.count]) == pattern
        }
        while index < letters.count {
            // "ri" after a consonant is a vowel sign only when no vowel follows (Krishna, not Priya).
            if let (latin, letter, sign) = latinVowels.first(where: { matches($0.0, at: index) && !($0.0 == "ri" && afterConsonant) }) {
                var chosenSign = sign
                var chosenLetter = letter
                let atEnd = index + latin.count == letters.count
                if atEnd && afterConsonant && latin == "a" && letters.count > 2 { chosenSign = "ा" }
                if atEnd && latin == "i" { chosenSign = "ी"; chosenLetter = "ई" }
                output += afterConsonant ? chosenSign : chosenLetter
                afterConsonant = false
                index += latin.count
                continue
            }
            if let (latin, letter) = latinConsonants.first(where: { matches($0.0, at: index) }) {
                if afterConsonant { output += "्" }
                // A doubled consonant is one letter with a virama: "mm" → म्म.
                output += letter
                afterConsonant = true
                index += latin.count
                continue
            }
            index += 1
        }
        return output
    }
}
