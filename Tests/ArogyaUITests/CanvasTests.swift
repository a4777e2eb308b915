@testable import ArogyaUI
import ArogyaCore
import Testing

@Suite("Canvas")
struct CanvasTests {
    @Test("Given Devanagari and CJK, when put, then columns after them line up by display width")
    func widths() {
        var canvas = Canvas(size: Size(width: 20, height: 3))
        #expect(canvas.put("प्रिया|", at: Point(x: 0, y: 0)) == 6)
        canvas.put("日本|", at: Point(x: 0, y: 1))
        canvas.put("abcde|", at: Point(x: 0, y: 2))
        #expect(canvas.lines == ["प्रिया|", "日本|", "abcde|"])
        #expect(canvas[5, 0].grapheme == "|")
        #expect(canvas[4, 1].grapheme == "|")
        #expect(canvas[1, 0].width == 0 && canvas[2, 0].width == 0)
    }

    @Test("Given a glyph that would straddle the right edge, when put, then spaces take its place")
    func rightEdge() {
        var canvas = Canvas(size: Size(width: 4, height: 1))
        canvas.put("abप्रि", at: Point(x: 0, y: 0))
        #expect(canvas.rowText(0) == "ab  ")
        var clipped = Canvas(size: Size(width: 10, height: 1))
        clipped.put("abcdef", at: Point(x: 2, y: 0), maxWidth: 3)
        #expect(clipped.rowText(0) == "  abc     ")
    }

    @Test("Given a wide glyph, when part of it is overwritten, then the rest of it is blanked")
    func overwrite() {
        var canvas = Canvas(size: Size(width: 6, height: 1))
        canvas.put("प्रि日", at: Point(x: 0, y: 0))
        canvas.put("x", at: Point(x: 1, y: 0))
        #expect(canvas.rowText(0) == " x 日 ")
        canvas.put("y", at: Point(x: 4, y: 0))
        #expect(canvas.rowText(0) == " x  y ")
    }

    @Test("Given control characters and lone combining marks, when put, then they take no cell")
    func invisible() {
        var canvas = Canvas(size: Size(width: 8, height: 1))
        #expect(canvas.put("\u{94D}a\u{7}\tb", at: Point(x: 0, y: 0)) == 2)
        #expect(canvas.rowText(0) == "ab      ")
    }

    @Test("Given an ASCII terminal, when text and boxes are drawn, then only ASCII reaches the cells, Devanagari read in Latin")
    func asciiFallback() {
        var canvas = Canvas(size: Size(width: 24, height: 3), glyphs: .ascii)
        canvas.box(Rect(x: 0, y: 0, width: 24, height: 3))
        canvas.put("आशा… ←→ ok 日", at: Point(x: 1, y: 1))
        #expect(canvas.lines == ["+----------------------+", "|Asha... <> ok ??      |", "+----------------------+"])
    }
}

@Suite("Text input")
struct TextInputTests {
    @Test("Given a digits field, when a letter is typed, then it is refused with the reason and nothing changes")
    func digits() {
        var input = TextInput(kind: .digits, maxLength: 6, isMasked: true)
        #expect(input.apply(.char("4")) == .changed)
        #expect(input.apply(.char("a")) == .refused(UserMessage(.errorDigitsOnly)))
        #expect(input.text == "4")
        #expect(input.visible(width: 8).text == "•")
    }

    @Test("Given a full field, when one more character is typed, then it says how long it may be")
    func maxLength() {
        var input = TextInput(kind: .text, maxLength: 3, text: "abc")
        #expect(input.apply(.char("d")) == .refused(UserMessage(.errorTooLong, ["max": "3"])))
        #expect(input.text == "abc")
    }

    @Test("Given Devanagari typed scalar by scalar, when a vowel sign follows, then it joins the letter before")
    func combining() {
        var input = TextInput(kind: .text, maxLength: 20)
        for scalar in "प्रिया".unicodeScalars { _ = input.apply(.char(Character(scalar))) }
        #expect(input.text == "प्रिया")
        #expect(input.cursor == input.text.count)
        _ = input.apply(.backspace)
        #expect(input.text == "प्रि")
    }

    @Test("Given the editing keys, when pressed, then the cursor and text follow")
    func editing() {
        var input = TextInput(kind: .text, maxLength: 20, text: "Rampur")
        _ = input.apply(.home)
        _ = input.apply(.delete)
        #expect(input.text == "ampur" && input.cursor == 0)
        _ = input.apply(.end)
        _ = input.apply(.left)
        _ = input.apply(.ctrl("u"))
        #expect(input.text == "r" && input.cursor == 0)
        #expect(input.apply(.left) == .unchanged)
        #expect(input.apply(.function(5)) == .notHandled)
    }

    @Test("Given a paste with newlines, escapes and an emoji, when pasted, then the text goes in clean and the emoji is named")
    func paste() {
        var input = TextInput(kind: .text, maxLength: 40)
        #expect(input.paste("Asha\r\nDevi\u{1B}[0m 😀") == .refused(UserMessage(.errorNoEmoji)))
        #expect(input.text == "Asha Devi ")
        var name = TextInput(kind: .username, maxLength: 10)
        #expect(name.paste("Ravi K") == .refused(UserMessage(.errorUsernameCharacters)))
        #expect(name.text == "ravik")
    }

    @Test("Given a paste longer than its field, when pasted, then nothing goes in and the message says both lengths")
    func pasteTooLong() {
        var input = TextInput(kind: .text, maxLength: 10)
        _ = input.paste("Asha")
        #expect(input.paste("Kumari Devi") == .refused(UserMessage(.errorPasteTooLong, ["max": "10", "count": "11"])))
        #expect(input.text == "Asha")
    }

    @Test("Given a reading's field, when digits are typed, then no more are taken than the largest reading has")
    func readingDigits() {
        let systolic = NumberRule(range: 70...300)
        #expect(systolic.canTake(digitAfter: "30") && !systolic.canTake(digitAfter: "300") && !systolic.canTake(digitAfter: "999"))
        let weight = NumberRule(range: 2...250, allowsDecimal: true)
        #expect(weight.canTake(digitAfter: "62") && weight.canTake(digitAfter: "62.") && !weight.canTake(digitAfter: "62.5"))
        #expect(!weight.canTake(digitAfter: "625"))
    }

    @Test("Given spaces at the start or twice, when typed, then they are ignored")
    func spaces() {
        var input = TextInput(kind: .text, maxLength: 20)
        #expect(input.apply(.char(" ")) == .unchanged)
        _ = input.apply(.char("a"))
        _ = input.apply(.char(" "))
        #expect(input.apply(.char(" ")) == .unchanged)
        #expect(input.text == "a ")
    }

    @Test("Given text longer than its field, when shown, then it scrolls to keep the cursor in view")
    func scrolling() {
        let input = TextInput(kind: .text, maxLength: 40, text: "abcdefghijklmnop")
        let visible = input.visible(width: 6)
        #expect(visible.text == "lmnop")
        #expect(visible.cursorColumn == 5)
        #expect(TextInput(kind: .text, maxLength: 40, text: "abc").visible(width: 6) == ("abc", 3))
    }
}
