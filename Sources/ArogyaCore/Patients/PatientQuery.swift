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
        nameScore(typed: typed, pairs: name.map { (Substring($0.spelling).utf8, Substring($0.key).utf8) })
    }

    /// The same score read straight from stored search terms (`NameKey.searchTerms`), without making a
    /// string per word: ranking a thousand candidates on every keystroke must stay cheap.
    public static func nameScore(typed: [NameKey.Word], searchTerms: String) -> Double {
        var pairs: [(Substring.UTF8View, Substring.UTF8View)] = []
        pairs.reserveCapacity(8)
        var spelling: Substring?
        for token in searchTerms.split(separator: " ") {
            if let first = spelling {
                pairs.append((first.utf8, token.dropFirst().utf8))
                spelling = nil
            } else {
                spelling = token
            }
        }
        return nameScore(typed: typed, pairs: pairs)
    }

    static func nameScore(typed: [NameKey.Word], pairs: [(Substring.UTF8View, Substring.UTF8View)]) -> Double {
        guard !typed.isEmpty, !pairs.isEmpty else { return 0 }
        var total = 0.0
        for word in typed {
            var best = WordMatch.none
            for (spelling, key) in pairs {
                let match: WordMatch
                if spelling.elementsEqual(word.spelling.utf8) {
                    match = .spellingExact
                } else if key.elementsEqual(word.key.utf8) {
                    match = .keyExact
                } else if spelling.starts(with: word.spelling.utf8) {
                    match = .spellingPrefix
                } else if key.starts(with: word.key.utf8) {
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
        for (index, pair) in pairs.enumerated() where !pairs[..<index].contains(where: { $0.1.elementsEqual(pair.1) }) {
            distinctKeys += 1
        }
        let matched = Double(typed.count) / Double(max(typed.count, distinctKeys))
        return (total / Double(typed.count)) * 0.85 + matched * 0.15
    }

    /// The ordering score (0 to 1) of a candidate. Name quality is taken to two decimals so that two
    /// names matched about as well are ordered by village and then by how recently the patient was seen.
    public static func score(identifierExact: Bool, nameScore: Double, inFacilityVillage: Bool,
                             lastSeen: Timestamp?, now: Timestamp) -> Double {
        if identifierExact { return 1 }
        let name = (nameScore * 100).rounded(.down) / 100
        let village = inFacilityVillage ? 0.004 : 0
        // Seen today: almost 0.004; a year ago and more: 0.
        let days = lastSeen.map { max(0, Double($0.seconds(until: now)) / 86_400) } ?? 365
        let recency = max(0, 1 - days / 365) * 0.0039
        return min(0.99, name * 0.99 + village + recency)
    }
}
