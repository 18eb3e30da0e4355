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

    /// Drops every entry `predicate` picks and rewrites the file without them
    /// (atomically, mode 0600); returns how many went. The file is read again
    /// first, so entries another shell appended meanwhile are kept (and
    /// scrubbed too).
    @discardableResult
    public func remove(where predicate: (String) -> Bool) -> Int {
        if let data = FileManager.default.contents(atPath: path) {
            entries = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map {
                Self.decode(String($0))
            }
        }
        let before = entries.count
        entries.removeAll(where: predicate)
        let removed = before - entries.count
        if removed > 0 { rewrite() }
        return removed
    }

    private func append(_ line: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    private func rewrite() {
        let text = entries.map(Self.encode).joined(separator: "\n") + "\n"
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        rename(temporary, path)
    }

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
