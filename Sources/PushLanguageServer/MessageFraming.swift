import Foundation

/// What the next read of the byte stream gives.
public enum Frame: Equatable, Sendable {
    /// The body of one message (its `Content-Length` bytes).
    case message([UInt8])
    /// Bytes that are not a well-formed message; they have been skipped.
    case malformed(String)
    /// The stream ended.
    case end
}

/// Splits a byte stream into LSP messages: headers (`Content-Length: N`,
/// optionally `Content-Type`), a blank line, then N bytes of JSON.
///
/// It never trusts the stream: a header block without `Content-Length`, a
/// length that is not a number, a header block that never ends or a body
/// larger than `maxBodyBytes` is reported as `.malformed` and skipped, and
/// reading goes on with the next message.
public struct MessageReader {
    /// The largest body accepted; a larger one is read and thrown away, not kept.
    public static let maxBodyBytes = 64 << 20
    /// A header block longer than this is garbage, not headers.
    static let maxHeaderBytes = 16 << 10

    /// Fills the buffer with up to `count` bytes; returns 0 at the end of the stream.
    let readSome: (inout [UInt8], Int) -> Int
    private var buffer: [UInt8] = []
    /// Where unread bytes start in `buffer` (compacted now and then).
    private var start = 0
    private var ended = false

    /// - Parameter readSome: appends up to `count` bytes to its argument and
    ///   returns how many; 0 means the stream ended.
    public init(readSome: @escaping (inout [UInt8], Int) -> Int) {
        self.readSome = readSome
    }

    /// A reader of a file descriptor (standard input for `pushsh lsp`).
    public static func fileDescriptor(_ fd: Int32) -> MessageReader {
        MessageReader { buffer, count in
            var chunk = [UInt8](repeating: 0, count: count)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return 0 }
                buffer.append(contentsOf: chunk[0..<n])
                return n
            }
        }
    }

    /// A reader over bytes already in memory (tests).
    public static func bytes(_ bytes: [UInt8]) -> MessageReader {
        var rest = bytes[...]
        return MessageReader { buffer, count in
            let piece = rest.prefix(count)
            rest = rest.dropFirst(piece.count)
            buffer.append(contentsOf: piece)
            return piece.count
        }
    }

    private var available: Int { buffer.count - start }

    /// Reads more bytes; false at the end of the stream.
    private mutating func fill() -> Bool {
        if ended { return false }
        if start > 1 << 20 || (start > 0 && start == buffer.count) {
            buffer.removeFirst(start)
            start = 0
        }
        if readSome(&buffer, 65_536) == 0 {
            ended = true
            return false
        }
        return true
    }

    /// The next message, or why the bytes before it were skipped, or the end.
    public mutating func next() -> Frame {
        while true {
            // Blank lines between messages are tolerated.
            while available > 0, buffer[start] == 13 || buffer[start] == 10 { start += 1 }
            if let headerEnd = findHeaderEnd() {
                let header = String(decoding: buffer[start..<headerEnd.headers], as: UTF8.self)
                guard let length = Self.contentLength(in: header) else {
                    // Garbage glued to the front of a real header: skip to the header.
                    if let marker = markerIndex(from: start + 1, before: headerEnd.headers) {
                        let skipped = marker - start
                        start = marker
                        return .malformed("\(skipped) bytes that are not a message header were skipped")
                    }
                    start = headerEnd.body
                    return .malformed("a message header without a valid Content-Length: \(header.prefix(80).debugDescription)")
                }
                start = headerEnd.body
                if length > Self.maxBodyBytes {
                    skip(length)
                    return .malformed("a message of \(length) bytes is larger than the \(Self.maxBodyBytes) bytes accepted")
                }
                while available < length {
                    if !fill() {
                        start = buffer.count
                        return .malformed("the stream ended inside a message (\(length) bytes announced)")
                    }
                }
                let body = Array(buffer[start..<start + length])
                start += length
                return .message(body)
            }
            if available > Self.maxHeaderBytes {
                // Not headers: drop everything up to the next "Content-Length" if there is one.
                let skipped = resynchronize()
                return .malformed("\(skipped) bytes that are not a message header were skipped")
            }
            if !fill() {
                if available == 0 { return .end }
                let text = String(decoding: buffer[start...].prefix(80), as: UTF8.self)
                start = buffer.count
                return .malformed("the stream ended inside a message header: \(text.debugDescription)")
            }
        }
    }

    /// The end of the header block (`\r\n\r\n`, or `\n\n` from lenient clients).
    private func findHeaderEnd() -> (headers: Int, body: Int)? {
        var i = start
        while i < buffer.count {
            if buffer[i] == 10 {
                if i + 1 < buffer.count, buffer[i + 1] == 10 { return (i, i + 2) }
                if i + 2 < buffer.count, buffer[i + 1] == 13, buffer[i + 2] == 10 { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// `Content-Length` (any case), the only header that matters; nil when missing or not a number.
    static func contentLength(in header: String) -> Int? {
        for line in header.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard name == "content-length" else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty, value.count <= 12, value.allSatisfy(\.isASCII), let n = Int(value), n >= 0 else { return nil }
            return n
        }
        return nil
    }

    /// Reads and throws away `count` bytes of a body too large to keep.
    private mutating func skip(_ count: Int) {
        var left = count
        while left > 0 {
            if available == 0 && !fill() { return }
            let n = min(left, available)
            start += n
            left -= n
        }
    }

    /// Where `Content-Length` (any case) starts at or after `from` and before `end`, if it does.
    private func markerIndex(from: Int, before end: Int) -> Int? {
        let marker = Array("content-length".utf8)
        var i = from
        while i + marker.count <= end {
            if marker.indices.allSatisfy({ (buffer[i + $0] | 0x20) == marker[$0] }) { return i }
            i += 1
        }
        return nil
    }

    /// Skips to the next `Content-Length` in the buffer (or keeps only the
    /// last few bytes, which may be its start); returns how many bytes went.
    private mutating func resynchronize() -> Int {
        let before = start
        if let marker = markerIndex(from: start + 1, before: buffer.count) {
            start = marker
        } else {
            start = max(start, buffer.count - "content-length".utf8.count)
        }
        return start - before
    }
}

/// Writes LSP messages: `Content-Length: N\r\n\r\n` then the JSON body.
public struct MessageWriter: Sendable {
    let writeAll: @Sendable ([UInt8]) -> Void

    public init(writeAll: @escaping @Sendable ([UInt8]) -> Void) {
        self.writeAll = writeAll
    }

    /// A writer to a file descriptor; a closed pipe loses the message, never the process
    /// (`pushsh lsp` ignores SIGPIPE).
    public static func fileDescriptor(_ fd: Int32) -> MessageWriter {
        MessageWriter { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// Frames and writes one JSON body.
    public func send(_ body: [UInt8]) {
        writeAll(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }
}
