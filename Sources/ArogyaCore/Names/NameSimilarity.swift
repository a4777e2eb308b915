/// Whether two names may be one person's, for the duplicate check at registration.
public enum NameSimilarity {
    /// Names women are often registered under in place of a family name: "Sunita Devi" and "Sunita
    /// Kushwaha" may be the same woman; "Sunita Verma" and "Sunita Kushwaha" are unlikely to be.
    public static let genericSurnameKeys: Set<String> = Set(["Devi", "Kumari", "Bai", "Begum", "Khatun", "Bibi"].map {
        NameKey.key(NameKey.spelling($0))
    })

    /// The first names sound the same, and so do the surnames, unless either has none or either surname
    /// is one of the generic ones.
    public static func isSimilar(_ first: [NameKey.Word], _ second: [NameKey.Word]) -> Bool {
        guard let a = first.first, let b = second.first, a.key == b.key else { return false }
        guard first.count > 1, second.count > 1, let lastA = first.last?.key, let lastB = second.last?.key else { return true }
        return lastA == lastB || genericSurnameKeys.contains(lastA) || genericSurnameKeys.contains(lastB)
    }
}
