/// A message for a person, named by its key in the string table and the values it mentions.
///
/// Domain rules and the store report problems with these; the screen or the command line turns them into
/// text through a `StringTable`, so no sentence is written in code.
public struct UserMessage: Error, Hashable, Sendable {
    public let key: StringKey
    public let arguments: [String: String]

    public init(_ key: StringKey, _ arguments: [String: String] = [:]) {
        self.key = key
        self.arguments = arguments
    }
}
