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
        case none = 0, keyPrefix, skeletonExact, spellingPrefix, keyExact, spellingExact

        static func < (lhs: WordMatch, rhs: WordMatch) -> Bool { lhs.rawValue < rhs.rawValue }

        var weight: Double {
            switch self {
            case .none: return 0
            case .keyPrefix: return 0.55
            case .skeletonExact: return 0.6
            case .spellingPrefix: return 0.7
            case .keyExact: return 0.85
            case .spellingExact: return 1
            }
        }
    }

    /// A match through two words written as one (typed "Ramprasad" for "Ram Prasad", or the other way)
    /// counts a little less than the same match word for word.
    static let joinedWeight = 0.95

    /// 0 to 1: how well the typed words match a patient's name words (both scripts' words together).
    /// Each typed word counts by its best match; a name with fewer words left unmatched ranks higher.
    public static func nameScore(typed: [NameKey.Word], name: [NameKey.Word]) -> Double {
        nameScore(typed: typed, searchTerms: name.map { "\($0.spelling) 0\($0.key) 1\($0.skeleton)" }.joined(separator: " "))
    }

    public static func nameScore(typed: [NameKey.Word], searchTerms: String) -> Double {
        var terms = searchTerms
        return terms.withUTF8 { nameScore(typed: TypedWords(typed), searchTerms: $0) }
    }

    /// The typed words as bytes, made once per search, in every way of reading them: as typed, and with
    /// each two neighbouring words joined into one.
    public struct TypedWords: Sendable {
        struct Unit: Sendable {
            let spelling: [UInt8]
            let key: [UInt8]
            let skeleton: [UInt8]
            /// How many typed words it stands for.
            let cover: Int
        }
        let readings: [[Unit]]
        let count: Int

        public init(_ words: [NameKey.Word]) {
            func unit(_ word: NameKey.Word, cover: Int) -> Unit {
                Unit(spelling: Array(word.spelling.utf8), key: Array(word.key.utf8), skeleton: Array(word.skeleton.utf8), cover: cover)
            }
            var readings = [words.map { unit($0, cover: 1) }]
            if words.count > 1 {
                for index in 0..<(words.count - 1) {
                    var reading = words.map { unit($0, cover: 1) }
                    reading.replaceSubrange(index...(index + 1), with: [unit(words[index].joined(with: words[index + 1]), cover: 2)])
                    readings.append(reading)
                }
            }
            self.readings = words.isEmpty ? [] : readings
            count = words.count
        }

        public var isEmpty: Bool { count == 0 }
    }

    /// A name word's forms (or two joined words'), as ranges of the stored terms' bytes.
    struct Forms {
        var spelling: Range<Int> = 0..<0
        var key: Range<Int> = 0..<0
        var skeleton: Range<Int> = 0..<0
        var joined = false
    }

    /// The score read straight from the bytes of stored search terms (`NameKey.searchTerms`): ranking a
    /// thousand candidates on every keystroke makes no string and allocates little per candidate.
    public static func nameScore(typed: TypedWords, searchTerms bytes: UnsafeBufferPointer<UInt8>) -> Double {
        guard !typed.isEmpty else { return 0 }
        // A name has few words: their forms go in a buffer on the stack, so ranking allocates nothing.
        return withUnsafeTemporaryAllocation(of: Forms.self, capacity: 24) { buffer in
            var count = 0
            func last(_ update: (inout Forms) -> Void) {
                if count > 0 { update(&buffer[count - 1]) }
            }
            // Terms come in threes: a spelling then its "0" key and "1" skeleton; joined words as "2", "3", "4".
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x20 {
                defer { start = index + 1 }
                guard index > start else { continue }
                let rest = (start + 1)..<index
                switch bytes[start] {
                case UInt8(ascii: "0"), UInt8(ascii: "3"): last { $0.key = rest }
                case UInt8(ascii: "1"), UInt8(ascii: "4"): last { $0.skeleton = rest }
                case UInt8(ascii: "2"):
                    guard count < buffer.count else { continue }
                    buffer.initializeElement(at: count, to: Forms(spelling: rest, joined: true))
                    count += 1
                default:
                    guard count < buffer.count else { continue }
                    buffer.initializeElement(at: count, to: Forms(spelling: start..<index))
                    count += 1
                }
            }
            defer { _ = buffer.prefix(count).deinitialize() }
            guard count > 0 else { return 0 }
            let forms = UnsafeBufferPointer(rebasing: buffer.prefix(count))
            // A name given in both scripts has most words twice (same key): count each once.
            var distinctKeys = 0
            for index in 0..<count where !forms[index].joined {
                var seen = false
                for earlier in 0..<index where !forms[earlier].joined && forms[earlier].key.count == forms[index].key.count
                    && begins(bytes, forms[earlier].key, bytes, forms[index].key) {
                    seen = true
                    break
                }
                if !seen { distinctKeys += 1 }
            }
            var best = 0.0
            for reading in typed.readings {
                var total = 0.0
                var covered = 0
                for unit in reading {
                    var bestWeight = 0.0
                    var bestCovers = 0
                    for form in forms {
                        let match = self.match(unit, form, bytes)
                        guard match != .none else { continue }
                        let weight = match.weight * (form.joined || unit.cover > 1 ? joinedWeight : 1)
                        if weight > bestWeight {
                            bestWeight = weight
                            bestCovers = form.joined ? 2 : 1
                        }
                    }
                    total += bestWeight * Double(unit.cover)
                    covered += bestCovers
                }
                let matched = Double(covered) / Double(max(covered, distinctKeys, 1))
                best = max(best, (total / Double(typed.count)) * 0.85 + matched * 0.15)
            }
            return min(1, best)
        }
    }

    private static func match(_ unit: TypedWords.Unit, _ form: Forms, _ bytes: UnsafeBufferPointer<UInt8>) -> WordMatch {
        if form.spelling.count == unit.spelling.count && begins(bytes, form.spelling, unit.spelling) { return .spellingExact }
        if !unit.key.isEmpty && form.key.count == unit.key.count && begins(bytes, form.key, unit.key) { return .keyExact }
        if form.spelling.count > unit.spelling.count && begins(bytes, form.spelling, unit.spelling) { return .spellingPrefix }
        if unit.skeleton.count >= 2 && form.skeleton.count == unit.skeleton.count && begins(bytes, form.skeleton, unit.skeleton) {
            return .skeletonExact
        }
        if !unit.key.isEmpty && form.key.count > unit.key.count && begins(bytes, form.key, unit.key) { return .keyPrefix }
        return .none
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
