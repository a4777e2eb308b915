import Foundation

/// The protocol files under `assets/protocols/`, all read and checked together so that a broken file is
/// found at start, not in the middle of a screening.
public struct ProtocolLibrary: Sendable {
    public let protocols: [ScreeningProtocol]

    public init(protocols: [ScreeningProtocol]) {
        self.protocols = protocols
    }

    public enum LoadError: Error, CustomStringConvertible {
        case file(ProtocolFileError)
        case unreadable(path: String)
        case noNationalFile(folder: String)
        case conflict(String)

        public var description: String {
            switch self {
            case .file(let error): return "protocol file \(error)"
            case .unreadable(let path): return "cannot read the protocol file \(path)"
            case .noNationalFile(let folder): return "no national protocol file (one with \"states\": []) in \(folder)"
            case .conflict(let text): return text
            }
        }
    }

    public static func load(from assets: AssetDirectory) throws(LoadError) -> ProtocolLibrary {
        let folder = assets.path(for: "protocols")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".json") }
            .sorted()
        var protocols: [ScreeningProtocol] = []
        for name in names {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
            do {
                protocols.append(try ScreeningProtocol.read(text: String(decoding: data, as: UTF8.self), source: name))
            } catch {
                throw .file(error)
            }
        }
        let library = ProtocolLibrary(protocols: protocols)
        try library.checkConsistency(folder: folder)
        return library
    }

    /// Reads one file given on the command line (`--protocol FILE`).
    public static func loadFile(_ path: String) throws(LoadError) -> ScreeningProtocol {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        do {
            return try ScreeningProtocol.read(text: String(decoding: data, as: UTF8.self), source: path)
        } catch {
            throw .file(error)
        }
    }

    /// The protocol for a facility's state: the newest version of a file naming the state, else the newest
    /// national file.
    public func protocolFor(state: String?) -> ScreeningProtocol {
        let forState = protocols.filter { file in state.map { file.states.contains($0) } ?? false }
        let candidates = forState.isEmpty ? protocols.filter(\.states.isEmpty) : forState
        return candidates.max { ProtocolVersion($0.version)! < ProtocolVersion($1.version)! }!
    }

    /// The protocol that judged a stored screening, to show it again as it was judged.
    public func protocolWith(id: String, version: String) -> ScreeningProtocol? {
        protocols.first { $0.id == id && $0.version == version }
    }

    private func checkConsistency(folder: String) throws(LoadError) {
        guard protocols.contains(where: \.states.isEmpty) else { throw .noNationalFile(folder: folder) }
        var seen: [String: String] = [:]
        for file in protocols {
            let key = file.id + " " + file.version
            if let other = seen[key] {
                throw .conflict("protocol files \(other) and \(file.source) both say id \"\(file.id)\" version \(file.version)")
            }
            seen[key] = file.source
        }
        // Two different protocols for one state would make the choice depend on file names.
        var stateOwner: [String: String] = [:]
        for file in protocols {
            for state in file.states {
                if let owner = stateOwner[state], owner != file.id {
                    throw .conflict("protocols \"\(owner)\" and \"\(file.id)\" both claim state \(state)")
                }
                stateOwner[state] = file.id
            }
        }
    }
}
