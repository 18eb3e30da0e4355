import Foundation

/// The shell's history on disk: `~/.pushsh_history` (or `PUSHSH_HISTORY`),
/// mode 0600, one entry a line (a multi-line entry has its line breaks
/// written as `\\n`), consecutive duplicates dropped, at most `limit` entries.
public final class HistoryFile {
    public let path: String
    public let limit: Int
    public private(set) var entries: [String] = []
    /// Set when the file exists and others may read it.
    public private(set) var permissionWarning: String?
    /// Puts the rewritten file in place: rename(2), which a test replaces
    /// by a failing one where it cannot make the real one fail.
    var replaceFile: (_ from: String, _ to: String) -> Int32 = { Foundation.rename($0, $1) }

    public init(path: String, limit: Int = 2000) {
        self.path = path
        self.limit = limit
    }

    /// Where history goes for this environment.
    public static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["PUSHSH_HISTORY"], !path.isEmpty { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.pushsh_history"
    }

    /// Reads the file (a missing one is an empty history); trims it to the limit.
    public func load() {
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = attributes[.posixPermissions] as? NSNumber, mode.intValue & 0o077 != 0
        {
            permissionWarning =
                "\(path) can be read by others (mode \(String(mode.intValue & 0o777, radix: 8))); fix with: chmod 600 \(path)"
        }
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        entries = text.split(separator: "\n", omittingEmptySubsequences: true).map { Self.decode(String($0)) }
        if entries.count > limit {
            entries = Array(entries.suffix(limit))
            rewrite()
        }
    }

    /// Adds an entry and appends it to the file; returns false when it was dropped.
    @discardableResult
    public func add(_ entry: String) -> Bool {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed != entries.last else { return false }
        entries.append(trimmed)
        if entries.count > limit * 5 / 4 {
            entries = Array(entries.suffix(limit))
            rewrite()
        } else {
            append(Self.encode(trimmed) + "\n")
        }
        return true
    }

    /// What `remove(where:)` did to the file.
    public enum Removal: Equatable, Sendable {
        /// This many entries went from the file (0: none held it).
        case removed(Int)
        /// This many entries should have gone, but the file could not be
        /// rewritten: it is as it was (the entries still in it), for this reason.
        case failed(Int, reason: String)
    }

    /// Drops every entry `predicate` picks and rewrites the file without them
    /// (mode 0600), replacing it only once the new one is wholly on disk. The
    /// file is read again first, so entries another shell appended meanwhile
    /// are kept (and scrubbed too).
    @discardableResult
    public func remove(where predicate: (String) -> Bool) -> Removal {
        if let data = FileManager.default.contents(atPath: path) {
            entries = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map {
                Self.decode(String($0))
            }
        }
        let before = entries.count
        entries.removeAll(where: predicate)
        let removed = before - entries.count
        guard removed > 0 else { return .removed(0) }
        if let failure = rewrite() { return .failed(removed, reason: failure) }
        return .removed(removed)
    }

    private func append(_ line: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Writes the entries to a temporary file beside the history and renames
    /// it over the history once every byte is written and synced; nil then.
    /// On any failure the history is left as it was, the temporary file is
    /// removed, and the reason is returned (a full disk must not leave a
    /// history cut short, nor a rename that failed a key on disk unsaid).
    @discardableResult
    private func rewrite() -> String? {
        let text = entries.map(Self.encode).joined(separator: "\n") + "\n"
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return "\(temporary) cannot be created: \(Self.reason(errno))" }
        var problem: String?
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count && problem == nil {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                problem = "\(temporary) cannot be written: \(Self.reason(written < 0 ? errno : EIO))"
            }
        }
        if problem == nil && fsync(fd) != 0 { problem = "\(temporary) cannot be written: \(Self.reason(errno))" }
        if close(fd) != 0 && problem == nil { problem = "\(temporary) cannot be written: \(Self.reason(errno))" }
        if problem == nil && replaceFile(temporary, path) != 0 {
            problem = "\(path) cannot be replaced: \(Self.reason(errno))"
        }
        if problem != nil { unlink(temporary) }
        return problem
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func encode(_ entry: String) -> String {
        entry.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func decode(_ line: String) -> String {
        var out = ""
        var escaped = false
        for c in line {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}
