import ArogyaCore
import ArogyaStore

/// A screening sent back by a supervisor, opened to be corrected: what it was, the protocol it was judged
/// by, and the send-back it answers.
struct ScreeningCorrection: Sendable {
    let screening: ScreeningSummary
    let input: ScreeningInput
    let rules: ScreeningProtocol
    let sendBack: ScreeningReview
}
