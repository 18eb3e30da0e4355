import PushSyntax

/// A position as the protocol counts it: 0-based line, 0-based UTF-16 code unit.
public struct Position: Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var character: Int

    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    public var description: String { "\(line):\(character)" }
}

/// Converts between byte offsets in a file's UTF-8 text (what `SourceLocation`
/// carries) and LSP positions (lines and UTF-16 code units).
///
/// Byte offsets are exact where the checker's columns are not (they count
/// Unicode scalars), so conversion goes through them: `日` is one column, three
/// bytes and one UTF-16 unit; `😀` is one column, four bytes and two units.
public struct LineTable: Sendable {
    let bytes: [UInt8]
    /// The byte offset where each line starts; line breaks are `\n` (a `\r`
    /// before it belongs to no column anyone can point at).
    let lineStarts: [Int]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == 10 { starts.append(index + 1) }
        lineStarts = starts
    }

    public init(_ source: SourceFile) { self.init(source.utf8) }

    /// The 0-based line holding a byte offset (clamped to the text).
    func line(ofByte offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The end of a line's text (before its `\n`).
    func lineEnd(_ line: Int) -> Int {
        line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : bytes.count
    }

    /// The LSP position of a byte offset.
    public func position(ofByte offset: Int) -> Position {
        let offset = min(max(offset, 0), bytes.count)
        let line = line(ofByte: offset)
        let text = String(decoding: bytes[lineStarts[line]..<offset], as: UTF8.self)
        return Position(line: line, character: text.utf16.count)
    }

    /// The byte offset of an LSP position; a position past the end of its line
    /// means the line's end, and one past the last line the end of the text.
    public func byteOffset(of position: Position) -> Int {
        guard position.line >= 0 else { return 0 }
        guard position.line < lineStarts.count else { return bytes.count }
        let start = lineStarts[position.line]
        let end = lineEnd(position.line)
        var units = 0
        var offset = start
        for scalar in String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars {
            if units >= position.character { break }
            units += scalar.utf16.count
            offset += scalar.utf8.count
        }
        return min(offset, end)
    }

    /// The LSP range of a source range.
    public func range(of range: SourceRange) -> (start: Position, end: Position) {
        let start = position(ofByte: range.start.offset)
        let end = position(ofByte: max(range.end.offset, range.start.offset))
        return (start, end)
    }

    /// The text of a line from its start up to a byte offset.
    public func linePrefix(upTo offset: Int) -> String {
        let offset = min(max(offset, 0), bytes.count)
        return String(decoding: bytes[lineStarts[line(ofByte: offset)]..<offset], as: UTF8.self)
    }

    /// The whole text of a 0-based line, without its line break.
    public func lineText(_ line: Int) -> String {
        guard line >= 0, line < lineStarts.count else { return "" }
        var end = lineEnd(line)
        if end > lineStarts[line], bytes[end - 1] == 13 { end -= 1 }
        return String(decoding: bytes[lineStarts[line]..<end], as: UTF8.self)
    }
}
