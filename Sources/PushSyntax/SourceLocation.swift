/// A point in a source file: 1-based line and column plus the UTF-8 byte offset.
///
/// Columns count Unicode scalars from the start of the line (a tab counts as
/// one), so `é` and `日` each take one column. The lexer counts them as it goes,
/// which keeps a 10 MB single-line file linear instead of recounting per token.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, in Unicode scalars from the start of the line.
    public var column: Int
    /// 0-based offset in UTF-8 bytes from the start of the file.
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// The first character of a file.
    public static let start = SourceLocation(line: 1, column: 1, offset: 0)

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        lhs.offset < rhs.offset
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A stretch of source text in a named file, from `start` up to (not including) `end`.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    /// The file's name as given to `SourceFile` (a path, `<stdin>`, `<prompt>`, `-c`).
    public var file: String
    /// The first character of the range.
    public var start: SourceLocation
    /// Just past the last character (equal to `start` for an empty range).
    public var end: SourceLocation

    public init(file: String, start: SourceLocation, end: SourceLocation) {
        self.file = file
        self.start = start
        self.end = end
    }

    /// An empty range at one location.
    public init(file: String, at location: SourceLocation) {
        self.init(file: file, start: location, end: location)
    }

    /// The range from the start of `self` to the end of `other`.
    public func through(_ other: SourceRange) -> SourceRange {
        SourceRange(file: file, start: start, end: max(end, other.end))
    }

    /// The 1-based line where the range starts.
    public var line: Int { start.line }
    /// The 1-based column where the range starts.
    public var column: Int { start.column }
    /// Byte offsets of the range in the file's UTF-8 text.
    public var byteRange: Range<Int> { start.offset..<max(start.offset, end.offset) }

    /// `file:line:column`, the prefix of a rendered diagnostic.
    public var description: String { "\(file):\(start.line):\(start.column)" }
}

/// A value together with the place in the source it was written.
///
/// Used for the words of a command (a state name, a region, an entity type)
/// so that the checker and the interpreter can point at the exact word.
public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var range: SourceRange

    public init(_ value: Value, _ range: SourceRange) {
        self.value = value
        self.range = range
    }
}

/// A bare word or name as written in the source, with its range.
public typealias Word = Located<String>
