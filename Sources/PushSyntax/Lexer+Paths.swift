/// Paths written without quotes (`from examples/data/users.jsonl`).
///
/// A path is a string in pushsh, but a newcomer types it as in a shell. The
/// tokens it would make (`examples`, `/`, `data`...) only give misleading
/// errors, one per slash, so the parser asks the lexer for the whole
/// unquoted run first and reports it once, quoted.
extension Lexer {
    /// The file name endings that make a bare `name.ext` a path rather than a
    /// key of a variable (no script keeps a path under a key named `jsonl`).
    static let pathExtensions: Set<String> = ["json", "jsonl", "ndjson", "csv", "tsv", "txt", "push", "pem", "key"]

    /// When the text at `start` (where the current token began) is an unquoted
    /// path, takes all of it, forgets what the lexer said about its pieces and
    /// returns it with its range; nil (and nothing changed) otherwise.
    mutating func takeUnquotedPath(at start: SourceLocation) -> (text: String, range: SourceRange)? {
        guard start.offset < bytes.count, start.offset <= position else { return nil }
        let first = bytes[start.offset]
        guard Self.isWordByte(first) || first == UInt8(ascii: ".") || first == UInt8(ascii: "/") || first == UInt8(ascii: "~")
        else { return nil }
        var end = start.offset
        while end < bytes.count, !Self.endsUnquotedPath(bytes[end]) { end += 1 }
        let text = String(decoding: bytes[start.offset..<end], as: UTF8.self)
        guard end >= position, Self.looksLikePath(text) else { return nil }
        diagnostics.removeAll { $0.range.start.offset >= start.offset && $0.range.start.offset < end }
        column = start.column + text.unicodeScalars.count
        position = end
        lastKind = .string(text)
        return (text, SourceRange(file: source.name, start: start, end: location))
    }

    /// Where an unquoted path stops: white space, the end of the statement, a quote or a comment.
    private static func endsUnquotedPath(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ";"),
            UInt8(ascii: "\""), UInt8(ascii: "#"):
            true
        default: false
        }
    }

    /// A slash, a leading `~` or `./`, or a name that ends in a data file's extension.
    static func looksLikePath(_ text: String) -> Bool {
        if text.hasSuffix("\\") { return false }  // a continued line, not a Windows path
        if text.contains("/") || text.contains("\\") || text.hasPrefix("~") { return true }
        guard let dot = text.lastIndex(of: "."), dot != text.startIndex else { return false }
        return pathExtensions.contains(text[text.index(after: dot)...].lowercased())
    }
}
