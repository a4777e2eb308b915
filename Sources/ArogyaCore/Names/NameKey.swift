import Foundation

/// The searchable forms of a name, from either script, in one Latin alphabet.
///
/// Each word has two forms. Its *spelling* is the word in plain lower-case Latin (diacritics folded,
/// Devanagari read as Latin: "लक्ष्मी" → "lakshmi"), for prefix matching as it is typed. Its *sound key*
/// folds the ways one name is spelt in India to one string:
///
/// 1. whole-word variants: mohd, md, mohammad, muhammad… → "mhmd";
/// 2. x → ks (laxmi = lakshmi); ph → f; q → k; z → j; w → v; b → v; ck → k;
/// 3. sh → s; an h after a consonant is dropped (kh, gh, th, dh, bh, ch: aspiration is written or not);
/// 4. m before b or p → n (what an anusvara is read as);
/// 5. ee → i, oo → u, and every doubled letter once;
/// 6. every "a" after the first letter is dropped: Hindi does not say the inherent "a" at the end of a
///    word or in the middle (Ram = Rama, Kamla = Kamala), so "a" is the least reliable letter in a name.
///
/// "Lakshmi", "Laxmi" and "लक्ष्मी" all key to "lksmi"; "Sita", "Seeta" and "सीता" to "sit". A word typed in
/// part keys to a prefix of the whole word's key, so search matches keys by prefix too. The design is in
/// DECISIONS.md (2026-11-22, phonetic name key).
///
/// A third, looser form, the *skeleton*, is what is left when every vowel is let go (see `skeleton`):
/// Malini and Malani, Mandal and Mondal, Bimala and Vimala, Mahender and Mahendra. It finds her when
/// nothing closer does, and ranks below every closer match.
public enum NameKey {
    /// A word with its three forms.
    public struct Word: Hashable, Sendable {
        public let spelling: String
        public let key: String
        public let skeleton: String

        public init(spelling: String, key: String, skeleton: String) {
            self.spelling = spelling
            self.key = key
            self.skeleton = skeleton
        }

        public init(spelling: String) {
            self.init(spelling: spelling, key: NameKey.key(spelling), skeleton: NameKey.skeleton(spelling))
        }

        /// Two words written as one ("Ram Prasad" → "Ramprasad"), its forms made from the joined spelling.
        public func joined(with next: Word) -> Word { Word(spelling: spelling + next.spelling) }
    }

    /// The version of these rules. Stored with the search index: a change rebuilds it.
    public static let version = 2

    static let wholeWordVariants: [String: String] = {
        var table: [String: String] = [:]
        for spelling in ["mohd", "md", "mohammad", "mohammed", "mohamad", "mohamed", "muhammad", "muhammed",
                         "muhamad", "muhamed", "mohmad", "mohmmad", "mohamd", "mohmed", "mahammad", "mahmad"] {
            table[spelling] = "mhmd"
        }
        for spelling in ["shri", "shree", "sri", "sree", "shrI"] { table[spelling] = "sri" }
        return table
    }()

    /// The words of a name in either script, in order.
    public static func words(_ name: String) -> [Word] {
        name.split(whereSeparator: isSeparator).compactMap { piece in
            let spelling = spelling(String(piece))
            guard !spelling.isEmpty else { return nil }
            return Word(spelling: spelling)
        }
    }

    /// How a search term says what it is: a word's spelling has no mark; its key, skeleton, and the three
    /// forms of two neighbouring words joined, are marked by a leading digit (the index's tokens are letters
    /// and digits, so a mark is part of the term).
    public enum Mark: Character, CaseIterable, Sendable {
        case key = "0", skeleton = "1", joinedSpelling = "2", joinedKey = "3", joinedSkeleton = "4"
    }

    /// The search terms of a name in both scripts: for each word its spelling, key and skeleton
    /// ("lakshmi 0lksmi 1lksm devi 0devi 1dv"), then each pair of neighbouring words joined ("2lakshmidevi
    /// 3lksmidevi 4lksmdv"), so that "Ram Prasad" is found as "Ramprasad" and the other way round. Each
    /// word once. The store indexes them and ranking reads them.
    public static func searchTerms(name: String, nameAlt: String?) -> String {
        var seen = Set<Word>()
        var terms: [String] = []
        var joinedTerms: [String] = []
        for script in [words(name), words(nameAlt ?? "")] {
            for (index, word) in script.enumerated() {
                if seen.insert(word).inserted {
                    terms += [word.spelling, String(Mark.key.rawValue) + word.key, String(Mark.skeleton.rawValue) + word.skeleton]
                }
                guard index + 1 < script.count else { continue }
                let joined = word.joined(with: script[index + 1])
                if seen.insert(joined).inserted {
                    joinedTerms += [String(Mark.joinedSpelling.rawValue) + joined.spelling, String(Mark.joinedKey.rawValue) + joined.key,
                                    String(Mark.joinedSkeleton.rawValue) + joined.skeleton]
                }
            }
        }
        return (terms + joinedTerms).joined(separator: " ")
    }

    /// The plain Latin spelling of one word: Devanagari read as Latin, diacritics folded, lower case.
    public static func spelling(_ word: String) -> String {
        Devanagari.contains(word) ? LatinFolding.fold(Devanagari.latinWord(word)) : LatinFolding.fold(word)
    }

    /// The sound key of one spelling (lower-case a–z).
    public static func key(_ spelling: String) -> String {
        if let whole = wholeWordVariants[spelling] ?? wholeWordVariants[collapsed(spelling)] { return whole }
        var letters = Array(spelling.utf8)
        letters = replacing(letters)
        // Doubled letters once ("ee" and "oo" were made "i" and "u" above), then every non-initial "a".
        var output: [UInt8] = []
        output.reserveCapacity(letters.count)
        for (index, letter) in letters.enumerated() {
            if letter == UInt8(ascii: "a") && index > 0 { continue }
            if let last = output.last, last == letter { continue }
            output.append(letter)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The consonants of a spelling, which hold when the vowels do not: the key's rules (aspiration, sh, z,
    /// q, ph, w, b, x, anusvara), a nasal before p or v as m (the key's anusvara rule made "Ram Prasad"
    /// joined "ranprasad", where "रामप्रसाद" is read "ramaprasad"), an initial y as j
    /// (Yadav, Jadav), a y or w that is part of a vowel (Naidu, Naydu; Gowda, Gouda; Jadhav, Jadhao; Reddy,
    /// Reddi) let go with the vowels, every vowel let go but an initial one (which stays, as "a"), and
    /// doubled letters once. "Malini" and "Malani" → "mln", "Mahender", "Mahendar" and "Mahendra" →
    /// "mhndr", "Chowdhury" and "Chaudhari" → "cdr".
    public static func skeleton(_ spelling: String) -> String {
        let letters = replacing(Array(spelling.utf8))
        let a = UInt8(ascii: "a"), v = UInt8(ascii: "v"), y = UInt8(ascii: "y"), n = UInt8(ascii: "n")
        var output: [UInt8] = []
        output.reserveCapacity(letters.count)
        for (index, raw) in letters.enumerated() {
            var letter = raw
            // A nasal before p, b or v is m however it was written ("Ram Prasad" joined, whose key made it
            // "ranprasad", and "रामप्रसाद" read "ramaprasad" have one skeleton).
            if letter == n, let next = index + 1 < letters.count ? letters[index + 1] : nil,
               next == UInt8(ascii: "p") || next == UInt8(ascii: "b") || next == v {
                letter = UInt8(ascii: "m")
            }
            let previous: UInt8? = index > 0 ? letters[index - 1] : nil
            let next: UInt8? = index + 1 < letters.count ? letters[index + 1] : nil
            if index == 0 {
                if letter == y { letter = UInt8(ascii: "j") }
                output.append(isVowel(letter) ? a : letter)
                continue
            }
            if isVowel(letter) { continue }
            // A y after the first letter is a vowel in Indian spellings (Naidu / Naydu, Bhatia / Bhatiya, Reddy).
            if letter == y { continue }
            // A w or v after a or o, before a consonant or at the end, is a vowel (Gowda / Gouda, Jadhav / Jadhao).
            if letter == v, let previous, previous == a || previous == UInt8(ascii: "o"), next.map({ !isVowel($0) && $0 != y }) ?? true { continue }
            if output.last == letter { continue }
            output.append(letter)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The spelling with long vowels written short and doubled letters once ("moohammad" → "muhamad"), for
    /// finding whole-word variants however their vowels are written.
    static func collapsed(_ spelling: String) -> String {
        let shortened = spelling.replacingOccurrences(of: "oo", with: "u").replacingOccurrences(of: "ee", with: "i")
        var output: [UInt8] = []
        for letter in shortened.utf8 where output.last != letter { output.append(letter) }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isVowel(_ letter: UInt8) -> Bool {
        letter == UInt8(ascii: "a") || letter == UInt8(ascii: "e") || letter == UInt8(ascii: "i")
            || letter == UInt8(ascii: "o") || letter == UInt8(ascii: "u")
    }

    /// Rules 2 to 5, in one pass from left to right.
    private static func replacing(_ letters: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(letters.count + 2)
        var index = 0
        while index < letters.count {
            let letter = letters[index]
            let next = index + 1 < letters.count ? letters[index + 1] : 0
            switch letter {
            case UInt8(ascii: "x"):
                output += [UInt8(ascii: "k"), UInt8(ascii: "s")]
            case UInt8(ascii: "p") where next == UInt8(ascii: "h"):
                output.append(UInt8(ascii: "f"))
                index += 1
            case UInt8(ascii: "q"):
                output.append(UInt8(ascii: "k"))
            case UInt8(ascii: "z"):
                output.append(UInt8(ascii: "j"))
            case UInt8(ascii: "w"), UInt8(ascii: "b"):
                // b and v are one letter where Bengali, Odia and Assamese are spoken (Bijay, Vijay; Bimala, Vimala).
                output.append(UInt8(ascii: "v"))
            case UInt8(ascii: "c") where next == UInt8(ascii: "k"):
                output.append(UInt8(ascii: "k"))
                index += 1
            case UInt8(ascii: "s") where next == UInt8(ascii: "h"):
                output.append(UInt8(ascii: "s"))
                index += 1
            case UInt8(ascii: "h") where output.last.map { !isVowel($0) } == true:
                break  // aspiration
            case UInt8(ascii: "m") where next == UInt8(ascii: "b") || next == UInt8(ascii: "p"):
                output.append(UInt8(ascii: "n"))
            case UInt8(ascii: "e") where next == UInt8(ascii: "e"):
                output.append(UInt8(ascii: "i"))
                index += 1
            case UInt8(ascii: "o") where next == UInt8(ascii: "o"):
                output.append(UInt8(ascii: "u"))
                index += 1
            default:
                output.append(letter)
            }
            index += 1
        }
        return output
    }

    static func isSeparator(_ character: Character) -> Bool {
        character == " " || character == "-" || character == "." || character == "'" || character == "’" || character == ","
    }
}
