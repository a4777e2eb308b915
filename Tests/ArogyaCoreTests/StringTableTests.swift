@testable import ArogyaCore
import ArogyaTesting
import Foundation
import Testing

@Suite("String table")
struct StringTableTests {
    @Test("Given the English table, when compared with StringKey, then every key exists once on each side")
    func keysMatch() {
        let inTable = Fixtures.strings.keys
        let inCode = Set(StringKey.allCases.map(\.rawValue))
        #expect(inCode.subtracting(inTable).isEmpty, "missing from en.json: \(inCode.subtracting(inTable).sorted())")
        #expect(inTable.subtracting(inCode).isEmpty, "run scripts/gen-string-keys.py: \(inTable.subtracting(inCode).sorted())")
    }

    @Test("Given a template with arguments, when filled, then every brace is replaced")
    func arguments() {
        let text = Fixtures.strings.text(.statusWaiting, ["count": "12"])
        #expect(text == "12 waiting for upload")
        #expect(Fixtures.strings.text(UserMessage(.errorPinLength, ["min": "4", "max": "6"])) == "A PIN has 4 to 6 digits.")
    }

    @Test("Given every state, when named, then the table has its name")
    func stateNames() {
        for state in IndianState.allCases {
            #expect(state.nameKey != .stateUnknown, "no name for \(state.code)")
        }
    }

    @Test("Given a malformed or missing table, when loaded, then the error names the file and the reason")
    func malformed() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.file("strings"), withIntermediateDirectories: true)
        let assets = AssetDirectory(root: folder.path)
        #expect(throws: StringTable.LoadError.self) { try StringTable.load(from: assets) }
        try "{\"a\": 1}".write(toFile: folder.file("strings/en.json"), atomically: true, encoding: .utf8)
        do {
            _ = try StringTable.load(from: assets)
            Issue.record("a number as text was accepted")
        } catch {
            #expect(String(describing: error).contains("\"a\" is not text"))
        }
    }

    @Test("Given a partial translation, when loaded, then missing keys fall back to English")
    func fallback() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.file("strings"), withIntermediateDirectories: true)
        try "{\"home.title\": \"Home\", \"login.title\": \"Sign in\"}".write(toFile: folder.file("strings/en.json"), atomically: true, encoding: .utf8)
        try "{\"home.title\": \"मुखपृष्ठ\"}".write(toFile: folder.file("strings/hi.json"), atomically: true, encoding: .utf8)
        let table = try StringTable.load(language: "hi", from: AssetDirectory(root: folder.path))
        #expect(table[.homeTitle] == "मुखपृष्ठ")
        #expect(table[.loginTitle] == "Sign in")
    }

    @Test("Given the search order, when listed, then the environment comes first and the source tree last")
    func assetSearchOrder() {
        let candidates = AssetDirectory.candidates(environment: ["AROGYA_ASSETS": "/opt/a"], executablePath: "/usr/local/bin/arogya",
                                                   sourceFile: "/src/arogya/Sources/ArogyaCore/Localization/AssetDirectory.swift")
        #expect(candidates == ["/opt/a", "/usr/local/share/arogya", "/src/arogya/assets"])
        #expect(AssetDirectory.locate() != nil)
    }
}

@Suite("String templates")
struct StringTemplateTests {
    @Test("Given templates with names in braces, when filled, then each known name is replaced and the rest kept", arguments: [
        ("Mean BP {bp} ≥ {limit}", ["bp": "152/96", "limit": "140/90"], "Mean BP 152/96 ≥ 140/90"),
        ("{a}{a}", ["a": "x"], "xx"),
        ("no names", ["a": "x"], "no names"),
        ("{unknown} stays", ["a": "x"], "{unknown} stays"),
        ("open { never closed", ["a": "x"], "open { never closed"),
        ("नाम {name}।", ["name": "लक्ष्मी"], "नाम लक्ष्मी।"),
    ])
    func fill(template: String, arguments: [String: String], expected: String) {
        #expect(StringTable.fill(template, arguments) == expected)
    }
}
