import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the database file is, and how its folder and file are made private on first use.
public enum DatabaseLocation {
    /// `--db PATH` first, then `AROGYA_DB`, then `$XDG_DATA_HOME/arogya/arogya.sqlite`, then
    /// `~/.local/share/arogya/arogya.sqlite`. A relative `XDG_DATA_HOME` is ignored, as the XDG
    /// specification asks.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return absolute(explicit) }
        if let fromEnvironment = environment["AROGYA_DB"], !fromEnvironment.isEmpty { return absolute(fromEnvironment) }
        if let dataHome = environment["XDG_DATA_HOME"], dataHome.hasPrefix("/") {
            return dataHome + "/arogya/arogya.sqlite"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/arogya/arogya.sqlite"
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSHomeDirectory() + String(path.dropFirst(1)) }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Creates the missing folders of `path` with mode 0700 and an empty file with mode 0600, so that
    /// patient data is never readable by other users of a shared machine, whatever the umask.
    static func createPrivateFile(at path: String) throws(StoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        var missing: [String] = []
        var current = directory
        while !current.isEmpty, current != "/", !FileManager.default.fileExists(atPath: current) {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        for folder in missing.reversed() {
            if mkdir(folder, 0o700) != 0 && errno != EEXIST {
                throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
            }
        }
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return }
            throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        close(descriptor)
    }
}
