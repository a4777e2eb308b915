import ArogyaCore
import ArogyaStore

/// A screen that is told things: the results of its background work and the answers of the screens it
/// opened arrive as one `Message`, an enum of the screen's own, so a screen handles every case it can be
/// sent and a result of the wrong kind does not compile.
@MainActor
protocol MessageScreen: Screen {
    associatedtype Message: Sendable
    func receive(_ message: Message) -> Effect
}

extension MessageScreen {
    /// Runs `work` off the main thread; what it returns comes back to this screen's `receive`, unless
    /// the screen has closed by then.
    func run(_ work: @escaping @Sendable () async -> Message) -> Effect {
        .run { [weak self] in
            let message = await work()
            return Reply { self?.receive(message) ?? .none }
        }
    }

    /// Opens `child`; its answer comes back to this screen's `receive` as the message `wrap` makes of it.
    func ask<Child: AnsweringScreen>(_ child: Child, _ wrap: @escaping @MainActor @Sendable (Child.Answer) -> Message) -> Effect {
        child.answerRoute.deliver = { [weak self] answer in self?.receive(wrap(answer)) ?? .none }
        return .push(child)
    }
}

/// A message that can say a store call failed, so that `runStore` can turn a thrown error into it.
protocol StoreFailureMessage: Sendable {
    static func storeFailed(_ message: UserMessage) -> Self
}

extension MessageScreen where Message: StoreFailureMessage {
    /// Runs a store call off the main thread; its message, or `.storeFailed` with the sentence for what
    /// went wrong, comes back to `receive`.
    func runStore(_ body: @escaping @Sendable () throws -> Message) -> Effect {
        run {
            do { return try body() } catch { return .storeFailed(StoreError.message(for: error)) }
        }
    }
}

/// A screen opened to answer a question (a dialog, a choice, a form that saves): when it closes with
/// `close(answering:)`, the answer goes to the screen that opened it with `ask`.
@MainActor
protocol AnsweringScreen: Screen {
    associatedtype Answer: Sendable
    var answerRoute: AnswerRoute<Answer> { get }
}

/// Where a screen's answer goes, set by `MessageScreen.ask`. A screen pushed without `ask` closes with
/// no one to tell.
@MainActor
final class AnswerRoute<Answer: Sendable> {
    fileprivate var deliver: (@MainActor @Sendable (Answer) -> Effect)?

    init() {}
}

extension AnsweringScreen {
    /// Closes this screen and hands `answer` to the screen that asked.
    func close(answering answer: Answer) -> Effect {
        guard let deliver = answerRoute.deliver else { return .pop }
        return .popAnswering(Reply { deliver(answer) })
    }
}
