@testable import ArogyaUI
import ArogyaCore
import ArogyaTesting
import Testing

@Suite("Forms")
struct FormTests {
    enum Field: Hashable, Sendable { case name, villages, role }

    func makeForm() -> Form<Field> {
        Form([
            FormField(.name, label: .setupFullName, content: .text(TextInput(maxLength: 10))),
            FormField(.villages, label: .setupVillages, content: .list(ListInput(items: ["Rampur"], maxLength: 20, validate: FacilityRules.village))),
            FormField(.role, label: .usersRole, content: .choice(Choices.roles())),
        ])
    }

    @Test("Given a list field, when entries are typed with Enter, then they are added; a repeat is refused at the field")
    func listEntries() {
        var form = makeForm()
        form.focus(on: .villages)
        for character in "Sitapur" { form.edit(.char(character), strings: Fixtures.strings) }
        #expect(form.enter() == false)
        #expect(form.list(.villages)?.items == ["Rampur", "Sitapur"])
        for character in "rampur" { form.edit(.char(character), strings: Fixtures.strings) }
        _ = form.enter()
        #expect(form[.villages].error == UserMessage(.errorDuplicateEntry, ["name": "rampur"]))
        #expect(form.isDirty)
    }

    @Test("Given a list field, when Backspace is pressed in an empty entry, then the last item comes back for editing")
    func pullBack() {
        var form = makeForm()
        form.focus(on: .villages)
        form.edit(.backspace, strings: Fixtures.strings)
        #expect(form.list(.villages)?.items == [])
        #expect(form.list(.villages)?.entry.text == "Rampur")
    }

    @Test("Given a list field, when ← selects an item and Delete is pressed, then that item alone is removed")
    func removeSelected() throws {
        var form = makeForm()
        form.focus(on: .villages)
        for character in "Ward 4" { form.edit(.char(character), strings: Fixtures.strings) }
        _ = form.enter()
        form.edit(.left, strings: Fixtures.strings)
        form.edit(.left, strings: Fixtures.strings)
        #expect(form.list(.villages)?.selectedItem == 0)
        form.edit(.delete, strings: Fixtures.strings)
        #expect(form.list(.villages)?.items == ["Ward 4"])
        // A value typed but not yet added with Enter still counts when saving.
        form.edit(.escape, strings: Fixtures.strings)
        for character in "Sitapur" { form.edit(.char(character), strings: Fixtures.strings) }
        #expect(try form.list(.villages)?.itemsIncludingEntry() == ["Ward 4", "Sitapur"])
    }

    @Test("Given a choice field, when ←, → and a letter are pressed, then the option changes")
    func choice() {
        var form = makeForm()
        form.focus(on: .role)
        #expect(form.choice(.role) == "worker")
        form.edit(.right, strings: Fixtures.strings)
        #expect(form.choice(.role) == "supervisor")
        form.edit(.char("w"), strings: Fixtures.strings)
        #expect(form.choice(.role) == "worker")
    }

    @Test("Given focus on the last field, when Enter is pressed, then it means save; elsewhere it moves on")
    func enterMovesOrSaves() {
        var form = makeForm()
        #expect(form.enter() == false)
        #expect(form.focusedId == .villages)
        #expect(form.enter() == false)
        #expect(form.enter() == true)
        form.focusNext()
        #expect(form.focusedId == .name)
        form.focusPrevious()
        #expect(form.focusedId == .role)
    }

    @Test("Given a form taller than its area, when the focus moves down past the last row, then the form starts lower so the focused field shows, with arrows saying fields are hidden")
    func focusStaysInView() {
        var form = makeForm()
        var canvas = Canvas(size: Size(width: 60, height: 4))
        let area = Rect(x: 0, y: 0, width: 60, height: 2)
        FormView.render(form, strings: Fixtures.strings, into: &canvas, area: area)
        #expect(canvas.rowText(0).hasPrefix("> Full name") && canvas.rowText(1).hasPrefix("  Villages/wards"))
        #expect(canvas.rowText(1).hasSuffix("↓"), "a field below is hidden: \(canvas.rowText(1))")
        form.focus(on: .role)
        canvas = Canvas(size: Size(width: 60, height: 4))
        FormView.render(form, strings: Fixtures.strings, into: &canvas, area: area)
        // The villages take their row and the row of their items: the focused role is the only one that fits.
        #expect(canvas.rowText(0).hasPrefix("> Role"), "\(canvas.text)")
        #expect(canvas.rowText(0).hasSuffix("↑"))
    }
}
