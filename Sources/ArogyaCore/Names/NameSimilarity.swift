/// Whether two names may be one person's, for the duplicate check at registration.
public enum NameSimilarity {
    /// Names women are often registered under in place of a family name: "Sunita Devi" and "Sunita
    /// Kushwaha" may be the same woman; "Sunita Verma" and "Sunita Kushwaha" are unlikely to be.
    public static let genericSurnameKeys: Set<String> = Set(["Devi", "Kumari", "Bai", "Begum", "Khatun", "Bibi"].map {
        NameKey.key(NameKey.spelling($0))
    })

    /// The first names are alike, and so are the surnames, unless either has none or either surname is
    /// one of the generic ones. Two words are alike when their keys are the same or, failing that, their
    /// skeletons (Malini and Malani, Mandal and Mondal, Bimala and Vimala: what search finds too); a name
    /// is also read with two neighbouring words joined ("Ram Prasad" is "Ramprasad").
    public static func isSimilar(_ first: [NameKey.Word], _ second: [NameKey.Word]) -> Bool {
        readings(first).contains { a in readings(second).contains { b in wordsAreSimilar(a, b) } }
    }

    static func alike(_ a: NameKey.Word, _ b: NameKey.Word) -> Bool {
        a.key == b.key || (a.skeleton.count >= 2 && a.skeleton == b.skeleton)
    }

    private static func wordsAreSimilar(_ first: [NameKey.Word], _ second: [NameKey.Word]) -> Bool {
        guard let a = first.first, let b = second.first, alike(a, b) else { return false }
        guard first.count > 1, second.count > 1, let lastA = first.last, let lastB = second.last else { return true }
        return alike(lastA, lastB) || genericSurnameKeys.contains(lastA.key) || genericSurnameKeys.contains(lastB.key)
    }

    /// The name as written, and with each two neighbouring words joined.
    public static func readings(_ words: [NameKey.Word]) -> [[NameKey.Word]] {
        var readings = [words]
        if words.count > 1 {
            for index in 0..<(words.count - 1) {
                var reading = words
                reading.replaceSubrange(index...(index + 1), with: [words[index].joined(with: words[index + 1])])
                readings.append(reading)
            }
        }
        return readings
    }
}
