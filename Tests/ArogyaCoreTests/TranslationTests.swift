@testable import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

/// Hindi is complete, and the mechanism reads a language from the environment as POSIX does.
@Suite("Translations")
struct TranslationTests {
    /// Every {name} of a template (braces round anything but a name, as in a JSON shape of `--help`,
    /// are text).
    static func placeholders(_ template: String) -> [String: Int] {
        let pattern = try! Regex(#"\{[a-z_]+\}"#)
        var names: [String: Int] = [:]
        for match in template.matches(of: pattern) { names[String(template[match.range]), default: 0] += 1 }
        return names
    }

    /// The raw entries of a table file, without the English fallback the loader adds.
    static func rawEntries(_ language: String) throws -> [String: String] {
        let assets = try #require(AssetDirectory.locate())
        return try StringTable.readEntries(assets.path(for: "strings/\(language).json"))
    }

    @Test("Given en.json and hi.json, when compared key by key, then each has the other's keys and the same placeholders")
    func hindiIsComplete() throws {
        let english = try Self.rawEntries("en")
        let hindi = try Self.rawEntries("hi")
        let missing = Set(english.keys).subtracting(hindi.keys)
        let extra = Set(hindi.keys).subtracting(english.keys)
        #expect(missing.isEmpty, "missing from hi.json: \(missing.sorted())")
        #expect(extra.isEmpty, "in hi.json but not en.json: \(extra.sorted())")
        for (key, text) in english {
            guard let translated = hindi[key] else { continue }
            #expect(Self.placeholders(text) == Self.placeholders(translated), "\(key): \(text) / \(translated)")
        }
    }

    @Test("Given hi.json, when read, then the sentences people read are in Devanagari, not left in English")
    func hindiIsTranslated() throws {
        let english = try Self.rawEntries("en")
        let hindi = try Self.rawEntries("hi")
        // Key caps, units, and templates of values and abbreviations alone ("BP {bp}", "{day}-{month}") are
        // the same in both languages on purpose: what is left without the {names} has no word in small letters.
        let sameOnPurpose = english.filter { key, text in
            let words = text.replacingOccurrences(of: #"\{[a-z_]+\}"#, with: " ", options: .regularExpression)
            return key.hasPrefix("key.") || key.hasPrefix("unit.")
                || words.range(of: #"[a-z]{2,}"#, options: .regularExpression) == nil
        }
        var untranslated: [String] = []
        for (key, text) in english where sameOnPurpose[key] == nil {
            let devanagari = hindi[key]?.unicodeScalars.contains { (0x0900...0x097F).contains($0.value) } ?? false
            if !devanagari && hindi[key] == text { untranslated.append(key) }
        }
        #expect(untranslated.isEmpty, "left in English: \(untranslated.sorted())")
    }

    @Test("Given the national protocol file, when its labels are read, then every symptom, finding and place has Hindi")
    func protocolLabelsInHindi() {
        let rules = Fixtures.nationalProtocol
        var labels = rules.symptoms.map { ($0.code, $0.label) }
        labels += (rules.oral.findings + rules.breast.findings).map { ($0.code, $0.label) }
        labels += rules.places.map { ($0.key, $0.value) }
        for (code, label) in labels {
            #expect(label.texts["hi"] != nil && label.text("hi") != label.text("en"), "\(code) has no Hindi")
        }
    }

    @Test("Given a screening's reasons, when worded in Hindi, then the sentence, the place and the symptom are Hindi")
    func reasonsInHindi() {
        let decision = ScreeningEngine(protocol: Fixtures.nationalProtocol).evaluate(
            ScreeningInput(sex: .female, age: 52, symptoms: ["chest_pain"], bloodPressure: [PressurePair(186, 112)]))
        let text = ScreeningReasonText(strings: Fixtures.hindi, protocol: Fixtures.nationalProtocol)
        let sentences = decision.reasons.map(text.sentence)
        #expect(sentences.contains { $0.contains("औसत BP 186/112") && $0.contains("तुरंत") && $0.contains("डॉक्टर वाली सबसे नज़दीकी आपातकालीन सेवा") },
                "\(sentences)")
        #expect(sentences.contains { $0.contains("सीने में दर्द") }, "\(sentences)")
    }

    @Test("Given locale variables, when read, then AROGYA_LANG wins, then LC_ALL, LC_MESSAGES and LANG in that order", arguments: [
        (["AROGYA_LANG": "hi", "LANG": "en_IN.UTF-8"], "hi"),
        (["LANG": "hi_IN.UTF-8"], "hi"),
        (["LC_ALL": "en_IN.UTF-8", "LC_MESSAGES": "hi_IN.UTF-8", "LANG": "hi_IN.UTF-8"], "en"),
        (["LC_MESSAGES": "hi_IN.utf8", "LANG": "en_US.UTF-8"], "hi"),
        (["LC_ALL": "", "LANG": "hi_IN"], "hi"),
        (["LANG": "C.UTF-8"], "en"),
        (["LANG": "POSIX"], "en"),
        (["LC_ALL": "hi_IN.UTF-8@devanagari"], "hi"),
        ([:], nil),
    ] as [([String: String], String?)])
    func environment(variables: [String: String], expected: String?) {
        #expect(Language.fromEnvironment(variables)?.rawValue == expected)
    }

    @Test("Given codes, when read as languages, then only two or three small letters are one", arguments: [
        ("hi", true), ("en", true), ("mai", true), ("HI", false), ("h", false), ("hind", false), ("h1", false), ("", false),
    ])
    func languageCodes(code: String, valid: Bool) {
        #expect((Language(rawValue: code) != nil) == valid)
    }

    @Test("Given the installed tables, when listed, then English comes first, Hindi is there, and each is named in itself")
    func catalog() {
        let catalog = Fixtures.catalog
        #expect(catalog.languages == [.english, .hindi])
        #expect(catalog.name(of: .english) == "English" && catalog.name(of: .hindi) == "हिन्दी")
        #expect(catalog.language(after: .english) == .hindi && catalog.language(after: .hindi) == .english)
        #expect(catalog.table(for: Language(rawValue: "ta")!)[.homeTitle] == "Home", "a language not installed reads English")
    }

    @Test("Given a date, when worded in either language, then it is DD-MM-YYYY in ASCII digits with the weekday translated")
    func dates() {
        let day = CivilDate(year: 2026, month: 12, day: 2)!
        #expect(Fixtures.strings.date(day) == "02-12-2026")
        #expect(Fixtures.hindi.date(day) == "02-12-2026")
        #expect(Fixtures.strings.dateWithWeekday(day) == "Wed 02-12-2026")
        #expect(Fixtures.hindi.dateWithWeekday(day) == "बुध 02-12-2026")
        #expect(Fixtures.hindi.monthName(11) == "नवंबर")
    }
}
