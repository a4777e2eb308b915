@testable import ArogyaCore
import Testing

@Suite("Names across scripts")
struct NameKeyTests {
    @Test("Given Devanagari names, when read in Latin, then they are spelt as Indian names usually are", arguments: [
        ("लक्ष्मी देवी", "Lakshmi Devi"), ("कमला", "Kamla"), ("सरला", "Sarla"), ("अमरनाथ", "Amarnath"), ("रमेश", "Ramesh"),
        ("सुनीता", "Sunita"), ("प्रिया शर्मा", "Priya Sharma"), ("मोहम्मद सलीम", "Mohammad Salim"), ("कृष्ण", "Krishna"),
        ("विजय", "Vijay"), ("आरती", "Arti"), ("ज्ञान", "Gyan"), ("शंभु", "Shambhu"), ("राम", "Ram"), ("गीता", "Gita"),
        ("पूजा", "Puja"), ("अनिल कुमार", "Anil Kumar"), ("इंद्र", "Indra"), ("फ़ातिमा", "Fatima"), ("बड़ा", "Bara"),
    ])
    func devanagariToLatin(devanagari: String, latin: String) {
        #expect(Devanagari.toLatin(devanagari) == latin)
    }

    /// Latin does not say which vowels are long or which "sh" is ष, so this is a suggestion the worker
    /// corrects ("Shanti" comes out शन्ती, not शांति); these pin what the rules do.
    @Test("Given Latin names, when a Devanagari spelling is suggested, then the rules give these spellings", arguments: [
        ("Lakshmi Devi", "लक्ष्मी देवी"), ("Priya", "प्रिया"), ("Anil", "अनिल"), ("Mohan", "मोहन"), ("Geeta", "गीता"),
        ("Pooja", "पूजा"), ("Shanti Bhushan", "शन्ती भुशन"), ("Laxmi", "लक्ष्मी"),
    ])
    func latinToDevanagari(latin: String, devanagari: String) {
        #expect(Devanagari.fromLatin(latin) == devanagari)
    }

    @Test("Given spellings of one name, in either script, when keyed, then they all have the same key", arguments: [
        ["Lakshmi", "Laxmi", "Lakshami", "लक्ष्मी", "Lakśmī"],
        ["Mohammad", "Mohd", "Muhammad", "Mohammed", "Md", "मोहम्मद", "Moohammad", "Muhamad"],
        ["Sita", "Seeta", "Seetha", "सीता"],
        ["Pooja", "Puja", "पूजा"],
        ["Vijay", "Wijay", "विजय"],
        ["Phool", "Fool", "फूल"],
        ["Shyam", "Syam", "श्याम"],
        ["Kamla", "Kamala", "कमला"],
        ["Ram", "Rama", "Raam", "राम"],
        ["Krishna", "Krishan", "Krisna", "कृष्ण"],
        ["Anil", "Aneel", "अनिल"],
        ["Aarti", "Arti", "आरती"],
        ["Sunita", "Suneeta", "Sunitha", "सुनीता"],
        ["Bhola", "Bola", "भोला"],
        ["Ambika", "Anbika", "अंबिका"],
        ["Jameela", "Jamila", "Zamila", "जमीला"],
        ["Shri", "Sri", "Shree", "श्री"],
        ["Ganga", "Gangaa", "गंगा"],
    ])
    func variantsShareAKey(spellings: [String]) {
        let keys = Set(spellings.map { NameKey.words($0).map(\.key).joined(separator: " ") })
        #expect(keys.count == 1, "keys: \(keys.sorted())")
    }

    @Test("Given different names, when keyed, then their keys differ", arguments: [
        ("Sita", "Sati"), ("Karan", "Kiran"), ("Aman", "Amin"), ("Param", "Prem"), ("Rajni", "Rajan"), ("Mala", "Mili"),
        ("Lakshmi", "Lakshman"), ("Ramesh", "Rakesh"),
    ])
    func differentNames(first: String, second: String) {
        #expect(NameKey.words(first).map(\.key) != NameKey.words(second).map(\.key))
    }

    @Test("Given a word typed in part, when keyed, then its key is a prefix of the whole word's key", arguments: [
        ("lak", "Lakshmi"), ("laks", "Lakshmi"), ("laksh", "Lakshmi"), ("lax", "Lakshmi"), ("sun", "Sunita"),
        ("sunee", "Sunita"), ("moha", "Mohan"), ("pra", "Prakash"), ("prabh", "Prabhu"),
    ])
    func prefixes(partial: String, whole: String) {
        let partialKey = NameKey.key(NameKey.spelling(partial))
        let wholeKey = NameKey.words(whole)[0].key
        #expect(wholeKey.hasPrefix(partialKey), "\(partialKey) is not a prefix of \(wholeKey)")
    }

    @Test("Given a name with diacritics, punctuation and Devanagari, when split, then the words come out plain")
    func words() {
        #expect(NameKey.words("Ā. Kumār-Devī").map(\.spelling) == ["a", "kumar", "devi"])
        #expect(NameKey.words("लक्ष्मी  देवी").map(\.spelling) == ["lakshmi", "devi"])
        #expect(NameKey.words("O'Brien").map(\.spelling) == ["o", "brien"])
        #expect(NameKey.words("😀 ...").isEmpty)
    }

    @Test("Given two names, when compared for the duplicate check, then first names and surnames must sound alike, generic surnames aside", arguments: [
        ("Sunita Devi", "Sunita Kushwaha", true), ("Suneeta Kushwaha", "सुनीता कुशवाहा", true), ("Sunita", "Sunita Verma", true),
        ("Sunita Verma", "Sunita Kushwaha", false), ("Sunita Devi", "Sita Devi", false), ("Rukhsana Begum", "Rukhsana Ansari", true),
        ("Kamla Kumari", "Kamla Yadav", true),
    ])
    func similarity(first: String, second: String, similar: Bool) {
        #expect(NameSimilarity.isSimilar(NameKey.words(first), NameKey.words(second)) == similar)
    }
}
