import ArogyaTesting
import Foundation
import Testing

/// A short run of `arogya-bench stress`: several processes writing one database, one killed at random.
@Suite("Many processes, one database", .serialized)
struct StressTests {
    @Test("Given three processes running every writing command on one database while one is killed at random, when it is over, then the file is sound and nothing acknowledged is lost, here or at the hub")
    func nothingAcknowledgedIsLost() throws {
        let folder = try TemporaryFolder()
        var options = MultiProcessStress.Options(arogya: BuiltProduct.arogya,
                                                 hub: (BuiltProduct.arogya as NSString).deletingLastPathComponent + "/arogya-hub",
                                                 folder: folder.path)
        options.workers = 3
        options.seconds = 20
        options.killEvery = 0.2...0.8
        options.seed = UInt64(Date().timeIntervalSince1970)
        let report = try MultiProcessStress(options).run()
        // The run must have tested something: commands of every kind, and kills among them.
        #expect(report.kills >= 5, "\(report)")
        #expect(report.totalAcknowledged >= 50, "\(report)")
        #expect(report.integrity == ["ok"], "\(report)")
        #expect(report.auditIntact, "\(report)")
        #expect(report.checkPassed == true, "\(report)")
        #expect(report.lost.isEmpty, "\(report)")
        #expect(report.notAtHub.isEmpty, "\(report)")
        #expect(report.unexpected.isEmpty, "\(report)")
    }
}
