/// What a supervisor did with a screening. Each is a record of its own (`RecordType.review`), so a
/// review made offline travels like any other record and nothing about a screening is ever overwritten.
public enum ReviewAction: String, CaseIterable, Hashable, Sendable {
    /// Looked at and found right (a comment may go with it).
    case reviewed
    /// A remark only: the screening's state does not change.
    case comment
    /// Sent back to the worker who saved it, with the reason, to be corrected.
    case sentBack = "sent_back"
}

/// Where a screening stands with its supervisor, from its reviews and its corrections. Stable text: the
/// register's JSON and CSV carry the raw value.
public enum ReviewState: String, CaseIterable, Hashable, Sendable {
    case reviewed
    /// Sent back and not yet corrected.
    case sentBack = "sent_back"
    /// Corrected after being sent back, and not reviewed since.
    case corrected
}

/// One review as saved.
public struct ScreeningReview: Hashable, Sendable, Identifiable {
    public let id: String
    public let screeningId: String
    public let action: ReviewAction
    /// Why it was sent back; nil for the other actions.
    public let reason: String?
    public let comment: String?
    /// The supervisor's login name.
    public let reviewedBy: String
    public let at: Timestamp

    public init(id: String, screeningId: String, action: ReviewAction, reason: String?, comment: String?, reviewedBy: String, at: Timestamp) {
        self.id = id
        self.screeningId = screeningId
        self.action = action
        self.reason = reason
        self.comment = comment
        self.reviewedBy = reviewedBy
        self.at = at
    }
}

/// A screening's reviews, oldest first, and what they add up to.
public struct ReviewHistory: Hashable, Sendable {
    public let reviews: [ScreeningReview]
    /// The send-back the screening's current version answers (set when it was corrected).
    public let answeredReview: String?

    public init(reviews: [ScreeningReview], answeredReview: String?) {
        self.reviews = reviews
        self.answeredReview = answeredReview
    }

    /// The last review that decided something: a comment changes nothing, a correction answers the
    /// send-back it names and no other (a second send-back after a correction needs its own).
    public var state: ReviewState? {
        guard let decisive = reviews.last(where: { $0.action != .comment }) else { return nil }
        switch decisive.action {
        case .reviewed: return .reviewed
        case .sentBack: return answeredReview == decisive.id ? .corrected : .sentBack
        case .comment: return nil
        }
    }

    /// The send-back waiting for a correction, if any.
    public var openSendBack: ScreeningReview? {
        guard state == .sentBack else { return nil }
        return reviews.last { $0.action == .sentBack }
    }

    public var isEmpty: Bool { reviews.isEmpty }
}

/// What a review must hold, wherever it is written (the screen, `review mark`, the hub, a pull).
public enum ReviewRules {
    public static let textLength = 500

    /// A reason or a comment: one line, cleaned, not too long; nil when nothing is left of it (then
    /// `check` says what was missing).
    public static func text(_ raw: String) throws(UserMessage) -> String? {
        let text = TextSanitizer.singleLine(raw)
        if text.isEmpty { return nil }
        guard text.count <= textLength else { throw UserMessage(.errorTextTooLong, ["max": String(textLength)]) }
        return text
    }

    /// A worker never reviews her own screening, and only supervisors review.
    public static func mayReview(screeningRecordedBy author: String, reviewer: String, reviewerRole: Role) throws(UserMessage) {
        guard reviewerRole == .supervisor else { throw UserMessage(.errorSupervisorOnly) }
        guard author != reviewer else { throw UserMessage(.errorReviewOwnScreening) }
    }

    /// A send-back needs its reason; a comment needs its text; a review may carry a comment.
    public static func check(action: ReviewAction, reason: String?, comment: String?) throws(UserMessage) {
        switch action {
        case .sentBack where reason == nil: throw UserMessage(.errorReviewReasonMissing)
        case .comment where comment == nil: throw UserMessage(.errorReviewTextEmpty)
        case .reviewed, .comment:
            if reason != nil { throw UserMessage(.errorReviewReasonOnlyForSendBack) }
        case .sentBack: break
        }
    }
}
