import ArogyaTesting
import Foundation
import Testing

/// A screening in a real terminal (tmux at 80×24), typed as a worker would, and what it leaves behind
/// after the program is started again.
@Suite("Screening end to end in tmux", .serialized, .enabled(if: TmuxSession.testsRun, "tmux is not installed (apt-get install tmux)"))
struct ScreeningEndToEndTests {
    @Test("Given a patient, when CBAC, two BP readings, RBS and OVE are entered, then the outcome refers her, and after a restart her card and the due list show it")
    func screenRestartAndSee() throws {
        try #require(TmuxSession.isAvailable, "tmux is not installed (apt-get install tmux)")
        let folder = try TemporaryFolder()
        let database = folder.file("a.sqlite")
        #expect(try BuiltProduct.run(["setup", "--db", database, "--facility", "AAM Rampur", "--supervisor", "priya",
                                      "--state", "UP", "--village", "Rampur"], stdin: "4826\n").status == 0)
        #expect(try BuiltProduct.run(["patients", "add", "--db", database, "--name", "सुनीता देवी", "--sex", "female", "--age", "50",
                                      "--village", "Rampur", "--consent", "yes"]).status == 0)

        var session = try TmuxSession(name: "arogya-screening-\(getpid())", command: [BuiltProduct.arogya, "--db", database])
        try session.signInAsPriya()
        #expect(try session.openPatient("sunita").contains("Never screened."))

        // CBAC Part A, then No to the rest of B1, B2 and C, PHQ-2, then vitals.
        try session.keys("s")
        try session.waitFor("CBAC Part A: risk factors")
        try session.type("dn92ny")
        try session.waitFor("CBAC Part B1")
        try session.keys("C-n", "C-n", "C-n")
        try session.waitFor("CBAC Part D")
        try session.type("00nnn")
        try session.waitFor("> BP 1 systolic")
        try session.type("150961549")
        try session.type("6")
        try session.keys("Tab", "Tab")
        try session.type("r212")
        // The keys are read as they come: wait for the last typed value before reading the rest.
        var screen = try session.waitFor("Blood glucose                                212 mg/dL")
        #expect(screen.contains("Mean BP 152/96 high"))
        try session.keys("PageDown")
        try session.waitFor("> Oral visual examination")
        try session.type("n")
        try session.keys("F10")
        try session.waitFor("Outcome: सुनीता देवी")
        // The title can be on the screen a moment before the rest of the outcome is drawn.
        screen = try session.waitFor("Mean BP 152/96 ≥ 140/90")
        #expect(screen.contains("Refer"))
        #expect(screen.contains("to the Medical Officer at the PHC"))
        #expect(screen.contains("Mean BP 152/96 ≥ 140/90: refer to the Medical Officer at the PHC for"))
        try session.keys("Enter")
        screen = try session.waitFor("Screening saved with 1 referral(s).")
        try session.backHomeFromCard()
        try session.keys("q")
        try session.waitFor("[exited with 0]")

        // Started again: the card shows the screening and the open referral; the due list has her follow-up.
        session = try TmuxSession(name: "arogya-screening-again-\(getpid())", command: [BuiltProduct.arogya, "--db", database])
        try session.signInAsPriya()
        try session.openPatient("sunita")
        screen = try session.waitFor("Referred to the Medical Officer at the PHC on")
        #expect(screen.contains("Screening · BP 152/96 · Random 212 · CBAC 10 · referred"))
        #expect(screen.contains("Due now: breast, VIA"))
        try session.backHomeFromCard()
        try session.keys("2")
        screen = try session.waitFor("Due & overdue")
        screen = try session.waitFor("सुनीता देवी F ~50")
        #expect(screen.contains("breast, VIA"))
        try session.keys("C-c")
        try session.waitFor("[exited with 0]")
    }
}
