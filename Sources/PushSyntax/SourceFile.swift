/// The text of one script, named for diagnostics.
///
/// `name` is what diagnostics print before `:line:col`: a path, `<stdin>`,
/// `<prompt>` or `-c`. Build it from raw bytes (`init(name:bytes:)`) when the
/// text comes from a file: the lexer then sees invalid UTF-8 exactly where it
/// is and reports it, instead of it being silently turned into U+FFFD.
public struct SourceFile: Sendable, Hashable {
    /// The name diagnostics use for this file.
    public let name: String
    /// The text, with any invalid UTF-8 replaced by U+FFFD.
    public let text: String
    /// The bytes the lexer reads: the original bytes, which may be invalid UTF-8.
    public let utf8: [UInt8]

    /// The folder that holds this file, used to resolve `include` paths;
    /// nil for `<stdin>`, `<prompt>`, `-c` and bare file names, which resolve
    /// against the current directory, unless one is given (a lesson's prompt
    /// reads paths from the lesson's folder but is still called `<prompt>`).
    public let directory: String?

    /// A source made from text that is already a valid Swift string.
    public init(name: String, text: String, directory: String? = nil) {
        self.name = name
        self.text = text
        self.utf8 = Array(text.utf8)
        self.directory = directory ?? Self.folder(of: name)
    }

    /// A source made from the bytes of a file, valid UTF-8 or not.
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.text = String(decoding: bytes, as: UTF8.self)
        self.utf8 = bytes
        self.directory = Self.folder(of: name)
    }

    private static func folder(of name: String) -> String? {
        guard !name.hasPrefix("<"), name != "-c", let slash = name.lastIndex(of: "/") else {
            return nil
        }
        return slash == name.startIndex ? "/" : String(name[..<slash])
    }

    /// Resolves a path written in this file (for `include`): absolute paths
    /// stay as they are, relative ones are taken from this file's folder.
    ///
    /// The result is normalised (`./`, `//` and `dir/..` folded), so one file
    /// spelled several ways is one file: include cycles are caught at once.
    public func resolve(path: String) -> String {
        if path.hasPrefix("/") { return Self.normalize(path) }
        guard let directory else { return Self.normalize(path) }
        return Self.normalize(directory == "/" ? "/" + path : directory + "/" + path)
    }

    /// `a/./b//c/../d` → `a/b/d`; keeps a leading `/` and leading `..`.
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == ".." && absolute && parts.isEmpty { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The number of lines (a final newline does not start a new line).
    public var lineCount: Int {
        var count = 1
        for byte in utf8 where byte == UInt8(ascii: "\n") { count += 1 }
        if utf8.last == UInt8(ascii: "\n") { count -= 1 }
        return max(count, 1)
    }

    /// The text of a 1-based line without its line break, or "" past the end.
    public func lineText(_ line: Int) -> String {
        guard line >= 1 else { return "" }
        var current = 1
        var start = 0
        if line > 1 {
            var index = 0
            while index < utf8.count {
                if utf8[index] == UInt8(ascii: "\n") {
                    current += 1
                    if current == line {
                        start = index + 1
                        break
                    }
                }
                index += 1
            }
            if current != line { return "" }
        }
        var end = start
        while end < utf8.count, utf8[end] != UInt8(ascii: "\n") { end += 1 }
        if end > start, utf8[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }

    /// The source text covered by a range (for hints that quote the user's code).
    public func text(in range: SourceRange) -> String {
        let lower = min(max(range.start.offset, 0), utf8.count)
        let upper = min(max(range.end.offset, lower), utf8.count)
        return String(decoding: utf8[lower..<upper], as: UTF8.self)
    }
}
