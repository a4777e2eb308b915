import ArogyaCore

/// One line of a screen's key table: the keys, what they do, and how the footer and help name it.
public struct KeyBinding<Action: Sendable>: Sendable {
    public let keys: [Key]
    /// A word or two for the footer ("Save").
    public let label: StringKey
    /// A sentence for the help screen.
    public let help: StringKey
    /// Whether the footer shows it; the help screen shows every binding.
    public let inFooter: Bool
    /// How the keys are named when listing each would be too long ("1-6").
    public let keyLabel: String?
    let resolve: @Sendable (Key) -> Action

    /// Binds keys to one action.
    public init(_ action: Action, keys: [Key], label: StringKey, help: StringKey, inFooter: Bool = true) {
        self.keys = keys
        self.label = label
        self.help = help
        self.inFooter = inFooter
        self.keyLabel = nil
        self.resolve = { _ in action }
    }

    /// Binds a family of keys (the digits of a menu) to an action that depends on the key.
    public init(keys: [Key], keyLabel: String, label: StringKey, help: StringKey, inFooter: Bool = true,
                resolve: @escaping @Sendable (Key) -> Action) {
        self.keys = keys
        self.label = label
        self.help = help
        self.inFooter = inFooter
        self.keyLabel = keyLabel
        self.resolve = resolve
    }

    public var hint: KeyHint {
        KeyHint(keys: keys, keyLabel: keyLabel, label: label, help: help, inFooter: inFooter)
    }
}

/// A binding without its action: what the footer and the help screen need.
public struct KeyHint: Equatable, Sendable {
    public let keys: [Key]
    public let keyLabel: String?
    public let label: StringKey
    public let help: StringKey
    public let inFooter: Bool

    public init(keys: [Key], keyLabel: String? = nil, label: StringKey, help: StringKey, inFooter: Bool = true) {
        self.keys = keys
        self.keyLabel = keyLabel
        self.label = label
        self.help = help
        self.inFooter = inFooter
    }

    /// "F2 ^S" or the family label.
    public func keysText(_ strings: StringTable, glyphs: Glyphs) -> String {
        keyLabel ?? keys.map { $0.label(strings, glyphs: glyphs) }.joined(separator: " ")
    }
}

/// A screen's keys: the single source for what a key does there, for the footer and for help.
public struct KeyTable<Action: Sendable>: Sendable {
    public let bindings: [KeyBinding<Action>]

    public init(_ bindings: [KeyBinding<Action>]) {
        self.bindings = bindings
    }

    public func action(for key: Key) -> Action? {
        for binding in bindings where binding.keys.contains(key) {
            return binding.resolve(key)
        }
        return nil
    }

    public var hints: [KeyHint] { bindings.map(\.hint) }
}

/// Keys that work on every screen. They are shown at the end of every footer and on the help screen.
public enum GlobalKeys {
    public static let help: [Key] = [.function(1), .char("?")]
    public static let redraw: [Key] = [.ctrl("l")]
    public static let quit: [Key] = [.ctrl("c")]

    public static let hints: [KeyHint] = [
        KeyHint(keys: help, label: .actionHelp, help: .helpGlobalHelp),
        KeyHint(keys: redraw, label: .actionRedraw, help: .helpGlobalRedraw, inFooter: false),
        KeyHint(keys: quit, label: .actionQuit, help: .helpGlobalQuit, inFooter: false),
    ]
}
