/// What a search box holds, read as the kind of lookup it asks for.
public enum PatientQuery: Hashable, Sendable {
    /// Words of a name, each matched as a prefix of a name word, in any order, in either script.
    case name([NameKey.Word])
    /// Four or more digits: an ABHA number (14), a mobile number (10, or its last 4 or more), a household
    /// ID or an MRN.
    case digits(String)
    /// `name@abdm`, or its beginning.
    case abhaAddress(String)
    /// Letters with digits (`HH-0042`): a household ID or an MRN.
    case localIdentifier(String)
    /// Too little to search for; `minimumLength` says how much more.
    case tooShort

    /// A name needs 2 characters; identifiers 4 digits.
    public static let minimumNameLength = 2
    public static let minimumDigits = 4

    public static func parse(_ raw: String) -> PatientQuery {
        let text = TextSanitizer.singleLine(raw)
        if text.contains("@") {
            let address = text.lowercased().filter { !$0.isWhitespace }
            return address.count >= minimumDigits ? .abhaAddress(address) : .tooShort
        }
        if !text.isEmpty, Identifiers.isNumeric(text) {
            var digits = Identifiers.digits(text)
            // A mobile written with +91 or a leading 0 is the same number.
            if digits.count == 12, digits.hasPrefix("91"), text.trimmingSpaces.hasPrefix("+") || text.contains(" ") {
                digits.removeFirst(2)
            } else if digits.count == 11, digits.hasPrefix("0") {
                digits.removeFirst()
            }
            return digits.count >= minimumDigits ? .digits(digits) : .tooShort
        }
        if text.unicodeScalars.contains(where: { ("0"..."9").contains($0) }) {
            let identifier = text.uppercased().filter { !$0.isWhitespace }
            return identifier.count >= minimumDigits ? .localIdentifier(identifier) : .tooShort
        }
        let words = NameKey.words(text)
        let letters = words.reduce(0) { $0 + $1.spelling.count }
        return letters >= minimumNameLength ? .name(words) : .tooShort
    }
}

/// How well a found patient matches what was typed, for ordering the list: an exact identifier first,
/// then the better name match, then patients of this facility's villages, then the most recently seen.
public enum PatientRanking {
    /// How one typed word matched the best of a name's words.
    enum WordMatch: Int, Comparable {
        case none = 0, keyPrefix, spellingPrefix, keyExact, spellingExact

        static func < (lhs: WordMatch, rhs: WordMatch) -> Bool { lhs.rawValue < rhs.rawValue }

        var weight: Double {
            switch self {
            case .none: return 0
            case .keyPrefix: return 0.55
            case .spellingPrefix: return 0.7
            case .keyExact: return 0.85
            case .spellingExact: return 1
            }
        }
    }

    /// 0 to 1: how well the typed words match a patient's name words (both scripts' words together).
    /// Each typed word counts by its best match; a name with fewer words left unmatched ranks higher.
    public static func nameScore(typed: [NameKey.Word], name: [NameKey.Word]) -> Double {
        nameScore(typed: typed, searchTerms: name.map { $0.spelling + " 0" + $0.key }.joined(separator: " "))
    }

    public static func nameScore(typed: [NameKey.Word], searchTerms: String) -> Double {
        var terms = searchTerms
        return terms.withUTF8 { nameScore(typed: TypedWords(typed), searchTerms: $0) }
    }

    /// The typed words as bytes, made once per search.
    public struct TypedWords: Sendable {
        let words: [(spelling: [UInt8], key: [UInt8])]

        public init(_ words: [NameKey.Word]) {
            self.words = words.map { (Array($0.spelling.utf8), Array($0.key.utf8)) }
        }

        public var isEmpty: Bool { words.isEmpty }
    }

    /// The score read straight from the bytes of stored search terms (`NameKey.searchTerms`): ranking a
    /// thousand candidates on every keystroke makes no string and allocates nothing per candidate.
    public static func nameScore(typed: TypedWords, searchTerms bytes: UnsafeBufferPointer<UInt8>) -> Double {
        guard !typed.words.isEmpty else { return 0 }
        // The terms alternate: a spelling, then "0" and its key. Note their ranges (a name has few words).
        var spellings: [Range<Int>] = []
        var keys: [Range<Int>] = []
        spellings.reserveCapacity(8)
        keys.reserveCapacity(8)
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x20 {
            if index > start {
                if spellings.count == keys.count { spellings.append(start..<index) } else { keys.append((start + 1)..<index) }
            }
            start = index + 1
        }
        guard !keys.isEmpty else { return 0 }
        var total = 0.0
        for word in typed.words {
            var best = WordMatch.none
            for pair in 0..<keys.count {
                let match: WordMatch
                let spelling = spellings[pair]
                let key = keys[pair]
                if spelling.count == word.spelling.count && begins(bytes, spelling, word.spelling) {
                    match = .spellingExact
                } else if key.count == word.key.count && begins(bytes, key, word.key) {
                    match = .keyExact
                } else if spelling.count > word.spelling.count && begins(bytes, spelling, word.spelling) {
                    match = .spellingPrefix
                } else if key.count > word.key.count && begins(bytes, key, word.key) {
                    match = .keyPrefix
                } else {
                    match = .none
                }
                if match > best { best = match }
            }
            total += best.weight
        }
        // A name given in both scripts has most words twice (same key): count each once.
        var distinctKeys = 0
        for (index, key) in keys.enumerated() {
            var seen = false
            for earlier in keys[..<index] where earlier.count == key.count && begins(bytes, earlier, bytes, key) {
                seen = true
                break
            }
            if !seen { distinctKeys += 1 }
        }
        let matched = Double(typed.words.count) / Double(max(typed.words.count, distinctKeys))
        return (total / Double(typed.words.count)) * 0.85 + matched * 0.15
    }

    /// Whether the bytes in `range` begin with `word`.
    private static func begins(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: [UInt8]) -> Bool {
        guard range.count >= word.count else { return false }
        var offset = 0
        while offset < word.count {
            if bytes[range.lowerBound + offset] != word[offset] { return false }
            offset += 1
        }
        return true
    }

    /// Whether the bytes in `range` begin with those of `other` in the same buffer.
    private static func begins(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ same: UnsafeBufferPointer<UInt8>, _ other: Range<Int>) -> Bool {
        guard range.count >= other.count else { return false }
        for offset in 0..<other.count where bytes[range.lowerBound + offset] != same[other.lowerBound + offset] { return false }
        return true
    }

    /// The ordering score (0 to 1) of a candidate. Name quality is taken to two decimals so that two
    /// names matched about as well are ordered by village and then by how recently the patient was seen.
    public static func score(identifierExact: Bool, nameScore: Double, inFacilityVillage: Bool,
                             lastSeen: Timestamp?, now: Timestamp) -> Double {
        score(identifierExact: identifierExact, nameScore: nameScore, inFacilityVillage: inFacilityVillage,
              daysSinceSeen: lastSeen.map { Double($0.seconds(until: now)) / 86_400 })
    }

    public static func score(identifierExact: Bool, nameScore: Double, inFacilityVillage: Bool, daysSinceSeen: Double?) -> Double {
        if identifierExact { return 1 }
        let name = (nameScore * 100).rounded(.down) / 100
        let village = inFacilityVillage ? 0.004 : 0
        // Seen today: almost 0.004; a year ago and more: 0.
        let days = daysSinceSeen.map { max(0, $0) } ?? 365
        let recency = max(0, 1 - days / 365) * 0.0039
        return min(0.99, name * 0.99 + village + recency)
    }
}
